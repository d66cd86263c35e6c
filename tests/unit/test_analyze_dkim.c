/*
 * test_analyze_dkim.c - DKIM selector analysis: tags, revocation, key
 * sizes against the configurable thresholds, CNAMEs to providers, and
 * failed lookups.
 */
#include "analyze_test.h"
#include "keygen.h"

#define SEL "s1._domainkey.example.com."

static struct strlist sels = STRLIST_INIT;

static void run_bits(unsigned warn, unsigned crit)
{
	struct analyze_opts o;

	t_opts(&o);
	if (warn)
		o.dkim_warn_bits = warn, o.dkim_crit_bits = crit;
	if (!sels.n)
		sl_push(&sels, "s1");
	o.dkim_selectors = &sels;
	analyze_dkim(&t_snap.domains[0], &o, &t_fs);
}

static void run(void)
{
	run_bits(0, 0);
}

static int teardown(void **state)
{
	sl_release(&sels);
	return t_teardown(state);
}

/* A selector record "v=DKIM1; <tags>" in presentation form. */
static struct domain_snap *key(const char *fmt, const char *arg)
{
	struct domain_snap *d = t_domain("example.com");
	char *txt = xasprintf(fmt, arg), *rdata = xasprintf("\"%s\"", txt);

	t_rr(d, SEL, "TXT", rdata);
	free(rdata);
	free(txt);
	return d;
}

static struct domain_snap *rsa(unsigned bits)
{
	char *b64 = keygen_rsa_b64(bits, false);
	struct domain_snap *d = key("v=DKIM1; k=rsa; p=%s", b64);

	free(b64);
	return d;
}

static void test_good(void **state)
{
	rsa(2048);
	run();
	assert_int_equal(t_fs.n, 0);
	key("v=DKIM1; k=ed25519; p=%s", RFC8463_ED25519);
	run();
	assert_int_equal(t_fs.n, 0);
	key("k=rsa; p=%s", RFC8463_RSA);   /* v= is optional */
	run_bits(1024, 1024);
	assert_int_equal(t_fs.n, 0);
}

static void test_sizes(void **state)
{
	rsa(512);
	run();
	t_expect("dkim.key-too-short", SEV_CRITICAL, 1);
	rsa(1024);
	run();
	t_expect("dkim.key-weak", SEV_WARNING, 1);
	rsa(4096);
	run();
	assert_int_equal(t_fs.n, 0);
	/* Thresholds come from the configuration. */
	rsa(2048);
	run_bits(3072, 2048);
	t_expect("dkim.key-weak", SEV_WARNING, 1);
	rsa(1024);
	run_bits(4096, 2048);
	t_expect("dkim.key-too-short", SEV_CRITICAL, 1);
}

static void test_tags(void **state)
{
	key("v=DKIM1; h=sha1; p=%s", RFC8463_RSA);
	run_bits(1024, 1024);
	t_expect("dkim.hash", SEV_CRITICAL, 1);
	key("v=DKIM1; h=sha1:sha256; p=%s", RFC8463_RSA);
	run_bits(1024, 1024);
	assert_int_equal(t_fs.n, 0);
	key("v=DKIM1; k=dsa; p=%s", RFC8463_RSA);
	run();
	t_expect("dkim.key-type", SEV_CRITICAL, 1);
	t_expect("dkim.key-invalid", -1, 0);
	key("v=DKIM1; s=tlsrpt; p=%s", RFC8463_RSA);
	run();
	t_expect("dkim.service", SEV_CRITICAL, 1);
	key("v=DKIM1; s=email:tlsrpt; p=%s", RFC8463_RSA);
	run_bits(1024, 1024);
	assert_int_equal(t_fs.n, 0);
	key("v=DKIM2; p=%s", RFC8463_RSA);
	run();
	t_expect("dkim.version", SEV_CRITICAL, 1);
	key("p=%s; v=DKIM1", RFC8463_RSA);
	run();
	t_expect("dkim.version", SEV_CRITICAL, 1);
	key("v=DKIM1; t=y:s; p=%s", RFC8463_RSA);
	run_bits(1024, 1024);
	t_expect("dkim.testing", SEV_INFO, 1);
}

static void test_revoked_invalid(void **state)
{
	key("v=DKIM1; p=%s", "");
	run();
	t_expect("dkim.revoked", SEV_CRITICAL, 1);
	key("v=DKIM1; p=%s", "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ");
	run();
	t_expect("dkim.key-invalid", SEV_CRITICAL, 1);
	key("v=DKIM1; k=ed25519; p=%s", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
	run();
	t_expect("dkim.key-invalid", SEV_CRITICAL, 1);
	key("v=DKIM1; k=%s", "rsa");
	run();
	t_expect("dkim.syntax", SEV_CRITICAL, 1);
	key("v=DKIM1; p=%s; garbage", RFC8463_RSA);
	run();
	t_expect("dkim.syntax", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("dkim.syntax")->message, "column"));
}

static void test_missing(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, SEL, "TXT", LK_NXDOMAIN, false);
	run();
	t_expect("dkim.missing", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("dkim.missing")->message, "NXDOMAIN"));
}

static void test_unknown(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_lk(d, SEL, "TXT", LK_TIMEOUT, false);
	run();
	assert_int_equal(t_fs.n, 0);
}

static void test_cname(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	char *b64 = keygen_rsa_b64(2048, false), *rdata = xasprintf("\"v=DKIM1; p=%s\"", b64);

	t_rr(d, SEL, "CNAME", "s1.example.com.dkim.provider.net.");
	run();
	t_expect("dkim.missing", SEV_CRITICAL, 1);
	assert_non_null(strstr(t_get("dkim.missing")->message, "dangling"));
	assert_non_null(strstr(t_get("dkim.missing")->evidence, "CNAME"));

	t_rr(d, "s1.example.com.dkim.provider.net.", "TXT", rdata);
	findings_release(&t_fs);
	run();
	assert_int_equal(t_fs.n, 0);
	free(rdata);
	free(b64);
}

static void test_multiple(void **state)
{
	struct domain_snap *d = key("v=DKIM1; p=%s", RFC8463_RSA);

	t_rr(d, SEL, "TXT", "\"v=DKIM1; p=\"");
	run_bits(1024, 1024);
	t_expect("dkim.multiple", SEV_WARNING, 1);
	t_expect("dkim.revoked", SEV_CRITICAL, 1);
}

/* The wildcard selector with empty p=, and any empty p= of a parked domain: info. */
static void test_revoked_pattern(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, "*._domainkey.example.com.", "TXT", "\"v=DKIM1; p=\"");
	sl_push(&sels, "*");
	run();
	t_expect("dkim.revoked", SEV_INFO, 1);

	sl_release(&sels);
	d = key("v=DKIM1; p=%s", "");
	run();
	t_expect("dkim.revoked", SEV_CRITICAL, 1);
	t_rr(d, "example.com.", "MX", "0 .");
	t_rr(d, "example.com.", "TXT", "\"v=spf1 -all\"");
	t_rr(d, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	findings_release(&t_fs);
	run();
	t_expect("dkim.revoked", SEV_INFO, 1);
}

static void test_selectors_from_snapshot(void **state)
{
	struct domain_snap *d = t_domain("example.com");
	struct analyze_opts o;

	/* No configuration: the selectors the snapshot looked up are checked. */
	t_lk(d, "old._domainkey.example.com.", "TXT", LK_NXDOMAIN, false);
	t_opts(&o);
	analyze_dkim(d, &o, &t_fs);
	t_expect("dkim.missing", SEV_CRITICAL, 1);
	t_expect("dkim.no-selectors", -1, 0);

	/* Configured now, absent from an older snapshot: no claim. */
	findings_release(&t_fs);
	run();
	t_expect("dkim.not-collected", SEV_INFO, 1);
	t_expect("dkim.missing", SEV_CRITICAL, 1);
}

static void test_no_selectors(void **state)
{
	struct analyze_opts o;

	t_domain("example.com");
	t_opts(&o);
	analyze_dkim(&t_snap.domains[0], &o, &t_fs);
	t_expect("dkim.no-selectors", SEV_INFO, 1);
}

static void test_state(void **state)
{
	struct dkim_selector_state st;
	struct analyze_opts o;

	rsa(2048);
	t_opts(&o);
	analyze_dkim_selector(&t_snap.domains[0], "s1", &o, NULL, &st);
	assert_true(st.found);
	assert_int_equal(st.bits, 2048);
	assert_string_equal(st.type, "rsa");
	analyze_dkim_selector(&t_snap.domains[0], "nope", &o, NULL, &st);
	assert_false(st.found);
}

static void test_hostile(void **state)
{
	struct domain_snap *d = t_domain("example.com");

	t_rr(d, SEL, "TXT", "\"v=DKIM1; p=\\000\\001\\002; k=\\255\"");
	run();
	t_rr(d, SEL, "TXT", "\"\"");
	t_rr(d, SEL, "TXT", "\"=;=;=\"");
	t_rr(d, SEL, "TXT", "\"unterminated");
	run();
	assert_true(t_fs.n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_good, teardown),
		cmocka_unit_test_teardown(test_sizes, teardown),
		cmocka_unit_test_teardown(test_tags, teardown),
		cmocka_unit_test_teardown(test_revoked_invalid, teardown),
		cmocka_unit_test_teardown(test_missing, teardown),
		cmocka_unit_test_teardown(test_unknown, teardown),
		cmocka_unit_test_teardown(test_cname, teardown),
		cmocka_unit_test_teardown(test_multiple, teardown),
		cmocka_unit_test_teardown(test_selectors_from_snapshot, teardown),
		cmocka_unit_test_teardown(test_no_selectors, teardown),
		cmocka_unit_test_teardown(test_state, teardown),
		cmocka_unit_test_teardown(test_hostile, teardown),
		cmocka_unit_test_teardown(test_revoked_pattern, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	keygen_free();
	return r;
}
