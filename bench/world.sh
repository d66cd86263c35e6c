#!/bin/sh
# bench/world.sh DIR N [CHANGED] - write a synthetic world of N domains:
# DIR/zones/*.zone for NSD and DIR/mxaudit.yaml. Each domain dK.bench.example
# has 2 MX hosts (A from the documentation ranges, unique AAAA in
# 2001:db8::/32), SPF with 3 includes shared between domains (30 in all),
# DMARC, 2 DKIM selectors, TLSA, and PTRs for every address. With CHANGED=M
# the first M domains get another second MX host: the "after" world.
set -eu
dir=$1 n=$2 changed=${3:-0}
mkdir -p "$dir/zones"
soa() { printf '$TTL 3600\n@ IN SOA ns.bench.example. hostmaster.bench.example. 1 7200 900 1209600 300\n@ IN NS ns.bench.example.\n'; }

{ soa; echo "ns IN A 192.0.2.1"; } >"$dir/zones/bench.example.zone"
awk -v n="$n" -v changed="$changed" 'BEGIN {
	key = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
	for (k = 0; k < n; k++) {
		d = "d" k;
		a = k % 30; b = (k + 7) % 30; c = (k + 13) % 30;
		printf "%s IN MX 10 mx1.%s\n", d, d;
		printf "%s IN MX 20 mx2%s.%s\n", d, (k < changed ? "b" : ""), d;
		printf "%s IN TXT \"v=spf1 mx include:_spf%d.inc.example include:_spf%d.inc.example include:_spf%d.inc.example -all\"\n", d, a, b, c;
		printf "_dmarc.%s IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@%s.bench.example\"\n", d, d;
		printf "s1._domainkey.%s IN TXT \"v=DKIM1; k=ed25519; p=%s\"\n", d, key;
		printf "s2._domainkey.%s IN TXT \"v=DKIM1; k=ed25519; p=%s\"\n", d, key;
		printf "mx1.%s IN A 192.0.2.%d\n", d, k % 250 + 2;
		printf "mx1.%s IN AAAA 2001:db8:1:%x::1\n", d, k;
		printf "mx2%s.%s IN A 198.51.100.%d\n", (k < changed ? "b" : ""), d, k % 250 + 2;
		printf "mx2%s.%s IN AAAA 2001:db8:2:%x::%s\n", (k < changed ? "b" : ""), d, k, (k < changed ? "3" : "2");
		printf "_25._tcp.mx1.%s IN TLSA 3 1 1 %s\n", d, "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
	}
}' >>"$dir/zones/bench.example.zone"

{ soa; awk 'BEGIN { for (i = 0; i < 30; i++) printf "_spf%d IN TXT \"v=spf1 ip4:203.0.113.%d/32 ip6:2001:db8:ffff::%x -all\"\n", i, i + 1, i }'; } \
	>"$dir/zones/inc.example.zone"
for net in 2.0.192 100.51.198; do
	{ soa; awk -v net="$net" 'BEGIN { for (i = 2; i < 252; i++) printf "%d IN PTR pool-%s-%d.bench.example.\n", i, net, i }'; } \
		>"$dir/zones/$net.in-addr.arpa.zone"
done
{ soa; awk 'BEGIN { for (i = 1; i < 252; i++) printf "%d IN PTR out%d.bench.example.\n", i, i }'; } \
	>"$dir/zones/113.0.203.in-addr.arpa.zone"
# 2001:db8:H:KKKK::L -> nibbles reversed under 8.b.d.0.1.0.0.2.ip6.arpa.
{ soa; awk -v n="$n" -v changed="$changed" '
function rev(h, k, l,   s, i, hex) {
	hex = sprintf("%04x%04x%016x", h, k, l); s = "";
	for (i = length(hex); i >= 1; i--) s = s substr(hex, i, 1) ".";
	return substr(s, 1, length(s) - 1);
}
BEGIN {
	for (k = 0; k < n; k++) {
		printf "%s IN PTR mx1.d%d.bench.example.\n", rev(1, k, 1), k;
		if (k < changed) printf "%s IN PTR mx2b.d%d.bench.example.\n", rev(2, k, 3), k;
		else printf "%s IN PTR mx2.d%d.bench.example.\n", rev(2, k, 2), k;
	}
}' ; } >"$dir/zones/8.b.d.0.1.0.0.2.ip6.arpa.zone"

awk -v n="$n" 'BEGIN {
	print "lab: true";
	print "max_inflight: 1000";
	print "domains:";
	for (k = 0; k < n; k++)
		printf "  - name: d%d.bench.example\n    dkim_selectors: [s1, s2]\n    sending_ips: [203.0.113.%d]\n", k, k % 250 + 1;
}' >"$dir/mxaudit.yaml"
