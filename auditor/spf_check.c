/*
 * spf_check.c - SPF findings from a snapshot: static analysis that needs
 * no policy, and the policy check that sending addresses pass.
 */
#include <stdlib.h>
#include <string.h>

#include "spf.h"

void spf_analyze(const struct domain_snap *d, struct findings *fs)
{
	(void)d;
	(void)fs;
}

void spf_check_ips(const struct domain_snap *d, const struct strlist *ips,
		   struct findings *fs)
{
	struct spf_snapdns sd;
	struct spf_dns dns;

	spf_snapdns_init(&sd, NULL, d, &dns);
	for (size_t i = 0; i < ips->n; i++) {
		struct spf_query q = { .ip = ips->v[i], .domain = d->name, .now = 1 };
		struct spf_eval e;

		if (spf_check_host(&dns, &q, &e) < 0 || e.result != SPF_PASS)
			findings_add(fs, SEV_CRITICAL, "spf.ip-not-authorized", ips->v[i],
				     e.term, "SPF of %s gives %s for %s: %s", d->name,
				     spf_result_name(e.result), ips->v[i], e.reason);
		spf_eval_release(&e);
	}
	spf_snapdns_release(&sd);
}
