/*
 * test_spf_macro.c - SPF macro expansion: the examples of RFC 7208
 * section 7.4, URL escaping, the exp-only letters, %{p}, truncation to
 * 253 characters, and syntax errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spf.h"

static char *p_value(void *arg)
{
	(*(int *)arg)++;
	return xstrdup("mx.example.org");
}

static int p_calls;

static struct spf_macro_vars vars(const char *ip)
{
	struct spf_macro_vars v = {
		.sender = "strong-bad@email.example.com",
		.local = "strong-bad",
		.sender_dom = "email.example.com",
		.domain = "email.example.com",
		.helo = "mx.example.org",
		.receiver = "rx.example.net",
		.now = 1700000000,
		.get_p = p_value,
		.p_arg = &p_calls,
	};

	assert_int_equal(spf_parse_ip(ip, &v.family, v.ip), 0);
	return v;
}

static char *expand(const char *ip, const char *s, bool exp, bool domain)
{
	struct spf_macro_vars v = vars(ip);
	struct strbuf sb = STRBUF_INIT;
	struct spf_error err;

	if (spf_macro_expand(s, strlen(s), &v, exp, domain, &sb, &err) < 0) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

static void check(const char *ip, const char *in, const char *want, bool exp)
{
	char *got = expand(ip, in, exp, !exp);

	if (!got)
		fail_msg("'%s' did not expand", in);
	if (strcmp(got, want))
		fail_msg("'%s' gave '%s', expected '%s'", in, got, want);
	free(got);
}

/* RFC 7208 section 7.4, verbatim. */
static void test_rfc_examples(void **state)
{
	static const char *const t[][2] = {
		{ "%{s}", "strong-bad@email.example.com" },
		{ "%{o}", "email.example.com" },
		{ "%{d}", "email.example.com" },
		{ "%{d4}", "email.example.com" },
		{ "%{d3}", "email.example.com" },
		{ "%{d2}", "example.com" },
		{ "%{d1}", "com" },
		{ "%{dr}", "com.example.email" },
		{ "%{d2r}", "example.email" },
		{ "%{l}", "strong-bad" },
		{ "%{l-}", "strong.bad" },
		{ "%{lr}", "strong-bad" },
		{ "%{lr-}", "bad.strong" },
		{ "%{l1r-}", "strong" },
		{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
		{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
		{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
		{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com" },
		{ "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		check("192.0.2.3", t[i][0], t[i][1], false);
	check("2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}",
	      "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
	      false);
}

static void test_escapes_and_exp(void **state)
{
	check("192.0.2.3", "%{S}", "strong-bad%40email.example.com", false);
	check("192.0.2.3", "a%%b%_c%-d", "a%b c%20d", true);
	check("192.0.2.3", "%{c} is %{ir}.%{v}.arpa", "192.0.2.3 is 3.2.0.192.in-addr.arpa", true);
	check("2001:db8::cb01", "%{c}", "2001:db8::cb01", true);
	check("192.0.2.3", "%{r} at %{t}", "rx.example.net at 1700000000", true);
	check("192.0.2.3", "%{h}", "mx.example.org", false);
	/* Only the delimiters given split: "+" leaves the dots alone. */
	check("192.0.2.3", "%{d2+}", "email.example.com", false);
	check("192.0.2.3", "%{l1-}", "bad", false);
	check("::ffff:192.0.2.3", "%{i}", "192.0.2.3", false);
	/* The exp-only letters are errors anywhere else. */
	assert_null(expand("192.0.2.3", "%{c}", false, true));
	assert_null(expand("192.0.2.3", "%{r}.example.com", false, true));
	assert_null(expand("192.0.2.3", "%{t}", false, true));
}

static void test_p_lazy(void **state)
{
	p_calls = 0;
	check("192.0.2.3", "%{i}.%{d}", "192.0.2.3.email.example.com", false);
	assert_int_equal(p_calls, 0);
	check("192.0.2.3", "%{p}.%{p2}", "mx.example.org.example.org", false);
	assert_int_equal(p_calls, 1);
}

static void test_truncation(void **state)
{
	struct spf_macro_vars v = vars("192.0.2.3");
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct spf_error err;

	/* 30 labels of 9 characters: 299 with the dots, cut at the left. */
	for (int i = 0; i < 30; i++)
		sb_addf(&in, "%slabel%03d", i ? "." : "", i);
	v.domain = in.buf;
	assert_int_equal(spf_macro_expand("%{d}", 4, &v, false, true, &out, &err), 0);
	assert_true(out.len <= 253);
	assert_true(out.len > 240);
	assert_int_equal(strncmp(out.buf, "label", 5), 0);
	assert_string_equal(out.buf + out.len - 8, "label029");
	sb_reset(&out);
	/* Not a domain-spec (explanation text): nothing is cut. */
	assert_int_equal(spf_macro_expand("%{d}", 4, &v, true, false, &out, &err), 0);
	assert_int_equal(out.len, in.len);
	sb_release(&in);
	sb_release(&out);
}

static void test_syntax(void **state)
{
	static const char *const bad[] = {
		"%", "%{", "%{d", "%{x}", "%{d0}", "%{d00}", "%{dr*}", "foo%.bar",
		"%{}", "a b", "%{d2r!}",
	};
	struct spf_error err;
	bool ends;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (spf_macro_check(bad[i], strlen(bad[i]), false, NULL, &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(spf_macro_check("%{d}x", 5, false, &ends, &err), 0);
	assert_false(ends);
	assert_int_equal(spf_macro_check("x.%{d}", 6, false, &ends, &err), 0);
	assert_true(ends);
	assert_int_equal(spf_macro_check("x.%-", 4, false, &ends, &err), 0);
	assert_true(ends);
	assert_int_equal(spf_macro_check("a b", 3, true, NULL, &err), 0);
	assert_int_equal(spf_macro_check("x%{d}y", 6, false, NULL, &err), 0);
	assert_int_equal(spf_macro_check("abc%{x}", 7, false, NULL, &err), -1);
	assert_int_equal(err.pos, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_escapes_and_exp),
		cmocka_unit_test(test_p_lazy),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
