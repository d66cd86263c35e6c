/*
 * fuzz/fw_pfsense.c - libFuzzer target: a pfsense config.xml through parser, model,
 * reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("pfsense", data, size);
	return 0;
}
