/*
 * keygen.h - RSA test keys generated with OpenSSL at test time, as the
 * base64 a DKIM p= tag carries. Tests only: the program itself uses
 * OpenSSL from auditor/dkim_key.c alone.
 */
#ifndef MXAUDIT_KEYGEN_H
#define MXAUDIT_KEYGEN_H

#include <stdbool.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* RFC 8463 Appendix A.2. */
#define RFC8463_ED25519 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RFC8463_RSA \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR" \
	"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC" \
	"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3" \
	"Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

static EVP_PKEY *keygen_cache[5];

static inline EVP_PKEY *keygen_rsa(unsigned bits)
{
	unsigned slot = bits == 512 ? 0 : bits == 1024 ? 1 : bits == 2048 ? 2 : bits == 4096 ? 3 : 4;

	if (!keygen_cache[slot] || slot == 4) {
		EVP_PKEY_free(keygen_cache[slot]);
		keygen_cache[slot] = EVP_RSA_gen(bits);
	}
	return keygen_cache[slot];
}

/* Base64 of the public key: SubjectPublicKeyInfo, or bare PKCS#1. Caller frees. */
static inline char *keygen_rsa_b64(unsigned bits, bool pkcs1)
{
	EVP_PKEY *pk = keygen_rsa(bits);
	unsigned char *der = NULL;
	int n = pkcs1 ? i2d_PublicKey(pk, &der) : i2d_PUBKEY(pk, &der);
	char *b64 = malloc((size_t)n / 3 * 4 + 8);

	EVP_EncodeBlock((unsigned char *)b64, der, n);
	OPENSSL_free(der);
	return b64;
}

/* An ed25519 key as SubjectPublicKeyInfo (the non-conformant form). */
static inline char *keygen_ed25519_spki_b64(void)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(pk, &der);
	char *b64 = malloc((size_t)n / 3 * 4 + 8);

	EVP_EncodeBlock((unsigned char *)b64, der, n);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	return b64;
}

static inline void keygen_free(void)
{
	for (size_t i = 0; i < 5; i++) {
		EVP_PKEY_free(keygen_cache[i]);
		keygen_cache[i] = NULL;
	}
}

#endif
