# fuzz/fw.mk - libFuzzer targets for the firewall parsers (iptables text
# with ipset members, nft JSON), each followed by the model, the rules
# text, reachability and the export cleaner. `make fuzz` runs them too,
# FUZZ_SECONDS each; `make fuzz-fw` runs only these.
#
# `make fw-golden` regenerates tests/fixtures/fw/*.ok on purpose.

FW_FUZZ_BINS := fuzz/bin/fuzz_fw_iptables fuzz/bin/fuzz_fw_nft
FW_FUZZ_SRCS := auditor/util.c auditor/fw_addrset.c auditor/fw_model.c auditor/fw_iptables.c \
                auditor/fw_nft.c auditor/fw_ipset.c auditor/fw_reach.c auditor/fw_export.c

fuzz/bin/fuzz_fw_iptables fuzz/bin/fuzz_fw_nft: fuzz/bin/fuzz_%: fuzz/%.c fuzz/fw_common.h $(FW_FUZZ_SRCS) auditor/fw.h
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags jansson) -o $@ $< \
		$(FW_FUZZ_SRCS) $(shell pkg-config --libs jansson)

fuzz-fw: $(FW_FUZZ_BINS)
	@for f in $(FW_FUZZ_BINS); do \
		n=$$(basename $$f); seeds=fuzz/corpus/$${n#fuzz_}; out=fuzz/bin/corpus-$$n; \
		mkdir -p $$out; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
			-artifact_prefix=fuzz/bin/ $$out $$seeds >fuzz/bin/$$n.log 2>&1 || \
			{ tail -40 fuzz/bin/$$n.log; exit 1; }; \
		echo "$$n: $$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz/bin/$$n.log) executions in $(FUZZ_SECONDS)s, no finding"; \
	done

fw-golden: tests/bin/test_fw_parse
	FW_GOLDEN_UPDATE=1 tests/bin/test_fw_parse

fuzz: fuzz-fw
.PHONY: fuzz-fw fw-golden
