/*
 * fuzz_when_hostport.c - the --since/--until/--at date forms and the
 * HOST[:PORT] of --dns-server. Only numeric hosts are tried: a name would
 * be resolved through the system's resolver.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "store.h"
#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct server srv;
	time_t t;

	when_parse("--since", text, (time_t)1796000000, &t);
	if (strspn(text, "0123456789.:[]") == strlen(text) && server_parse(text, 53, &srv) == 0)
		server_release(&srv);
	free(text);
	return 0;
}
