/*
 * test_report.c - golden outputs of a check: a fixed snapshot
 * (tests/fixtures/check/golden/<domain>.zone and .status, the canonical
 * files), the mail-DNS analyzers and a policy, rendered as text, JSON and
 * Markdown and compared byte for byte with tests/fixtures/check/golden.*.
 *
 * To accept a deliberate change of the output, regenerate them:
 *     MXAUDIT_REGEN=1 tests/bin/test_report
 * and review the diff. SPF and firewall findings are left out so other
 * areas' work does not move these files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"
#include "analyze.h"
#include "policy.h"
#include "report.h"

static char dir[512];

static const char *fixture(const char *name)
{
	static char path[640];
	const char *f = __FILE__, *t = strstr(f, "tests/unit/");

	snprintf(path, sizeof(path), "%.*stests/fixtures/check/%s", t ? (int)(t - f) : 0, f, name);
	return path;
}

static void load_domain(struct snapshot *s, const char *name)
{
	struct domain_snap *d = snapshot_add_domain(s, name);
	char *text, file[256];

	snprintf(file, sizeof(file), "golden/%s.zone", name);
	assert_int_equal(read_file(fixture(file), &text, NULL), 0);
	assert_int_equal(dsnap_parse_zone(d, file, text), 0);
	free(text);
	snprintf(file, sizeof(file), "golden/%s.status", name);
	assert_int_equal(read_file(fixture(file), &text, NULL), 0);
	assert_int_equal(dsnap_parse_status(d, file, text), 0);
	free(text);
}

/* Every mail-DNS analyzer of analyze_domain(), without the SPF area's. */
static void analyze(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *fs)
{
	analyze_status(d, o, fs);
	analyze_mx(d, o, fs);
	analyze_ptr(d, o, fs);
	analyze_dmarc(d, o, fs);
	analyze_dkim(d, o, fs);
	analyze_mtasts(d, o, fs);
	analyze_tlsrpt(d, o, fs);
	analyze_tlsa(d, o, fs);
	analyze_bimi(d, o, fs);
}

static void build(struct check_report *rep)
{
	struct snapshot s = { 0 };
	struct policy_set ps = POLICY_SET_INIT;
	struct strlist shop = STRLIST_INIT, quiet = STRLIST_INIT;

	sl_push(&shop, "s1");
	sl_push(&shop, "s2");
	sl_push(&shop, "s3");
	sl_push(&quiet, "sel");
	load_domain(&s, "shop.example");
	load_domain(&s, "quiet.example");
	snapshot_sort(&s);
	assert_int_equal(policy_load_file(fixture("golden/policy.yaml"), &ps), 0);
	/* The evidence names the policy file: keep it independent of the checkout path. */
	free(ps.v[0].file);
	ps.v[0].file = xstrdup("policy.yaml");
	for (size_t i = 0; i < s.n; i++) {
		struct domain_report *dr = report_add(rep, s.domains[i].name);
		struct analyze_opts o;

		analyze_opts_init(&o, NULL, NULL);
		o.lab = true;
		o.dkim_selectors = !strcmp(s.domains[i].name, "shop.example") ? &shop : &quiet;
		analyze(&s.domains[i], &o, &dr->fs);
		if (policy_covers(&ps.v[0], s.domains[i].name)) {
			policy_check(&ps.v[0], &s.domains[i], &o, &dr->fs);
			policy_apply(&ps.v[0], 0, &dr->fs, &dr->nignored);
		}
	}
	rep->label = xstrdup("snapshot 0123456789ab");
	report_sort(rep);
	sl_release(&shop);
	sl_release(&quiet);
	policy_set_release(&ps);
	snapshot_release(&s);
}

static void golden(const char *name, void (*render)(FILE *, const struct check_report *))
{
	struct check_report rep = CHECK_REPORT_INIT;
	char *buf = NULL, *want = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	build(&rep);
	render(f, &rep);
	fclose(f);
	report_release(&rep);
	if (getenv("MXAUDIT_REGEN")) {
		FILE *out = fopen(fixture(name), "w");
		assert_non_null(out);
		fwrite(buf, 1, len, out);
		fclose(out);
		fprintf(stderr, "wrote %s\n", fixture(name));
	}
	assert_int_equal(read_file(fixture(name), &want, NULL), 0);
	if (strcmp(want, buf))
		fail_msg("%s differs; got:\n%s\n(MXAUDIT_REGEN=1 tests/bin/test_report rewrites it)",
			 name, buf);
	free(want);
	free(buf);
}

static void text(FILE *f, const struct check_report *r) { report_text(f, r, false); }
static void json(FILE *f, const struct check_report *r) { report_json(f, r); }

static void test_text(void **state) { golden("golden.txt", text); }
static void test_json(void **state) { golden("golden.json", json); }
static void test_markdown(void **state) { golden("golden.md", report_markdown); }

static void test_order_and_counts(void **state)
{
	struct check_report rep = CHECK_REPORT_INIT;
	size_t c[3];

	build(&rep);
	assert_string_equal(rep.v[0].domain, "shop.example");   /* worst first */
	assert_int_equal(report_worst(&rep), SEV_CRITICAL);
	report_counts(&rep, c);
	assert_true(c[SEV_CRITICAL] > 0 && c[SEV_WARNING] > 0 && c[SEV_INFO] > 0);
	assert_int_equal(rep.v[0].nignored, 2);
	report_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_order_and_counts),
	};
	(void)dir;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
