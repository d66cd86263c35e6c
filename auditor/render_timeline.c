/*
 * render_timeline.c - the findings each stored change of the window
 * introduced and resolved (what `timeline` prints), drawn on a time
 * axis with one lane per domain or firewall; severity is a colour and a
 * shape (square, triangle, circle), resolved findings are hollow. The
 * same events follow as a table.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "report_page.h"
#include "svg.h"

#define X0 190
#define X1 980
#define LANE 30
#define TOP 34

static void lanes_of(const struct report_page *p, struct strlist *lanes)
{
	for (size_t i = 0; i < p->ncommits; i++) {
		const struct impact *im = &p->commits[i].im;
		for (size_t k = 0; k < im->introduced.n; k++)
			if (report_page_shows(p, im->introduced.v[k].scope) ||
			    !strncmp(im->introduced.v[k].scope, "firewall ", 9))
				sl_push(lanes, im->introduced.v[k].scope);
		for (size_t k = 0; k < im->resolved.n; k++)
			if (report_page_shows(p, im->resolved.v[k].scope) ||
			    !strncmp(im->resolved.v[k].scope, "firewall ", 9))
				sl_push(lanes, im->resolved.v[k].scope);
	}
	sl_sort_uniq(lanes);
}

static size_t lane_of(const struct strlist *lanes, const char *scope)
{
	for (size_t i = 0; i < lanes->n; i++)
		if (!strcmp(lanes->v[i], scope))
			return i;
	return lanes->n;
}

static void stamp(char *buf, size_t size, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static int x_of(time_t t, time_t t0, time_t t1)
{
	if (t1 <= t0)
		return (X0 + X1) / 2;
	return X0 + (int)((double)(t - t0) / (double)(t1 - t0) * (X1 - X0));
}

static void marks(FILE *out, const struct page_commit *c, const struct impact_list *l,
		  bool resolved, const struct strlist *lanes, time_t t0, time_t t1)
{
	char when[32];

	stamp(when, sizeof(when), c->c.when);
	for (size_t k = 0; k < l->n; k++) {
		size_t lane = lane_of(lanes, l->v[k].scope);
		char *title;

		if (lane == lanes->n)
			continue;
		title = xasprintf("%s %.12s %s %s: %s %s", when, c->c.id,
				  resolved ? "resolved" : "introduced", severity_name(l->v[k].f.sev),
				  l->v[k].f.code, l->v[k].f.subject);
		/* Several findings of one change in one lane: spread them a little. */
		svg_marker(out, x_of(c->c.when, t0, t1) + (int)(k % 4) * 4,
			   TOP + (int)lane * LANE + 12, l->v[k].f.sev, resolved, title);
		free(title);
	}
}

static void rows(FILE *out, const struct page_commit *c, const struct impact_list *l,
		 const char *what, const struct strlist *lanes)
{
	char when[32];

	stamp(when, sizeof(when), c->c.when);
	for (size_t k = 0; k < l->n; k++) {
		if (lane_of(lanes, l->v[k].scope) == lanes->n)
			continue;
		fprintf(out, "<tr><td data-h=\"Time\">%s UTC</td><td data-h=\"Snapshot\"><code>%.12s</code></td>"
			"<td data-h=\"Event\">%s</td><td data-h=\"Severity\"><span class=\"sev-%s\">%s %s</span></td>"
			"<td data-h=\"Where\">", when, c->c.id, what, severity_name(l->v[k].f.sev),
			l->v[k].f.sev == SEV_CRITICAL ? "\u25a0" : l->v[k].f.sev == SEV_WARNING ? "\u25b2" : "\u25cf",
			severity_name(l->v[k].f.sev));
		html_esc(out, l->v[k].scope);
		fputs("</td><td data-h=\"Finding\"><code>", out);
		html_esc(out, l->v[k].f.code);
		fputs("</code> ", out);
		html_esc(out, l->v[k].f.subject);
		fputs("</td></tr>\n", out);
	}
}

static void axis(FILE *out, size_t nlanes, time_t t0, time_t t1)
{
	int bottom = TOP + (int)nlanes * LANE;
	char buf[32];

	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>", X0, bottom,
		X1, bottom);
	for (int k = 0; k <= 2; k++) {
		time_t t = t0 + (t1 - t0) * k / 2;
		stamp(buf, sizeof(buf), t);
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>",
			x_of(t, t0, t1), bottom, x_of(t, t0, t1), bottom + 5);
		svg_text(out, x_of(t, t0, t1), bottom + 17, "axis", k == 0 ? "start" : k == 2 ? "end" : "middle",
			 buf, 40);
		if (k < 2)
			fputs(" ", out);
	}
	/* The legend: the shapes and what hollow means, in words beside them. */
	svg_marker(out, X0 + 6, 12, SEV_CRITICAL, 0, "critical: a square");
	svg_text(out, X0 + 16, 16, "axis", NULL, "critical", 20);
	svg_marker(out, X0 + 86, 12, SEV_WARNING, 0, "warning: a triangle");
	svg_text(out, X0 + 96, 16, "axis", NULL, "warning", 20);
	svg_marker(out, X0 + 166, 12, SEV_INFO, 0, "info: a circle");
	svg_text(out, X0 + 176, 16, "axis", NULL, "info", 20);
	svg_marker(out, X0 + 226, 12, SEV_CRITICAL, 1, "resolved: hollow");
	svg_text(out, X0 + 236, 16, "axis", NULL, "hollow: resolved", 30);
	fputc('\n', out);
}

void render_timeline(FILE *out, const struct report_page *p)
{
	struct strlist lanes = STRLIST_INIT;
	time_t t0, t1;

	fputs("<section><h2 id=\"timeline\">Timeline</h2>\n", out);
	lanes_of(p, &lanes);
	if (!lanes.n) {
		fprintf(out, "<p>%zu stored change%s in the window; none introduced or resolved a finding.</p></section>\n",
			p->ncommits, p->ncommits == 1 ? "" : "s");
		sl_release(&lanes);
		return;
	}
	t0 = p->window && p->since ? p->since : p->commits[0].c.when;
	t1 = p->window && p->until ? p->until : p->commits[p->ncommits - 1].c.when;
	if (t0 > p->commits[0].c.when)
		t0 = p->commits[0].c.when;
	if (t1 < p->commits[p->ncommits - 1].c.when)
		t1 = p->commits[p->ncommits - 1].c.when;
	if (t1 - t0 < 60) {     /* room for the axis labels, events in the middle */
		t0 -= 30;
		t1 += 30;
	}
	svg_open(out, "timeline", 1000, TOP + (int)lanes.n * LANE + 26, "Findings introduced and resolved over time",
		 "One lane per domain or firewall; the events are listed in the table below.");
	axis(out, lanes.n, t0, t1);
	for (size_t i = 0; i < lanes.n; i++) {
		int y = TOP + (int)i * LANE;
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d0d7de\"/>", X0, y + 12, X1, y + 12);
		svg_text(out, X0 - 8, y + 16, "lane", "end", lanes.v[i], 30);
	}
	for (size_t i = 0; i < p->ncommits; i++) {
		marks(out, &p->commits[i], &p->commits[i].im.introduced, false, &lanes, t0, t1);
		marks(out, &p->commits[i], &p->commits[i].im.resolved, true, &lanes, t0, t1);
	}
	svg_close(out);
	fputs("<table class=\"find\"><thead><tr><th>Time</th><th>Snapshot</th><th>Event</th><th>Severity</th>"
	      "<th>Where</th><th>Finding</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < p->ncommits; i++) {
		rows(out, &p->commits[i], &p->commits[i].im.introduced, "introduced", &lanes);
		rows(out, &p->commits[i], &p->commits[i].im.resolved, "resolved", &lanes);
	}
	fputs("</tbody></table></section>\n", out);
	sl_release(&lanes);
}
