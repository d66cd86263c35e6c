/*
 * render_path.c - a domain's mail path as drawings (pathview.h): one row
 * per MX address from the MX host to the mail host, one row per mail
 * host and sending address on the way out; each link green, red or
 * grey with its deciding rule as hover text, and the same links printed
 * as a list below the drawing.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "pathview.h"
#include "report_page.h"

#define COL 160      /* column pitch */
#define BOX_W 132
#define BOX_H 40
#define ROW 58
#define TOP 24

static const char *const in_cols[] = { "MX host", "address", "firewall", "NAT", "filter",
				       "mail host", "host firewall" };
static const char *const in_links[] = { "mx-addr", "addr-fw", "nat", "filter", "host", "hostfw" };
static const char *const in_names[] = { "MX host to address", "address to firewall",
					"NAT (port-forward)", "filter", "to the mail host",
					"host firewall" };
static const char *const out_cols[] = { "mail host", "gateway egress", "leaves as (SNAT)",
					"SPF", "PTR / FCrDNS" };
static const char *const out_links[] = { "egress", "snat", "spf", "ptr" };
static const char *const out_names[] = { "egress through the gateway", "source NAT",
					 "SPF for the address", "reverse DNS" };

static void col_heads(FILE *out, const char *const *cols, int n)
{
	for (int k = 0; k < n; k++) {
		fprintf(out, "<text x=\"%d\" y=\"14\" text-anchor=\"middle\" class=\"sub\">", 8 + k * COL + BOX_W / 2);
		html_esc(out, cols[k]);
		fputs("</text>", out);
	}
	fputc('\n', out);
}

static void link(FILE *out, int col, int y, const struct pv_link *l, const char *name,
		 const char *addr)
{
	FILE *m;
	char *attrs = NULL;
	size_t len = 0;

	m = open_memstream(&attrs, &len);
	fprintf(m, "data-link=\"%s\" data-addr=\"", name);
	html_esc(m, addr);
	fputc('"', m);
	if (l->code)
		fprintf(m, " data-code=\"%s\"", l->code);
	fclose(m);
	svg_link(out, 8 + col * COL + BOX_W, y + BOX_H / 2, 8 + (col + 1) * COL, y + BOX_H / 2,
		 l->st, attrs, l->why);
	free(attrs);
}

static void link_item(FILE *out, const char *name, const char *where, const struct pv_link *l)
{
	fprintf(out, "<li><span class=\"st-%s\">%s %s</span> %s", link_state_name(l->st),
		link_state_mark(l->st), link_state_name(l->st), name);
	if (where) {
		fputs(" (", out);
		html_esc(out, where);
		fputc(')', out);
	}
	fputs(": ", out);
	html_esc(out, l->why);
	fputs("</li>\n", out);
}

static void inbound(FILE *out, const struct domain_snap *d, const struct pathview *pv)
{
	char *title = xasprintf("Inbound mail path of %s", d->name);
	char pref[32];

	fputs("<h3>Inbound path</h3>\n", out);
	if (!pv->nin) {
		fputs("<p>No MX host and no address: nothing to draw.</p>\n", out);
		free(title);
		return;
	}
	svg_open(out, "path", 7 * COL - 20, TOP + (int)pv->nin * ROW, title,
		 "Each row: MX host, its address, the firewall owning it, its NAT, its filter, "
		 "the internal mail host and its host firewall; the links are listed below.");
	col_heads(out, in_cols, 7);
	for (size_t i = 0; i < pv->nin; i++) {
		const struct pv_in *r = &pv->in[i];
		const char *cells[7] = { r->mx, r->addr ? r->addr : "(no address)", r->fw ? r->fw : "(none)",
					 r->nat ? r->nat : "-", r->filter ? r->filter : "-",
					 r->host ? r->host : "-", r->hostfw ? r->hostfw : "(none configured)" };
		int y = TOP + (int)i * ROW, ncol = r->addr ? 7 : 2;

		snprintf(pref, sizeof(pref), "preference %u", r->pref);
		for (int k = 0; k < ncol; k++)
			svg_box(out, 8 + k * COL, y, BOX_W, BOX_H, cells[k], k == 0 ? pref : NULL, cells[k]);
		for (int k = 0; k < ncol - 1; k++)
			link(out, k, y, &r->l[k], in_links[k], r->addr ? r->addr : r->mx);
	}
	svg_close(out);
	fputs("<ul class=\"links\">\n", out);
	for (size_t i = 0; i < pv->nin; i++) {
		const struct pv_in *r = &pv->in[i];
		char *where = xasprintf("%s %s", r->mx, r->addr ? r->addr : "");
		for (int k = 0; k < (r->addr ? PV_IN_LINKS : 1); k++)
			link_item(out, in_names[k], where, &r->l[k]);
		free(where);
	}
	fputs("</ul>\n", out);
	free(title);
}

static void outbound(FILE *out, const struct domain_snap *d, const struct pathview *pv)
{
	char *title = xasprintf("Outbound mail path of %s", d->name);

	fputs("<h3>Outbound path</h3>\n", out);
	if (!pv->nout) {
		fputs("<p>No sending IPs configured: the way out is not drawn.</p>\n", out);
		free(title);
		return;
	}
	svg_open(out, "path", 5 * COL - 20, TOP + (int)pv->nout * ROW, title,
		 "Each row: mail host, the gateway it leaves by, the sending address receivers "
		 "see, its SPF result and its reverse DNS; the links are listed below.");
	col_heads(out, out_cols, 5);
	for (size_t i = 0; i < pv->nout; i++) {
		const struct pv_out *r = &pv->out[i];
		const char *src = r->src ? r->src : "(cannot be told)";
		const char *cells[5] = { r->host, r->fw ? r->fw : "(none)", src,
					 r->spf ? r->spf : "-", r->ptr ? r->ptr : "(no PTR)" };
		int y = TOP + (int)i * ROW;

		for (int k = 0; k < 5; k++)
			svg_box(out, 8 + k * COL, y, BOX_W, BOX_H, cells[k], NULL, cells[k]);
		for (int k = 0; k < 4; k++)
			link(out, k, y, &r->l[k], out_links[k], r->src ? r->src : r->host);
	}
	svg_close(out);
	fputs("<ul class=\"links\">\n", out);
	for (size_t i = 0; i < pv->nout; i++) {
		const struct pv_out *r = &pv->out[i];
		char *where = r->src ? xasprintf("%s via %s", r->host, r->src) : xstrdup(r->host);
		for (int k = 0; k < PV_OUT_LINKS; k++)
			link_item(out, out_names[k], where, &r->l[k]);
		free(where);
	}
	fputs("</ul>\n", out);
	free(title);
}

void render_paths(FILE *out, const struct report_page *p, const struct domain_snap *d)
{
	const struct domain_conf *dc = p->cfg ? config_domain(p->cfg, d->name) : NULL;
	size_t n;
	const struct finding **fs = report_page_domain_findings(p, d->name, &n);
	struct pathview pv;

	pathview_build(d, dc, &p->fws, &p->b, fs, n, &pv);
	inbound(out, d, &pv);
	outbound(out, d, &pv);
	pathview_release(&pv);
	free(fs);
}
