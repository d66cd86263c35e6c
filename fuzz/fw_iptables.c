/*
 * fuzz/fw_iptables.c - libFuzzer target: iptables-save / -S text (and an
 * ipset save file after a "%%" line) through parser, model and reach.
 */
#include "fw_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fw_fuzz_one("iptables", data, size);
	return 0;
}
