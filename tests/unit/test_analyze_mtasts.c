/*
 * test_analyze_mtasts.c - MTA-STS, TLS-RPT, TLSA and BIMI records, and
 * the collection-state analyzer (disagreement, unknown, stale).
 */
#include "analyze_test.h"

#define HASH "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1"

static void run_all(void)
{
	struct analyze_opts o;
	struct domain_snap *d = &t_snap.domains[0];

	t_opts(&o);
	analyze_mtasts(d, &o, &t_fs);
	analyze_tlsrpt(d, &o, &t_fs);
	analyze_tlsa(d, &o, &t_fs);
	analyze_bimi(d, &o, &t_fs);
	analyze_status(d, &o, &t_fs);
}

static struct domain_snap *base(void)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	return d;
}

static void test_mtasts(void **state)
{
	struct domain_snap *d = base();

	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1; id=20261129T1200\"");
	t_rr(d, "_smtp._tls.example.com.", "TXT", "\"v=TLSRPTv1; rua=mailto:tls@example.com\"");
	run_all();
	assert_int_equal(t_fs.n, 0);
	assert_true(mtasts_present(d));

	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1; id=2\"");
	run_all();
	t_expect("mtasts.multiple", SEV_WARNING, 1);
	assert_false(mtasts_present(d));

	d = base();
	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1; id=2026-11-29\"");
	run_all();
	t_expect("mtasts.syntax", SEV_WARNING, 1);
	t_expect("tlsrpt.missing", -1, 0);   /* no valid MTA-STS: nothing to report on */

	d = base();
	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1;\"");
	run_all();
	t_expect("mtasts.syntax", SEV_WARNING, 1);
	assert_non_null(strstr(t_get("mtasts.syntax")->message, "id= is missing"));
}

static void test_tlsrpt(void **state)
{
	struct domain_snap *d = base();

	t_rr(d, "_mta-sts.example.com.", "TXT", "\"v=STSv1; id=1\"");
	run_all();
	t_expect("tlsrpt.missing", SEV_INFO, 1);

	t_rr(d, "_smtp._tls.example.com.", "TXT", "\"v=TLSRPTv1; rua=ftp://x\"");
	findings_release(&t_fs);
	run_all();
	t_expect("tlsrpt.syntax", SEV_INFO, 1);

	t_rr(d, "_smtp._tls.example.com.", "TXT", "\"v=TLSRPTv1; rua=https://r.example.com/\"");
	findings_release(&t_fs);
	run_all();
	t_expect("tlsrpt.multiple", SEV_INFO, 1);
}

static void test_tlsa(void **state)
{
	struct domain_snap *d = base();

	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "3 1 1 " HASH);
	t_rr(d, "_smtp._tls.example.com.", "TXT", "\"v=TLSRPTv1; rua=mailto:tls@example.com\"");
	run_all();
	assert_int_equal(t_fs.n, 0);

	d = base();
	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "1 1 1 " HASH);
	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "3 1 1 8cb0");
	run_all();
	t_expect("tlsa.usage", SEV_WARNING, 1);
	t_expect("tlsa.syntax", SEV_WARNING, 1);
	t_expect("tlsa.unusable", SEV_WARNING, 1);
	t_expect("tlsrpt.missing", SEV_INFO, 1);

	d = base();
	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "garbage");
	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "3 1 1 zz");
	t_rr(d, "_25._tcp.mx1.example.com.", "TLSA", "9 9 9 00");
	run_all();
	t_expect("tlsa.syntax", SEV_WARNING, 3);
}

static void test_bimi(void **state)
{
	struct domain_snap *d = base();

	t_rr(d, "default._bimi.example.com.", "TXT",
	     "\"v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	run_all();
	assert_int_equal(t_fs.n, 0);

	d = base();
	t_rr(d, "default._bimi.example.com.", "TXT", "\"v=BIMI1; l=https://example.com/logo.svg\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=none\"");
	run_all();
	t_expect("bimi.no-dmarc", SEV_INFO, 1);

	d = base();
	t_rr(d, "default._bimi.example.com.", "TXT", "\"v=BIMI1; l=http://example.com/logo.svg\"");
	run_all();
	t_expect("bimi.syntax", SEV_INFO, 1);

	d = base();   /* declination: no logo, by choice */
	t_rr(d, "default._bimi.example.com.", "TXT", "\"v=BIMI1; l=; a=;\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=quarantine\"");
	run_all();
	assert_int_equal(t_fs.n, 0);
}

static void test_status(void **state)
{
	struct domain_snap *d = base();
	struct lookup *l = dsnap_add_lookup(d, "example.com.", "MX", LK_NOERROR);

	l->disagree = true;
	l->detail = xstrdup("ns2=NOERROR/1");
	t_lk(d, "mx1.example.com.", "AAAA", LK_TIMEOUT, false);
	t_lk(d, "mx1.example.com.", "A", LK_SERVFAIL, true);
	run_all();
	t_expect("dns.disagree", SEV_WARNING, 1);
	assert_non_null(strstr(t_get("dns.disagree")->message, "ns2=NOERROR/1"));
	t_expect("dns.unknown", SEV_WARNING, 1);
	assert_non_null(strstr(t_get("dns.unknown")->message, "not absent"));
	t_expect("dns.stale", SEV_WARNING, 1);
	assert_string_equal(t_get("dns.stale")->subject, "mx1.example.com.");
}

static void test_status_grouped(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	char name[64];

	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "h%d.example.com.", i);
		t_lk(d, name, "A", LK_TIMEOUT, false);
	}
	run_all();
	t_expect("dns.unknown", SEV_WARNING, 1);
	assert_non_null(strstr(t_get("dns.unknown")->message, "and 14 more"));
	assert_string_equal(t_get("dns.unknown")->subject, "example.com.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mtasts, t_teardown),
		cmocka_unit_test_teardown(test_tlsrpt, t_teardown),
		cmocka_unit_test_teardown(test_tlsa, t_teardown),
		cmocka_unit_test_teardown(test_bimi, t_teardown),
		cmocka_unit_test_teardown(test_status, t_teardown),
		cmocka_unit_test_teardown(test_status_grouped, t_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
