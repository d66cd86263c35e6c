/*
 * fuzz/fw_opnsense.c - libFuzzer target: a opnsense config.xml through parser, model,
 * reach and the export cleaner.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("opnsense", data, size);
	return 0;
}
