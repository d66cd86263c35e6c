# Change impact: one scenario per kind of change of the severity taxonomy
# (critical: mail fails; warning: it may fail or protection is lost). Each change is served by
# NSD, picked up by `mxaudit drift`, and must introduce the expected
# finding with the expected severity; drift and `diff HEAD~1 HEAD` must
# both exit with the worst introduced severity. The world is restored
# after every scenario.
. "$TOP/tests/lib.sh"

# introduced FILE CODE SEVERITY : the impact JSON in FILE introduced CODE at SEVERITY.
introduced() {
	if python3 - "$@" <<-'PY' 2>pyerr
	import json, sys
	d = json.load(open(sys.argv[1]))
	im = d["impact"]
	sys.exit(0 if any(i["code"] == sys.argv[2] and i["severity"] == sys.argv[3]
	                  for i in im["introduced"]) else 1)
	PY
	then ok "$4"; else notok "$4"; sed 's/^/#   /' "$1" pyerr | head -40; fi
}

world_start_edge
drift() { mx --store st --dns-server "$DNS" --timeout 1 drift "$@"; }
drift
assert_rc 2 "baseline: the fixture's own critical findings count as introduced"
drift
assert_rc 2 "nothing changed: still critical while the fixture's own findings are open"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "and nothing printed"

Z=zones/example.com.zone

# The change's own severity, apart from the open state drift exits with.
change_rc() { python3 -c 'import json; print(json.load(open("out"))["impact"]["exit"])'; }

# scenario NAME RC CODE SEVERITY : after the caller changed the world.
scenario() {
	world_reload
	drift --format json
	assert_eq "$(change_rc)" "$2" "$1: drift, the change's severity"
	assert_rc 2 "$1: drift exits with the open state"
	introduced out "$3" "$4" "$1: $3 introduced as $4"
	commits=$(sgit rev-list --count HEAD)
	mx --store st diff HEAD~1 HEAD
	assert_rc "$2" "$1: diff exits the same"
	assert_grep "^  $4 +$3 " out "$1: diff text names $3"
	# restore the world and the store's view of it
	cp "$FIXTURES/zones/"*.zone zones/
	cp "$FIXTURES/fw/k01-basic.rules" edge.rules
	world_reload
	drift >/dev/null
}

# --- MX ------------------------------------------------------------------
sed -i '/IN MX/d' $Z; echo '@ IN A 192.0.2.80' >>$Z
scenario "MX removed, apex has an address" 2 mx.implicit critical
sed -i '/IN MX/d' $Z
scenario "MX removed, no address" 2 mx.none critical
sed -i 's/IN MX 10 mx1.example.com./IN MX 0 ./; /IN MX 20/d' $Z
scenario "null MX on a receiving domain" 2 mx.null critical
sed -i 's/IN MX 20 mx2.example.com./IN MX 0 ./' $Z
scenario "null MX mixed with other MX" 2 mx.null-mixed critical
sed -i '/^mx1/d; /^mx2/d' $Z
scenario "no MX target has an address" 2 mx.no-address critical
sed -i '/^mx2	IN A/d' $Z
scenario "one MX target lost its address" 1 mx.no-address warning
sed -i 's/IN MX 20 mx2.example.com./IN MX 20 192.0.2.26./' $Z
scenario "MX target is an IP literal" 1 mx.ip-literal warning
sed -i 's/^mx2	IN A 192.0.2.26/mx2	IN CNAME mx1/' $Z
scenario "MX target is a CNAME" 1 mx.cname warning

# --- SPF -----------------------------------------------------------------
echo '@ IN TXT "v=spf1 -all"' >>$Z
scenario "second v=spf1 record" 2 spf.multiple critical
sed -i 's/ip4:203.0.113.10 //' $Z
scenario "known sending IP no longer authorized" 2 spf.ip-not-authorized critical
sed -i 's/-all"/+all"/' $Z
scenario "+all added" 2 spf.plus-all critical
sed -i 's/include:_spf.example.net/include:gone.example.net/' $Z
scenario "include target loses its record" 2 spf.target-no-record critical
sed -i 's/ mx include/ a:a1.example.net a:a2.example.net a:a3.example.net mx include/' $Z
scenario "more than 2 void lookups" 2 spf.void-limit critical
sed -i 's/ mx include/ syntax!error mx include/' $Z
scenario "SPF syntax error" 2 spf.syntax critical

# --- DKIM ----------------------------------------------------------------
sed -i 's/^s2._domainkey.*/s2._domainkey IN CNAME gone.dkim.example.net./' $Z
scenario "DKIM selector CNAME now dangling" 2 dkim.missing critical
sed -i 's/k=ed25519; p=[^"]*"/k=ed25519; p="/' zones/example.net.zone
scenario "p= emptied on an active selector" 2 dkim.revoked critical
sed -i 's/k=ed25519;/k=dsa;/' zones/example.net.zone
scenario "bad k= on a selector" 2 dkim.key-type critical

# --- DMARC ---------------------------------------------------------------
sed -i '/^_dmarc/d' $Z
scenario "DMARC removed" 2 dmarc.missing critical
echo '_dmarc IN TXT "v=DMARC1; p=none"' >>$Z
scenario "DMARC duplicated" 2 dmarc.multiple critical
sed -i 's/p=reject;/p=reject; sp=none;/' $Z
scenario "sp=none" 1 dmarc.sp-none warning
sed -i 's/p=reject;/p=reject; pct=50;/' $Z
scenario "lower pct" 1 dmarc.pct warning
sed -i '/_report._dmarc/d' zones/example.net.zone
scenario "external rua no longer authorized" 1 dmarc.rua-unauthorized warning
sed -i 's/p=reject;/p=reject; adkim=s;/' $Z
scenario "adkim r -> s (info only)" 0 dmarc.strict-alignment info

# --- PTR, TLS-RPT ----------------------------------------------------------
sed -i '/^26	IN PTR/d' zones/2.0.192.in-addr.arpa.zone
scenario "PTR of an MX address removed" 1 ptr.missing warning
sed -i '/^_smtp._tls/d' $Z
scenario "TLS-RPT removed (visibility only)" 0 tlsrpt.missing info

# --- firewall: judged by what it allows ------------------------------------
sed -i 's/-d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/-s 198.51.100.0\/24 -d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/' edge.rules
scenario "tcp/25 now allowed from one network only" 2 fw.port-blocked critical
sed -i 's/^-A FORWARD -s 198.51.100.0\/28 -j DROP/&\n-A FORWARD -s 192.0.2.128\/25 -j DROP/' edge.rules
scenario "tcp/25 blocked for one more network" 1 fw.port-blocked warning
sed -i 's/--to-destination 192.0.2.25/--to-destination 192.0.2.99/' edge.rules
scenario "DNAT to another host" 2 fw.nat-changed warning
sed -i 's/--dport 25 -j ACCEPT/--dport 25 -j ACCEPT\n-A FORWARD -d 192.0.2.25\/32 -p tcp -m tcp --dport 587 -j ACCEPT/' edge.rules
scenario "submission opened (info)" 0 fw.port-opened info

# A rule rewritten without changing what passes: text change, no impact.
sed -i 's/-A FORWARD -s 198.51.100.0\/28 -j DROP/-A FORWARD -s 198.51.100.0\/29 -j DROP\n-A FORWARD -s 198.51.100.8\/29 -j DROP/' edge.rules
drift --format json
assert_eq "$(change_rc)" "0" "equivalent firewall rewrite: the change is ok"
python3 -c 'import json,sys; d=json.load(open("out")); im=d["impact"]; sys.exit(0 if d["changed"] and not im["introduced"] and not im["reach"] and any(c["scope"]=="firewall edge" for c in im["changes"]) else 1)' \
	&& ok "equivalent rewrite: committed, no reach change, the text change listed as info" \
	|| { notok "equivalent rewrite"; head -60 out | sed 's/^/#   /'; }

# --- TTL only --------------------------------------------------------------
cp "$FIXTURES/fw/k01-basic.rules" edge.rules
drift >/dev/null
sed -i 's/^mx1	IN A 192.0.2.25/mx1	300	IN A 192.0.2.25/' $Z
world_reload
drift --format json
assert_eq "$(change_rc)" "0" "a TTL change: the change is ok"
json_ttl=$(python3 -c 'import json; d=json.load(open("out")); print(sum(1 for c in d["impact"]["changes"] if c["op"]=="~"))')
assert_eq "$json_ttl" "1" "the TTL change is an info change"

# --- the joint inbound path: MX address -> NAT -> filter -> mail host ---------
sed -i 's/^\(    sending_ips: .*\)$/\1\n    mail_hosts: [192.0.2.25:25]/' mxaudit.yaml
cp "$FIXTURES/zones/"*.zone zones/
sed -i 's/^mx1	IN A 192.0.2.25/mx1	IN A 203.0.113.25/' $Z
world_reload
drift >/dev/null
drift
assert_eq "$(wc -c <out | tr -d ' ')" "0" "MX on the firewall's address, path configured: settled, nothing printed"
sed -i 's/--to-destination 192.0.2.25/--to-destination 192.0.2.99/' edge.rules
drift --format json
assert_rc 2 "port-forward to the wrong host: drift"
introduced out inbound.dnat-wrong-target critical "the inbound path names the broken link"
introduced out fw.nat-changed warning "and the firewall comparison the NAT change"
