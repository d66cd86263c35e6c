# bench/spf.mk - "make bench": offline SPF evaluation of 10,000 domains
# from a synthetic in-memory snapshot, one address each.

bench/spf_bench: bench/spf_bench.c $(LIB_OBJS)
	@echo "  CC     $@"
	$(Q)$(CC) $(CFLAGS) -Iauditor -o $@ $< $(LIB_OBJS) $(LDLIBS)

bench: bench/spf_bench
	@bench/spf_bench 10000 5
