/*
 * test_fw_addrset.c - address parsing, set algebra and minimal CIDR lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw.h"

/* Build a set from a comma-separated list of CIDRs. */
static void set_of(struct fw_addrset *s, const char *list)
{
	char *copy = strdup(list), *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		struct fw_range r;
		int fam;

		assert_int_equal(fw_cidr_parse(w, &r, &fam), 0);
		fw_as_add(s, r.lo, r.hi);
	}
	free(copy);
}

static void assert_set(const struct fw_addrset *s, int fam, const char *expect)
{
	char *j = fw_as_join(s, fam);

	assert_string_equal(j, expect);
	free(j);
}

static void test_parse(void **state)
{
	struct fw_range r;
	fw_u128 ip;
	int fam;
	char buf[64];

	assert_int_equal(fw_ip_parse("192.0.2.25", &ip, &fam), 0);
	assert_int_equal(fam, FW_V4);
	fw_ip_format(ip, fam, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.25");
	assert_int_equal(fw_ip_parse("2001:db8::25", &ip, &fam), 0);
	assert_int_equal(fam, FW_V6);
	fw_ip_format(ip, fam, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::25");
	assert_int_equal(fw_ip_parse("192.0.2", &ip, &fam), -1);
	assert_int_equal(fw_ip_parse("", &ip, &fam), -1);
	/* Host bits below the prefix are ignored, as iptables does. */
	assert_int_equal(fw_cidr_parse("198.51.100.7/28", &r, &fam), 0);
	fw_ip_format(r.lo, fam, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.100.0");
	fw_ip_format(r.hi, fam, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.100.15");
	assert_int_equal(fw_cidr_parse("198.51.100.0/255.255.255.0", &r, &fam), 0);
	fw_ip_format(r.hi, fam, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.100.255");
	assert_int_equal(fw_cidr_parse("198.51.100.0/255.0.255.0", &r, &fam), -1);
	assert_int_equal(fw_cidr_parse("198.51.100.0/33", &r, &fam), -1);
	assert_int_equal(fw_cidr_parse("198.51.100.0/", &r, &fam), -1);
	assert_int_equal(fw_cidr_parse("2001:db8::/32", &r, &fam), 0);
	assert_int_equal(fw_cidr_parse("::/0", &r, &fam), 0);
	assert_true(r.lo == 0 && r.hi == ~(fw_u128)0);
}

/* Every address but one /28 is the classic answer; it must be minimal. */
static void test_complement_minimal(void **state)
{
	struct fw_addrset all = FW_ADDRSET_INIT, hole = FW_ADDRSET_INIT, rest = FW_ADDRSET_INIT;

	fw_as_set_universe(&all, FW_V4);
	assert_set(&all, FW_V4, "0.0.0.0/0");
	set_of(&hole, "198.51.100.0/28");
	fw_as_subtract(&rest, &all, &hole);
	/* 32 - 4 = 28 blocks: one per bit of the prefix. */
	struct strlist l = STRLIST_INIT;
	fw_as_to_cidrs(&rest, FW_V4, &l);
	assert_int_equal(l.n, 28);
	assert_string_equal(l.v[0], "0.0.0.0/1");
	assert_true(sl_has(&l, "198.51.100.16/28"));
	assert_false(sl_has(&l, "198.51.100.0/28"));
	sl_release(&l);
	/* Putting the hole back gives everything again, as one range. */
	fw_as_merge(&rest, &hole);
	assert_true(fw_as_equal(&rest, &all));
	assert_int_equal(rest.n, 1);
	fw_as_release(&all);
	fw_as_release(&hole);
	fw_as_release(&rest);
}

static void test_algebra(void **state)
{
	struct fw_addrset a = FW_ADDRSET_INIT, b = FW_ADDRSET_INIT, c = FW_ADDRSET_INIT;

	set_of(&a, "192.0.2.0/24,198.51.100.0/24");
	set_of(&b, "192.0.2.128/25,203.0.113.0/24,198.51.100.10");
	fw_as_intersect(&c, &a, &b);
	assert_set(&c, FW_V4, "192.0.2.128/25,198.51.100.10/32");
	fw_as_union(&c, &a, &b);
	assert_set(&c, FW_V4, "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24");
	fw_as_subtract(&c, &a, &b);
	assert_set(&c, FW_V4, "192.0.2.0/25,198.51.100.0/29,198.51.100.8/31,198.51.100.11/32,"
		   "198.51.100.12/30,198.51.100.16/28,198.51.100.32/27,198.51.100.64/26,198.51.100.128/25");
	/* Adjacent ranges merge, out of order adds stay sorted. */
	fw_as_clear(&c);
	set_of(&c, "10.0.0.2,10.0.0.0,10.0.0.3,10.0.0.1");
	assert_int_equal(c.n, 1);
	assert_set(&c, FW_V4, "10.0.0.0/30");
	assert_true(fw_as_contains(&c, c.v[0].lo + 3));
	assert_false(fw_as_contains(&c, c.v[0].lo + 4));
	fw_as_restrict(&c, &a);
	assert_true(fw_as_empty(&c));
	fw_as_release(&a);
	fw_as_release(&b);
	fw_as_release(&c);
}

static void test_v6(void **state)
{
	struct fw_addrset all = FW_ADDRSET_INIT, hole = FW_ADDRSET_INIT;

	fw_as_set_universe(&all, FW_V6);
	assert_set(&all, FW_V6, "::/0");
	set_of(&hole, "2001:db8::/32");
	fw_as_remove(&all, &hole);
	struct strlist l = STRLIST_INIT;
	fw_as_to_cidrs(&all, FW_V6, &l);
	assert_int_equal(l.n, 32);
	assert_string_equal(l.v[0], "::/3");
	sl_release(&l);
	fw_as_release(&all);
	fw_as_release(&hole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_complement_minimal),
		cmocka_unit_test(test_algebra),
		cmocka_unit_test(test_v6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
