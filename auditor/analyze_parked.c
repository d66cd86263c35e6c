/*
 * analyze_parked.c - the parked-domain profile: a domain that neither
 * receives nor sends mail, and says so everywhere a receiver looks:
 * a null MX (RFC 7505), "v=spf1 -all", an enforcing DMARC policy, and no
 * sending IPs configured. Done right, its null MX is no warning, and a
 * wildcard "*._domainkey" with an empty p= (every selector revoked) is
 * the pattern, not a broken key.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "spf.h"

/* Exactly one SPF record at the apex, and it is "v=spf1 -all". */
static bool spf_fail_all(const struct domain_snap *d, const char *apex)
{
	const struct rr *r;
	size_t n = dsnap_find(d, apex, "TXT", &r);
	int found = 0;
	bool fail_all = false;

	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&r[i]);
		struct spf_record rec = { 0 };
		struct spf_error err;

		if (txt && spf_is_record(txt, strlen(txt))) {
			found++;
			fail_all = !spf_parse(txt, strlen(txt), &rec, &err) && rec.n == 1 &&
				   rec.terms[0].kind == SPF_ALL && rec.terms[0].qualifier == '-';
			spf_record_release(&rec);
		}
		free(txt);
	}
	return found == 1 && fail_all;
}

bool analyze_parked(const struct domain_snap *d, const struct analyze_opts *o)
{
	char *apex = name_abs(d->name);
	const struct rr *r;
	struct dmarc_record dm;
	unsigned pref;
	char *host = NULL;
	bool parked = false;

	if (o->sending_ips && o->sending_ips->n)
		goto out;
	if (dsnap_find(d, apex, "MX", &r) != 1 || rr_mx(r, &pref, &host) || strcmp(host, "."))
		goto out;
	if (!spf_fail_all(d, apex))
		goto out;
	if (!dmarc_effective(d, &dm))
		parked = dm.p == DP_REJECT || (dm.p == DP_QUARANTINE && (dm.pct < 0 || dm.pct == 100));
	dmarc_record_release(&dm);
out:
	free(host);
	free(apex);
	return parked;
}
