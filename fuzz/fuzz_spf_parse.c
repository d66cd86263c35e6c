/*
 * fuzz_spf_parse.c - libFuzzer target for the SPF record parser: any
 * bytes, exactly len of them (ASan catches a read past the end), and the
 * domain-name check on the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_record r;
	struct spf_error err;
	char *s;

	if (spf_parse((const char *)data, size, &r, &err) == 0) {
		/* Every parsed term must be self-consistent. */
		for (size_t i = 0; i < r.n; i++) {
			if (r.terms[i].pos >= size || !r.terms[i].text)
				abort();
			if (r.terms[i].cidr4 > 32 || r.terms[i].cidr6 > 128)
				abort();
		}
		if (r.redirect >= (int)r.n || r.exp >= (int)r.n)
			abort();
		spf_record_release(&r);
	} else if (err.pos > size) {
		abort();
	}
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)spf_domain_valid(s);
	free(s);
	return 0;
}
