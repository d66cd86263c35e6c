/*
 * test_analyze_ptr.c - reverse DNS of MX addresses and sending IPs:
 * missing PTR, PTR names that do not resolve back, IPv6 names, and
 * generic names (ptr_generic's classifier).
 */
#include "analyze_test.h"

static struct strlist ips = STRLIST_INIT;

static void run(bool lab)
{
	struct analyze_opts o;

	t_opts(&o);
	o.lab = lab;
	o.sending_ips = &ips;
	analyze_ptr(&t_snap.domains[0], &o, &t_fs);
}

static int teardown(void **state)
{
	sl_release(&ips);
	return t_teardown(state);
}

static struct domain_snap *base(void)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_rr(d, "14.215.184.93.in-addr.arpa.", "PTR", "mx1.example.com.");
	return d;
}

static void test_reverse_name(void **state)
{
	char *s = reverse_name("192.0.2.10");

	assert_string_equal(s, "10.2.0.192.in-addr.arpa.");
	free(s);
	s = reverse_name("2001:db8::1");
	assert_string_equal(s, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
	free(s);
	assert_null(reverse_name("mx1.example.com"));
}

static void test_confirmed(void **state)
{
	base();
	run(false);
	assert_int_equal(t_fs.n, 0);
}

static void test_mx_missing(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_lk(d, "14.215.184.93.in-addr.arpa.", "PTR", LK_NXDOMAIN, false);
	run(false);
	t_expect("ptr.missing", SEV_WARNING, 1);
	assert_string_equal(t_get("ptr.missing")->subject, "93.184.215.14");
	assert_non_null(strstr(t_get("ptr.missing")->evidence, "NXDOMAIN"));
}

static void test_sending_missing(void **state)
{
	struct domain_snap *d = base();

	sl_push(&ips, "151.101.1.1");
	run(false);
	/* No lookup recorded: the snapshot predates the address. */
	t_expect("ptr.not-collected", SEV_INFO, 1);
	t_expect("ptr.missing", -1, 0);

	t_lk(d, "1.1.101.151.in-addr.arpa.", "PTR", LK_NXDOMAIN, false);
	findings_release(&t_fs);
	run(false);
	t_expect("ptr.missing", SEV_CRITICAL, 1);
}

static void test_mismatch(void **state)
{
	struct domain_snap *d = base();

	sl_push(&ips, "151.101.1.1");
	t_rr(d, "1.1.101.151.in-addr.arpa.", "PTR", "out.example.com.");
	t_rr(d, "out.example.com.", "A", "151.101.1.2");
	run(false);
	t_expect("ptr.mismatch", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("ptr.mismatch")->message, "out.example.com."));
}

static void test_sending_is_mx(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	/* An address that both receives and sends: the sending rule wins. */
	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "93.184.215.14");
	t_lk(d, "14.215.184.93.in-addr.arpa.", "PTR", LK_NODATA, false);
	sl_push(&ips, "93.184.215.14");
	run(false);
	t_expect("ptr.missing", SEV_CRITICAL, 1);
}

static void test_ipv6(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	char *rev = reverse_name("2606:2800:220:1::25");

	sl_push(&ips, "2606:2800:220:1::25");
	t_rr(d, rev, "PTR", "out6.example.com.");
	t_rr(d, "out6.example.com.", "AAAA", "2606:2800:220:1:0::25");
	run(false);
	assert_int_equal(t_fs.n, 0);
	free(rev);
}

static void test_unknown(void **state)
{
	struct domain_snap *d = base();

	sl_push(&ips, "151.101.1.1");
	t_lk(d, "1.1.101.151.in-addr.arpa.", "PTR", LK_TIMEOUT, false);
	run(false);
	assert_int_equal(t_fs.n, 0);

	/* PTR known, forward lookup failed: still unknown, no mismatch. */
	t_rr(d, "1.1.101.151.in-addr.arpa.", "PTR", "out.example.com.");
	t_lk(d, "out.example.com.", "A", LK_SERVFAIL, false);
	run(false);
	assert_int_equal(t_fs.n, 0);
}

static void test_special_skipped(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, "example.com.", "MX", "10 mx1.example.com.");
	t_rr(d, "mx1.example.com.", "A", "192.0.2.25");
	t_lk(d, "25.2.0.192.in-addr.arpa.", "PTR", LK_NXDOMAIN, false);
	run(false);
	assert_int_equal(t_fs.n, 0);
	run(true);   /* in a lab documentation addresses stand for real ones */
	t_expect("ptr.missing", SEV_WARNING, 1);
}

/* generic NAME ADDR: the classifier's verdict. */
static bool generic(const char *name, const char *addr)
{
	char why[120] = "";
	bool g = ptr_generic(name, addr, why, sizeof(why));

	assert_true(g == (*why != '\0'));
	return g;
}

static void test_generic_octets(void **state)
{
	/* Three or four octets, any order, any separator. */
	assert_true(generic("static-194-59-31-25.customer.isp.net.", "194.59.31.25"));
	assert_true(generic("host25-31-59-194.example.net.", "194.59.31.25"));
	assert_true(generic("194.59.31.25.example.net", "194.59.31.25"));
	assert_true(generic("c-31x59x194.example.net.", "194.59.31.25"));
	assert_true(generic("ip-194-059-031.example.net.", "194.59.31.25"));
	assert_true(generic("h194059031025.example.net.", "194.59.31.25"));
	assert_true(generic("a10-0-10.example.net.", "10.0.0.10"));   /* 10, 0, 10: three of four */
	/* Two octets, or numbers that are not the address's, are not enough. */
	assert_false(generic("mx25-31.example.net.", "194.59.31.25"));
	assert_false(generic("mx1.example.com.", "192.0.2.1"));
	assert_false(generic("mail2041.example.com.", "192.0.20.41"));
	/* The registered domain names the owner: its numbers do not count. */
	assert_false(generic("mx.194-59-31.net.", "194.59.31.25"));
}

static void test_generic_words(void **state)
{
	assert_true(generic("dynamic.isp.example.", "192.0.2.9"));
	assert_true(generic("adsl-line7.isp.example.", "192.0.2.9"));
	assert_true(generic("ppp12.pool.isp.example.", "192.0.2.9"));
	assert_true(generic("CUSTOMER.isp.example.", "192.0.2.9"));
	assert_true(generic("dyn-7.isp.example.", "2001:db8::7"));
	assert_true(generic("client9.isp.example.", "192.0.2.9"));
	/* Words inside other words, and the registered domain, do not count. */
	assert_false(generic("dynamo.example.com.", "192.0.2.9"));
	assert_false(generic("mx1.cable.example.", "192.0.2.9"));
	assert_false(generic("smtp.static.", "192.0.2.9"));
}

static void test_generic_providers(void **state)
{
	/* Mail providers' own hosts are named per host. */
	assert_false(generic("mail-sor-f41.google.com.", "209.85.220.41"));
	assert_false(generic("mail-db8eur05on2041.outbound.protection.outlook.com.", "40.107.22.41"));
	assert_false(generic("a27-41.smtp-out.amazonses.com.", "54.240.27.41"));
}

static void test_generic_finding(void **state)
{
	struct domain_snap *d = base();

	sl_push(&ips, "203.0.113.10");
	t_rr(d, "10.113.0.203.in-addr.arpa.", "PTR", "static-203-0-113-10.customer.isp.example.");
	t_rr(d, "static-203-0-113-10.customer.isp.example.", "A", "203.0.113.10");
	run(true);
	t_expect("ptr.generic", SEV_WARNING, 1);
}

static void test_generic_not_on_named_host(void **state)
{
	struct domain_snap *d = base();

	sl_push(&ips, "203.0.113.10");
	t_rr(d, "10.113.0.203.in-addr.arpa.", "PTR", "out.example.com.");
	t_rr(d, "out.example.com.", "A", "203.0.113.10");
	run(true);
	assert_int_equal(t_fs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_reverse_name, teardown),
		cmocka_unit_test_teardown(test_confirmed, teardown),
		cmocka_unit_test_teardown(test_mx_missing, teardown),
		cmocka_unit_test_teardown(test_sending_missing, teardown),
		cmocka_unit_test_teardown(test_mismatch, teardown),
		cmocka_unit_test_teardown(test_sending_is_mx, teardown),
		cmocka_unit_test_teardown(test_ipv6, teardown),
		cmocka_unit_test_teardown(test_unknown, teardown),
		cmocka_unit_test_teardown(test_special_skipped, teardown),
		cmocka_unit_test_teardown(test_generic_octets, teardown),
		cmocka_unit_test_teardown(test_generic_words, teardown),
		cmocka_unit_test_teardown(test_generic_providers, teardown),
		cmocka_unit_test_teardown(test_generic_finding, teardown),
		cmocka_unit_test_teardown(test_generic_not_on_named_host, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
