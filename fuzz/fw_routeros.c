/*
 * fuzz/fw_routeros.c - libFuzzer target: a routeros export through parser, model,
 * reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("routeros", data, size);
	return 0;
}
