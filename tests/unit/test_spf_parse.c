/*
 * test_spf_parse.c - SPF record syntax: terms, qualifiers, dual CIDR,
 * modifiers, and errors that point at the right position.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spf.h"

static int parse(const char *rec, struct spf_record *r, struct spf_error *err)
{
	return spf_parse(rec, strlen(rec), r, err);
}

static void test_terms(void **state)
{
	struct spf_record r;
	struct spf_error err;

	assert_int_equal(parse("v=spf1 +a mx:mail.example.com/24//64 -ip4:192.0.2.0/24 "
			       "~ip6:2001:db8::/32 ?include:_spf.example.net exists:%{i}.bl.example.org "
			       "ptr redirect=_spf.example.com exp=exp.%{d} foo=bar -all", &r, &err), 0);
	assert_int_equal(r.n, 11);
	assert_int_equal(r.terms[0].kind, SPF_A);
	assert_int_equal(r.terms[0].qualifier, '+');
	assert_null(r.terms[0].domain);
	assert_int_equal(r.terms[1].kind, SPF_MX);
	assert_string_equal(r.terms[1].domain, "mail.example.com");
	assert_int_equal(r.terms[1].cidr4, 24);
	assert_int_equal(r.terms[1].cidr6, 64);
	assert_int_equal(r.terms[2].kind, SPF_IP4);
	assert_int_equal(r.terms[2].qualifier, '-');
	assert_int_equal(r.terms[2].cidr4, 24);
	assert_int_equal(r.terms[2].addr[0], 192);
	assert_int_equal(r.terms[3].kind, SPF_IP6);
	assert_int_equal(r.terms[3].cidr6, 32);
	assert_int_equal(r.terms[3].addr[1], 0x01);
	assert_int_equal(r.terms[4].qualifier, '?');
	assert_string_equal(r.terms[4].domain, "_spf.example.net");
	assert_int_equal(r.terms[5].kind, SPF_EXISTS);
	assert_int_equal(r.terms[6].kind, SPF_PTR);
	assert_int_equal(r.redirect, 7);
	assert_int_equal(r.exp, 8);
	assert_int_equal(r.terms[9].kind, SPF_UNKNOWN_MOD);
	assert_true(r.has_all);
	assert_int_equal(r.terms[10].pos, strlen("v=spf1 +a mx:mail.example.com/24//64 -ip4:192.0.2.0/24 "
						  "~ip6:2001:db8::/32 ?include:_spf.example.net exists:%{i}.bl.example.org "
						  "ptr redirect=_spf.example.com exp=exp.%{d} foo=bar "));
	spf_record_release(&r);
}

static void test_defaults_and_case(void **state)
{
	struct spf_record r;
	struct spf_error err;

	assert_int_equal(parse("V=SpF1 A/28 MX//120 IP4:10.0.0.1   ALL ", &r, &err), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.terms[0].cidr4, 28);
	assert_int_equal(r.terms[0].cidr6, 128);
	assert_int_equal(r.terms[1].cidr4, 32);
	assert_int_equal(r.terms[1].cidr6, 120);
	assert_int_equal(r.terms[2].cidr4, 32);
	assert_int_equal(r.redirect, -1);
	spf_record_release(&r);
	assert_int_equal(parse("v=spf1", &r, &err), 0);
	assert_int_equal(r.n, 0);
	spf_record_release(&r);
}

/* Each bad record and the 0-based position its error must point at. */
static const struct {
	const char *rec;
	size_t pos;
} bad[] = {
	{ "v=spf1 ip4:1.2.3.4 -all moo", 24 },
	{ "v=spf1 ip4:1.2.3.4 redirect:t2.example.com", 19 },
	{ "v=spf1 moo.cow/far_out=man:dog/cat -all", 7 },
	{ "v=spf1 a:foo-bar -all", 9 },
	{ "v=spf1 ip4:1.2.3.4/032", 7 },
	{ "v=spf1 ip4:1.2.3.4/33", 7 },
	{ "v=spf1 ip6:::1//33", 7 },
	{ "v=spf1 ip6:::1/129", 7 },
	{ "v=spf1 a/33", 7 },
	{ "v=spf1 a//129", 7 },
	{ "v=spf1 include:", 15 },
	{ "v=spf1 all:foo", 7 },
	{ "v=spf1 ptr/24", 7 },
	{ "v=spf1 redirect=a.example.com redirect=b.example.com", 30 },
	{ "v=spf1 exp=a.example.com exp=b.example.com", 25 },
	{ "v=spf1 redirect=", 16 },
	{ "v=spf1 a:%{x}.example.com", 9 },
	{ "v=spf1 a:%{d0}.example.com", 9 },
	{ "v=spf1 a:foo%.example.com", 12 },
	{ "v=spf1 exp=%{r}.example.com", 11 },
	{ "v=spf1 a:example.com\r-all", 20 },
	{ "v=spf1 \x80" "a -all", 7 },
	{ "v=spf1 =foo", 7 },
	{ "v=spf1 a:111.222.33.44", 9 },
	{ "v=spf1 a:museum.", 9 },
	{ "v=spf1 ip4:1.2.3", 7 },
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct spf_record r;
		struct spf_error err;

		if (parse(bad[i].rec, &r, &err) == 0)
			fail_msg("'%s' parsed", bad[i].rec);
		if (err.pos != bad[i].pos)
			fail_msg("'%s': error at %zu (%s), expected %zu", bad[i].rec,
				 err.pos, err.msg, bad[i].pos);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(r.n, 0);
	}
}

static void test_not_records(void **state)
{
	struct spf_record r;
	struct spf_error err;

	assert_false(spf_is_record("v=spf10", 7));
	assert_false(spf_is_record("v=spf", 5));
	assert_true(spf_is_record("v=spf1", 6));
	assert_true(spf_is_record("V=SPF1 -all", 11));
	assert_int_equal(parse("spf2.0/pra -all", &r, &err), -1);
	/* Not NUL-terminated: the parser must stop at len. */
	assert_int_equal(spf_parse("v=spf1 -allXXXX", 11, &r, &err), 0);
	assert_int_equal(r.n, 1);
	spf_record_release(&r);
	/* An embedded NUL is a control character. */
	assert_int_equal(spf_parse("v=spf1 a\0 -all", 14, &r, &err), -1);
	assert_int_equal(err.pos, 8);
}

static void test_domain_valid(void **state)
{
	assert_true(spf_domain_valid("example.com"));
	assert_true(spf_domain_valid("example.com."));
	assert_true(spf_domain_valid("a_b.example-1.com"));
	assert_false(spf_domain_valid("com"));
	assert_false(spf_domain_valid(""));
	assert_false(spf_domain_valid("a..example.com"));
	assert_false(spf_domain_valid("[1.2.3.5]"));
	assert_false(spf_domain_valid("1.2.3.5"));
	assert_false(spf_domain_valid("a1234567890123456789012345678901234567890123456789012345678901234.com"));
	assert_true(spf_domain_valid("a12345678901234567890123456789012345678901234567890123456789012.com"));
}

static void test_result_names(void **state)
{
	enum spf_result r;

	assert_string_equal(spf_result_name(SPF_SOFTFAIL), "softfail");
	assert_int_equal(spf_result_parse("PermError", &r), 0);
	assert_int_equal(r, SPF_PERMERROR);
	assert_int_equal(spf_result_parse("bogus", &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_defaults_and_case),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_records),
		cmocka_unit_test(test_domain_valid),
		cmocka_unit_test(test_result_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
