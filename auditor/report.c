/*
 * report.c - printing a check: text grouped by domain (worst first),
 * the stable JSON schema, and Markdown for change tickets.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "json.h"
#include "markdown.h"
#include "nagios.h"
#include "report.h"

struct domain_report *report_add(struct check_report *r, const char *domain)
{
	struct domain_report *d;

	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	d = &r->v[r->n++];
	memset(d, 0, sizeof(*d));
	d->domain = xstrdup(domain);
	return d;
}

static int domain_cmp(const void *va, const void *vb)
{
	const struct domain_report *a = va, *b = vb;
	enum severity wa = findings_worst(&a->fs), wb = findings_worst(&b->fs);

	/* A domain with only info findings sorts with the clean ones. */
	if (!a->fs.n)
		wa = SEV_INFO;
	if (!b->fs.n)
		wb = SEV_INFO;
	if (wa != wb)
		return wa > wb ? -1 : 1;
	return strcmp(a->domain, b->domain);
}

void report_sort(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		findings_sort(&r->v[i].fs);
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), domain_cmp);
}

void report_counts(const struct check_report *r, size_t counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->v[i].fs.n; k++)
			counts[r->v[i].fs.v[k].sev]++;
}

enum severity report_worst(const struct check_report *r)
{
	enum severity w = SEV_INFO;

	for (size_t i = 0; i < r->n; i++)
		if (findings_worst(&r->v[i].fs) > w)
			w = findings_worst(&r->v[i].fs);
	return w;
}

void report_release(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].domain);
		findings_release(&r->v[i].fs);
	}
	free(r->v);
	free(r->label);
	if (r->state)
		jfree(r->state);
	memset(r, 0, sizeof(*r));
}

/* ---- text ----------------------------------------------------------- */

static const char *const sev_color[] = { "\033[36m", "\033[33m", "\033[1;31m" };
#define RESET "\033[0m"

static void counts_line(FILE *out, const size_t c[3])
{
	fprintf(out, "%zu critical, %zu warning%s, %zu info", c[SEV_CRITICAL],
		c[SEV_WARNING], c[SEV_WARNING] == 1 ? "" : "s", c[SEV_INFO]);
}

static void text_domain(FILE *out, const struct domain_report *d, bool color)
{
	size_t c[3] = { 0, 0, 0 };

	for (size_t k = 0; k < d->fs.n; k++)
		c[d->fs.v[k].sev]++;
	fprintf(out, "%s%s%s: ", color ? "\033[1m" : "", d->domain, color ? RESET : "");
	if (!c[SEV_CRITICAL] && !c[SEV_WARNING])
		fputs("OK", out);
	else
		counts_line(out, c);
	if (d->nignored)
		fprintf(out, " (%zu ignored by policy)", d->nignored);
	fputc('\n', out);
	for (size_t k = 0; k < d->fs.n; k++) {
		const struct finding *f = &d->fs.v[k];
		fprintf(out, "  %s%-8s%s %s  %s\n", color ? sev_color[f->sev] : "",
			severity_name(f->sev), color ? RESET : "", f->code, f->subject);
		fprintf(out, "           %s\n", f->message);
		if (f->evidence)
			fprintf(out, "           %sin %s%s\n", color ? "\033[2m" : "",
				f->evidence, color ? RESET : "");
	}
}

void report_text(FILE *out, const struct check_report *r, bool color)
{
	size_t c[3];

	for (size_t i = 0; i < r->n; i++) {
		if (i)
			fputc('\n', out);
		text_domain(out, &r->v[i], color);
	}
	report_counts(r, c);
	fprintf(out, "%s%zu domain%s checked%s%s: ", r->n ? "\n" : "", r->n,
		r->n == 1 ? "" : "s", r->label ? " in " : "", r->label ? r->label : "");
	counts_line(out, c);
	fputc('\n', out);
}

/* ---- JSON ----------------------------------------------------------- */

int report_json(FILE *out, const struct check_report *r)
{
	json_t *root = jroot(), *domains = jarr(), *summary = jobj();
	size_t c[3];
	int ret;

	for (size_t i = 0; i < r->n; i++) {
		json_t *d = jobj(), *fs = jarr();
		jset_str(d, "domain", r->v[i].domain);
		for (size_t k = 0; k < r->v[i].fs.n; k++) {
			const struct finding *f = &r->v[i].fs.v[k];
			json_t *o = jobj();
			jset_str(o, "severity", severity_name(f->sev));
			jset_str(o, "code", f->code);
			jset_str(o, "subject", f->subject);
			jset_str(o, "message", f->message);
			jset(o, "evidence", jstr(f->evidence));
			jpush(fs, o);
		}
		jset(d, "findings", fs);
		jpush(domains, d);
	}
	report_counts(r, c);
	jset_int(summary, "critical", (long long)c[SEV_CRITICAL]);
	jset_int(summary, "warning", (long long)c[SEV_WARNING]);
	jset_int(summary, "info", (long long)c[SEV_INFO]);
	jset_str(root, "commit", *r->commit ? r->commit : NULL);
	jset(root, "domains", domains);
	jset(root, "summary", summary);
	if (r->state)
		jset(root, "state", jref(r->state));
	ret = jprint(out, root);
	jfree(root);
	return ret;
}

/* ---- Markdown ------------------------------------------------------- */

void report_markdown(FILE *out, const struct check_report *r)
{
	size_t c[3];

	report_counts(r, c);
	fprintf(out, "## mxaudit check: ");
	counts_line(out, c);
	fprintf(out, "\n\n");
	if (r->label)
		fprintf(out, "Checked: %s.\n\n", r->label);
	for (size_t i = 0; i < r->n; i++) {
		const struct domain_report *d = &r->v[i];
		fprintf(out, "### %s: %s\n\n", d->domain, !d->fs.n ? "OK" :
			severity_name(findings_worst(&d->fs)));
		if (!d->fs.n) {
			fprintf(out, "No findings.\n\n");
			continue;
		}
		fprintf(out, "| Severity | Code | Subject | Finding | Evidence |\n"
			     "|---|---|---|---|---|\n");
		for (size_t k = 0; k < d->fs.n; k++) {
			const struct finding *f = &d->fs.v[k];
			fprintf(out, f->sev == SEV_CRITICAL ? "| **%s** | " : "| %s | ",
				severity_name(f->sev));
			md_escape(out, f->code, true);
			fputs(" | ", out);
			md_escape(out, f->subject, true);
			fputs(" | ", out);
			md_escape(out, f->message, false);
			fputs(" | ", out);
			if (f->evidence)
				md_escape(out, f->evidence, true);
			fputs(" |\n", out);
		}
		if (d->nignored)
			fprintf(out, "\n%zu finding%s ignored by policy.\n", d->nignored,
				d->nignored == 1 ? "" : "s");
		fputc('\n', out);
	}
}

/* ---- Nagios --------------------------------------------------------- */

/*
 * One monitoring-plugins status line: "MXAUDIT STATUS - text | perfdata",
 * status from the command's exit code (which --fail-on decides), the text
 * naming the worst findings, perfdata the counts per severity.
 */
void report_nagios(FILE *out, const struct check_report *r, int status)
{
	struct strbuf text = STRBUF_INIT;
	size_t c[3], shown = 0;

	report_counts(r, c);
	sb_addf(&text, "%zu critical, %zu warning, %zu info",
		c[SEV_CRITICAL], c[SEV_WARNING], c[SEV_INFO]);
	for (size_t i = 0; i < r->n && shown < 3; i++)
		for (size_t k = 0; k < r->v[i].fs.n && shown < 3; k++) {
			const struct finding *f = &r->v[i].fs.v[k];
			if (f->sev == SEV_INFO)
				continue;
			sb_addf(&text, "%s%s %s %s", shown++ ? ", " : ": ", r->v[i].domain, f->code,
				f->subject);
		}
	nagios_line(out, status, text.buf ? text.buf : "", c, NULL);
	sb_release(&text);
}
