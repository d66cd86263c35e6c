/*
 * test_analyze_dmarc.c - the DMARC parser (RFC 7489 and RFC 9989 tags,
 * error positions) and the analyzer's findings, including external
 * report authorization and hostile records.
 */
#include "analyze_test.h"

#define OWNER "_dmarc.example.com."

static void run(void)
{
	struct analyze_opts o;

	t_opts(&o);
	analyze_dmarc(&t_snap.domains[0], &o, &t_fs);
}

/* A domain whose _dmarc TXT is the given presentation-form rdata. */
static struct domain_snap *with(const char *rdata)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, OWNER, "TXT", rdata);
	return d;
}

static void parse_ok(const char *txt, struct dmarc_record *r)
{
	size_t pos;
	const char *msg;

	if (dmarc_parse(txt, r, &pos, &msg))
		fail_msg("'%s' at %zu: %s", txt, pos, msg);
}

static void parse_err(const char *txt, size_t want_pos)
{
	struct dmarc_record r;
	size_t pos = 999;
	const char *msg = NULL;

	assert_int_equal(dmarc_parse(txt, &r, &pos, &msg), -1);
	assert_non_null(msg);
	assert_int_equal(pos, want_pos);
	dmarc_record_release(&r);
}

static void test_parse(void **state)
{
	struct dmarc_record r;

	parse_ok("v=DMARC1; p=reject; sp=quarantine; np=none; pct=50; adkim=s; "
		 "aspf=r; t=y; psd=n; rua=mailto:a@example.com, mailto:b@example.net!10m; "
		 "ruf=mailto:f@example.com; fo=1:d; x_unknown=ignored", &r);
	assert_int_equal(r.p, DP_REJECT);
	assert_int_equal(r.sp, DP_QUARANTINE);
	assert_int_equal(r.np, DP_NONE);
	assert_int_equal(r.pct, 50);
	assert_int_equal(r.adkim, 's');
	assert_int_equal(r.aspf, 'r');
	assert_int_equal(r.t, 'y');
	assert_int_equal(r.psd, 'n');
	assert_int_equal(r.rua.n, 2);
	assert_string_equal(r.rua.v[1], "mailto:b@example.net!10m");
	assert_int_equal(r.ruf.n, 1);
	assert_int_equal(r.nissue, 0);
	dmarc_record_release(&r);

	parse_ok("v = DMARC1 ;P=Reject;", &r);   /* names and p values ignore case */
	assert_int_equal(r.p, DP_REJECT);
	assert_int_equal(r.sp, DP_UNSET);
	assert_int_equal(r.pct, -1);
	dmarc_record_release(&r);

	parse_ok("v=DMARC1; p=reject; pct=200; adkim=x; fo=2; psd=maybe", &r);
	assert_int_equal(r.nissue, 4);
	assert_int_equal(r.issues[0].pos, 24);   /* the value of pct */
	dmarc_record_release(&r);
}

static void test_parse_errors(void **state)
{
	parse_err("p=reject; v=DMARC1", 0);
	parse_err("v=dmarc1; p=reject", 2);
	parse_err("v=DMARC1; p=reject; p=none", 20);
	parse_err("v=DMARC1; =reject", 10);
	parse_err("v=DMARC1; p reject", 12);
	parse_err("v=DMARC1; p=re\x01ject", 14);
	parse_err("", 0);
}

static void test_taglist(void **state)
{
	struct taglist tl;
	const char *msg;
	size_t pos;

	assert_int_equal(taglist_parse(" a = 1 2 ;;b=;c_9=x;", false, &tl, &pos, &msg), 0);
	assert_int_equal(tl.n, 3);
	assert_string_equal(tl.v[0].value, "1 2");   /* inner blanks kept, outer trimmed */
	assert_int_equal(tl.v[0].vpos, 5);
	assert_string_equal(tl.v[1].value, "");
	assert_non_null(taglist_get(&tl, "c_9", false));
	assert_null(taglist_get(&tl, "C_9", false));
	assert_non_null(taglist_get(&tl, "C_9", true));
	taglist_release(&tl);

	assert_int_equal(taglist_parse("a=1; A=2", true, &tl, &pos, &msg), -1);
	assert_int_equal(pos, 5);
	assert_int_equal(taglist_parse("a=1; A=2", false, &tl, &pos, &msg), 0);
	taglist_release(&tl);
	assert_int_equal(taglist_parse("a=\xc3\xa9", false, &tl, &pos, &msg), -1);
	assert_int_equal(pos, 2);
	assert_int_equal(taglist_parse("9a=1", false, &tl, &pos, &msg), -1);
	assert_int_equal(pos, 0);
	assert_int_equal(taglist_parse("", false, &tl, &pos, &msg), 0);
	assert_int_equal(tl.n, 0);

	assert_true(taglist_is_version("v=DMARC1", "DMARC1"));
	assert_true(taglist_is_version(" v = DMARC1 ; p=none", "DMARC1"));
	assert_false(taglist_is_version("v=DMARC10", "DMARC1"));
	assert_false(taglist_is_version("v=dmarc1", "DMARC1"));
	assert_false(taglist_is_version("p=none; v=DMARC1", "DMARC1"));
}

static void test_good(void **state)
{
	struct domain_snap *d = with("\"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"");

	(void)d;
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_missing(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, OWNER, "TXT", LK_NXDOMAIN, false);
	run();
	t_expect("dmarc.missing", SEV_CRITICAL, 1);

	t_rr(d, "example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	findings_release(&t_fs);
	run();
	t_expect("dmarc.at-apex", SEV_WARNING, 1);
	t_expect("dmarc.missing", SEV_CRITICAL, 1);
}

static void test_unknown(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, OWNER, "TXT", LK_SERVFAIL, false);
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_multiple(void **state)
{
	struct domain_snap *d = with("\"v=DMARC1; p=reject\"");

	t_rr(d, OWNER, "TXT", "\"v=DMARC1; p=none\"");
	t_rr(d, OWNER, "TXT", "\"some-verification=abc\"");
	run();
	t_expect("dmarc.multiple", SEV_CRITICAL, 1);
}

static void test_split_strings(void **state)
{
	with("\"v=DMARC1; p=rej\" \"ect; rua=mailto:d@example.com\"");
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_lookalike(void **state)
{
	with("\"v=dmarc1; p=reject\"");
	run();
	t_expect("dmarc.syntax", SEV_CRITICAL, 1);
	t_expect("dmarc.missing", -1, 0);
	assert_non_null(strstr(t_get("dmarc.syntax")->message, "column 3"));
}

static void test_syntax_position(void **state)
{
	with("\"v=DMARC1; p=reject; rua=mailto:a@example.com; bad tag\"");
	run();
	t_expect("dmarc.syntax", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("dmarc.syntax")->message, "column 51"));
}

static void test_bad_p(void **state)
{
	with("\"v=DMARC1; p=block\"");
	run();
	t_expect("dmarc.syntax", SEV_CRITICAL, 1);
	t_expect("dmarc.policy-none", -1, 0);

	with("\"v=DMARC1; p=block; rua=mailto:d@example.com\"");
	run();
	t_expect("dmarc.syntax", SEV_WARNING, 2);   /* p unusable, the bad value */
	t_expect("dmarc.policy-none", SEV_WARNING, 1);

	with("\"v=DMARC1; rua=mailto:d@example.com\"");
	run();
	t_expect("dmarc.syntax", SEV_WARNING, 1);
}

static void test_weaker(void **state)
{
	with("\"v=DMARC1; p=reject; sp=none; np=none; pct=20; t=y; psd=y; adkim=s\"");
	run();
	t_expect("dmarc.sp-none", SEV_WARNING, 1);
	t_expect("dmarc.np-none", SEV_WARNING, 1);
	t_expect("dmarc.pct", SEV_WARNING, 1);
	t_expect("dmarc.testing", SEV_WARNING, 1);
	t_expect("dmarc.psd", SEV_WARNING, 1);
	t_expect("dmarc.strict-alignment", SEV_INFO, 1);
	t_expect("dmarc.no-rua", SEV_INFO, 1);

	with("\"v=DMARC1; p=none; rua=mailto:d@example.com\"");
	run();
	t_expect("dmarc.policy-none", SEV_WARNING, 1);
	t_expect("dmarc.sp-none", -1, 0);
}

static void test_external_rua(void **state)
{
	struct domain_snap *d = with("\"v=DMARC1; p=reject; rua=mailto:r@reports.example.net,"
				     "mailto:x@dmarc.example.com; ruf=https://x.example.org/\"");

	t_lk(d, "example.com._report._dmarc.reports.example.net.", "TXT", LK_NXDOMAIN, false);
	run();
	t_expect("dmarc.rua-unauthorized", SEV_WARNING, 1);
	assert_string_equal(t_get("dmarc.rua-unauthorized")->subject,
			    "mailto:r@reports.example.net");
	t_expect("dmarc.bad-uri", SEV_WARNING, 1);

	t_rr(d, "example.com._report._dmarc.reports.example.net.", "TXT", "\"v=DMARC1\"");
	findings_release(&t_fs);
	run();
	t_expect("dmarc.rua-unauthorized", -1, 0);
}

static void test_external_unknown(void **state)
{
	struct domain_snap *d = with("\"v=DMARC1; p=reject; rua=mailto:r@example.net\"");

	t_lk(d, "example.com._report._dmarc.example.net.", "TXT", LK_TIMEOUT, false);
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_org_domain(void **state)
{
	struct domain_snap *d = t_domain("shop.example.co.uk");

	t_rr(d, "_dmarc.shop.example.co.uk.", "TXT",
	     "\"v=DMARC1; p=reject; rua=mailto:r@example.co.uk\"");
	run();
	assert_int_equal(t_fs.n, 0);   /* same organizational domain */
}

static void test_cname(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, OWNER, "CNAME", "example.com.dmarc.provider.net.");
	t_rr(d, "example.com.dmarc.provider.net.", "TXT", "\"v=DMARC1; p=quarantine; rua=mailto:a@example.com\"");
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_effective(void **state)
{
	struct dmarc_record r;

	with("\"v=DMARC1; p=quarantine\"");
	assert_int_equal(dmarc_effective(&t_snap.domains[0], &r), 0);
	assert_int_equal(r.p, DP_QUARANTINE);
	dmarc_record_release(&r);
	with("\"v=DMARC1; p=quarantine; p=none\"");
	assert_int_equal(dmarc_effective(&t_snap.domains[0], &r), -1);
	dmarc_record_release(&r);
}

static void test_hostile(void **state)
{
	char big[6000];
	struct dmarc_record r;
	size_t pos;
	const char *msg;

	memset(big, 'a', sizeof(big));
	memcpy(big, "\"v=DMARC1; p=reject; rua=", 25);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	with(big);
	run();
	t_expect("dmarc.bad-uri", SEV_WARNING, 1);
	assert_true(strlen(t_get("dmarc.bad-uri")->evidence) < 500);

	with("\"v=DMARC1; p=reject\\000; rua=\\255\\254\"");
	run();
	with("\"v=DMARC1;;;;; p=reject;;\"");
	run();
	with("\"unterminated");
	run();
	assert_int_equal(dmarc_parse("v=DMARC1; p=reject; " "sp=x; np=x; pct=x; adkim=x; "
				     "aspf=x; t=x; psd=x; fo=x; sp2=x; pct=1", &r, &pos, &msg), -1);
	dmarc_record_release(&r);
	assert_int_equal(dmarc_parse("v=DMARC1; sp=x; np=x; pct=x; adkim=x; aspf=x; t=x; "
				     "psd=x; fo=x; ri=1; rf=afrf; a=1; b=2", &r, &pos, &msg), 0);
	assert_int_equal(r.nissue, 8);   /* capped, not overflowing */
	dmarc_record_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse, t_teardown),
		cmocka_unit_test_teardown(test_parse_errors, t_teardown),
		cmocka_unit_test_teardown(test_taglist, t_teardown),
		cmocka_unit_test_teardown(test_good, t_teardown),
		cmocka_unit_test_teardown(test_missing, t_teardown),
		cmocka_unit_test_teardown(test_unknown, t_teardown),
		cmocka_unit_test_teardown(test_multiple, t_teardown),
		cmocka_unit_test_teardown(test_split_strings, t_teardown),
		cmocka_unit_test_teardown(test_lookalike, t_teardown),
		cmocka_unit_test_teardown(test_syntax_position, t_teardown),
		cmocka_unit_test_teardown(test_bad_p, t_teardown),
		cmocka_unit_test_teardown(test_weaker, t_teardown),
		cmocka_unit_test_teardown(test_external_rua, t_teardown),
		cmocka_unit_test_teardown(test_external_unknown, t_teardown),
		cmocka_unit_test_teardown(test_org_domain, t_teardown),
		cmocka_unit_test_teardown(test_cname, t_teardown),
		cmocka_unit_test_teardown(test_effective, t_teardown),
		cmocka_unit_test_teardown(test_hostile, t_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
