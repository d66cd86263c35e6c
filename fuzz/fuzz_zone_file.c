/*
 * fuzz_zone_file.c - the zone-file reader behind --proposed-zone: the
 * checks ldns does not make (zonecheck.c), then ldns itself, on a
 * memory file.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "resolver.h"
#include "zonecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), path[64];
	int fd = memfd_create("zone", MFD_CLOEXEC);
	struct rr *rrs = NULL;
	size_t n = 0;

	zone_text_check("z", text, "example.com.");
	if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (dns_parse_zone_file(path, "example.com.", &rrs, &n) == 0)
			rrs_free(rrs, n);
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return 0;
}
