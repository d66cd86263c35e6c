# mxaudit - see README.md. `make V=1` shows the commands.
#
# Warnings are errors when CI=true or DEVELOPER=1. Each area keeps its own
# object list so work on one area does not touch the others' lines.

CC      ?= cc
PKGS    := ldns libgit2 yaml-0.1 openssl jansson libxml-2.0
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
           -Wshadow -Wstrict-prototypes -Wmissing-prototypes -MMD -MP
ifneq ($(filter true 1,$(CI) $(DEVELOPER)),)
CFLAGS  += -Werror
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -pthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The core: CLI, config, DNS collection, snapshot files, store.
CORE_OBJS := util.o pair.o finding.o json.o yamltree.o config.o snapshot.o snapshot_parse.o snapinputs.o stale.o strmap.o \
             dns.o resolver.o collect.o store.o store_certs.o changelist.o when.o snapdiff.o
CMD_OBJS  := main.o commands.o cmd_init.o cmd_snapshot.o cmd_diff.o cmd_log.o cmd_show.o
# SPF (issue 3)
SPF_OBJS  := spf_parse.o spf_macro.o spf_eval.o spf_check.o spf_snapdns.o cmd_spf.o
# Firewalls (issue 5)
FW_OBJS   := fw_format.o fw_routeros.o fw_xml.o fw_pfsense.o fw_opnsense.o fw_addrset.o fw_firstmatch.o fw_model.o fw_iptables.o fw_nft.o fw_ipset.o fw_reach.o fw_export.o fw_findings.o cmd_reach.o
# Analyzers, policies, check (issue 4)
CHECK_OBJS := analyze.o analyze_mx.o analyze_ptr.o analyze_dmarc.o analyze_dkim.o dkim_key.o analyze_mtasts.o analyze_status.o taglist.o policy.o report.o cmd_check.o path.o
# Change impact: diff impact, drift, timeline (issue 6)
IMPACT_OBJS := snaprun.o impact.o impact_fw.o impact_report.o impact_load.o \
               impact_store.o log_record.o proposed.o drift_stale.o drift_exec.o cmd_drift.o cmd_timeline.o

OBJS := $(addprefix auditor/,$(CORE_OBJS) $(CMD_OBJS) $(SPF_OBJS) $(FW_OBJS) $(CHECK_OBJS) $(IMPACT_OBJS))
LIB_OBJS := $(filter-out auditor/main.o,$(OBJS))

all: mxaudit

deps:
	@sh scripts/deps

mxaudit: $(OBJS)
	@echo "  LINK   $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

auditor/%.o: auditor/%.c
	@echo "  CC     $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

include tests/Makefile.inc

clean:
	rm -f mxaudit auditor/*.o auditor/*.d
	rm -rf tests/bin tests/out

.PHONY: all deps clean test demo bench fuzz
-include auditor/*.d

# The demo: a local NSD, a baseline, a change that breaks an MX host, the diff.
demo: deps mxaudit
	@demo/run
# The fuzzers need clang (and its sanitizer runtimes): scripts/deps --dev.
fuzz-deps:
	@sh scripts/deps --dev
.PHONY: fuzz-deps

include fuzz/Makefile.inc
include bench/spf.mk
include fuzz/core.mk
include fuzz/check.mk
-include fuzz/fw.mk

# The scale benchmark (issue 7): 10,000 domains through NSD, against dnsperf.
bench: bench-scale
bench-scale: mxaudit
	@sh scripts/deps --bench
	@sh bench/scale.sh $(BENCH_DOMAINS)
.PHONY: bench-scale

# Every fuzz target waits for clang to be installed.
$(FUZZ_BINS) $(CORE_FUZZ_BINS) $(CHECK_FUZZ_BINS) $(FW_FUZZ_BINS): | fuzz-deps
