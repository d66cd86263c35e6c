/*
 * impact_report.c - the impact of a change as text, JSON, Markdown (for
 * change tickets) or one Nagios status line with perfdata.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "impact.h"
#include "json.h"
#include "markdown.h"
#include "nagios.h"

static const char *const status_names[] = { "OK", "WARNING", "CRITICAL" };

static const char *sev_color(enum severity s, bool color)
{
	if (!color)
		return "";
	return s == SEV_CRITICAL ? "\033[1;31m" : s == SEV_WARNING ? "\033[33m" : "\033[36m";
}

/* "1 critical, 2 warnings introduced; 1 resolved" */
static void counts_line(FILE *out, const struct impact *im)
{
	const size_t *c = im->counts;

	if (!im->introduced.n)
		fputs("nothing introduced", out);
	else
		fprintf(out, "%zu critical, %zu warning%s, %zu info introduced", c[SEV_CRITICAL],
			c[SEV_WARNING], c[SEV_WARNING] == 1 ? "" : "s", c[SEV_INFO]);
	fprintf(out, "; %zu resolved; %zu other change%s", im->resolved.n, im->nchanges,
		im->nchanges == 1 ? "" : "s");
}

static void text_items(FILE *out, const char *title, const struct impact_list *l, bool color)
{
	if (!l->n)
		return;
	fprintf(out, "%s:\n", title);
	for (size_t i = 0; i < l->n; i++) {
		const struct impact_item *it = &l->v[i];
		fprintf(out, "  %s%-8s%s %s  %s  [%s]\n", sev_color(it->f.sev, color),
			severity_name(it->f.sev), color ? "\033[0m" : "", it->f.code,
			it->f.subject, it->scope);
		fprintf(out, "           %s\n", it->f.message);
		for (size_t k = 0; k < it->causes.n; k++)
			fprintf(out, "           %s %s\n", k ? "       " : "because:", it->causes.v[k]);
	}
}

static void text_reach(FILE *out, const struct impact *im)
{
	if (!im->nreach)
		return;
	fputs("mail ports (sources allowed, before -> after):\n", out);
	for (size_t i = 0; i < im->nreach; i++) {
		const struct impact_reach *r = &im->reach[i];
		fprintf(out, "  firewall %s %s: %s -> %s", r->firewall, r->to, r->before, r->after);
		if ((r->nat_before || r->nat_after) &&
		    (!r->nat_before || !r->nat_after || strcmp(r->nat_before, r->nat_after)))
			fprintf(out, " (forwarded to %s -> %s)", r->nat_before ? r->nat_before : "-",
				r->nat_after ? r->nat_after : "-");
		fputc('\n', out);
	}
}

static void print_text(FILE *out, const struct impact *im, bool color)
{
	fputs("\nimpact: ", out);
	counts_line(out, im);
	fputc('\n', out);
	text_items(out, "introduced", &im->introduced, color);
	text_items(out, "resolved", &im->resolved, color);
	text_reach(out, im);
	if (im->nchanges)
		fputs("other changes (info):\n", out);
	for (size_t i = 0; i < im->nchanges; i++)
		fprintf(out, "  %s: %c %s\n", im->changes[i].scope, im->changes[i].op,
			im->changes[i].text);
}

/* ---- JSON ---------------------------------------------------------- */

/* "a/n,b/m" as a JSON array of CIDRs; "" is the empty set. */
static json_t *json_cidrs(const char *joined)
{
	json_t *arr = jarr();
	char *copy = xstrdup(joined), *save = NULL;

	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		jpush_str(arr, c);
	free(copy);
	return arr;
}

static json_t *json_items(const struct impact_list *l)
{
	json_t *arr = jarr();

	for (size_t i = 0; i < l->n; i++) {
		const struct impact_item *it = &l->v[i];
		json_t *o = jobj(), *causes = jarr();
		jset_str(o, "scope", it->scope);
		jset_str(o, "severity", severity_name(it->f.sev));
		jset_str(o, "code", it->f.code);
		jset_str(o, "subject", it->f.subject);
		jset_str(o, "message", it->f.message);
		jset_str(o, "evidence", it->f.evidence);
		for (size_t k = 0; k < it->causes.n; k++)
			jpush_str(causes, it->causes.v[k]);
		jset(o, "causes", causes);
		jpush(arr, o);
	}
	return arr;
}

json_t *impact_json(const struct impact *im)
{
	json_t *o = jobj(), *sum = jobj(), *reach = jarr(), *ch = jarr();
	bool any;
	enum severity worst = impact_worst(im, &any);

	jset_str(o, "worst", any ? severity_name(worst) : NULL);
	jset_int(o, "exit", impact_exit_code(im));
	jset_int(sum, "critical", (long long)im->counts[SEV_CRITICAL]);
	jset_int(sum, "warning", (long long)im->counts[SEV_WARNING]);
	jset_int(sum, "info", (long long)im->counts[SEV_INFO]);
	jset_int(sum, "resolved", (long long)im->resolved.n);
	jset_int(sum, "changes", (long long)im->nchanges);
	jset(o, "summary", sum);
	jset(o, "introduced", json_items(&im->introduced));
	jset(o, "resolved", json_items(&im->resolved));
	for (size_t i = 0; i < im->nreach; i++) {
		const struct impact_reach *r = &im->reach[i];
		json_t *x = jobj();
		jset_str(x, "firewall", r->firewall);
		jset_str(x, "to", r->to);
		jset(x, "before", json_cidrs(r->before_cidrs));
		jset(x, "after", json_cidrs(r->after_cidrs));
		jset_str(x, "before_text", r->before);
		jset_str(x, "after_text", r->after);
		jset_str(x, "forwarded_before", r->nat_before);
		jset_str(x, "forwarded_after", r->nat_after);
		jpush(reach, x);
	}
	jset(o, "reach", reach);
	for (size_t i = 0; i < im->nchanges; i++) {
		json_t *x = jobj();
		char op[2] = { im->changes[i].op, '\0' };
		jset_str(x, "scope", im->changes[i].scope);
		jset_str(x, "op", op);
		jset_str(x, "change", im->changes[i].text);
		jpush(ch, x);
	}
	jset(o, "changes", ch);
	return o;
}

static int print_json(FILE *out, const struct impact *im, const char *from, const char *to)
{
	json_t *root = jroot();
	int r;

	jset_str(root, "from", from);
	jset_str(root, "to", to);
	jset(root, "impact", impact_json(im));
	r = jprint(out, root);
	jfree(root);
	return r;
}

/* ---- Markdown ------------------------------------------------------ */

/* Cells longer than this are folded: a report pasted in a ticket stays readable. */
#define MD_CELL_MAX 100

/* A table cell and the bar that closes it. */
static void md_cell(FILE *out, const char *s, bool code)
{
	fputc(' ', out);
	md_escape(out, s, code);
	fputs(" |", out);
}

/*
 * A cell that may be long (record keys, netblock lists): up to
 * MD_CELL_MAX bytes (cut between UTF-8 characters), then "… [N]"; the
 * whole text goes to folded, printed after the table by md_folded().
 */
static void md_cell_fold(FILE *out, const char *s, bool code, struct strlist *folded)
{
	size_t cut = MD_CELL_MAX;
	char *head, *mark;

	if (strlen(s) <= MD_CELL_MAX) {
		md_cell(out, s, code);
		return;
	}
	while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	head = xstrndup(s, cut);
	sl_push(folded, s);
	mark = xasprintf("… [%zu]", folded->n);
	fputc(' ', out);
	md_escape(out, head, code);
	fprintf(out, " %s |", mark);
	free(mark);
	free(head);
}

/* The whole text of the folded cells, in a block a ticket shows closed. */
static void md_folded(FILE *out, struct strlist *folded)
{
	if (!folded->n)
		return;
	fprintf(out, "\n<details><summary>%zu long cell%s in full</summary>\n\n", folded->n,
		folded->n == 1 ? "" : "s");
	for (size_t i = 0; i < folded->n; i++) {
		fprintf(out, "- [%zu] ", i + 1);
		md_escape(out, folded->v[i], false);
		fputc('\n', out);
	}
	fputs("\n</details>\n", out);
	sl_release(folded);
}

static void md_items(FILE *out, const char *title, const struct impact_list *l)
{
	struct strlist folded = STRLIST_INIT;

	if (!l->n)
		return;
	fprintf(out, "\n### %s\n\n| Severity | Scope | Code | Subject | Finding | Caused by |\n"
		     "|---|---|---|---|---|---|\n", title);
	for (size_t i = 0; i < l->n; i++) {
		const struct impact_item *it = &l->v[i];
		struct strbuf sb = STRBUF_INIT;
		for (size_t k = 0; k < it->causes.n; k++)
			sb_addf(&sb, "%s%s", k ? "; " : "", it->causes.v[k]);
		fprintf(out, "| **%s** |", severity_name(it->f.sev));
		md_cell(out, it->scope, false);
		md_cell(out, it->f.code, true);
		md_cell(out, it->f.subject, true);
		md_cell(out, it->f.message, false);
		md_cell_fold(out, sb.len ? sb.buf : "", sb.len > 0, &folded);
		fputc('\n', out);
		sb_release(&sb);
	}
	md_folded(out, &folded);
}

/* "`CHG-5002-pre` (`1a2b3c4d5e6f`)", or the id alone when it was not named. */
static void md_end(FILE *out, const char *name, const char *id)
{
	if (name && id && strncmp(name, id, strlen(name))) {
		md_escape(out, name, true);
		fprintf(out, " (`%.12s`)", id);
	} else {
		fprintf(out, "`%.12s`", id ? id : "(none)");
	}
}

static void print_markdown(FILE *out, const struct impact *im, const struct impact_ends *e)
{
	struct strlist folded = STRLIST_INIT;

	fprintf(out, "## mxaudit impact: %s\n\n", status_names[impact_exit_code(im)]);
	fputs("Snapshot ", out);
	md_end(out, e->from_name, e->from);
	fputs(" → ", out);
	md_end(out, e->to_name, e->to);
	fputs(": ", out);
	counts_line(out, im);
	fputs(".\n", out);
	md_items(out, "Introduced", &im->introduced);
	md_items(out, "Resolved", &im->resolved);
	if (im->nreach)
		fputs("\n### Mail ports (sources allowed)\n\n| Firewall | Port | Before | After |\n"
		      "|---|---|---|---|\n", out);
	for (size_t i = 0; i < im->nreach; i++) {
		fputc('|', out);
		md_cell(out, im->reach[i].firewall, false);
		md_cell(out, im->reach[i].to, true);
		md_cell_fold(out, im->reach[i].before, false, &folded);
		md_cell_fold(out, im->reach[i].after, false, &folded);
		fputc('\n', out);
	}
	md_folded(out, &folded);
	if (im->nchanges)
		fputs("\n### Other changes (info)\n\n| Scope | Change |\n|---|---|\n", out);
	for (size_t i = 0; i < im->nchanges; i++) {
		char *line = xasprintf("%c %s", im->changes[i].op, im->changes[i].text);
		fputc('|', out);
		md_cell(out, im->changes[i].scope, false);
		md_cell(out, line, true);
		fputc('\n', out);
		free(line);
	}
}

/* ---- Nagios -------------------------------------------------------- */

/*
 * Monitoring-plugins form: "SERVICE STATUS - text | perfdata", one line;
 * perfdata 'label'=value;warn;crit;min. The text names the first
 * introduced findings so the alert says what broke.
 */
void impact_nagios(FILE *out, const struct impact *im)
{
	struct strbuf text = STRBUF_INIT;
	size_t shown = im->introduced.n < 3 ? im->introduced.n : 3;

	if (!im->introduced.n)
		sb_addf(&text, "no new findings (%zu resolved, %zu other changes)",
			im->resolved.n, im->nchanges);
	for (size_t i = 0; i < shown; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		sb_addf(&text, "%s%s %s %s [%s]", i ? ", " : "", it->scope, it->f.code,
			it->f.subject, severity_name(it->f.sev));
	}
	if (im->introduced.n > shown)
		sb_addf(&text, ", +%zu more", im->introduced.n - shown);
	nagios_line(out, impact_exit_code(im), text.buf ? text.buf : "", im->counts,
		    &im->resolved.n);
	sb_release(&text);
}

int impact_print(FILE *out, const struct impact *im, enum out_format fmt,
		 const char *from, const char *to, bool color)
{
	const struct impact_ends e = { from, to, NULL, NULL };

	return impact_print_ends(out, im, fmt, &e, color);
}

int impact_print_ends(FILE *out, const struct impact *im, enum out_format fmt,
		      const struct impact_ends *e, bool color)
{
	switch (fmt) {
	case FMT_JSON:
		return print_json(out, im, e->from, e->to);
	case FMT_MARKDOWN:
		print_markdown(out, im, e);
		return 0;
	case FMT_NAGIOS:
		impact_nagios(out, im);
		return 0;
	case FMT_TEXT:
	case FMT_PROMETHEUS:    /* drift's metrics are prom.c's; a hook still reads text */
		print_text(out, im, color);
		return 0;
	}
	return 0;
}
