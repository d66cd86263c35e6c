/*
 * test_policy.c - policy files: the worked example loads and evaluates,
 * every error names file:line:col, and overrides and ignore rules
 * (with expiry) change findings as documented.
 */
#include <unistd.h>

#include "analyze_test.h"
#include "keygen.h"
#include "policy.h"

static struct policy_set ps = POLICY_SET_INIT;
static char errbuf[4096];

static int teardown(void **state)
{
	policy_set_release(&ps);
	keygen_free();
	return t_teardown(state);
}

/* Load a buffer; keep what was printed on stderr in errbuf. */
static int load(const char *yaml)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), r;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	r = policy_load_buffer("p.yaml", yaml, strlen(yaml), &ps);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(errbuf, 1, sizeof(errbuf) - 1, tmp);
	errbuf[n] = '\0';
	fclose(tmp);
	return r;
}

static void load_err(const char *yaml, const char *want)
{
	assert_int_equal(load(yaml), -1);
	if (!strstr(errbuf, want))
		fail_msg("expected '%s' in: %s", want, errbuf);
}

static const char *example_path(void)
{
	static char path[512];
	const char *f = __FILE__, *t = strstr(f, "tests/unit/");

	snprintf(path, sizeof(path), "%.*spolicies/example.com.yaml", t ? (int)(t - f) : 0, f);
	return path;
}

/* A snapshot of example.com that meets the example policy. */
static struct domain_snap *good_domain(void)
{
	struct domain_snap *d = t_domain("example.com");
	char *k2048 = keygen_rsa_b64(2048, false), *k1024 = keygen_rsa_b64(1024, false);
	char *r1 = xasprintf("\"v=DKIM1; k=rsa; p=%s\"", k2048);
	char *r2 = xasprintf("\"v=DKIM1; k=rsa; p=%s\"", k1024);

	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "example.com.", "MX", "20 mx2.example.com.");
	t_rr(d, "example.com.", "TXT", "\"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\"");
	t_rr(d, "_dmarc.example.com.", "TXT",
	     "\"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com!10m\"");
	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1; id=20261129\"");
	t_rr(d, "s2026._domainkey.example.com.", "TXT", r1);
	t_rr(d, "legacy._domainkey.example.com.", "TXT", r2);
	free(r1), free(r2), free(k2048), free(k1024);
	return d;
}

static void check_all(const struct domain_snap *d)
{
	struct analyze_opts o;
	static struct strlist sels = STRLIST_INIT;

	if (!sels.n) {
		sl_push(&sels, "s2026");
		sl_push(&sels, "legacy");
	}
	t_opts(&o);
	o.dkim_selectors = &sels;
	for (size_t i = 0; i < ps.n; i++)
		if (policy_covers(&ps.v[i], d->name))
			policy_check(&ps.v[i], d, &o, &t_fs);
}

static void test_example_loads(void **state)
{
	const struct policy *p;

	assert_int_equal(policy_load_file(example_path(), &ps), 0);
	p = &ps.v[0];
	assert_true(policy_covers(p, "example.com"));
	assert_true(p->mx_exact);
	assert_int_equal(p->mx.n, 2);
	assert_string_equal(p->mx.v[0], "mx1.example.com.");
	assert_int_equal(p->spf_pass.n, 2);
	assert_int_equal(p->nsel, 2);
	assert_int_equal(p->sels[1].min_bits, 1024);
	assert_int_equal(p->dkim_min_bits, 2048);
	assert_int_equal(p->dmarc_min, DP_QUARANTINE);
	assert_int_equal(p->mtasts_mode, MTS_ENFORCE);
	assert_int_equal(p->novr, 2);
	assert_int_equal(p->nign, 1);
	assert_string_equal(p->ign[0].until, "2026-12-31");
}

static void test_example_evaluates(void **state)
{
	struct domain_snap *d;

	assert_int_equal(policy_load_file(example_path(), &ps), 0);
	d = good_domain();
	check_all(d);
	t_none("policy.");
	t_none("spf.");

	/* Break each requirement. */
	d = t_domain("example.com");
	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "example.com.", "MX", "30 mx3.example.com.");
	t_rr(d, "example.com.", "TXT", "\"v=spf1 ip4:192.0.2.0/24 -all\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=none\"");
	t_rr(d, "s2026._domainkey.example.com.", "TXT", "\"v=DKIM1; p=" RFC8463_RSA "\"");
	t_lk(d, "legacy._domainkey.example.com.", "TXT", LK_NXDOMAIN, false);
	t_lk(d, "_mta-sts.example.com.", "TXT", LK_NXDOMAIN, false);
	check_all(d);
	t_expect("policy.mx-missing", SEV_CRITICAL, 1);
	t_expect("policy.mx-unexpected", SEV_WARNING, 1);
	t_expect("spf.ip-not-authorized", SEV_CRITICAL, 1);
	t_expect("policy.dkim-key-bits", SEV_WARNING, 1);
	t_expect("policy.dmarc-policy", SEV_WARNING, 1);
	t_expect("policy.dmarc-rua", SEV_WARNING, 1);
	t_expect("policy.mtasts", SEV_WARNING, 1);
	assert_non_null(strstr(t_get("policy.mx-missing")->evidence, "example.com.yaml:12:5"));
}

static void test_not_collected(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	struct analyze_opts o;

	assert_int_equal(load("domain: example.com\ndkim:\n  selectors: [other]\n"), 0);
	t_opts(&o);
	policy_check(&ps.v[0], d, &o, &t_fs);
	t_expect("policy.dkim-not-collected", SEV_WARNING, 1);

	/* Collected though not configured: the full checks run. */
	t_lk(d, "other._domainkey.example.com.", "TXT", LK_NXDOMAIN, false);
	findings_release(&t_fs);
	policy_check(&ps.v[0], d, &o, &t_fs);
	t_expect("dkim.missing", SEV_CRITICAL, 1);
}

static void test_no_dmarc(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	struct analyze_opts o;

	assert_int_equal(load("domain: example.com\ndmarc: {min_policy: reject}\n"), 0);
	t_opts(&o);
	policy_check(&ps.v[0], d, &o, &t_fs);
	t_expect("policy.dmarc-policy", SEV_CRITICAL, 1);
	/* A failed lookup says nothing. */
	t_lk(d, "_dmarc.example.com.", "TXT", LK_TIMEOUT, false);
	findings_release(&t_fs);
	policy_check(&ps.v[0], d, &o, &t_fs);
	assert_int_equal(t_fs.n, 0);
}

static void test_errors(void **state)
{
	load_err("", "p.yaml:1:1: the policy is empty");
	load_err("- a\n", "p.yaml:1:1: expected a mapping");
	load_err("mx:\n  exact: [a.example]\n", "p.yaml:1:1: a policy needs 'domain'");
	load_err("domain: example.com\nmxx: {}\n", "p.yaml:2:1: unknown key 'mxx'");
	load_err("domain: example.com\nmx:\n  exact: [a]\n  include: [b]\n", "p.yaml:3:3: mx needs exactly one");
	load_err("domain: example.com\nmx:\n  exact: [a, 'b c']\n", "p.yaml:3:14: 'b c' is not a host name");
	load_err("domain: example.com\nspf:\n  must_pass: [192.0.2.300]\n", "p.yaml:3:15: '192.0.2.300' is not an IPv4");
	load_err("domain: example.com\ndkim:\n  min_bits: lots\n", "p.yaml:3:13: expected a number");
	load_err("domain: example.com\ndkim:\n  selectors:\n    - {min_bits: 1}\n", "p.yaml:4:7: a dkim selector needs 'name'");
	load_err("domain: example.com\ndmarc:\n  min_policy: strict\n", "p.yaml:3:15: expected none, quarantine or reject");
	load_err("domain: example.com\ndmarc:\n  rua: dmarc@example.com\n", "p.yaml:3:8: 'dmarc@example.com' is not a mailto:");
	load_err("domain: example.com\nmta_sts:\n  mode: on\n", "p.yaml:3:9: expected none, testing or enforce");
	load_err("domain: example.com\nseverity:\n  Bad Code: info\n", "p.yaml:3:3: 'Bad Code' is not a finding code");
	load_err("domain: example.com\nseverity:\n  mx.cname: fatal\n", "p.yaml:3:13: expected info, warning or critical");
	load_err("domain: example.com\nignore:\n  - code: mx.cname\n", "p.yaml:3:5: an ignore rule needs 'code' and 'reason'");
	load_err("domain: example.com\nignore:\n  - {code: mx.cname, reason: x, until: 2026-02-30}\n",
		 "p.yaml:3:40: expected a date YYYY-MM-DD");
	load_err("domain: example.com\nignore:\n  - {code: mx.cname, reason: ''}\n", "the reason must say why");
	load_err("domain: example.com\ndomain: example.net\n", "p.yaml:2:1");
	load_err("domain: [unclosed\n", "p.yaml:");
	load_err("domain: example.com\nfirewall:\n  blocklist_share: 2\n", "p.yaml:3:20: expected a share of the address space from 0% to 100%");
	load_err("domain: example.com\nfirewall:\n  blocklist_share: 101%\n", "p.yaml:3:20: expected a share");
	load_err("domain: example.com\nfirewall:\n  blocklist_share: 0.00001%\n", "p.yaml:3:20: expected a share");
	load_err("domain: example.com\nfirewall:\n  must_reach: [198.51.100.0/33]\n", "p.yaml:3:16: '198.51.100.0/33' is not an address or network");
	load_err("domain: example.com\nfirewall:\n  must_reach: [mail.example.net]\n", "is not an address or network");
	load_err("domain: example.com\nfirewall:\n  share: 1%\n", "p.yaml:3:3: unknown key 'share' in firewall");
	assert_int_equal(ps.n, 0);
}

/* firewall: the blocklist share in millionths, must_reach as written. */
static void test_firewall_keys(void **state)
{
	(void)state;
	assert_int_equal(load("domain: example.com\nfirewall:\n  blocklist_share: 0.05%\n"
			      "  must_reach: [198.51.100.0/24, 2001:db8:25::/48, 203.0.113.7]\n"), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.v[0].blocklist_ppm, 500);
	assert_int_equal(ps.v[0].blocklist_at.line, 3);
	assert_int_equal(ps.v[0].must_reach.n, 3);
	assert_string_equal(ps.v[0].must_reach.v[1], "2001:db8:25::/48");
	assert_int_equal(load("domain: example.com\nfirewall:\n  blocklist_share: 100%\n"), 0);
	assert_int_equal(ps.v[1].blocklist_ppm, 1000000);
	assert_int_equal(load("domain: example.com\n"), 0);
	assert_int_equal(ps.v[2].blocklist_ppm, -1);
}

static void test_apply(void **state)
{
	size_t ignored = 0;
	time_t before = 1798675200;   /* 2026-12-31 00:00 UTC */
	time_t after = before + 86400;

	assert_int_equal(load("domain: example.com\n"
			      "severity:\n  mx.no-redundancy: warning\n  dmarc.*: critical\n"
			      "ignore:\n"
			      "  - {code: ptr.missing, subject: 192.0.2.99, reason: old relay, until: 2026-12-31}\n"
			      "  - {code: tlsrpt.*, reason: not used}\n"), 0);
	findings_add(&t_fs, SEV_INFO, "mx.no-redundancy", "example.com.", NULL, "m");
	findings_add(&t_fs, SEV_WARNING, "dmarc.policy-none", "_dmarc.example.com.", NULL, "m");
	findings_add(&t_fs, SEV_WARNING, "ptr.missing", "192.0.2.99", NULL, "m");
	findings_add(&t_fs, SEV_WARNING, "ptr.missing", "192.0.2.98", NULL, "m");
	findings_add(&t_fs, SEV_INFO, "tlsrpt.missing", "_smtp._tls.example.com.", NULL, "m");
	policy_apply(&ps.v[0], before, &t_fs, &ignored);
	assert_int_equal(ignored, 2);
	assert_int_equal(t_fs.n, 3);
	t_expect("mx.no-redundancy", SEV_WARNING, 1);
	t_expect("dmarc.policy-none", SEV_CRITICAL, 1);
	t_expect("ptr.missing", -1, 1);

	findings_release(&t_fs);
	findings_add(&t_fs, SEV_WARNING, "ptr.missing", "192.0.2.99", NULL, "m");
	policy_apply(&ps.v[0], after, &t_fs, NULL);
	t_expect("ptr.missing", SEV_WARNING, 1);
	t_expect("policy.ignore-expired", SEV_INFO, 1);
	assert_non_null(strstr(t_get("policy.ignore-expired")->evidence, "p.yaml:6:5"));
}

static void test_subject_dot(void **state)
{
	assert_int_equal(load("domain: Example.COM.\nignore:\n"
			      "  - {code: mx.cname, subject: mail.example.com, reason: provider}\n"), 0);
	assert_true(policy_covers(&ps.v[0], "example.com"));
	findings_add(&t_fs, SEV_WARNING, "mx.cname", "mail.example.com.", NULL, "m");
	policy_apply(&ps.v[0], 0, &t_fs, NULL);
	assert_int_equal(t_fs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_example_loads, teardown),
		cmocka_unit_test_teardown(test_example_evaluates, teardown),
		cmocka_unit_test_teardown(test_not_collected, teardown),
		cmocka_unit_test_teardown(test_no_dmarc, teardown),
		cmocka_unit_test_teardown(test_errors, teardown),
		cmocka_unit_test_teardown(test_firewall_keys, teardown),
		cmocka_unit_test_teardown(test_apply, teardown),
		cmocka_unit_test_teardown(test_subject_dot, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
