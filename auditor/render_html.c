/*
 * render_html.c - the report page (report_page.h): one HTML file with
 * its style sheet and drawings inline, no script, nothing fetched from
 * anywhere. It reads on a phone (the tables turn into blocks, the
 * drawings scale), prints (colours kept, each state also marked by a
 * sign) and works without JavaScript.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "cmd.h"
#include "report_page.h"
#include "snapdiff.h"
#include "svg.h"

static const struct { const char *code, *todo; } advice[] = {
#include "advice.inc"
};

static const char style[] =
	":root{--ok:#1a7f37;--broken:#cf222e;--unknown:#6e7781;--warn:#9a6700;--info:#0969da;"
	"color-scheme:light}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:72rem;"
	"color:#1f2328;background:#fff;overflow-wrap:anywhere}\n"
	"h1{font-size:1.5rem}h2{font-size:1.25rem;border-bottom:2px solid #d0d7de;margin-top:2.5rem}"
	"h3{font-size:1.05rem;margin-top:1.5rem}\n"
	"code,pre{font:13px/1.4 ui-monospace,monospace}\n"
	"pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;border:1px solid #d0d7de}\n"
	"dl.head{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.head dt{font-weight:600}\n"
	"dl.head dd{margin:0}\n"
	"table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.5rem 0}\n"
	"th,td{border:1px solid #d0d7de;padding:.3rem .4rem;text-align:left;vertical-align:top}\n"
	"th{background:#f6f8fa}\n"
	"svg{display:block;width:100%;height:auto;margin:.5rem 0}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#1f2328}svg text.sub{fill:#57606a;font-size:10px}\n"
	"svg text.lane{font-size:11px}svg text.axis{font-size:10px;fill:#57606a}\n"
	".node rect{fill:#f6f8fa;stroke:#57606a}\n"
	".link line{stroke-width:4}.link circle{fill:#fff;stroke-width:2}.link text{font-weight:700}\n"
	".link.ok line,.link.ok circle{stroke:var(--ok)}.link.ok text{fill:var(--ok)}\n"
	".link.broken line{stroke:var(--broken);stroke-dasharray:10 5;stroke-width:5}"
	".link.broken circle{stroke:var(--broken)}.link.broken text{fill:var(--broken)}\n"
	".link.unknown line{stroke:var(--unknown);stroke-dasharray:2 5}"
	".link.unknown circle{stroke:var(--unknown)}.link.unknown text{fill:var(--unknown)}\n"
	".mark.critical *{fill:var(--broken);stroke:var(--broken)}.mark.warning *{fill:var(--warn);stroke:var(--warn)}"
	".mark.info *{fill:var(--info);stroke:var(--info)}.mark.resolved *{fill:#fff;stroke-width:2}\n"
	".bar rect.used{fill:var(--info)}.bar rect.over{fill:var(--broken)}.bar rect.frame{fill:none;stroke:#57606a}\n"
	".sev-critical,.st-broken{color:var(--broken);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}"
	".sev-info{color:var(--info)}.st-ok{color:var(--ok);font-weight:600}.st-unknown{color:var(--unknown);font-weight:600}\n"
	".add{color:#116329}.del{color:#82071e}\n"
	"ul.links{padding-left:1.2rem}ul.links li{margin:.15rem 0}\n"
	".fig{overflow-x:auto;max-width:100%}\n"
	"@media (max-width:40rem){svg.path,svg.spf{min-width:44rem}"
	"table.find thead{display:none}table.find tr{display:block;border:1px solid #d0d7de;"
	"margin:.4rem 0}table.find td{display:block;border:0}table.find td::before{content:attr(data-h) \": \";"
	"font-weight:600}}\n"
	"@media print{body{max-width:none}.fig{overflow:visible}svg{min-width:0!important}*{print-color-adjust:exact;-webkit-print-color-adjust:exact}"
	"h2{break-before:auto}svg{break-inside:avoid}}\n";

static const char *sev_mark(enum severity s)
{
	return s == SEV_CRITICAL ? "\u25a0" : s == SEV_WARNING ? "\u25b2" : "\u25cf";
}

static void sev_span(FILE *out, enum severity s)
{
	fprintf(out, "<span class=\"sev-%s\">%s %s</span>", severity_name(s), sev_mark(s),
		severity_name(s));
}

static const char *todo_of(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(advice); i++)
		if (!strcmp(advice[i].code, code))
			return advice[i].todo;
	return "see the finding-code table in README.md";
}

static void date_of(FILE *out, time_t t)
{
	char buf[40];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs(buf, out);
}

static void commit_line(FILE *out, const struct store_commit *c)
{
	fprintf(out, "<code>%.12s</code>", c->id);
	for (size_t i = 0; i < c->tags.n; i++) {
		fputs(" tag <code>", out);
		html_esc(out, c->tags.v[i]);
		fputs("</code>", out);
	}
	fputs(", ", out);
	date_of(out, c->when);
	fputs(": ", out);
	html_esc(out, c->summary);
}

static void header(FILE *out, const struct report_page *p)
{
	size_t counts[3] = { 0 };
	bool any;
	enum severity worst = report_page_worst(p, &any);

	for (size_t i = 0; i < p->findings.n; i++)
		if (report_page_shows(p, p->findings.v[i].scope))
			counts[p->findings.v[i].f.sev]++;
	fputs("<header><h1>mxaudit report</h1>\n<dl class=\"head\">\n", out);
	if (p->window) {
		fputs("<dt>Window</dt><dd>", out);
		if (p->since)
			date_of(out, p->since);
		else
			fputs("the first snapshot", out);
		fputs(" to ", out);
		if (p->until)
			date_of(out, p->until);
		else
			fputs("the latest snapshot", out);
		fputs("</dd>\n", out);
	}
	if (p->have_from) {
		fputs("<dt>From</dt><dd>", out);
		commit_line(out, &p->from);
		fputs("</dd>\n<dt>To</dt><dd>", out);
	} else {
		fputs(p->window ? "<dt>To</dt><dd>" : "<dt>Snapshot</dt><dd>", out);
	}
	commit_line(out, &p->to);
	fprintf(out, "</dd>\n<dt>State</dt><dd>");
	if (any)
		sev_span(out, worst);
	else
		fputs("<span class=\"st-ok\">\u2713 ok</span>", out);
	fprintf(out, " (%s)</dd>\n<dt>Findings</dt><dd>%zu critical, "
		"%zu warning, %zu info</dd>\n", p->have_from || p->window ?
		"the findings of the later snapshot" : "the findings of the snapshot",
		counts[SEV_CRITICAL], counts[SEV_WARNING], counts[SEV_INFO]);
	if (p->have_from || p->window)
		fprintf(out, "<dt>The change</dt><dd>%zu stored change%s; introduced %zu critical, "
			"%zu warning, %zu info; resolved %zu</dd>\n", p->ncommits,
			p->ncommits == 1 ? "" : "s", p->im.counts[SEV_CRITICAL],
			p->im.counts[SEV_WARNING], p->im.counts[SEV_INFO], p->im.resolved.n);
	fputs("<dt>Written</dt><dd>", out);
	date_of(out, p->made);
	fputs(" by mxaudit " MXAUDIT_VERSION "</dd>\n</dl>\n", out);
	fputs("<p>Links of the paths: <span class=\"st-ok\">\u2713 ok</span> (solid), "
	      "<span class=\"st-broken\">\u2717 broken</span> (dashed), "
	      "<span class=\"st-unknown\">? unknown or not checked</span> (dotted). "
	      "Severities: <span class=\"sev-critical\">\u25a0 critical</span>, "
	      "<span class=\"sev-warning\">\u25b2 warning</span>, "
	      "<span class=\"sev-info\">\u25cf info</span>.</p></header>\n", out);
}

/* The domains with their worst severity, each linked to its section. */
static void contents(FILE *out, const struct report_page *p)
{
	fputs("<nav><h2>Domains</h2><ul>\n", out);
	for (size_t i = 0; i < p->b.n; i++) {
		const char *name = p->b.domains[i].name;
		size_t n;
		const struct finding **fs;
		enum severity w = SEV_INFO;

		if (!report_page_shows(p, name))
			continue;
		fs = report_page_domain_findings(p, name, &n);
		for (size_t k = 0; k < n; k++)
			if (fs[k]->sev > w)
				w = fs[k]->sev;
		fputs("<li><a href=\"#d-", out);
		html_esc(out, name);
		fputs("\">", out);
		html_esc(out, name);
		fputs("</a>: ", out);
		if (n)
			sev_span(out, w);
		else
			fputs("<span class=\"st-ok\">\u2713 ok</span>", out);
		fprintf(out, ", %zu finding%s</li>\n", n, n == 1 ? "" : "s");
		free(fs);
	}
	fputs("</ul></nav>\n", out);
}

static void findings_table(FILE *out, const struct finding *const *fs, size_t n)
{
	if (!n) {
		fputs("<p>No findings.</p>\n", out);
		return;
	}
	fputs("<table class=\"find\"><thead><tr><th style=\"width:14%\">Code</th>"
	      "<th style=\"width:10%\">Severity</th><th style=\"width:18%\">Subject</th>"
	      "<th>Message</th><th style=\"width:20%\">What to do</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td data-h=\"Code\"><code>", out);
		html_esc(out, fs[i]->code);
		fputs("</code></td><td data-h=\"Severity\">", out);
		sev_span(out, fs[i]->sev);
		fputs("</td><td data-h=\"Subject\">", out);
		html_esc(out, fs[i]->subject);
		fputs("</td><td data-h=\"Message\">", out);
		html_esc(out, fs[i]->message);
		if (fs[i]->evidence) {
			fputs("<br><code>", out);
			html_esc(out, fs[i]->evidence);
			fputs("</code>", out);
		}
		fputs("</td><td data-h=\"What to do\">", out);
		html_esc(out, todo_of(fs[i]->code));
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void change_list(FILE *out, const struct impact_list *l, const char *scope, const char *what)
{
	bool any = false;

	for (size_t i = 0; i < l->n; i++) {
		const struct impact_item *it = &l->v[i];
		if (strcmp(it->scope, scope))
			continue;
		if (!any)
			fprintf(out, "<p>%s by the change:</p><ul>\n", what);
		any = true;
		fputs("<li>", out);
		sev_span(out, it->f.sev);
		fputs(" <code>", out);
		html_esc(out, it->f.code);
		fputs("</code> ", out);
		html_esc(out, it->f.subject);
		fputs(": ", out);
		html_esc(out, it->f.message);
		for (size_t k = 0; k < it->causes.n; k++) {
			fputs(k ? "; " : " (cause: <code>", out);
			html_esc(out, it->causes.v[k]);
		}
		fputs(it->causes.n ? "</code>)</li>\n" : "</li>\n", out);
	}
	if (any)
		fputs("</ul>\n", out);
}

static void rr_line(FILE *out, char op, const struct rr *r)
{
	char *l = snapdiff_rr_line(r);

	fprintf(out, "<span class=\"%s\">%c ", op == '+' ? "add" : "del", op);
	html_esc(out, l);
	fputs("</span>\n", out);
	free(l);
}

static void record_diff(FILE *out, const struct report_page *p, const struct domain_snap *d)
{
	const struct domain_snap *a = snapshot_domain(&p->a, d->name);
	struct snapdiff sd = { 0 };

	fputs("<h3>Record diff</h3>\n", out);
	if (!snapdiff_domain(a, d, &sd)) {
		fputs("<p>No record changed.</p>\n", out);
	} else {
		fputs("<pre>", out);
		for (size_t i = 0; i < sd.nremoved; i++)
			rr_line(out, '-', sd.removed[i]);
		for (size_t i = 0; i < sd.nadded; i++)
			rr_line(out, '+', sd.added[i]);
		for (size_t i = 0; i < sd.nttl; i++) {
			char *l = snapdiff_rr_line(sd.ttl[i].to);
			fprintf(out, "~ TTL %u -> ", sd.ttl[i].from->ttl);
			html_esc(out, l);
			fputc('\n', out);
			free(l);
		}
		for (size_t i = 0; i < sd.nstatus; i++) {
			char *t = snapdiff_status_text(&sd.status[i]);
			fputs("! ", out);
			html_esc(out, sd.status[i].to->name);
			fputc(' ', out);
			html_esc(out, sd.status[i].to->type);
			fputs(": ", out);
			html_esc(out, t);
			fputc('\n', out);
			free(t);
		}
		fputs("</pre>\n", out);
	}
	snapdiff_release(&sd);
}

static void domain_section(FILE *out, const struct report_page *p, const struct domain_snap *d)
{
	size_t n;
	const struct finding **fs = report_page_domain_findings(p, d->name, &n);

	fputs("<section><h2 id=\"d-", out);
	html_esc(out, d->name);
	fputs("\">", out);
	html_esc(out, d->name);
	fputs("</h2>\n", out);
	render_paths(out, p, d);
	render_spf(out, p, d);
	if (p->have_from || p->window) {
		record_diff(out, p, d);
		change_list(out, &p->im.introduced, d->name, "Introduced");
		change_list(out, &p->im.resolved, d->name, "Resolved");
	}
	fputs("<h3>Findings</h3>\n", out);
	findings_table(out, fs, n);
	fputs("</section>\n", out);
	free(fs);
}

static const struct fw_snap *fw_of(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nfw; i++)
		if (!strcmp(s->fws[i].name, name))
			return &s->fws[i];
	return NULL;
}

/* Each firewall whose normalized rules changed, as a line diff. */
static void firewall_diffs(FILE *out, const struct report_page *p)
{
	bool any = false;

	for (size_t i = 0; i < p->b.nfw; i++) {
		const struct fw_snap *a = fw_of(&p->a, p->b.fws[i].name);
		struct snapdiff_line *l = NULL;
		size_t n = snapdiff_lines(a ? a->rules_text : NULL, p->b.fws[i].rules_text, &l);

		if (n) {
			if (!any)
				fputs("<section><h2 id=\"firewalls\">Firewall rule changes</h2>\n", out);
			any = true;
			fputs("<h3>firewall ", out);
			html_esc(out, p->b.fws[i].name);
			fputs("</h3><pre>", out);
			for (size_t k = 0; k < n; k++) {
				char *t = xstrndup(l[k].text, l[k].len);
				fprintf(out, "<span class=\"%s\">%c ", l[k].op == '+' ? "add" : "del", l[k].op);
				html_esc(out, t);
				fputs("</span>\n", out);
				free(t);
			}
			fputs("</pre>\n", out);
		}
		free(l);
	}
	if (any)
		fputs("</section>\n", out);
}

void render_page(FILE *out, const struct report_page *p)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>mxaudit report ", out);
	fprintf(out, "%.12s", p->to.id);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	header(out, p);
	contents(out, p);
	if (p->have_from || p->window)
		render_timeline(out, p);
	for (size_t i = 0; i < p->b.n; i++)
		if (report_page_shows(p, p->b.domains[i].name))
			domain_section(out, p, &p->b.domains[i]);
	if (p->have_from || p->window)
		firewall_diffs(out, p);
	fputs("<footer><p>Written by mxaudit from its snapshot store; this page holds "
	      "everything it shows and refers to nothing outside itself.</p></footer>\n"
	      "</body>\n</html>\n", out);
}
