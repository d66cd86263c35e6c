/*
 * dkim_key.c - DKIM public keys through OpenSSL: the only user of its
 * key API in mxaudit.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "util.h"
#include "dkim_key.h"

#define KEY_MAX_B64 16384   /* far above a 16384-bit RSA key */

static int key_error(struct dkim_key *out, const char *fmt, const char *arg)
{
	snprintf(out->error, sizeof(out->error), fmt, arg);
	return -1;
}

static bool b64_char(int c)
{
	return isalnum(c) || c == '+' || c == '/';
}

/*
 * Strip whitespace and check the alphabet strictly, because a stray
 * character makes verifiers fail even where a lenient decoder would not.
 */
static int b64_clean(const char *b64, struct strbuf *sb, struct dkim_key *out)
{
	size_t pad = 0;

	for (const char *p = b64; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isspace(c))
			continue;
		if (sb->len >= KEY_MAX_B64)
			return key_error(out, "key too long%s", "");
		if (c == '=') {
			pad++;
		} else if (!b64_char(c) || pad) {
			snprintf(out->error, sizeof(out->error),
				 "invalid base64 character '%s%c' at offset %zu",
				 isprint(c) ? "" : "\\", isprint(c) ? c : '?',
				 (size_t)(p - b64));
			return -1;
		}
		sb_addc(sb, (char)c);
	}
	if (!sb->len)
		return key_error(out, "empty key%s", "");
	if (sb->len % 4 || pad > 2)
		return key_error(out, "base64 is not padded to a multiple of 4 characters%s", "");
	return (int)pad;
}

/* Decode into *der (caller frees); returns the byte count or -1. */
static long b64_decode(const char *b64, unsigned char **der, struct dkim_key *out)
{
	struct strbuf sb = STRBUF_INIT;
	int pad = b64_clean(b64, &sb, out), n;

	if (pad < 0) {
		sb_release(&sb);
		return -1;
	}
	*der = xmalloc(sb.len / 4 * 3 + 1);
	n = EVP_DecodeBlock(*der, (const unsigned char *)sb.buf, (int)sb.len);
	sb_release(&sb);
	if (n < 0) {
		free(*der);
		*der = NULL;
		return key_error(out, "invalid base64%s", "");
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	return n - pad;
}

static int rsa_info(const unsigned char *der, long len, struct dkim_key *out)
{
	const unsigned char *p = der;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, len);

	out->form = "SubjectPublicKeyInfo";
	if (!pk || p != der + len) {
		EVP_PKEY_free(pk);
		p = der;
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
		out->form = "PKCS#1";
		if (!pk || p != der + len) {
			EVP_PKEY_free(pk);
			return key_error(out, "not an RSA public key (neither "
					 "SubjectPublicKeyInfo nor PKCS#1 DER)%s", "");
		}
	}
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		int id = EVP_PKEY_get_base_id(pk);
		EVP_PKEY_free(pk);
		return key_error(out, "k=rsa but the key is %s",
				 id == EVP_PKEY_ED25519 ? "ed25519" : "not RSA");
	}
	out->type = DKIM_KEY_RSA;
	out->bits = (unsigned)EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);
	return 0;
}

static int ed25519_info(const unsigned char *der, long len, struct dkim_key *out)
{
	EVP_PKEY *pk;

	out->form = "raw";
	if (len == 44 && der[0] == 0x30) {
		return key_error(out, "ed25519 key in SubjectPublicKeyInfo form; "
				 "RFC 8463 wants the 32 raw bytes%s", "");
	}
	if (len != 32) {
		char n[32];
		snprintf(n, sizeof(n), "%ld", len);
		return key_error(out, "ed25519 key of %s bytes, expected 32", n);
	}
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, (size_t)len);
	if (!pk)
		return key_error(out, "not a valid ed25519 public key%s", "");
	out->type = DKIM_KEY_ED25519;
	out->bits = (unsigned)EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);
	return 0;
}

int dkim_key_info(const char *b64, const char *k, struct dkim_key *out)
{
	unsigned char *der = NULL;
	long len;
	int r;

	memset(out, 0, sizeof(*out));
	if (k && strcmp(k, "rsa") && strcmp(k, "ed25519"))
		return key_error(out, "unknown key type k=%.60s", k);
	if ((len = b64_decode(b64, &der, out)) < 0)
		return -1;
	if (k && !strcmp(k, "ed25519"))
		r = ed25519_info(der, len, out);
	else
		r = rsa_info(der, len, out);
	free(der);
	/* Failed d2i attempts leave errors queued; they are reported in out. */
	ERR_clear_error();
	return r;
}

int hmac_sha256(const unsigned char *key, size_t keylen, const void *data, size_t n,
		unsigned char mac[32])
{
	unsigned len = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, data, n, mac, &len) || len != 32)
		return -1;
	return 0;
}
