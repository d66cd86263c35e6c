# fuzz/check.mk - libFuzzer targets of the check area: the DMARC parser
# and the other TXT tag-list analyzers, DKIM tag-lists and keys
# (OpenSSL), and the policy loader plus evaluation. `make fuzz` runs them
# FUZZ_SECONDS each (needs `include fuzz/check.mk` in the Makefile);
# `make -f Makefile -f fuzz/check.mk fuzz-check` runs them alone.

CHECK_FUZZ_BINS := fuzz/bin/fuzz_dmarc fuzz/bin/fuzz_dkim fuzz/bin/fuzz_policy
CHECK_FUZZ_SRCS := auditor/util.c auditor/finding.c auditor/snapshot.c auditor/snapshot_parse.c auditor/snapinputs.c \
                   auditor/stale.c auditor/snapchain.c auditor/strmap.c auditor/taglist.c auditor/analyze.c auditor/snapquery.c auditor/finding_codes.c auditor/zonecheck.c \
                   auditor/analyze_mx.c auditor/analyze_parked.c auditor/analyze_ptr.c auditor/ptr_generic.c auditor/analyze_ns.c auditor/analyze_dmarc.c \
                   auditor/analyze_dkim.c auditor/dkim_key.c auditor/analyze_mtasts.c \
                   auditor/analyze_status.c auditor/policy.c auditor/yamltree.c \
                   auditor/spf_parse.c auditor/spf_macro.c auditor/spf_eval.c \
                   auditor/spf_check.c auditor/spf_snapdns.c auditor/dns.c auditor/resolver.c
CHECK_FUZZ_LIBS = $(shell pkg-config --libs ldns yaml-0.1 openssl 2>/dev/null)

$(CHECK_FUZZ_BINS): fuzz/bin/%: fuzz/%.c fuzz/fuzz_check_common.h $(CHECK_FUZZ_SRCS)
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags ldns openssl) -o $@ $< \
		$(CHECK_FUZZ_SRCS) $(CHECK_FUZZ_LIBS)

fuzz-check: $(CHECK_FUZZ_BINS)
	@sh fuzz/run $(FUZZ_SECONDS) 4096 $(foreach b,$(CHECK_FUZZ_BINS),$(b):fuzz/corpus/check_$(patsubst fuzz_%,%,$(notdir $(b))))

fuzz: fuzz-check
.PHONY: fuzz-check
