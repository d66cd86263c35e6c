# fuzz/core.mk - libFuzzer targets for the core's parsers of outside text:
# DNS replies off the wire, the canonical snapshot files, mxaudit.yaml.
# `make fuzz` runs them after the SPF targets, FUZZ_SECONDS each.

CORE_FUZZ_BINS := fuzz/bin/fuzz_dns_reply fuzz/bin/fuzz_snapfiles fuzz/bin/fuzz_config
CORE_FUZZ_SRCS := auditor/util.c auditor/dns.c auditor/snapshot.c auditor/snapshot_parse.c \
                  auditor/stale.c auditor/strmap.c auditor/yamltree.c auditor/config.c
CORE_FUZZ_LIBS := $(shell pkg-config --libs ldns yaml-0.1 2>/dev/null)

fuzz/bin/fuzz_dns_reply fuzz/bin/fuzz_snapfiles fuzz/bin/fuzz_config: fuzz/bin/%: fuzz/%.c $(CORE_FUZZ_SRCS)
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_FUZZ_SRCS) $(CORE_FUZZ_LIBS)

fuzz-core: $(CORE_FUZZ_BINS)
	@for f in $(CORE_FUZZ_BINS); do \
		n=$$(basename $$f); seeds=fuzz/corpus/$${n#fuzz_}; out=fuzz/bin/corpus-$$n; \
		mkdir -p $$out; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
			-artifact_prefix=fuzz/bin/ $$out $$seeds >fuzz/bin/$$n.log 2>&1 || \
			{ tail -40 fuzz/bin/$$n.log; exit 1; }; \
		echo "$$n: $$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz/bin/$$n.log) executions in $(FUZZ_SECONDS)s, no finding"; \
	done

fuzz: fuzz-core
.PHONY: fuzz-core
