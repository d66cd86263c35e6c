/*
 * test_svg.c - the report's HTML escaping and cutting, and the metrics'
 * text format, on hostile text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "prom.h"

static char *esc(void (*fn)(FILE *, const char *), const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, in);
	fclose(f);
	return buf;
}

static void esc_plain(FILE *f, const char *s) { html_esc(f, s); }
static void esc_cut8(FILE *f, const char *s) { html_esc_cut(f, s, 8); }

static void test_escape(void **state)
{
	char *s = esc(esc_plain, "<a href=\"x\">&'</a>");

	assert_string_equal(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	free(s);
	s = esc(esc_plain, "caf\xc3\xa9 \xe2\x9c\x93");
	assert_string_equal(s, "caf\xc3\xa9 \xe2\x9c\x93");   /* valid UTF-8 kept */
	free(s);
	s = esc(esc_plain, "a\x01" "b\xff" "c\xc3" "d\x7f" "e\xc0\xaf");
	assert_string_equal(s, "a?b?c?d?e??");                /* each bad byte one '?' */
	free(s);
	s = esc(esc_plain, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_cut(void **state)
{
	char *s = esc(esc_cut8, "mx1.example.com.");

	assert_string_equal(s, "mx1.exa\xe2\x80\xa6");          /* 7 characters and the ellipsis */
	free(s);
	s = esc(esc_cut8, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	assert_string_equal(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	free(s);
	s = esc(esc_cut8, "<<<<<<<<<");                   /* cut before escaping */
	assert_string_equal(s, "&lt;&lt;&lt;&lt;&lt;&lt;&lt;\xe2\x80\xa6");
	free(s);
}

static void test_prom_labels(void **state)
{
	struct snapshot snap = { 0 };
	struct path_fws fws = { 0 };
	struct finding f1 = { SEV_CRITICAL, "x.y", "s", "m", NULL }, f2 = f1, f3 = { SEV_INFO, "a.b", "s", "m", NULL };
	const struct finding *fs[] = { &f1, &f2, &f3 };
	const char *scopes[] = { "we\"ird\\dom\nain", "we\"ird\\dom\nain", "b.example" };
	struct prom_input in = { &snap, NULL, &fws, fs, scopes, 3, 1700000000, 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	prom_write(f, &in);
	fclose(f);
	assert_non_null(strstr(buf, "mxaudit_findings{domain=\"b.example\",severity=\"info\",code=\"a.b\"} 1\n"));
	assert_non_null(strstr(buf, "mxaudit_findings{domain=\"we\\\"ird\\\\dom\\nain\",severity=\"critical\",code=\"x.y\"} 2\n"));
	assert_non_null(strstr(buf, "\nmxaudit_state 2\n"));
	assert_non_null(strstr(buf, "\nmxaudit_last_snapshot_timestamp_seconds 1700000000\n"));
	assert_non_null(strstr(buf, "# TYPE mxaudit_inbound_reachable gauge\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_prom_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
