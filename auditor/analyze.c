/*
 * analyze.c - run every analyzer over one domain, and the helpers they
 * share: evidence strings, CNAME chains, and the "unknown" rule.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "spf.h"

/* Keep hostile records from flooding a report. */
#define EVIDENCE_MAX 300

void analyze_opts_init(struct analyze_opts *o, const struct domain_conf *dc,
		       const struct config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->dkim_warn_bits = 2048;
	o->dkim_crit_bits = 1024;
	if (cfg) {
		o->lab = cfg->lab;
		if (cfg->dkim_warn_bits)
			o->dkim_warn_bits = cfg->dkim_warn_bits;
		if (cfg->dkim_crit_bits)
			o->dkim_crit_bits = cfg->dkim_crit_bits;
	}
	if (dc) {
		o->dkim_selectors = &dc->dkim_selectors;
		o->sending_ips = &dc->sending_ips;
	}
}

void analyze_domain(const struct domain_snap *d, const struct domain_conf *dc,
		    const struct config *cfg, struct findings *out)
{
	struct analyze_opts o;

	analyze_opts_init(&o, dc, cfg);
	analyze_status(d, &o, out);
	analyze_ns(d, &o, out);
	analyze_mx(d, &o, out);
	analyze_ptr(d, &o, out);
	analyze_dmarc(d, &o, out);
	analyze_dkim(d, &o, out);
	analyze_mtasts(d, &o, out);
	analyze_tlsrpt(d, &o, out);
	analyze_tlsa(d, &o, out);
	analyze_bimi(d, &o, out);

	/*
	 * ==== SPF (auditor/spf.h) ====
	 * Static checks, then every configured sending IP must get "pass":
	 * the SPF area owns those findings (spf.*, docs/spf.md).
	 */
	spf_analyze(d, out);
	if (o.sending_ips && o.sending_ips->n)
		spf_check_ips(d, o.sending_ips, out);

	/*
	 * ==== Firewall path ====
	 * Inbound-path findings (MX address -> NAT -> filter -> mail host)
	 * need the snapshot's firewalls, not just this domain: cmd_check
	 * appends them per domain after this function returns.
	 */
}

static void add_clipped(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (n <= EVIDENCE_MAX) {
		sb_add(sb, s, n);
		return;
	}
	sb_add(sb, s, EVIDENCE_MAX);
	sb_addf(sb, "... (%zu more bytes)", n - EVIDENCE_MAX);
}

char *rr_evidence(const struct domain_snap *d, const struct rr *r)
{
	struct strbuf sb = STRBUF_INIT;

	/* Built piecewise: evidence is made for every finding, printf was a tenth of analysis. */
	ALLOC_GROW(sb.buf, strlen(d->name) + strlen(r->owner) + strlen(r->type) +
		   EVIDENCE_MAX + 64, sb.alloc);
	rr_where(&sb, d, r);
	add_clipped(&sb, r->rdata);
	return sb_detach(&sb);
}

char *lookup_evidence(const struct domain_snap *d, const struct lookup *l)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "dns/%s.status: %s %s %s", d->name, l->name, l->type,
		lookup_state_name(l->state));
	if (l->stale)
		sb_adds(&sb, " stale");
	if (l->disagree)
		sb_adds(&sb, " disagree");
	if (l->servers && strcmp(l->servers, "-"))
		sb_addf(&sb, " servers=%s", l->servers);
	if (l->detail) {
		sb_addc(&sb, ' ');
		add_clipped(&sb, l->detail);
	}
	return sb_detach(&sb);
}

size_t dsnap_follow(const struct domain_snap *d, const char *owner,
		    const char *type, const struct rr **first,
		    char **final, bool *cname)
{
	const char *cur = owner;
	char *hop_name = NULL;      /* cur, once a CNAME was followed */
	bool want_cname = !strcmp(type, "CNAME");
	size_t n = 0;

	if (cname)
		*cname = false;
	for (int hop = 0; hop <= 8; hop++) {
		const struct rr *c;

		if ((n = dsnap_find(d, cur, type, first)) || want_cname)
			break;
		if (hop == 8 || !dsnap_find(d, cur, "CNAME", &c))
			break;
		free(hop_name);
		cur = hop_name = name_abs(c->rdata);
		if (cname)
			*cname = true;
	}
	if (final)
		*final = hop_name ? hop_name : xstrdup(owner);
	else
		free(hop_name);
	return n;
}

bool lookup_unknown(const struct domain_snap *d, const char *name, const char *type)
{
	const struct lookup *l = dsnap_lookup(d, name, type);
	const struct rr *r;

	return l && LK_IS_TEMPORARY(l->state) && !dsnap_find(d, name, type, &r);
}

enum lookup_state lookup_state_of(const struct domain_snap *d, const char *name,
				  const char *type)
{
	const struct lookup *l = dsnap_lookup(d, name, type);
	const struct rr *r;

	if (dsnap_find(d, name, type, &r))
		return LK_NOERROR;
	if (l)
		return l->state;
	/* Never asked: the collector did not reach it, as good as absent. */
	return LK_NXDOMAIN;
}
