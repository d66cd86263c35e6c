/*
 * test_when.c - the times --since, --until and --at accept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

/* 2026-11-20 14:30:00 UTC */
#define NOW ((time_t)1795185000)

static int utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static time_t ok(const char *s)
{
	time_t t = 0;

	assert_int_equal(when_parse("--at", s, NOW, &t), 0);
	return t;
}

static void test_iso(void **state)
{
	assert_int_equal(ok("2026-11-20"), 1795132800);
	assert_int_equal(ok("2026-11-20 14:00"), 1795132800 + 14 * 3600);
	assert_int_equal(ok("2026-11-20 14:00:30"), 1795132800 + 14 * 3600 + 30);
	assert_int_equal(ok("2026-11-20T14:00"), 1795132800 + 14 * 3600);
	assert_int_equal(ok("2026-11-20T14:00:30Z"), 1795132800 + 14 * 3600 + 30);
	assert_int_equal(ok("  2026-02-28"), 1772236800);
}

/* The forms git prints: %ci, %cI and %cD, and its dotted relative times. */
static void test_git_forms(void **state)
{
	time_t at14 = 1795132800 + 14 * 3600 + 30;

	assert_int_equal(ok("2026-11-20 14:00:30 +0000"), at14);
	assert_int_equal(ok("2026-11-20 15:00:30 +0100"), at14);
	assert_int_equal(ok("2026-11-20 09:30:30 -0430"), at14);
	assert_int_equal(ok("2026-11-20T15:00:30+01:00"), at14);
	assert_int_equal(ok("2026-11-20T14:00:30+00:00"), at14);
	assert_int_equal(ok("Fri, 20 Nov 2026 15:00:30 +0100"), at14);
	assert_int_equal(ok("3.hours.ago"), NOW - 3 * 3600);
	assert_int_equal(ok("yesterday 14:00"), 1795132800 - 86400 + 14 * 3600);
	assert_int_equal(ok("today 09:15:10"), 1795132800 + 9 * 3600 + 15 * 60 + 10);
}

static void test_local_time(void **state)
{
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);   /* UTC+1 in November */
	tzset();
	assert_int_equal(ok("2026-11-20 14:00"), 1795132800 + 13 * 3600);
	assert_int_equal(ok("2026-11-20T14:00Z"), 1795132800 + 14 * 3600);
	assert_int_equal(ok("2026-07-01 12:00"), 1782907200 - 2 * 3600);   /* CEST */
	assert_int_equal(ok("today"), 1795132800 - 3600);
	utc(NULL);
}

static void test_relative(void **state)
{
	assert_int_equal(ok("now"), NOW);
	assert_int_equal(ok("1 day ago"), NOW - 86400);
	assert_int_equal(ok("2 days ago"), NOW - 2 * 86400);
	assert_int_equal(ok("90 minutes ago"), NOW - 5400);
	assert_int_equal(ok("1 minute ago"), NOW - 60);
	assert_int_equal(ok("3 hours ago"), NOW - 3 * 3600);
	assert_int_equal(ok("10 seconds ago"), NOW - 10);
	assert_int_equal(ok("2 weeks ago"), NOW - 14 * 86400);
	assert_int_equal(ok("1 Hour Ago"), NOW - 3600);
	assert_int_equal(ok("today"), 1795132800);
	assert_int_equal(ok("yesterday"), 1795132800 - 86400);
	assert_int_equal(ok("@1700000000"), 1700000000);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "tomorrow", "2026-13-01", "2026-02-30", "2026-11-20 25:00",
		"2026-11-20 14", "2026-11-20 14:00Z", "2026/11/20", "1 fortnight ago",
		"1 day", "-1 day ago", "day ago", "@", "@12x", "2026-11-20x",
		"1 days agoo", "1 dayss ago", "2026-11-20 14:00 +01", "2026-11-20 14:00 +2400",
		"2026-11-20T14:00+01:0", "yesterday 25:00", "yesterday noon", "today 14:00 x",
		"Fri, 20 Nov 2026 15:00:30", "2026-11-20 +0100",
	};
	time_t t;
	int saved = dup(2);

	freopen("/dev/null", "w", stderr);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (when_parse("--at", bad[i], NOW, &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_git_forms),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, utc, NULL);
}
