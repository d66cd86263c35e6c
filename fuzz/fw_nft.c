/*
 * fuzz/fw_nft.c - libFuzzer target: `nft -j list ruleset` JSON through
 * parser, model, reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("nft-json", data, size);
	return 0;
}
