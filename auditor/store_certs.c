/*
 * store_certs.c - the TLS trust store, read when a push needs it rather
 * than on every start.
 *
 * Debian's libgit2 does TLS with mbedTLS, and git_libgit2_init() parses
 * the whole CA bundle (/etc/ssl/certs/ca-certificates.crt, some 140
 * certificates) each time: about 3 ms, a quarter of what `mxaudit diff`
 * costs on a 10,000-domain store, for a trust store that only a push to
 * an https remote uses.
 *
 * This file defines mbedtls_x509_crt_parse_file(). The executable comes
 * first in the dynamic linker's symbol lookup, so libgit2's call lands
 * here. Until certs_needed() is called, the call notes the path and
 * leaves the chain empty, which trusts nothing. After it, every call goes
 * to mbedTLS. store_push() calls certs_needed() and hands libgit2 the
 * noted path again (GIT_OPT_SET_SSL_CERT_LOCATIONS), which parses it.
 *
 * A libgit2 built on OpenSSL never calls this function: then nothing is
 * deferred and certs_deferred() is NULL.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "store.h"

struct mbedtls_x509_crt;    /* opaque here: only passed through */

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

static bool needed;
static char deferred[PATH_MAX];
static unsigned parsed;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	int (*real)(struct mbedtls_x509_crt *, const char *);
	int r;

	if (!needed) {
		if (path && strlen(path) < sizeof(deferred))
			strcpy(deferred, path);
		return 0;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	if (!real)
		return -1;
	if ((r = real(chain, path)) >= 0)
		parsed++;
	return r;
}

const char *certs_needed(void)
{
	needed = true;
	return *deferred ? deferred : NULL;
}

const char *certs_deferred(void)
{
	return !needed && *deferred ? deferred : NULL;
}

unsigned certs_parsed(void)
{
	return parsed;
}
