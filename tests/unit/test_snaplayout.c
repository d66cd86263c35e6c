/*
 * test_snaplayout.c - the snapshot tree's paths, both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "snaplayout.h"

static void name_is(const char *path, enum snap_part part, const char *want, int which)
{
	int w = -1;
	char *name = snap_path_name(path, part, &w);

	if (!want) {
		assert_null(name);
		return;
	}
	assert_non_null(name);
	assert_string_equal(name, want);
	assert_int_equal(w, which);
	free(name);
}

static void test_paths(void **state)
{
	char *p = snap_path(SNAP_DNS, "example.com", SNAP_ZONE);

	(void)state;
	assert_string_equal(p, "dns/example.com.zone");
	free(p);
	p = snap_path(SNAP_DNS, "example.com", SNAP_STATUS);
	assert_string_equal(p, "dns/example.com.status");
	free(p);
	p = snap_path(SNAP_FW, "edge", SNAP_EXPORT);
	assert_string_equal(p, "firewall/edge.export");
	free(p);
	p = snap_path(SNAP_FW, "edge", SNAP_RULES);
	assert_string_equal(p, "firewall/edge.rules");
	free(p);
	assert_string_equal(snap_dir(SNAP_FW), "firewall");
}

static void test_names(void **state)
{
	(void)state;
	name_is("dns/example.com.zone", SNAP_DNS, "example.com", SNAP_ZONE);
	name_is("dns/example.com.status", SNAP_DNS, "example.com", SNAP_STATUS);
	name_is("firewall/edge.rules", SNAP_FW, "edge", SNAP_RULES);
	name_is("firewall/edge.zone.export", SNAP_FW, "edge.zone", SNAP_EXPORT);
	/* not a file of that part */
	name_is("firewall/edge.rules", SNAP_DNS, NULL, 0);
	name_is("dns/example.com.rules", SNAP_DNS, NULL, 0);
	name_is("dns/.zone", SNAP_DNS, NULL, 0);
	name_is("dnsx/example.com.zone", SNAP_DNS, NULL, 0);
	name_is("dns/sub/example.com.zone", SNAP_DNS, NULL, 0);
	name_is("inputs/example.com.zone", SNAP_DNS, NULL, 0);
}

static void test_which_optional(void **state)
{
	char *name = snap_path_name("dns/example.com.zone", SNAP_DNS, NULL);

	(void)state;
	assert_string_equal(name, "example.com");
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_which_optional),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
