/*
 * analyze.c - run every analyzer over one domain. The helpers they share
 * (evidence, CNAME chains, the "unknown" rule) are in snapquery.c, below
 * them, so no analyzer calls back up into this file.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "readlog.h"
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

/* In the order check reports them. */
static void (*const analyzers[])(const struct domain_snap *, const struct analyze_opts *,
				 struct findings *) = {
	analyze_status, analyze_ns, analyze_mx, analyze_ptr, analyze_dmarc, analyze_dkim,
	analyze_mtasts, analyze_tlsrpt, analyze_tlsa, analyze_bimi,
};

void analyze_domain(const struct domain_snap *d, const struct domain_conf *dc,
		    const struct config *cfg, struct findings *out)
{
	struct analyze_opts o;

	analyze_opts_init(&o, dc, cfg);
	/*
	 * A stage after each analyzer: its findings read what it looked up
	 * (readlog.h), so impact blames them only on changes of those.
	 */
	readlog_stage(out);
	for (size_t i = 0; i < sizeof(analyzers) / sizeof(*analyzers); i++) {
		analyzers[i](d, &o, out);
		readlog_stage(out);
	}

	/*
	 * ==== SPF (auditor/spf.h) ====
	 * Static checks, then every configured sending IP must get "pass":
	 * the SPF area owns those findings (spf.*, docs/spf.md).
	 */
	spf_analyze(d, out);
	readlog_stage(out);
	if (o.sending_ips && o.sending_ips->n)
		spf_check_ips(d, o.sending_ips, out);
	readlog_stage(out);

	/*
	 * ==== Firewall path ====
	 * Inbound-path findings (MX address -> NAT -> filter -> mail host)
	 * need the snapshot's firewalls, not just this domain: cmd_check
	 * appends them per domain after this function returns.
	 */
}
