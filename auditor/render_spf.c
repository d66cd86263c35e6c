/*
 * render_spf.c - a domain's SPF as a tree: its record, each include and
 * redirect a node with the DNS lookups and void lookups it costs, the
 * term that decides for each sending IP, and the RFC 7208 budget of 10
 * lookups as a bar.
 *
 * The tree is the trace of check_host() (spf_eval.c) for an address no
 * term matches, which walks every include and redirect to the end; the
 * decisions are check_host() for each sending IP. Both read the snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "config.h"
#include "report_page.h"
#include "spf.h"
#include "svg.h"

/* An address no SPF term of a real record authorizes: the limited broadcast. */
#define SPF_PROBE "255.255.255.255"

struct spf_node {
	const struct spf_step *rec;   /* the "(record)" step */
	const char *via;              /* the include/redirect term that led here */
	unsigned own, own_voids;      /* lookups charged to this record's own terms */
	unsigned total;               /* own and every node below */
	struct strbuf decides;        /* "192.0.2.10 pass by ip4:..." */
};

static void eval(const struct snapshot *snap, const struct domain_snap *d, const char *ip,
		 struct spf_eval *e)
{
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_query q = { .ip = ip, .domain = d->name, .now = 1 };

	spf_snapdns_init(&sd, snap, d, &dns);
	spf_check_host(&dns, &q, e);
	spf_snapdns_release(&sd);
}

/* The nodes of the trace, with each step's lookups charged to its record. */
static size_t nodes_of(const struct spf_eval *e, struct spf_node *v)
{
	size_t n = 0, stack[64] = { 0 };
	unsigned prev_l = 0, prev_v = 0;
	const char *last_term[64] = { NULL };

	for (size_t i = 0; i < e->nstep; i++) {
		const struct spf_step *s = &e->steps[i];
		unsigned dl = s->lookups - prev_l, dv = s->voids - prev_v;
		size_t depth = s->depth < 63 ? s->depth : 63;

		prev_l = s->lookups, prev_v = s->voids;
		if (!strcmp(s->term, "(record)")) {
			memset(&v[n], 0, sizeof(v[n]));
			v[n].rec = s;
			v[n].via = depth ? last_term[depth - 1] : NULL;
			stack[depth] = n++;
			if (depth && dl)   /* the fetch is the parent's include/redirect lookup */
				v[stack[depth - 1]].own += dl;
			continue;
		}
		last_term[depth] = s->term;
		v[stack[depth]].own += dl;
		v[stack[depth]].own_voids += dv;
	}
	/* Totals: a node's subtree is the nodes after it, until one no deeper. */
	for (size_t i = 0; i < n; i++) {
		v[i].total = v[i].own;
		for (size_t k = i + 1; k < n && v[k].rec->depth > v[i].rec->depth; k++)
			v[i].total += v[k].own;
	}
	return n;
}

static void decisions(const struct report_page *p, const struct domain_snap *d,
		      struct spf_node *v, size_t n, FILE *out)
{
	const struct domain_conf *dc = p->cfg ? config_domain(p->cfg, d->name) : NULL;
	const struct strlist *ips = dc ? &dc->sending_ips : d->inputs ? &d->inputs->sending_ips : NULL;

	if (!ips || !ips->n) {
		fputs("<p>No sending IPs configured: no decision to show.</p>\n", out);
		return;
	}
	fputs("<ul class=\"links\">\n", out);
	for (size_t i = 0; i < ips->n; i++) {
		struct spf_eval e = { 0 };
		bool pass;

		eval(&p->b, d, ips->v[i], &e);
		pass = e.result == SPF_PASS;
		fprintf(out, "<li><span class=\"st-%s\">%s %s</span> for <code>", pass ? "ok" : "broken",
			pass ? "\u2713" : "\u2717", spf_result_name(e.result));
		html_esc(out, ips->v[i]);
		fputs("</code>", out);
		if (e.term) {
			fputs(", decided by <code>", out);
			html_esc(out, e.term);
			fputs("</code> in ", out);
			html_esc(out, e.term_domain);
		}
		fputs(": ", out);
		html_esc(out, e.reason);
		fputs("</li>\n", out);
		for (size_t k = 0; k < n && e.term_domain; k++)
			if (!strcmp(v[k].rec->domain, e.term_domain)) {
				sb_addf(&v[k].decides, "%s%s %s by %s", v[k].decides.len ? "; " : "",
					ips->v[i], spf_result_name(e.result), e.term);
				break;
			}
		spf_eval_release(&e);
	}
	fputs("</ul>\n", out);
}

static void budget(FILE *out, unsigned used, const char *domain)
{
	unsigned shown = used > 14 ? 14 : used;
	char *title = xasprintf("SPF lookup budget of %s: %u of %d DNS lookups", domain, used,
				SPF_MAX_LOOKUPS);
	int unit = 62;

	svg_open(out, "bar", 14 * unit + 20, 46, title, used > SPF_MAX_LOOKUPS ?
		 "Over the limit: receivers return permerror and SPF fails." : "Within the limit.");
	for (unsigned k = 0; k < shown; k++)
		fprintf(out, "<rect class=\"%s\" x=\"%u\" y=\"4\" width=\"%d\" height=\"18\"/>",
			k < SPF_MAX_LOOKUPS ? "used" : "over", 10 + k * (unsigned)unit, unit - 2);
	fprintf(out, "<rect class=\"frame\" x=\"10\" y=\"4\" width=\"%d\" height=\"18\"/>",
		SPF_MAX_LOOKUPS * unit);
	fprintf(out, "<text x=\"10\" y=\"38\">%u of %d DNS lookups%s</text>", used, SPF_MAX_LOOKUPS,
		used > SPF_MAX_LOOKUPS ? " \u2717 over the limit: permerror" : " \u2713 within the limit");
	svg_close(out);
	free(title);
}

static void tree(FILE *out, const struct domain_snap *d, struct spf_node *v, size_t n)
{
	char *title = xasprintf("SPF tree of %s", d->name);
	int y = 6, h = 6;

	for (size_t i = 0; i < n; i++)
		h += v[i].decides.len ? 62 : 48;
	svg_open(out, "spf", 900, h, title, "Each box a record: the include or redirect that "
		 "reaches it, its lookups and void lookups; the same list follows as text.");
	for (size_t i = 0; i < n; i++) {
		int x = 10 + (int)v[i].rec->depth * 28, bh = v[i].decides.len ? 56 : 42;
		char *l1 = xasprintf("%s%s%s", v[i].via ? v[i].via : d->name, v[i].via ? " \u2192 " : ": ",
				     v[i].rec->outcome);
		char *l2 = xasprintf("%u lookup%s here, %u in this branch, %u void", v[i].own,
				     v[i].own == 1 ? "" : "s", v[i].total, v[i].own_voids);

		if (v[i].rec->depth)
			fprintf(out, "<path class=\"edge\" d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#57606a\"/>",
				x - 18, y - 6, y + 18, x);
		fputs("<g class=\"node\"><title>", out);
		html_esc(out, l1);
		fputs("</title>", out);
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>", x, y, 880 - x, bh);
		svg_text(out, x + 6, y + 15, NULL, NULL, l1, (size_t)(880 - x) / 6);
		svg_text(out, x + 6, y + 31, "sub", NULL, l2, 120);
		if (v[i].decides.len) {
			char *l3 = xasprintf("decides: %s", v[i].decides.buf);
			svg_text(out, x + 6, y + 47, "sub", NULL, l3, (size_t)(880 - x) / 6);
			free(l3);
		}
		fputs("</g>\n", out);
		y += bh + 6;
		free(l1);
		free(l2);
	}
	svg_close(out);
	fputs("<ul class=\"links\">\n", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "<li>%*s", 0, "");
		for (unsigned k = 0; k < v[i].rec->depth; k++)
			fputs("\u2192 ", out);
		fputs("<code>", out);
		html_esc(out, v[i].via ? v[i].via : d->name);
		fputs("</code>: <code>", out);
		html_esc(out, v[i].rec->outcome);
		fprintf(out, "</code>, %u lookup%s here, %u in this branch, %u void", v[i].own,
			v[i].own == 1 ? "" : "s", v[i].total, v[i].own_voids);
		if (v[i].decides.len) {
			fputs("; decides ", out);
			html_esc(out, v[i].decides.buf);
		}
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
	free(title);
}

void render_spf(FILE *out, const struct report_page *p, const struct domain_snap *d)
{
	struct spf_eval probe = { 0 };
	struct spf_node *v;
	size_t n;

	fputs("<h3>SPF</h3>\n", out);
	eval(&p->b, d, SPF_PROBE, &probe);
	v = xcalloc(probe.nstep + 1, sizeof(*v));
	n = nodes_of(&probe, v);
	if (!n) {
		fputs("<p>No SPF record.</p>\n", out);
	} else {
		decisions(p, d, v, n, out);
		tree(out, d, v, n);
		budget(out, probe.lookups, d->name);
	}
	for (size_t i = 0; i < n; i++)
		sb_release(&v[i].decides);
	free(v);
	spf_eval_release(&probe);
}
