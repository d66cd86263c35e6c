/*
 * fuzz_check_common.h - shared by the check area's fuzz targets: turn
 * fuzzer bytes into a TXT record's presentation form, as the collector
 * would store any bytes it received.
 */
#ifndef MXAUDIT_FUZZ_CHECK_COMMON_H
#define MXAUDIT_FUZZ_CHECK_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* Quote bytes as TXT character-strings of at most 255 bytes, \DDD-escaped. */
static inline char *fuzz_txt_rdata(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < size || !i; i += 255) {
		sb_adds(&sb, i ? " \"" : "\"");
		for (size_t k = i; k < size && k < i + 255; k++) {
			uint8_t c = data[k];
			if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
				sb_addf(&sb, "\\%03u", c);
			else
				sb_addc(&sb, (char)c);
		}
		sb_addc(&sb, '"');
		if (!size)
			break;
	}
	return sb_detach(&sb);
}

/* A NUL-terminated copy (embedded NULs end it early, as in C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

#endif
