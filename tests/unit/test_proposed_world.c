/*
 * test_proposed_world.c - the answers a proposed collection takes: the
 * proposed zone as its server would answer, the stored snapshot for
 * names it asked, nothing (the network) for names never seen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proposed.h"
#include "resolver.h"

static struct proposed_zone *add_zone(struct proposed_set *set, const char *apex)
{
	struct proposed_zone *z;

	set->v = realloc(set->v, (set->n + 1) * sizeof(*set->v));
	z = memset(&set->v[set->n++], 0, sizeof(*z));
	z->apex = strdup(apex);
	z->file = strdup("p.zone");
	z->recs.name = strdup(apex);
	return z;
}

static void zone_done(struct proposed_zone *z)
{
	dsnap_sort(&z->recs);
	z->used = calloc(z->recs.nrr + 1, sizeof(*z->used));
}

/* ask: proposed_answer() for name/type; res released by the caller. */
static bool ask(struct proposed_set *set, const char *name, const char *type,
		struct lookup_result *res)
{
	memset(res, 0, sizeof(*res));
	return proposed_answer(set, name, type, res);
}

static void test_zone_answers(void **state)
{
	struct proposed_set set = { 0 };
	struct proposed_zone *z = add_zone(&set, "example.com.");
	struct lookup_result res;

	(void)state;
	dsnap_add_rr(&z->recs, "example.com.", 3600, "MX", "10 mx1.example.com.");
	dsnap_add_rr(&z->recs, "mx1.example.com.", 3600, "A", "192.0.2.25");
	dsnap_add_rr(&z->recs, "s2._domainkey.example.com.", 3600, "CNAME", "s2.dkim.example.net.");
	dsnap_add_rr(&z->recs, "www.example.com.", 3600, "A", "192.0.2.80");
	dsnap_add_rr(&z->recs, "*.hosts.example.com.", 3600, "A", "192.0.2.99");
	zone_done(z);

	assert_true(ask(&set, "example.com.", "MX", &res));
	assert_int_equal(res.state, LK_NOERROR);
	assert_int_equal(res.nrr, 1);
	assert_string_equal(res.rrs[0].rdata, "10 mx1.example.com.");
	lookup_result_release(&res);

	assert_true(ask(&set, "mx1.example.com.", "A", &res));
	assert_int_equal(res.state, LK_NOERROR);
	lookup_result_release(&res);
	assert_true(ask(&set, "mx1.example.com.", "AAAA", &res));
	assert_int_equal(res.state, LK_NODATA);
	lookup_result_release(&res);

	/* An empty non-terminal exists: no data, not NXDOMAIN. */
	assert_true(ask(&set, "_domainkey.example.com.", "TXT", &res));
	assert_int_equal(res.state, LK_NODATA);
	lookup_result_release(&res);

	assert_true(ask(&set, "mx2.example.com.", "A", &res));
	assert_int_equal(res.state, LK_NXDOMAIN);
	lookup_result_release(&res);

	/* A chain out of the zone stops at its CNAME: the collector follows it. */
	assert_true(ask(&set, "s2._domainkey.example.com.", "TXT", &res));
	assert_int_equal(res.state, LK_NOERROR);
	assert_int_equal(res.nrr, 1);
	assert_string_equal(res.rrs[0].type, "CNAME");
	lookup_result_release(&res);

	/* A wildcard answers under its own name. */
	assert_true(ask(&set, "a.hosts.example.com.", "A", &res));
	assert_int_equal(res.state, LK_NOERROR);
	assert_int_equal(res.nrr, 1);
	assert_string_equal(res.rrs[0].owner, "a.hosts.example.com.");
	assert_string_equal(res.rrs[0].rdata, "192.0.2.99");
	lookup_result_release(&res);

	/* Served records are marked; www never was. */
	for (size_t i = 0; i < z->recs.nrr; i++)
		assert_int_equal(z->used[i], strcmp(z->recs.rrs[i].owner, "www.example.com.") != 0);
	assert_int_equal(z->answered, 7);

	/* Outside every zone, nothing stored: the network's turn. */
	assert_false(ask(&set, "sendgrid.example.net.", "TXT", &res));
	lookup_result_release(&res);
	proposed_set_release(&set);
}

static void test_nested_zones(void **state)
{
	struct proposed_set set = { 0 };
	struct proposed_zone *outer = add_zone(&set, "example.net."), *inner;
	struct lookup_result res;

	(void)state;
	dsnap_add_rr(&outer->recs, "example.net.", 3600, "NS", "ns1.example.net.");
	zone_done(outer);
	inner = add_zone(&set, "sendgrid.example.net.");
	dsnap_add_rr(&inner->recs, "sendgrid.example.net.", 3600, "TXT", "\"v=spf1 -all\"");
	zone_done(inner);
	assert_true(ask(&set, "sendgrid.example.net.", "TXT", &res));
	assert_int_equal(res.state, LK_NOERROR);
	assert_int_equal(res.nrr, 1);
	assert_int_equal(set.v[0].answered, 0);
	lookup_result_release(&res);
	proposed_set_release(&set);
}

static void test_stored_answers(void **state)
{
	struct proposed_set set = { 0 };
	struct snapshot s = { 0 };
	struct domain_snap *d = snapshot_add_domain(&s, "example.com");
	struct lookup_result res;

	(void)state;
	dsnap_add_rr(d, "s2._domainkey.example.com.", 3600, "CNAME", "s2.dkim.example.net.");
	dsnap_add_rr(d, "s2.dkim.example.net.", 3600, "TXT", "\"v=DKIM1; p=\"");
	dsnap_add_lookup(d, "s2._domainkey.example.com.", "TXT", LK_NOERROR);
	dsnap_add_lookup(d, "s2.dkim.example.net.", "TXT", LK_NOERROR);
	dsnap_add_lookup(d, "_spf.example.net.", "TXT", LK_TIMEOUT);
	dsnap_sort(d);
	snapshot_sort(&s);
	set.stored = &s;

	/* The far end was asked on its own, so the chain stops before it. */
	assert_true(ask(&set, "s2._domainkey.example.com.", "TXT", &res));
	assert_int_equal(res.nrr, 1);
	assert_string_equal(res.rrs[0].type, "CNAME");
	lookup_result_release(&res);
	assert_true(ask(&set, "s2.dkim.example.net.", "TXT", &res));
	assert_int_equal(res.state, LK_NOERROR);
	assert_int_equal(res.nrr, 1);
	lookup_result_release(&res);
	/* A stored failure stays a failure. */
	assert_true(ask(&set, "_spf.example.net.", "TXT", &res));
	assert_int_equal(res.state, LK_TIMEOUT);
	lookup_result_release(&res);
	assert_false(ask(&set, "new.example.org.", "TXT", &res));
	lookup_result_release(&res);
	proposed_set_release(&set);
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_answers),
		cmocka_unit_test(test_nested_zones),
		cmocka_unit_test(test_stored_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
