/*
 * test_analyze_mx.c - MX analyzer: implicit and null MX, targets without
 * addresses, CNAME and IP-literal targets, special-use addresses, and
 * the rule that a failed lookup is never read as absence.
 */
#include "analyze_test.h"

#define APEX "example.com."

static void run(bool lab)
{
	struct analyze_opts o;

	t_opts(&o);
	o.lab = lab;
	analyze_mx(&t_snap.domains[0], &o, &t_fs);
}

static struct domain_snap *two_mx(void)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, APEX, "MX", "20 mx2.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_rr(d, "mx2.example.com.", "A", "151.101.1.1");
	return d;
}

static void test_good(void **state)
{
	two_mx();
	run(false);
	assert_int_equal(t_fs.n, 0);
}

static void test_implicit(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "A", "93.184.215.14");
	t_lk(d, APEX, "MX", LK_NODATA, false);
	run(false);
	t_expect("mx.implicit", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("mx.implicit")->evidence, "NODATA"));
}

static void test_none(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, APEX, "MX", LK_NXDOMAIN, false);
	run(false);
	t_expect("mx.none", SEV_CRITICAL, 1);
	/* The apex addresses were not collected: no claim that none exist. */
	assert_non_null(strstr(t_get("mx.none")->message, "not collected"));

	t_lk(d, APEX, "A", LK_NODATA, false);
	t_lk(d, APEX, "AAAA", LK_NODATA, false);
	findings_release(&t_fs);
	run(false);
	t_expect("mx.none", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("mx.none")->message, "no address"));
}

static void test_mx_lookup_failed(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, APEX, "MX", LK_TIMEOUT, false);
	run(false);
	assert_int_equal(t_fs.n, 0);
}

static void test_null(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	struct strlist ips = STRLIST_INIT;
	struct analyze_opts o;

	t_rr(d, APEX, "MX", "0 .");
	run(false);
	t_expect("mx.null", SEV_WARNING, 1);
	t_none("mx.no-redundancy");

	findings_release(&t_fs);
	sl_push(&ips, "192.0.2.25");
	t_opts(&o);
	o.sending_ips = &ips;
	analyze_mx(d, &o, &t_fs);
	t_expect("mx.null", SEV_CRITICAL, 1);
	sl_release(&ips);
}

/* Parked done right: null MX, "v=spf1 -all", DMARC p=reject, no sending IPs. */
static void test_parked(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	struct strlist ips = STRLIST_INIT;
	struct analyze_opts o;

	t_rr(d, APEX, "MX", "0 .");
	t_rr(d, APEX, "TXT", "\"v=spf1 -all\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	run(false);
	t_expect("mx.null", SEV_INFO, 1);
	assert_true(analyze_parked(d, &(struct analyze_opts){ 0 }));

	/* Sending IPs configured: the domain sends, so it is no parked domain. */
	findings_release(&t_fs);
	sl_push(&ips, "192.0.2.25");
	t_opts(&o);
	o.sending_ips = &ips;
	analyze_mx(d, &o, &t_fs);
	t_expect("mx.null", SEV_CRITICAL, 1);
	sl_release(&ips);
}

static void test_parked_wrong(void **state)
{
	static const char *const spf[] = { "\"v=spf1 ~all\"", "\"v=spf1 ip4:192.0.2.1 -all\"",
					   "\"v=spf1 -all\"", "\"v=spf1 -all\"" };
	static const char *const dmarc[] = { "\"v=DMARC1; p=reject\"", "\"v=DMARC1; p=reject\"",
					     "\"v=DMARC1; p=none\"", "\"v=DMARC1; p=quarantine; pct=50\"" };

	for (size_t i = 0; i < ARRAY_SIZE(spf); i++) {
		struct domain_snap *d = t_domain("example.com");

		t_rr(d, APEX, "MX", "0 .");
		t_rr(d, APEX, "TXT", spf[i]);
		t_rr(d, "_dmarc.example.com.", "TXT", dmarc[i]);
		run(false);
		t_expect("mx.null", SEV_WARNING, 1);
	}
}

static void test_null_mixed(void **state)
{
	struct domain_snap *d = two_mx();

	t_rr(d, APEX, "MX", "0 .");
	run(false);
	t_expect("mx.null-mixed", SEV_CRITICAL, 1);
	t_expect("mx.null", -1, 0);
}

static void test_some_no_address(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, APEX, "MX", "20 mx2.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_lk(d, "mx2.example.com.", "A", LK_NXDOMAIN, false);
	run(false);
	t_expect("mx.no-address", SEV_WARNING, 1);
	assert_string_equal(t_get("mx.no-address")->subject, "mx2.example.com.");
	assert_non_null(strstr(t_get("mx.no-address")->evidence,
			       "dns/example.com.zone: example.com. 300 IN MX 20 mx2.example.com."));
}

static void test_all_no_address(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, APEX, "MX", "20 mx2.example.com.");
	run(false);
	t_expect("mx.no-address", SEV_CRITICAL, 2);
}

static void test_address_unknown(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_lk(d, "mx1.example.com.", "A", LK_SERVFAIL, false);
	t_lk(d, "mx1.example.com.", "AAAA", LK_TIMEOUT, false);
	run(false);
	t_none("mx.");
}

static void test_cname_target(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mail.example.com.");
	t_rr(d, "mail.example.com.", "CNAME", "mx.provider.net.");
	t_rr(d, "mx.provider.net.", "A", "93.184.215.14");
	t_rr(d, "mx.provider.net.", "AAAA", "2606:2800:220:1::1");
	run(false);
	t_expect("mx.cname", SEV_WARNING, 1);
	t_none("mx.no-address");
}

static void test_ip_literal(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 93.184.215.14.");
	run(false);
	t_expect("mx.ip-literal", SEV_CRITICAL, 1);
	t_none("mx.no-address");

	d = two_mx();
	t_rr(d, APEX, "MX", "30 151.101.1.2.");
	run(false);
	t_expect("mx.ip-literal", SEV_WARNING, 1);
}

static void test_special(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "192.168.1.25");
	t_rr(d, "mx1.example.com.", "AAAA", "::1");
	run(false);
	t_expect("mx.special-address", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("mx.special-address")->message, "RFC 1918"));

	findings_release(&t_fs);
	run(true);   /* lab: documentation and private ranges are fine */
	t_none("mx.special-address");

	d = two_mx();
	t_rr(d, APEX, "MX", "30 mx3.example.com.");
	t_rr(d, "mx3.example.com.", "A", "10.0.0.25");
	run(false);
	t_expect("mx.special-address", SEV_WARNING, 1);
}

static void test_lab_keeps_unspecified(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "0.0.0.0");
	run(true);
	t_expect("mx.special-address", SEV_CRITICAL, 1);
}

static void test_redundancy(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "10 mx1.example.com.");
	t_rr(d, APEX, "MX", "20 mx2.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_rr(d, "mx2.example.com.", "A", "93.184.215.14");
	run(false);
	t_expect("mx.no-redundancy", SEV_INFO, 1);
	assert_non_null(strstr(t_get("mx.no-redundancy")->message, "same address"));
}

static void test_ranges(void **state)
{
	assert_null(special_use_range("93.184.215.14"));
	assert_null(special_use_range("2606:2800:220:1::1"));
	assert_non_null(special_use_range("10.1.2.3"));
	assert_non_null(special_use_range("172.31.255.255"));
	assert_null(special_use_range("172.32.0.1"));
	assert_non_null(special_use_range("100.127.0.1"));
	assert_null(special_use_range("100.128.0.1"));
	assert_non_null(special_use_range("198.19.255.1"));
	assert_non_null(special_use_range("2001:db8::25"));
	assert_non_null(special_use_range("fd00::1"));
	assert_non_null(special_use_range("fe80::1"));
	assert_non_null(special_use_range("::ffff:10.0.0.1"));
	assert_null(special_use_range("not an address"));
}

static void test_hostile_rdata(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, APEX, "MX", "garbage");
	t_rr(d, APEX, "MX", "99999999 x.");
	run(false);   /* must not crash; unparseable targets have no address */
	t_expect("mx.no-address", SEV_CRITICAL, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_good, t_teardown),
		cmocka_unit_test_teardown(test_implicit, t_teardown),
		cmocka_unit_test_teardown(test_none, t_teardown),
		cmocka_unit_test_teardown(test_mx_lookup_failed, t_teardown),
		cmocka_unit_test_teardown(test_null, t_teardown),
		cmocka_unit_test_teardown(test_null_mixed, t_teardown),
		cmocka_unit_test_teardown(test_some_no_address, t_teardown),
		cmocka_unit_test_teardown(test_all_no_address, t_teardown),
		cmocka_unit_test_teardown(test_address_unknown, t_teardown),
		cmocka_unit_test_teardown(test_cname_target, t_teardown),
		cmocka_unit_test_teardown(test_ip_literal, t_teardown),
		cmocka_unit_test_teardown(test_special, t_teardown),
		cmocka_unit_test_teardown(test_lab_keeps_unspecified, t_teardown),
		cmocka_unit_test_teardown(test_redundancy, t_teardown),
		cmocka_unit_test_teardown(test_ranges, t_teardown),
		cmocka_unit_test_teardown(test_hostile_rdata, t_teardown),
		cmocka_unit_test_teardown(test_parked, t_teardown),
		cmocka_unit_test_teardown(test_parked_wrong, t_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
