# fuzz/store.mk - the libFuzzer target of what mxaudit reads back from
# its store (fuzz/fuzz_store_read.c): commits, messages, changed-file
# lists, tags and the snapshot files, through the commands that read
# history. It reaches nearly every file, so it links every object but
# main.o, built once into fuzz/bin/obj/ with the fuzzing flags.
# `make fuzz` runs it after the others, FUZZ_SECONDS; `make fuzz-store` alone.

STORE_FUZZ_BINS := fuzz/bin/fuzz_store_read
STORE_FUZZ_OBJS := $(patsubst auditor/%,fuzz/bin/obj/%,$(LIB_OBJS))

fuzz/bin/obj/%.o: auditor/%.c
	@mkdir -p fuzz/bin/obj
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP $(PKG_CFLAGS) -c -o $@ $<
fuzz/bin/obj/render_html.o: auditor/advice.inc

fuzz/bin/fuzz_store_read: fuzz/fuzz_store_read.c $(STORE_FUZZ_OBJS)
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(STORE_FUZZ_OBJS) $(PKG_LIBS) -pthread

$(STORE_FUZZ_BINS) $(STORE_FUZZ_OBJS): | fuzz-deps

fuzz-store: $(STORE_FUZZ_BINS)
	@sh fuzz/run $(FUZZ_SECONDS) 32768 fuzz/bin/fuzz_store_read:fuzz/corpus/store_read

fuzz: fuzz-store
.PHONY: fuzz-store
-include fuzz/bin/obj/*.d

# The committed seeds, among them each input that once found a bug, run
# once each without fuzzing: fails on a crash, a leak or undefined behaviour.
fuzz-store-regress: $(STORE_FUZZ_BINS)
	@fuzz/bin/fuzz_store_read fuzz/corpus/store_read/* >fuzz/bin/fuzz_store_read-regress.log 2>&1 || \
		{ tail -30 fuzz/bin/fuzz_store_read-regress.log; exit 1; }
	@echo "fuzz_store_read: $$(ls fuzz/corpus/store_read | wc -l) seeds, no finding"
.PHONY: fuzz-store-regress
