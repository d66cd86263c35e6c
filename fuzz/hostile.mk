# fuzz/hostile.mk - libFuzzer targets for what hostile input reaches
# beyond the parsers: names taken from record content and the snapshot
# fields written for them, the --proposed-zone reader, dates and
# HOST:PORT, the resolver's TCP framing and TC handling. `make fuzz` runs them too; `make fuzz-hostile` only these.

HOSTILE_FUZZ_BINS := fuzz/bin/fuzz_txt_names fuzz/bin/fuzz_zone_file fuzz/bin/fuzz_when_hostport \
                     fuzz/bin/fuzz_resolver_tcp
HOSTILE_FUZZ_SRCS := auditor/util.c auditor/snapshot.c auditor/snapshot_parse.c auditor/snapinputs.c \
                     auditor/stale.c auditor/snapchain.c auditor/strmap.c auditor/dns.c auditor/zonecheck.c \
                     auditor/resolver.c auditor/when.c
HOSTILE_FUZZ_LIBS = $(shell pkg-config --libs ldns 2>/dev/null) -pthread

$(HOSTILE_FUZZ_BINS): fuzz/bin/%: fuzz/%.c $(HOSTILE_FUZZ_SRCS)
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(HOSTILE_FUZZ_SRCS) $(HOSTILE_FUZZ_LIBS)

fuzz-hostile: $(HOSTILE_FUZZ_BINS)
	@sh fuzz/run $(FUZZ_SECONDS) 4096 $(foreach b,$(HOSTILE_FUZZ_BINS),$(b):fuzz/corpus/$(patsubst fuzz_%,%,$(notdir $(b))))

fuzz: fuzz-hostile
.PHONY: fuzz-hostile
