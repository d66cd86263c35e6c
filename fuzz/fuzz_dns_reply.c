/*
 * fuzz_dns_reply.c - DNS replies off the wire: dns_parse_reply() must
 * never crash or read past the packet, whatever a server sends.
 */
#include <stdint.h>
#include <stdlib.h>

#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "example.com.", "s1._domainkey.example.com." };
	static const int types[] = { 1, 16, 15, 12, 28, 52 };
	enum lookup_state st;
	struct rr *rrs;
	size_t n;
	bool tc;

	if (size < 2)
		return 0;
	/* Answer as if the reply's own id and each question were ours. */
	uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		for (size_t t = 0; t < sizeof(types) / sizeof(*types); t++) {
			if (dns_parse_reply(data, size, id, names[i], types[t], &st, &rrs, &n, &tc) == 0)
				rrs_free(rrs, n);
		}
	}
	return 0;
}
