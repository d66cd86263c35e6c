/*
 * fuzz_config.c - mxaudit.yaml: any bytes give a configuration or an
 * error with a position, never a crash (libyaml through yamltree.c).
 */
#include <stdint.h>
#include <stdio.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");
	if (config_parse("fuzz.yaml", (const char *)data, size, &c) == 0)
		config_release(&c);
	fclose(stderr);
	stderr = saved;
	return 0;
}
