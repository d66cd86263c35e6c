/*
 * test_snapdiff.c - record, lookup and line differences between snapshots.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "snapdiff.h"

/* A domain from canonical zone and status texts. */
static struct domain_snap *dom(struct snapshot *s, const char *zone, const char *status)
{
	struct domain_snap *d = snapshot_add_domain(s, "example.com");

	assert_int_equal(dsnap_parse_zone(d, "test.zone", zone), 0);
	assert_int_equal(dsnap_parse_status(d, "test.status", status), 0);
	return d;
}

static const char zone_a[] =
	"example.com.\t3600\tIN\tMX\t10 mx1.example.com.\n"
	"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
	"mx1.example.com.\t3600\tIN\tA\t192.0.2.25\n"
	"mx2.example.com.\t3600\tIN\tA\t192.0.2.26\n";
static const char status_a[] =
	"example.com.\tMX\tNOERROR\t-\t127.0.0.1\n"
	"mx1.example.com.\tA\tNOERROR\t-\t127.0.0.1\n"
	"mx2.example.com.\tA\tNOERROR\t-\t127.0.0.1\n";

static void assert_rr(const struct rr *r, const char *line)
{
	char *got = snapdiff_rr_line(r);
	assert_string_equal(got, line);
	free(got);
}

static void test_added_removed_ttl(void **state)
{
	struct snapshot sa = { 0 }, sb = { 0 };
	struct snapdiff d = { 0 };
	const struct domain_snap *a = dom(&sa, zone_a, status_a);
	const struct domain_snap *b = dom(&sb,
		"_dmarc.example.com.\t3600\tIN\tTXT\t\"v=DMARC1; p=reject\"\n"
		"example.com.\t300\tIN\tMX\t10 mx1.example.com.\n"
		"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
		"mx1.example.com.\t3600\tIN\tA\t192.0.2.25\n",
		"example.com.\tMX\tNOERROR\t-\t127.0.0.1\n"
		"mx1.example.com.\tA\tNOERROR\t-\t127.0.0.1\n"
		"mx2.example.com.\tA\tNXDOMAIN\t-\t127.0.0.1\n");
	char *sum, *what;

	assert_int_equal(snapdiff_domain(a, b, &d), 4);
	assert_int_equal(d.nremoved, 1);
	assert_rr(d.removed[0], "mx2.example.com. 3600 IN A 192.0.2.26");
	assert_int_equal(d.nadded, 1);
	assert_rr(d.added[0], "_dmarc.example.com. 3600 IN TXT \"v=DMARC1; p=reject\"");
	assert_int_equal(d.nttl, 1);
	assert_int_equal(d.ttl[0].from->ttl, 3600);
	assert_int_equal(d.ttl[0].to->ttl, 300);
	assert_int_equal(d.nstatus, 1);
	what = snapdiff_status_text(&d.status[0]);
	assert_string_equal(what, "NOERROR -> NXDOMAIN");
	sum = snapdiff_summary(&d, "example.com");
	/* The NXDOMAIN is in the status list, but the summary has it as -A already. */
	assert_string_equal(sum, "example.com: -A mx2.example.com., +TXT _dmarc.example.com., "
			    "~MX example.com. TTL");
	free(sum);
	free(what);
	snapdiff_release(&d);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

/* A lookup stale in b: its records are kept, and never shown as removed. */
static void test_stale_is_not_removal(void **state)
{
	struct snapshot sa = { 0 }, sb = { 0 };
	struct snapdiff d = { 0 };
	const struct domain_snap *a = dom(&sa, zone_a, status_a);
	/* Even if a record went missing under a stale lookup. */
	const struct domain_snap *b = dom(&sb,
		"example.com.\t3600\tIN\tMX\t10 mx1.example.com.\n"
		"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
		"mx1.example.com.\t3600\tIN\tA\t192.0.2.25\n",
		"example.com.\tMX\tNOERROR\t-\t127.0.0.1\n"
		"mx1.example.com.\tA\tNOERROR\t-\t127.0.0.1\n"
		"mx2.example.com.\tA\tTIMEOUT\tstale\t-\n");
	char *what, *sum;

	snapdiff_domain(a, b, &d);
	assert_int_equal(d.nremoved, 0);
	assert_int_equal(d.nadded, 0);
	assert_int_equal(d.nstatus, 1);
	assert_string_equal(d.status[0].to->name, "mx2.example.com.");
	what = snapdiff_status_text(&d.status[0]);
	assert_string_equal(what, "now stale (TIMEOUT), last good data kept");
	sum = snapdiff_summary(&d, "example.com");
	assert_string_equal(sum, "example.com: !A mx2.example.com. stale");
	free(what);
	free(sum);
	snapdiff_release(&d);

	/* And the recovery the other way round. */
	snapdiff_domain(b, a, &d);
	assert_int_equal(d.nstatus, 1);
	assert_int_equal(d.nadded, 1);
	what = snapdiff_status_text(&d.status[0]);
	assert_string_equal(what, "no longer stale: NOERROR");
	free(what);
	snapdiff_release(&d);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

static void test_same_and_new_domain(void **state)
{
	struct snapshot sa = { 0 }, sb = { 0 };
	struct snapdiff d = { 0 };
	const struct domain_snap *a = dom(&sa, zone_a, status_a);
	const struct domain_snap *b = dom(&sb, zone_a, status_a);

	assert_int_equal(snapdiff_domain(a, b, &d), 0);
	assert_true(snapdiff_empty(&d));
	assert_null(snapdiff_summary(&d, "example.com"));
	snapdiff_release(&d);

	assert_int_equal(snapdiff_domain(NULL, b, &d), 4);   /* all new: records only */
	assert_int_equal(d.nadded, 4);
	assert_int_equal(d.nstatus, 0);
	snapdiff_release(&d);
	assert_int_equal(snapdiff_domain(a, NULL, &d), 4);   /* gone */
	assert_int_equal(d.nremoved, 4);
	snapdiff_release(&d);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

static void test_summary_truncates(void **state)
{
	struct snapshot sa = { 0 }, sb = { 0 };
	struct snapdiff d = { 0 };
	struct domain_snap *a = snapshot_add_domain(&sa, "example.com");
	struct domain_snap *b = snapshot_add_domain(&sb, "example.com");
	char owner[64], *sum;

	for (int i = 0; i < 10; i++) {
		snprintf(owner, sizeof(owner), "h%d.example.com.", i);
		dsnap_add_rr(b, owner, 60, "A", "192.0.2.1");
		dsnap_add_rr(b, owner, 60, "A", "192.0.2.2");   /* same RRset: one item */
	}
	dsnap_sort(a);
	dsnap_sort(b);
	snapdiff_domain(a, b, &d);
	assert_int_equal(d.nadded, 20);
	sum = snapdiff_summary(&d, "example.com");
	assert_string_equal(sum, "example.com: +A h0.example.com., +A h1.example.com., "
			    "+A h2.example.com., +A h3.example.com., +6 more");
	free(sum);
	snapdiff_release(&d);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

/* A record replaced in its RRset is one "~" item, not a "-" and a "+". */
static void test_summary_changed_rrset(void **state)
{
	struct snapshot sa = { 0 }, sb = { 0 };
	struct snapdiff d = { 0 };
	const struct domain_snap *a = dom(&sa, zone_a, status_a);
	const struct domain_snap *b = dom(&sb,
		"example.com.\t3600\tIN\tMX\t10 mx1.example.com.\n"
		"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
		"mx1.example.com.\t3600\tIN\tA\t192.0.2.25\n"
		"mx2.example.com.\t3600\tIN\tA\t192.0.2.99\n",
		"example.com.\tMX\tTIMEOUT\tstale\t-\n"
		"mx1.example.com.\tA\tNOERROR\tdisagree\t127.0.0.1\t127.0.0.2=NXDOMAIN/0\n"
		"mx2.example.com.\tA\tNOERROR\t-\t127.0.0.1\n");
	char *sum, *what;

	snapdiff_domain(a, b, &d);
	assert_int_equal(d.nremoved, 1);
	assert_int_equal(d.nadded, 1);
	assert_int_equal(d.nstatus, 2);
	what = snapdiff_status_text(&d.status[1]);
	assert_string_equal(what, "servers now disagree (127.0.0.2=NXDOMAIN/0)");
	sum = snapdiff_summary(&d, "example.com");
	assert_string_equal(sum, "example.com: ~A mx2.example.com., !MX example.com. stale, "
			    "!A mx1.example.com. disagree");
	free(what);
	free(sum);
	snapdiff_release(&d);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

static char *lines_str(const char *a, const char *b)
{
	struct snapdiff_line *l;
	struct strbuf sb = STRBUF_INIT;
	size_t n = snapdiff_lines(a, b, &l);

	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%c%.*s|", l[i].op, (int)l[i].len, l[i].text);
	free(l);
	return sb_detach(&sb);
}

static void test_lines(void **state)
{
	static const struct { const char *a, *b, *want; } cases[] = {
		{ "x\ny\nz\n", "x\ny\nz\n", "" },
		{ "x\ny\nz\n", "x\nz\n", "-y|" },
		{ "x\nz\n", "x\ny\nz\n", "+y|" },
		{ NULL, "a\nb\n", "+a|+b|" },
		{ "a\nb", NULL, "-a|-b|" },
		/* Order matters for firewall rules: a move is a removal and an addition. */
		{ "1\n2\n3\n", "2\n1\n3\n", "-1|+1|" },
		{ "a\nb\nc\nd\n", "a\nB\nc\nD\n", "-b|+B|-d|+D|" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = lines_str(cases[i].a, cases[i].b);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_removed_ttl),
		cmocka_unit_test(test_stale_is_not_removal),
		cmocka_unit_test(test_same_and_new_domain),
		cmocka_unit_test(test_summary_truncates),
		cmocka_unit_test(test_summary_changed_rrset),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
