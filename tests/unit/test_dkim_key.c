/*
 * test_dkim_key.c - DKIM key parsing: the RFC 8463 Appendix A keys, RSA
 * keys of 512 to 4096 bits generated here, both RSA encodings, and the
 * base64 and ed25519 mistakes that break verification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dkim_key.h"
#include "keygen.h"

static void test_rfc8463(void **state)
{
	struct dkim_key k;

	assert_int_equal(dkim_key_info(RFC8463_ED25519, "ed25519", &k), 0);
	assert_int_equal(k.type, DKIM_KEY_ED25519);
	assert_int_equal(k.bits, 256);
	assert_int_equal(dkim_key_info(RFC8463_RSA, "rsa", &k), 0);
	assert_int_equal(k.type, DKIM_KEY_RSA);
	assert_int_equal(k.bits, 1024);
	assert_string_equal(k.form, "SubjectPublicKeyInfo");
	assert_int_equal(dkim_key_info(RFC8463_RSA, NULL, &k), 0);   /* k defaults to rsa */
}

static void sizes(bool pkcs1)
{
	static const unsigned bits[] = { 512, 1024, 2048, 4096 };

	for (size_t i = 0; i < 4; i++) {
		char *b64 = keygen_rsa_b64(bits[i], pkcs1);
		struct dkim_key k;

		assert_int_equal(dkim_key_info(b64, "rsa", &k), 0);
		assert_int_equal(k.bits, bits[i]);
		assert_string_equal(k.form, pkcs1 ? "PKCS#1" : "SubjectPublicKeyInfo");
		free(b64);
	}
}

static void test_rsa_spki(void **state)
{
	sizes(false);
}

static void test_rsa_pkcs1(void **state)
{
	sizes(true);
}

static void test_whitespace(void **state)
{
	struct dkim_key k;
	char spaced[512];
	size_t j = 0;

	/* Zone files split long keys; the joined string may carry blanks. */
	for (size_t i = 0; RFC8463_RSA[i]; i++) {
		spaced[j++] = RFC8463_RSA[i];
		if (i % 40 == 39)
			spaced[j++] = ' ';
	}
	spaced[j] = '\0';
	assert_int_equal(dkim_key_info(spaced, "rsa", &k), 0);
	assert_int_equal(k.bits, 1024);
}

static void test_errors(void **state)
{
	struct dkim_key k;
	char *spki = keygen_ed25519_spki_b64();
	char trunc[64];

	assert_int_equal(dkim_key_info("", "rsa", &k), -1);
	assert_non_null(strstr(k.error, "empty"));
	assert_int_equal(dkim_key_info("MIGf*A0G", "rsa", &k), -1);
	assert_non_null(strstr(k.error, "'*'"));
	assert_int_equal(dkim_key_info("MIGfM", "rsa", &k), -1);
	assert_int_equal(dkim_key_info("AAAA", "rsa", &k), -1);
	assert_int_equal(dkim_key_info(RFC8463_ED25519, "rsa", &k), -1);
	assert_int_equal(dkim_key_info(RFC8463_RSA, "ed25519", &k), -1);
	assert_int_equal(dkim_key_info(RFC8463_RSA, "dsa", &k), -1);
	assert_non_null(strstr(k.error, "k=dsa"));
	assert_int_equal(dkim_key_info(spki, "ed25519", &k), -1);
	assert_non_null(strstr(k.error, "SubjectPublicKeyInfo"));
	assert_int_equal(dkim_key_info(spki, "rsa", &k), -1);
	assert_non_null(strstr(k.error, "ed25519"));
	/* A truncated key: valid base64, broken DER. */
	memcpy(trunc, RFC8463_RSA, 60);
	trunc[60] = '\0';
	assert_int_equal(dkim_key_info(trunc, "rsa", &k), -1);
	assert_int_equal(dkim_key_info("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", "ed25519", &k), -1);
	assert_int_equal(dkim_key_info("==AA", "rsa", &k), -1);
	free(spki);
}

static void test_trailing_garbage(void **state)
{
	struct dkim_key k;
	char buf[512];

	/* DER followed by extra bytes is not a key (full consumption). */
	snprintf(buf, sizeof(buf), "%.*sAAAA", (int)strlen(RFC8463_RSA), RFC8463_RSA);
	assert_int_equal(dkim_key_info(buf, "rsa", &k), -1);
}

static int teardown(void **state)
{
	keygen_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8463),
		cmocka_unit_test(test_rsa_spki),
		cmocka_unit_test(test_rsa_pkcs1),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_trailing_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
