/*
 * test_analyze_ns.c - nameserver health from the .status file: lame and
 * unreachable listed servers, warnings while another answers, critical
 * when none does; other zones' servers and referrals are not judged.
 */
#include "analyze_test.h"

static void run(void)
{
	struct analyze_opts o;

	t_opts(&o);
	analyze_ns(&t_snap.domains[0], &o, &t_fs);
}

/* A lookup with its servers column and detail. */
static void lk(struct domain_snap *d, const char *name, enum lookup_state st,
	       const char *servers, const char *detail)
{
	struct lookup *l = dsnap_add_lookup(d, name, "TXT", st);

	free(l->servers);
	l->servers = xstrdup(servers);
	l->detail = detail ? xstrdup(detail) : NULL;
	dsnap_sort(d);
}

static void test_healthy(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	lk(d, "example.com.", LK_NOERROR, "192.0.2.1,192.0.2.2", NULL);
	lk(d, "_dmarc.example.com.", LK_NODATA, "192.0.2.1,192.0.2.2", NULL);
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_lame_and_dead(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	const struct finding *f;

	lk(d, "example.com.", LK_NOERROR, "192.0.2.1", "192.0.2.2=LAME,192.0.2.3=TIMEOUT");
	lk(d, "_dmarc.example.com.", LK_NOERROR, "192.0.2.1", "192.0.2.2=LAME,192.0.2.3=TIMEOUT");
	run();
	t_expect("dns.lame", SEV_WARNING, 1);
	t_expect("dns.ns-unreachable", SEV_WARNING, 1);
	assert_int_equal(t_fs.n, 2);
	f = t_get("dns.lame");
	assert_string_equal(f->subject, "192.0.2.2");
	assert_non_null(strstr(f->message, "nameserver 192.0.2.2 of example.com is lame"));
	assert_non_null(strstr(f->message, "(2 lookups)"));
	assert_non_null(strstr(f->evidence, "192.0.2.2=LAME"));
	f = t_get("dns.ns-unreachable");
	assert_string_equal(f->subject, "192.0.2.3");
	assert_non_null(strstr(f->message, "nameserver 192.0.2.3 of example.com never answered"));
}

static void test_flaky_is_not_unreachable(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	/* One timeout, but it answered another lookup: alive. */
	lk(d, "example.com.", LK_NOERROR, "192.0.2.1", "192.0.2.2=TIMEOUT");
	lk(d, "_dmarc.example.com.", LK_NOERROR, "192.0.2.1,192.0.2.2", NULL);
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_none_answers(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	lk(d, "example.com.", LK_SERVFAIL, "-", "192.0.2.2=LAME,192.0.2.3=TIMEOUT");
	lk(d, "_dmarc.example.com.", LK_TIMEOUT, "-", "192.0.2.3=TIMEOUT");
	run();
	t_expect("dns.lame", SEV_CRITICAL, 1);
	t_expect("dns.ns-unreachable", SEV_CRITICAL, 1);
	assert_int_equal(t_fs.n, 2);
}

static void test_other_zones_and_disagreement(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	/* A provider's server is the provider's business; a disagreement is no failure. */
	lk(d, "example.com.", LK_NOERROR, "192.0.2.1", "192.0.2.2=NOERROR/1");
	lk(d, "_spf.provider.example.", LK_NOERROR, "198.51.100.1", "198.51.100.2=LAME");
	lk(d, "notexample.com.", LK_NOERROR, "198.51.100.1", "198.51.100.3=TIMEOUT");
	run();
	assert_int_equal(t_fs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_healthy, t_teardown),
		cmocka_unit_test_teardown(test_lame_and_dead, t_teardown),
		cmocka_unit_test_teardown(test_flaky_is_not_unreachable, t_teardown),
		cmocka_unit_test_teardown(test_none_answers, t_teardown),
		cmocka_unit_test_teardown(test_other_zones_and_disagreement, t_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
