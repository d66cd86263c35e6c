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
# Asked when the Makefile is read. `make demo` and `make test` install the
# packages first and then run make again, so a fresh machine gets the flags.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -pthread
# Start-up is a command's cost: link only the libraries the program calls.
LDFLAGS += -Wl,--as-needed -Wl,-O1

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The core: CLI, config, DNS collection, snapshot files, store.
CORE_OBJS := util.o timefmt.o sysresolv.o nagios.o markdown.o pair.o finding.o finding_codes.o json.o yamltree.o config.o snapshot.o readlog.o snapshot_parse.o snapinputs.o stale.o snapchain.o strmap.o \
             dns.o zonecheck.o resolver.o zonecut.o collect.o store.o store_pack.o store_certs.o changelist.o when.o snapdiff.o snaplayout.o
CMD_OBJS  := main.o commands.o usage.o cmd_init.o cmd_snapshot.o cmd_diff.o cmd_log.o cmd_show.o
# SPF
SPF_OBJS  := spf_parse.o spf_macro.o spf_eval.o spf_check.o spf_snapdns.o spf_livedns.o cmd_spf.o
# Firewalls
FW_OBJS   := fw_format.o fw_identity.o fw_exposure.o fw_routeros.o fw_xml.o fw_pfsense.o fw_opnsense.o fw_fortios.o fw_asa.o fw_junos.o fw_panos.o fw_addrset.o fw_firstmatch.o fw_model.o fw_iptables.o fw_nft.o fw_nft_text.o fw_ipset.o fw_reach.o fw_export.o fw_iptables_clean.o fw_mask.o fw_command.o fw_findings.o cmd_reach.o
# Analyzers, policies, check
CHECK_OBJS := analyze.o snapquery.o judge.o analyze_mx.o analyze_parked.o analyze_ptr.o ptr_generic.o analyze_dmarc.o analyze_dkim.o dkim_key.o analyze_mtasts.o analyze_status.o analyze_ns.o taglist.o policy.o report.o cmd_check.o path.o
# Change impact: diff impact, drift, timeline
IMPACT_OBJS := snaprun.o impact.o impact_list.o impact_fw.o impact_mx.o impact_follow.o impact_report.o impact_load.o \
               impact_store.o log_record.o proposed.o proposed_world.o drift_stale.o drift_state.o drift_exec.o cmd_drift.o cmd_timeline.o
# The report page and the metrics: pictures and numbers of what the judge says
REPORT_OBJS := svg.o pathview.o prom.o report_page.o report_write.o render_html.o render_path.o render_spf.o \
               render_timeline.o cmd_report.o

OBJS := $(addprefix auditor/,$(CORE_OBJS) $(CMD_OBJS) $(SPF_OBJS) $(FW_OBJS) $(CHECK_OBJS) $(IMPACT_OBJS) $(REPORT_OBJS))
LIB_OBJS := $(filter-out auditor/main.o,$(OBJS))

all: mxaudit

deps:
	@sh scripts/deps

# Without pkg-config and the -dev packages every compile would fail on a
# missing header; say what to do instead.
pkgcheck:
	@test -n "$(PKG_LIBS)" || { echo "mxaudit: build dependencies are missing; run 'make deps' (or 'make demo', 'make test', which install them)" >&2; exit 1; }
$(OBJS): | pkgcheck

mxaudit: $(OBJS)
	@echo "  LINK   $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

auditor/%.o: auditor/%.c
	@echo "  CC     $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The findings table of the report says what to do in the words of README's finding table.
auditor/advice.inc: README.md scripts/advice.awk
	@echo "  GEN    $@"
	$(Q)awk -f scripts/advice.awk README.md >$@.tmp && mv $@.tmp $@
auditor/render_html.o: auditor/advice.inc

include tests/Makefile.inc

# Installation: the program, its man page, and under the doc folder an
# example configuration, the example policies and the systemd units for
# drift every five minutes (their paths filled in here).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/mxaudit
SYSCONFDIR ?= /etc
INSTALL    ?= install
DOC_FILES  := examples/mxaudit.yaml policies/README.md policies/example.com.yaml
UNITS      := mxaudit-drift.service mxaudit-drift.timer mxaudit-metrics.service mxaudit-metrics.timer

install: mxaudit
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)/policies
	$(INSTALL) -m 755 mxaudit $(DESTDIR)$(BINDIR)/mxaudit
	$(INSTALL) -m 644 docs/mxaudit.1 $(DESTDIR)$(MANDIR)/man1/mxaudit.1
	$(INSTALL) -m 644 examples/mxaudit.yaml $(DESTDIR)$(DOCDIR)/mxaudit.yaml
	$(INSTALL) -m 644 policies/README.md policies/example.com.yaml $(DESTDIR)$(DOCDIR)/policies/
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' examples/$$u >$(DESTDIR)$(DOCDIR)/$$u && \
		chmod 644 $(DESTDIR)$(DOCDIR)/$$u || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mxaudit $(DESTDIR)$(MANDIR)/man1/mxaudit.1
	rm -f $(DESTDIR)$(DOCDIR)/mxaudit.yaml $(addprefix $(DESTDIR)$(DOCDIR)/,$(UNITS))
	rm -f $(DESTDIR)$(DOCDIR)/policies/README.md $(DESTDIR)$(DOCDIR)/policies/example.com.yaml
	-rmdir $(DESTDIR)$(DOCDIR)/policies $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -f mxaudit auditor/*.o auditor/*.d auditor/advice.inc
	rm -rf tests/bin tests/out

.PHONY: all deps pkgcheck install uninstall clean test demo bench fuzz
-include auditor/*.d

# The demo: a local NSD, a baseline, a change that breaks an MX host, the diff.
demo: deps
	@$(MAKE) --no-print-directory mxaudit
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
include fuzz/hostile.mk
include fuzz/store.mk

# The scale benchmark: 10,000 domains through NSD, against dnsperf.
bench: bench-scale
bench-scale: mxaudit
	@sh scripts/deps --bench
	@sh bench/scale.sh $(BENCH_DOMAINS)
.PHONY: bench-scale
# The default DNS mode: N domains in a delegation tree with Unbound (root; network namespace).
bench: bench-tree
bench-tree: mxaudit
	@sh scripts/deps --bench
	@sh bench/tree.sh $(BENCH_TREE_DOMAINS)
.PHONY: bench-tree

# Every fuzz target waits for clang to be installed.
$(FUZZ_BINS) $(CORE_FUZZ_BINS) $(CHECK_FUZZ_BINS) $(FW_FUZZ_BINS) $(HOSTILE_FUZZ_BINS): | fuzz-deps
