/*
 * fuzz/fw_asa.c - libFuzzer target: a asa export through parser, model,
 * reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("asa", data, size);
	return 0;
}
