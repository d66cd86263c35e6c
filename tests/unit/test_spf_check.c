/*
 * test_spf_check.c - SPF static analysis and the sending-IP policy
 * check: each finding code, its severity, and the worst-case counting
 * rules (stop at all, exp free, mx counts once).
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
static struct findings fs;

static int setup(void **state)
{
	memset(&snap, 0, sizeof(snap));
	memset(&fs, 0, sizeof(fs));
	d = snapshot_add_domain(&snap, "example.com");
	return 0;
}

static int teardown(void **state)
{
	findings_release(&fs);
	snapshot_release(&snap);
	return 0;
}

static void txt(const char *owner, const char *rdata)
{
	dsnap_add_rr(d, owner, 300, "TXT", rdata);
}

static void spf(const char *owner, const char *record)
{
	char *q = xasprintf("\"%s\"", record);

	txt(owner, q);
	free(q);
}

static void analyze(void)
{
	dsnap_sort(d);
	spf_analyze(d, &fs);
}

/* The finding with this code, or NULL. */
static const struct finding *find(const char *code)
{
	for (size_t i = 0; i < fs.n; i++)
		if (!strcmp(fs.v[i].code, code))
			return &fs.v[i];
	return NULL;
}

static void expect(const char *code, enum severity sev, const char *in_message)
{
	const struct finding *f = find(code);

	if (!f)
		fail_msg("no %s finding (%zu findings)", code, fs.n);
	assert_int_equal(f->sev, sev);
	if (in_message && !strstr(f->message, in_message))
		fail_msg("%s: '%s' does not say '%s'", code, f->message, in_message);
}

static void test_clean(void **state)
{
	spf("example.com.", "v=spf1 mx include:_spf.example.net -all");
	spf("_spf.example.net.", "v=spf1 ip4:192.0.2.0/24 ~all");
	analyze();
	if (fs.n)
		fail_msg("unexpected %s: %s", fs.v[0].code, fs.v[0].message);
}

static void test_lookup_counts(void **state)
{
	/* 1 + (1 + 8) + 1 = 11; the terms after -all and exp= do not count. */
	spf("example.com.", "v=spf1 a include:big.example.net mx -all a a a exp=x.example.com");
	spf("big.example.net.", "v=spf1 a a a a a a a a ~all");
	analyze();
	expect("spf.lookup-limit", SEV_CRITICAL, "11 DNS-querying terms");
}

static void test_lookup_near(void **state)
{
	spf("example.com.", "v=spf1 a a a a a a a a a ip4:192.0.2.1 -all");
	analyze();
	expect("spf.lookup-limit", SEV_WARNING, "9 of at most 10");
}

static void test_redirect_ignored_with_all(void **state)
{
	spf("example.com.", "v=spf1 a a a a a a a a -all redirect=big.example.net");
	spf("big.example.net.", "v=spf1 a a a a a a a a ~all");
	analyze();
	assert_null(find("spf.lookup-limit"));
}

static void test_multiple_and_syntax(void **state)
{
	spf("example.com.", "v=spf1 -all");
	spf("example.com.", "v=spf1 include:bad.example.net -all");
	analyze();
	expect("spf.multiple", SEV_CRITICAL, "2 SPF records");
	findings_release(&fs);
	memset(&fs, 0, sizeof(fs));
	snapshot_release(&snap);
	setup(state);
	spf("example.com.", "v=spf1 include:bad.example.net -all");
	spf("bad.example.net.", "v=spf1 ip4:192.0.2.300 -all");
	analyze();
	expect("spf.syntax", SEV_CRITICAL, "position 8");
	assert_string_equal(find("spf.syntax")->subject, "bad.example.net");
}

static void test_missing_targets_and_voids(void **state)
{
	spf("example.com.", "v=spf1 include:gone.example.net a:n1.example.com "
	    "a:n2.example.com mx:n3.example.com -all");
	dsnap_add_lookup(d, "gone.example.net.", "TXT", LK_NXDOMAIN);
	dsnap_add_lookup(d, "n1.example.com.", "A", LK_NXDOMAIN);
	dsnap_add_lookup(d, "n2.example.com.", "A", LK_NODATA);
	dsnap_add_lookup(d, "n3.example.com.", "MX", LK_NXDOMAIN);
	analyze();
	expect("spf.target-no-record", SEV_CRITICAL, "gone.example.net");
	expect("spf.void-limit", SEV_CRITICAL, "3 void lookups");
}

static void test_loop(void **state)
{
	spf("example.com.", "v=spf1 include:a.example.net -all");
	spf("a.example.net.", "v=spf1 include:b.example.net");
	spf("b.example.net.", "v=spf1 redirect=A.example.net.");
	analyze();
	expect("spf.loop", SEV_CRITICAL, "a.example.net");
	assert_null(find("spf.lookup-limit"));
}

static void test_all_and_ptr(void **state)
{
	size_t plus = 0;

	/* Included twice, still one problem. */
	spf("example.com.", "v=spf1 ptr include:vendor.example.net include:vendor.example.net ?all");
	spf("vendor.example.net.", "v=spf1 +all");
	analyze();
	expect("spf.plus-all", SEV_CRITICAL, "+all");
	for (size_t i = 0; i < fs.n; i++)
		plus += !strcmp(fs.v[i].code, "spf.plus-all");
	assert_int_equal(plus, 1);
	expect("spf.neutral-all", SEV_WARNING, "?all");
	expect("spf.ptr", SEV_WARNING, "ptr");
}

static void test_form(void **state)
{
	char big[1024];

	memset(big, 'x', sizeof(big));
	big[0] = '\0';
	strcat(big, "\"v=spf1 ip4:192.0.2.1 ");
	for (int i = 0; i < 40; i++)
		strcat(big, "ip4:10.0.0.1 ");
	strcat(big, "\" \"-all\"");
	txt("example.com.", big);
	dsnap_add_rr(d, "example.com.", 300, "SPF", "\"v=spf1 -all\"");
	analyze();
	expect("spf.record-too-long", SEV_WARNING, "characters");
	expect("spf.string-too-long", SEV_CRITICAL, "TXT string");
	expect("spf.rr-type", SEV_WARNING, "obsolete");
}

static void test_split_record(void **state)
{
	spf("example.com.", "v=spf1 ip4:192.0.2.0/24");
	spf("example.com.", "include:_spf.example.net -all");
	spf("example.com.", "all our mail is signed");
	spf("_spf.example.net.", "v=spf1 -all");
	analyze();
	expect("spf.split-record", SEV_CRITICAL, "split into two RRs");
	assert_non_null(strstr(find("spf.split-record")->evidence, "include:_spf.example.net -all"));
	/* The prose record is not taken for SPF terms. */
	for (size_t i = 0, k = 0; i < fs.n; i++)
		if (!strcmp(fs.v[i].code, "spf.split-record"))
			assert_int_equal(++k, 1);
}

static void test_missing_and_failed(void **state)
{
	analyze();
	expect("spf.missing", SEV_WARNING, "no SPF record");
	findings_release(&fs);
	memset(&fs, 0, sizeof(fs));
	dsnap_add_lookup(d, "example.com.", "TXT", LK_SERVFAIL);
	analyze();
	expect("spf.lookup-failed", SEV_WARNING, "SERVFAIL");
	assert_null(find("spf.missing"));
}

static void test_sending_ips(void **state)
{
	struct strlist ips = STRLIST_INIT;

	spf("example.com.", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all");
	spf("_spf.example.net.", "v=spf1 ip6:2001:db8::/32 -all");
	sl_push(&ips, "192.0.2.7");
	sl_push(&ips, "2001:db8::25");
	sl_push(&ips, "203.0.113.5");
	dsnap_sort(d);
	spf_check_ips(d, &ips, &fs);
	assert_int_equal(fs.n, 1);
	expect("spf.ip-not-authorized", SEV_CRITICAL, "softfail");
	assert_string_equal(fs.v[0].subject, "203.0.113.5");
	assert_non_null(strstr(fs.v[0].message, "decided by '~all' in the record of example.com"));
	assert_string_equal(fs.v[0].evidence, "dns/example.com.zone: example.com. 300 IN TXT "
			    "\"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all\"");
	spf_check_ips(d, NULL, &fs);
	assert_int_equal(fs.n, 1);
	sl_release(&ips);
}

/* pyspf and mailauth count each MX host without an address as a void lookup. */
static void test_mx_void_hosts(void **state)
{
	spf("example.com.", "v=spf1 mx a:n1.example.com -all");
	dsnap_add_rr(d, "example.com.", 300, "MX", "10 mx1.example.com.");
	dsnap_add_rr(d, "example.com.", 300, "MX", "20 mx2.example.com.");
	dsnap_add_rr(d, "example.com.", 300, "MX", "30 mx3.example.com.");
	dsnap_add_rr(d, "mx1.example.com.", 300, "A", "192.0.2.25");
	dsnap_add_lookup(d, "mx2.example.com.", "A", LK_NXDOMAIN);
	dsnap_add_lookup(d, "mx3.example.com.", "A", LK_NODATA);
	dsnap_add_lookup(d, "mx3.example.com.", "AAAA", LK_NODATA);
	dsnap_add_lookup(d, "n1.example.com.", "A", LK_NXDOMAIN);
	analyze();
	expect("spf.mx-void-hosts", SEV_WARNING, "2 MX hosts with no address");
	expect("spf.mx-void-hosts", SEV_WARNING, "3 in all, over the limit of 2");
	assert_non_null(strstr(find("spf.mx-void-hosts")->evidence, "mx2.example.com."));
	assert_null(find("spf.void-limit"));    /* RFC 7208's count: 1 */
}

/* A host whose address lookup failed, or that has an IPv6 address, is not void. */
static void test_mx_hosts_not_void(void **state)
{
	spf("example.com.", "v=spf1 mx -all");
	dsnap_add_rr(d, "example.com.", 300, "MX", "10 mx1.example.com.");
	dsnap_add_rr(d, "example.com.", 300, "MX", "20 mx2.example.com.");
	dsnap_add_lookup(d, "mx1.example.com.", "A", LK_TIMEOUT);
	dsnap_add_lookup(d, "mx2.example.com.", "A", LK_NODATA);
	dsnap_add_rr(d, "mx2.example.com.", 300, "AAAA", "2001:db8::25");
	analyze();
	assert_null(find("spf.mx-void-hosts"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clean), T(test_lookup_counts), T(test_lookup_near),
		T(test_redirect_ignored_with_all), T(test_multiple_and_syntax),
		T(test_missing_targets_and_voids), T(test_loop), T(test_all_and_ptr),
		T(test_form), T(test_split_record), T(test_missing_and_failed),
		T(test_sending_ips), T(test_mx_void_hosts), T(test_mx_hosts_not_void),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
