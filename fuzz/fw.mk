# fuzz/fw.mk - libFuzzer targets for the firewall parsers (iptables text
# with ipset members, nft JSON, nft text, RouterOS /export, pfSense and OPNsense
# config.xml, FortiGate, ASA, SRX and PAN-OS configurations), each followed by the model, the
# rules text, reachability and the export cleaner. `make fuzz` runs them too,
# FUZZ_SECONDS each; `make fuzz-fw` runs only these.
#
# `make fw-golden` regenerates tests/fixtures/fw/*.ok on purpose.

FW_FUZZ_BINS := fuzz/bin/fuzz_fw_iptables fuzz/bin/fuzz_fw_nft fuzz/bin/fuzz_fw_nft_text fuzz/bin/fuzz_fw_routeros \
                fuzz/bin/fuzz_fw_pfsense fuzz/bin/fuzz_fw_opnsense \
                fuzz/bin/fuzz_fw_fortios fuzz/bin/fuzz_fw_asa fuzz/bin/fuzz_fw_junos \
                fuzz/bin/fuzz_fw_panos
FW_FUZZ_SRCS := auditor/util.c auditor/fw_addrset.c auditor/fw_firstmatch.c auditor/fw_model.c auditor/fw_iptables.c \
                auditor/fw_nft.c auditor/fw_nft_text.c auditor/fw_ipset.c auditor/fw_reach.c auditor/fw_export.c auditor/fw_iptables_clean.c auditor/fw_mask.c auditor/dkim_key.c \
                auditor/fw_format.c auditor/fw_routeros.c auditor/fw_xml.c auditor/fw_pfsense.c auditor/fw_opnsense.c auditor/fw_fortios.c \
                auditor/fw_asa.c auditor/fw_junos.c auditor/fw_panos.c

$(FW_FUZZ_BINS): fuzz/bin/fuzz_%: fuzz/%.c fuzz/fw_common.h $(FW_FUZZ_SRCS) auditor/fw.h
	@mkdir -p fuzz/bin
	@echo "  FUZZCC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags jansson openssl libxml-2.0) -o $@ $< \
		$(FW_FUZZ_SRCS) $(shell pkg-config --libs jansson openssl libxml-2.0)

fuzz-fw: $(FW_FUZZ_BINS)
	@sh fuzz/run $(FUZZ_SECONDS) 4096 $(foreach b,$(FW_FUZZ_BINS),$(b):fuzz/corpus/$(patsubst fuzz_%,%,$(notdir $(b))))

fw-golden: tests/bin/test_fw_parse mxaudit
	FW_GOLDEN_UPDATE=1 tests/bin/test_fw_parse
	./mxaudit reach --firewall tests/fixtures/fw/k01-basic.rules --to 203.0.113.10:25/tcp \
		--in eth0 --out eth1 --json >tests/fixtures/fw/k01-basic.reach.json.ok || test $$? -le 3
	./mxaudit reach --firewall tests/fixtures/fw/k09-two-chains.json --to 203.0.113.10:587/tcp \
		--in eth0 --out eth1 --json >tests/fixtures/fw/k09-two-chains.reach.json.ok || test $$? -le 3

fuzz: fuzz-fw
.PHONY: fuzz-fw fw-golden

# `make bench-fw` (part of `make bench`): parse a 100,000-rule export and
# answer tcp/25 over every source (the text answer: verdict, every allowed
# part, the first blocked ones and a count), against `iptables-restore
# --test` on the same file in a fresh network namespace (root). Prints the
# time ratio, and the time of the --json answer, which lists every part
# and network (about a million CIDRs here), for information.
FW_BENCH_RULES ?= 100000
bench-fw: mxaudit
	@mkdir -p tests/out
	@sh tests/fixtures/fw/gen-big.sh $(FW_BENCH_RULES) >tests/out/fw-bench.rules
	@best() { b=; for i in 1 2 3 4 5; do s=$$(date +%s%N); "$$@" >/dev/null 2>&1; \
		[ $$? -le 3 ] || return 1; t=$$(( $$(date +%s%N) - s )); \
		if [ -z "$$b" ] || [ $$t -lt $$b ]; then b=$$t; fi; done; echo $$b; }; \
	m=$$(best ./mxaudit reach --firewall tests/out/fw-bench.rules --to 203.0.113.10:25/tcp \
		--in eth0 --out eth1); \
	j=$$(best ./mxaudit reach --firewall tests/out/fw-bench.rules --to 203.0.113.10:25/tcp \
		--in eth0 --out eth1 --json); \
	k=$$(best unshare -n iptables-restore --test tests/out/fw-bench.rules) || k=; \
	awk -v m=$$m -v j=$$j -v k="$$k" -v n=$(FW_BENCH_RULES) 'BEGIN { \
		printf "fw bench: %d rules: mxaudit reach %.3fs (best of 5)\n", n, m / 1e9; \
		if (k != "") printf "fw bench: iptables-restore --test %.3fs; ratio %.2f (target <= 0.25)\n", k / 1e9, m / k; \
		else print "fw bench: iptables-restore --test could not run (needs root); no ratio"; \
		printf "fw bench: mxaudit reach --json (every part and network) %.3fs\n", j / 1e9 }'

bench: bench-fw
.PHONY: bench-fw

# `make bench-fw-fortios` (part of `make bench`): a FortiGate configuration
# of FW_BENCH_POLICIES policies (partner networks to an SMTP VIP, accept
# and deny in turn) read and answered, beside `iptables-restore --test` of
# an iptables ruleset of as many rules in a fresh network namespace (root).
FW_BENCH_POLICIES ?= 5000
bench-fw-fortios: mxaudit
	@mkdir -p tests/out
	@sh tests/fixtures/fw/fortios/gen-big.sh $(FW_BENCH_POLICIES) >tests/out/fw-bench-fortios.conf
	@sh tests/fixtures/fw/gen-big.sh $(FW_BENCH_POLICIES) >tests/out/fw-bench-fortios.rules
	@best() { b=; for i in 1 2 3 4 5; do s=$$(date +%s%N); "$$@" >/dev/null 2>&1; \
		[ $$? -le 3 ] || return 1; t=$$(( $$(date +%s%N) - s )); \
		if [ -z "$$b" ] || [ $$t -lt $$b ]; then b=$$t; fi; done; echo $$b; }; \
	m=$$(best ./mxaudit reach --firewall tests/out/fw-bench-fortios.conf --to 192.0.2.25:25/tcp); \
	k=$$(best unshare -n iptables-restore --test tests/out/fw-bench-fortios.rules) || k=; \
	awk -v m=$$m -v k="$$k" -v n=$(FW_BENCH_POLICIES) 'BEGIN { \
		printf "fw bench: FortiGate, %d policies: mxaudit reach %.3fs (best of 5)\n", n, m / 1e9; \
		if (k != "") printf "fw bench: iptables-restore --test of %d rules %.3fs; ratio %.2f\n", n, k / 1e9, m / k; \
		else print "fw bench: iptables-restore --test could not run (needs root); no ratio" }'

bench: bench-fw-fortios
.PHONY: bench-fw-fortios
