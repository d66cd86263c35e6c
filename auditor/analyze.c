/*
 * analyze.c - run every analyzer over one domain. The helpers they share
 * (evidence, CNAME chains, the "unknown" rule) are in snapquery.c, below
 * them, so no analyzer calls back up into this file.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "spf.h"

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
