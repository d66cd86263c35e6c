/*
 * dkim_key.h - DKIM public keys (the p= tag): type and size.
 *
 * dkim_key.c is the only file that uses OpenSSL for keys, so its types
 * and errors stay out of the analyzers.
 */
#ifndef MXAUDIT_DKIM_KEY_H
#define MXAUDIT_DKIM_KEY_H

#include <stddef.h>

enum dkim_key_type { DKIM_KEY_RSA, DKIM_KEY_ED25519 };

struct dkim_key {
	enum dkim_key_type type;
	unsigned bits;          /* RSA modulus bits; 256 for ed25519 */
	const char *form;       /* "SubjectPublicKeyInfo", "PKCS#1" or "raw" */
	char error[120];        /* why parsing failed */
};

/* dkim_key.c */
/*
 * Decode the base64 of a p= value (whitespace allowed) and parse it as a
 * key of type k ("rsa", "ed25519"; NULL means rsa). RSA may be
 * SubjectPublicKeyInfo or bare PKCS#1 RSAPublicKey; ed25519 must be 32
 * raw bytes (RFC 8463 section 4.2). Returns 0 with out filled, or -1 with
 * out->error set. Never prints.
 */
int dkim_key_info(const char *b64, const char *k, struct dkim_key *out);

/*
 * HMAC-SHA256 of data under key into mac (32 bytes); 0, or -1. Here
 * because this is the file that speaks OpenSSL (masking uses it).
 */
int hmac_sha256(const unsigned char *key, size_t keylen, const void *data, size_t n,
		unsigned char mac[32]);

#endif
