/*
 * fuzz/fw_nft_text.c - libFuzzer target: `nft list ruleset` text through
 * parser, model, reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("nft", data, size);
	return 0;
}
