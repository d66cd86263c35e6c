/*
 * fuzz_spf_macro.c - libFuzzer target for the SPF macro expander. The
 * first byte picks the mode (exp text or domain-spec, IPv4 or IPv6);
 * the rest is the macro-string. Expansion must agree with the syntax
 * check, and domain-specs must come out at most 253 characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *get_p(void *arg)
{
	(void)arg;
	return xstrdup("host.a-very-long-label-to-make-truncation-likely.example.org");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_macro_vars v = {
		.sender = "first.last+tag@sub.example.com", .local = "first.last+tag",
		.sender_dom = "sub.example.com", .domain = "sub.example.com",
		.helo = "mail.example.net", .receiver = "rx.example", .now = 1,
		.get_p = get_p,
	};
	struct strbuf out = STRBUF_INIT;
	struct spf_error err;
	bool exp, domain, ends;
	int checked, expanded;

	if (!size)
		return 0;
	exp = data[0] & 1;
	domain = !exp && (data[0] & 2);
	v.family = data[0] & 4 ? 6 : 4;
	memcpy(v.ip, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xcb\x01", 16);
	data++, size--;
	checked = spf_macro_check((const char *)data, size, exp, &ends, &err);
	if (checked < 0 && err.pos > size)
		abort();
	expanded = spf_macro_expand((const char *)data, size, &v, exp, domain, &out, &err);
	if (checked != expanded)
		abort();
	if (expanded == 0 && domain && out.len > 253)
		abort();
	sb_release(&out);
	return 0;
}
