# fuzz/core.mk - libFuzzer targets for the core's parsers of outside text:
# DNS replies off the wire, the canonical snapshot files, mxaudit.yaml.
# `make fuzz` runs them after the SPF targets, FUZZ_SECONDS each.

CORE_FUZZ_BINS := fuzz/bin/fuzz_dns_reply fuzz/bin/fuzz_snapfiles fuzz/bin/fuzz_config
# config.c checks a firewall's format: against the format table, which names the parsers.
CORE_FW_SRCS   := auditor/fw_format.c auditor/fw_routeros.c auditor/fw_xml.c auditor/fw_pfsense.c auditor/fw_opnsense.c auditor/fw_fortios.c auditor/fw_asa.c auditor/fw_junos.c auditor/fw_panos.c auditor/fw_addrset.c auditor/fw_firstmatch.c auditor/fw_model.c \
                  auditor/fw_iptables.c auditor/fw_nft.c auditor/fw_nft_text.c auditor/fw_ipset.c auditor/fw_reach.c auditor/fw_export.c auditor/fw_iptables_clean.c auditor/fw_mask.c auditor/dkim_key.c
CORE_FUZZ_SRCS := auditor/util.c auditor/dns.c auditor/zonecheck.c auditor/snapshot.c auditor/snapshot_parse.c auditor/snapinputs.c auditor/changelist.c \
                  auditor/stale.c auditor/snapchain.c auditor/strmap.c auditor/yamltree.c auditor/config.c \
                  $(CORE_FW_SRCS)
CORE_FUZZ_LIBS = $(shell pkg-config --libs ldns yaml-0.1 jansson libxml-2.0 openssl 2>/dev/null)

fuzz/bin/fuzz_dns_reply fuzz/bin/fuzz_snapfiles fuzz/bin/fuzz_config: fuzz/bin/%: fuzz/%.c $(CORE_FUZZ_SRCS)
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags libxml-2.0) -o $@ $< $(CORE_FUZZ_SRCS) $(CORE_FUZZ_LIBS)

fuzz-core: $(CORE_FUZZ_BINS)
	@sh fuzz/run $(FUZZ_SECONDS) 4096 $(foreach b,$(CORE_FUZZ_BINS),$(b):fuzz/corpus/$(patsubst fuzz_%,%,$(notdir $(b))))

fuzz: fuzz-core
.PHONY: fuzz-core
