/*
 * prom.c - the metrics of a check in the Prometheus text format, for
 * node-exporter's textfile collector: findings by domain, severity and
 * code; the state; when the snapshot was taken; failed lookups; and
 * whether tcp/25 to each MX address reaches the mail host (from the same
 * path links the report draws).
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "pathview.h"
#include "prom.h"
#include "impact.h"

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out), fputc(*s, out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void head(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* One series per domain, severity and code, with the count; sorted. */
static void findings(FILE *out, const struct prom_input *in)
{
	struct strlist keys = STRLIST_INIT;

	head(out, "mxaudit_findings", "Findings of the checked snapshot by domain, severity and code.");
	for (size_t i = 0; i < in->n; i++)
		sl_push_owned(&keys, xasprintf("%s\t%s\t%s", in->scopes[i],
					       severity_name(in->fs[i]->sev), in->fs[i]->code));
	qsort(keys.v, keys.n, sizeof(*keys.v), str_cmp_ptr);
	for (size_t i = 0, k; i < keys.n; i = k) {
		char *dom = keys.v[i], *sev = strchr(dom, '\t') + 1, *code = strchr(sev, '\t') + 1;

		for (k = i; k < keys.n && !strcmp(keys.v[k], keys.v[i]); k++)
			;
		sev[-1] = code[-1] = '\0';
		fputs("mxaudit_findings{domain=\"", out);
		label(out, dom);
		fputs("\",severity=\"", out);
		label(out, sev);
		fputs("\",code=\"", out);
		label(out, code);
		fprintf(out, "\"} %zu\n", k - i);
	}
	sl_release(&keys);
}

static size_t failed_lookups(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->domains[i].nlk; k++)
			n += LK_IS_TEMPORARY(s->domains[i].lks[k].state);
	return n;
}

/* 1 reaches the mail host, 0 broken, -1 cannot tell; addresses not behind a firewall are left out. */
static void reachable(FILE *out, const struct prom_input *in)
{
	head(out, "mxaudit_inbound_reachable",
	     "1 when tcp/25 to the MX address reaches the mail host through its firewall, 0 when a link is broken, -1 when it cannot be told.");
	for (size_t i = 0; i < in->snap->n; i++) {
		const struct domain_snap *d = &in->snap->domains[i];
		const struct domain_conf *dc = in->cfg ? config_domain(in->cfg, d->name) : NULL;
		const struct finding **fs = xcalloc(in->n + 1, sizeof(*fs));
		struct pathview pv;
		size_t n = 0;

		for (size_t k = 0; k < in->n; k++)
			if (!strcmp(in->scopes[k], d->name))
				fs[n++] = in->fs[k];
		pathview_build(d, dc, in->fws, in->snap, fs, n, &pv);
		for (size_t k = 0; k < pv.nin; k++) {
			const struct pv_in *r = &pv.in[k];
			enum link_state st = pv_in_state(r);

			if (!r->addr || (!r->fw && r->l[PV_ADDR_FW].st != LINK_BROKEN))
				continue;
			fputs("mxaudit_inbound_reachable{domain=\"", out);
			label(out, d->name);
			fputs("\",address=\"", out);
			label(out, r->addr);
			fprintf(out, "\",port=\"25\"} %d\n", st == LINK_OK ? 1 : st == LINK_BROKEN ? 0 : -1);
		}
		pathview_release(&pv);
		free(fs);
	}
}

void prom_write(FILE *out, const struct prom_input *in)
{
	findings(out, in);
	head(out, "mxaudit_state", "Monitoring state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
	fprintf(out, "mxaudit_state %d\n", in->state);
	head(out, "mxaudit_last_snapshot_timestamp_seconds", "When the checked snapshot was taken, in seconds since the epoch.");
	fprintf(out, "mxaudit_last_snapshot_timestamp_seconds %lld\n", (long long)in->taken);
	head(out, "mxaudit_lookups_failed", "Lookups of the snapshot that failed temporarily (SERVFAIL or timeout).");
	fprintf(out, "mxaudit_lookups_failed %zu\n", failed_lookups(in->snap));
	reachable(out, in);
}

void prom_snapshot(FILE *out, const struct snapshot *s, const struct config *cfg, time_t taken)
{
	struct policy_set ps = POLICY_SET_INIT;
	struct impact_opts o = { .cfg = cfg, .policies = &ps, .now = time(NULL) };
	struct impact_list l = { NULL, 0, 0 };
	struct path_fws fws = { 0 };
	struct prom_input in = { s, cfg, &fws, NULL, NULL, 0, taken, 0 };
	const struct finding **fs;
	const char **scopes;

	if (impact_load_policies(cfg, &ps) < 0)
		in.state = 3;
	impact_findings(s, &o, &l);
	path_fws_load(cfg, s, &fws);
	fs = xcalloc(l.n + 1, sizeof(*fs));
	scopes = xcalloc(l.n + 1, sizeof(*scopes));
	for (size_t i = 0; i < l.n; i++, in.n++) {
		fs[i] = &l.v[i].f;
		scopes[i] = l.v[i].scope;
		if (in.state < 3 && (int)l.v[i].f.sev > in.state)
			in.state = (int)l.v[i].f.sev;
	}
	in.fs = fs;
	in.scopes = scopes;
	prom_write(out, &in);
	free(fs);
	free(scopes);
	path_fws_release(&fws);
	impact_list_release(&l);
	policy_set_release(&ps);
}
