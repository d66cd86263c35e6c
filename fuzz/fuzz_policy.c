/*
 * fuzz_policy.c - policy files: any bytes give a policy or an error with
 * a position (libyaml through yamltree.c); a policy that loads is
 * checked against a small snapshot and applied to its findings.
 */
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void evaluate(const struct policy *p)
{
	struct snapshot s = { 0 };
	struct domain_snap *d = snapshot_add_domain(&s, "example.com");
	struct findings fs = FINDINGS_INIT;
	struct analyze_opts o;
	size_t ignored = 0;

	dsnap_add_rr(d, "example.com.", 300, "MX", "10 mx1.example.com.");
	dsnap_add_rr(d, "example.com.", 300, "TXT", "\"v=spf1 ip4:192.0.2.0/24 -all\"");
	dsnap_add_rr(d, "_dmarc.example.com.", 300, "TXT", "\"v=DMARC1; p=none; rua=mailto:a@example.com\"");
	dsnap_add_rr(d, "s1._domainkey.example.com.", 300, "TXT", "\"v=DKIM1; p=\"");
	dsnap_sort(d);
	analyze_opts_init(&o, NULL, NULL);
	findings_add(&fs, SEV_WARNING, "mx.cname", "mx1.example.com.", NULL, "m");
	policy_check(p, d, &o, &fs);
	policy_apply(p, 1800000000, &fs, &ignored);
	findings_release(&fs);
	snapshot_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_set ps = POLICY_SET_INIT;
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");
	if (policy_load_buffer("fuzz.yaml", (const char *)data, size, &ps) == 0)
		evaluate(&ps.v[0]);
	policy_set_release(&ps);
	fclose(stderr);
	stderr = saved;
	return 0;
}
