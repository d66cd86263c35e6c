/*
 * test_spf_eval.c - check_host() over a snapshot: results, the include
 * and redirect mapping, limits, temporary failures, exp, the trace and
 * the deciding term.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spf.h"

static struct snapshot snap;
static struct domain_snap *d;
static struct spf_eval e;

static int setup(void **state)
{
	memset(&snap, 0, sizeof(snap));
	d = snapshot_add_domain(&snap, "example.com");
	return 0;
}

static int teardown(void **state)
{
	spf_eval_release(&e);
	snapshot_release(&snap);
	return 0;
}

static void rr(const char *owner, const char *type, const char *rdata)
{
	dsnap_add_rr(d, owner, 300, type, rdata);
}

static void txt(const char *owner, const char *record)
{
	char *q = xasprintf("\"%s\"", record);

	rr(owner, "TXT", q);
	free(q);
}

static enum spf_result run(const char *ip, const char *sender)
{
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_query q = { .ip = ip, .sender = sender, .helo = "mx.example.org",
			       .domain = "example.com", .now = 1 };

	dsnap_sort(d);
	spf_eval_release(&e);
	spf_snapdns_init(&sd, &snap, d, &dns);
	assert_int_equal(spf_check_host(&dns, &q, &e), 0);
	spf_snapdns_release(&sd);
	return e.result;
}

static void test_basic_results(void **state)
{
	txt("example.com.", "v=spf1 ip4:192.0.2.0/24 ~ip4:198.51.100.1 ?ip6:2001:db8::/32 -all");
	assert_int_equal(run("192.0.2.77", NULL), SPF_PASS);
	assert_string_equal(e.term, "ip4:192.0.2.0/24");
	assert_int_equal(run("198.51.100.1", NULL), SPF_SOFTFAIL);
	assert_int_equal(run("2001:db8::1", NULL), SPF_NEUTRAL);
	assert_int_equal(run("203.0.113.1", NULL), SPF_FAIL);
	assert_string_equal(e.term, "-all");
	assert_string_equal(e.term_domain, "example.com");
	assert_int_equal(run("::ffff:192.0.2.1", NULL), SPF_PASS);
}

static void test_none_and_multiple(void **state)
{
	txt("example.com.", "not spf");
	assert_int_equal(run("192.0.2.1", NULL), SPF_NONE);
	txt("example.com.", "v=spf1 -all");
	txt("example.com.", "v=spf1 +all");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PERMERROR);
	assert_non_null(strstr(e.reason, "2 SPF records"));
}

static void test_include_mapping(void **state)
{
	txt("example.com.", "v=spf1 include:pass.example.net include:fail.example.net "
	    "include:none.example.net -all");
	txt("pass.example.net.", "v=spf1 ip4:192.0.2.1 -all");
	txt("fail.example.net.", "v=spf1 -ip4:192.0.2.2");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PASS);
	assert_string_equal(e.term, "include:pass.example.net");
	assert_string_equal(e.term_domain, "example.com");
	/* fail inside an include is "no match", then none is permerror. */
	assert_int_equal(run("192.0.2.2", NULL), SPF_PERMERROR);
	assert_string_equal(e.term, "include:none.example.net");
	assert_int_equal(e.lookups, 3);
}

static void test_redirect_and_exp(void **state)
{
	txt("example.com.", "v=spf1 ip4:192.0.2.1 redirect=_spf.example.com exp=top.example.com");
	txt("_spf.example.com.", "v=spf1 a:mail.example.com -all exp=why.example.com");
	rr("mail.example.com.", "A", "192.0.2.25");
	txt("why.example.com.", "%{i} is not one of %{d}'s hosts");
	txt("top.example.com.", "never used");
	assert_int_equal(run("192.0.2.25", NULL), SPF_PASS);
	assert_int_equal(run("203.0.113.9", NULL), SPF_FAIL);
	assert_string_equal(e.explanation, "203.0.113.9 is not one of _spf.example.com's hosts");
	assert_int_equal(e.lookups, 2);
}

static void test_lookup_limit(void **state)
{
	txt("example.com.", "v=spf1 a a a a a a a a a a a -all");
	rr("example.com.", "A", "192.0.2.1");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PASS);
	assert_int_equal(run("203.0.113.1", NULL), SPF_PERMERROR);
	assert_int_equal(e.lookups, 11);
	assert_non_null(strstr(e.reason, "more than 10"));
	/* The trace shows the running count at the 11th a. */
	assert_true(e.nstep >= 12);
	assert_int_equal(e.steps[11].lookups, 11);
	assert_string_equal(e.steps[11].outcome, "permerror");
}

static void test_void_limit(void **state)
{
	txt("example.com.", "v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com -all");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PERMERROR);
	assert_int_equal(e.voids, 3);
	assert_non_null(strstr(e.reason, "void"));
}

static void test_temperror(void **state)
{
	txt("example.com.", "v=spf1 include:slow.example.net -all");
	dsnap_add_lookup(d, "slow.example.net.", "TXT", LK_TIMEOUT);
	assert_int_equal(run("192.0.2.1", NULL), SPF_TEMPERROR);
	assert_string_equal(e.term, "include:slow.example.net");
}

static void test_mx(void **state)
{
	txt("example.com.", "v=spf1 mx/24//64 -all");
	rr("example.com.", "MX", "10 mx1.example.com.");
	rr("example.com.", "MX", "20 mx2.example.com.");
	rr("mx1.example.com.", "A", "192.0.2.10");
	rr("mx2.example.com.", "AAAA", "2001:db8:1:2::25");
	assert_int_equal(run("192.0.2.200", NULL), SPF_PASS);
	assert_int_equal(run("2001:db8:1:2:ffff::1", NULL), SPF_PASS);
	assert_int_equal(run("2001:db8:1:3::1", NULL), SPF_FAIL);
	assert_int_equal(e.lookups, 1);
}

static void test_mx_limit(void **state)
{
	txt("example.com.", "v=spf1 mx -all");
	for (int i = 0; i < 11; i++) {
		char *mx = xasprintf("%d mx%d.example.com.", i, i);

		rr("example.com.", "MX", mx);
		free(mx);
	}
	assert_int_equal(run("192.0.2.1", NULL), SPF_PERMERROR);
	assert_non_null(strstr(e.reason, "more than 10"));
}

static void test_ptr_and_p(void **state)
{
	txt("example.com.", "v=spf1 ptr exists:%{p}.ok.example.com -all");
	rr("1.2.0.192.in-addr.arpa.", "PTR", "host.other.example.");
	rr("host.other.example.", "A", "192.0.2.1");
	rr("host.other.example.ok.example.com.", "A", "127.0.0.2");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PASS);
	assert_string_equal(e.term, "exists:%{p}.ok.example.com");
	assert_int_equal(run("192.0.2.9", NULL), SPF_FAIL);
}

static void test_sender_macros(void **state)
{
	txt("example.com.", "v=spf1 exists:%{l}.%{o}.users.example.com -all");
	rr("postmaster.mx.example.org.users.example.com.", "A", "127.0.0.2");
	rr("alice.example.com.users.example.com.", "A", "127.0.0.2");
	assert_int_equal(run("192.0.2.1", "alice@example.com"), SPF_PASS);
	assert_int_equal(run("192.0.2.1", "bob@example.com"), SPF_FAIL);
	/* No sender: postmaster at the HELO name. */
	assert_int_equal(run("192.0.2.1", ""), SPF_PASS);
}

/* The snapshot answers through CNAMEs, and a lookup never made is NXDOMAIN. */
static void test_snapshot_answers(void **state)
{
	txt("example.com.", "v=spf1 include:alias.example.com a:www.example.com a:never.example.com -all");
	rr("alias.example.com.", "CNAME", "spf.vendor.example.");
	txt("spf.vendor.example.", "v=spf1 ip4:198.51.100.0/24 -all");
	rr("www.example.com.", "CNAME", "web.example.net.");
	rr("web.example.net.", "A", "192.0.2.80");
	assert_int_equal(run("198.51.100.9", NULL), SPF_PASS);
	assert_string_equal(e.term, "include:alias.example.com");
	assert_int_equal(run("192.0.2.80", NULL), SPF_PASS);
	assert_string_equal(e.term, "a:www.example.com");
	assert_int_equal(run("192.0.2.81", NULL), SPF_FAIL);
	assert_int_equal(e.voids, 1);
	assert_non_null(strstr(e.steps[e.nstep - 2].lookup, "never.example.com: NXDOMAIN"));
}

static void test_syntax_error(void **state)
{
	txt("example.com.", "v=spf1 ip4:192.0.2.1 -all moo");
	assert_int_equal(run("192.0.2.1", NULL), SPF_PERMERROR);
	assert_non_null(strstr(e.reason, "position 27"));
}

static void test_bad_ip(void **state)
{
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_query q = { .ip = "not-an-ip", .domain = "example.com" };

	spf_snapdns_init(&sd, &snap, d, &dns);
	assert_int_equal(spf_check_host(&dns, &q, &e), -1);
	spf_snapdns_release(&sd);
}

/* Without the trace (what analyzers ask for) every result field is the same. */
static void test_result_only(void **state)
{
	static const char *const ips[] = { "192.0.2.1", "192.0.2.2", "198.51.100.7",
					   "203.0.113.1", "2001:db8::25" };
	struct spf_snapdns sd;
	struct spf_dns dns;

	txt("example.com.", "v=spf1 include:pass.example.net a:n1.example.com "
	    "mx include:slow.example.net ip6:2001:db8::/64 ~all");
	txt("pass.example.net.", "v=spf1 ip4:192.0.2.1 -all");
	rr("example.com.", "MX", "10 mx.example.com.");
	rr("mx.example.com.", "A", "198.51.100.7");
	dsnap_add_lookup(d, "slow.example.net.", "TXT", LK_TIMEOUT);
	for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
		struct spf_query q = { .ip = ips[i], .domain = "example.com", .now = 1,
				       .result_only = true };
		struct spf_eval quiet;

		run(ips[i], NULL);
		assert_true(e.nstep > 0);
		spf_snapdns_init(&sd, &snap, d, &dns);
		assert_int_equal(spf_check_host(&dns, &q, &quiet), 0);
		spf_snapdns_release(&sd);
		assert_int_equal(quiet.result, e.result);
		assert_string_equal(quiet.reason, e.reason);
		assert_string_equal(quiet.term ? quiet.term : "-", e.term ? e.term : "-");
		assert_string_equal(quiet.term_domain ? quiet.term_domain : "-",
				    e.term_domain ? e.term_domain : "-");
		assert_int_equal(quiet.lookups, e.lookups);
		assert_int_equal(quiet.voids, e.voids);
		assert_int_equal(quiet.nstep, 0);
		spf_eval_release(&quiet);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_basic_results), T(test_none_and_multiple), T(test_include_mapping),
		T(test_redirect_and_exp), T(test_lookup_limit), T(test_void_limit),
		T(test_temperror), T(test_mx), T(test_mx_limit), T(test_ptr_and_p),
		T(test_sender_macros), T(test_snapshot_answers), T(test_syntax_error),
		T(test_bad_ip), T(test_result_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
