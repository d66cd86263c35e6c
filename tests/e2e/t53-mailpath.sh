# The mail path of a real network, in check: primary and backup MX on two
# internal hosts behind an iptables edge (fail2ban chain, source NAT), and
# the primary's own nftables firewall (role: host). The intact world
# checks clean (exit 0, the blocklist an info); each single break gives
# exactly the one finding of the link it breaks.
. "$TOP/tests/lib.sh"
world_start
# The address the mail hosts leave with (192.0.2.25, mx1, in SPF through
# "mx") has a PTR that resolves back. 192.0.2.27 is the edge's too, with a
# PTR that resolves back, but outside SPF.
printf '27\tIN PTR relay.example.com.\n' >>zones/2.0.192.in-addr.arpa.zone
printf 'relay\tIN A 192.0.2.27\n' >>zones/example.com.zone
# The shared world carries two faults other tests look for: an unusable
# DKIM key at s1 and a PTR of the sending IP that does not resolve back.
# This network has neither: it signs with s2 and its PTR resolves back.
printf 'out\tIN A 203.0.113.10\n' >>zones/example.com.zone
sed -i 's/dkim_selectors: \[s1, s2\]/dkim_selectors: [s2]/' mxaudit.yaml
world_reload
mkdir exports
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.20.0.25, 10.20.0.26]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
    public_ips: [192.0.2.25, 192.0.2.26, 192.0.2.27]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
  - name: mx1host
    role: host
    format: nft
    file: exports/host.nft
    public_ips: [10.20.0.25]
    outside_ifaces: [eth0]
YAML
$MXAUDIT init --store st >/dev/null

# variant NAME EDGE-SED HOST-SED: write both exports, snapshot, check;
# ./codes gets the path's finding codes, one a line, with repeats.
variant() {
	sed "$2" "$FIXTURES/path/edge.rules" >exports/edge.rules
	sed "$3" "$FIXTURES/path/host.nft" >exports/host.nft
	$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
	mx --store st check --format json
	grep -o '"code": "[a-z.-]*"' out | sed 's/.*"\([a-z.-]*\)"$/\1/' |
		grep -E '^(inbound|egress|outbound)\.' | sort | tr '\n' ' ' >codes
	echo "# $1: $(cat codes)"
}

variant good '' ''
assert_eq "$(cat codes)" "inbound.blocklist " "the intact world has only the blocklist finding"
grep -B1 '"code": "inbound.blocklist"' out >sev
assert_grep '"severity": "info"' sev "a fail2ban chain is info"
assert_grep '"subject": "edge: chain filter f2b-postfix"' out "the blocklist finding names the chain"
assert_grep 'from 3 listed networks' out "and counts its networks"
mx --store st check
assert_rc 0 "the intact world checks clean: exit 0"
assert_grep '^example\.com: OK$' out "example.com: OK"
assert_grep '^1 domain checked in snapshot [0-9a-f]*: 0 critical, 0 warnings, 1 info$' out "the blocklist its one finding, an info"
mx --store st --dns-server "$DNS" snapshot
assert_no_grep 'lookups failed' err "no lookup fails: the host firewall's own (private) addresses are not looked up"

# A policy judges the blocklist: its share of the address space, and the
# networks that must reach the mail hosts.
# policy_sev NAME YAML-LINES: check with that policy; ./sev gets the blocklist's severity.
policy_sev() {
	printf 'domain: example.com\nfirewall:\n%b\n' "$2" >"$1.yaml"
	mx --store st check --format json --policy "$1.yaml"
	grep -B1 '"code": "inbound.blocklist"' out | sed -n 's/.*"severity": "\([a-z]*\)".*/\1/p' >sev
	echo "# $1: $(cat sev)"
}
policy_sev share-zero '  blocklist_share: 0%'
assert_eq "$(cat sev)" warning "a policy share of 0%: every blocklist is a warning"
assert_grep 'covers more than 0% of the IPv4 addresses \(the policy.s share, set at share-zero\.yaml:3:20\)' out "saying the share and where the policy sets it"
policy_sev must-reach '  must_reach: [198.51.100.128/26, 2001:db8:25::/48]'
assert_eq "$(cat sev)" warning "a blocklist covering a network that must reach the host is a warning"
assert_grep 'it covers 198\.51\.100\.128/26, which the policy at must-reach\.yaml:3:15 says must reach the mail hosts' out "naming the network and the policy"
policy_sev elsewhere '  blocklist_share: 0.5%\n  must_reach: [198.51.100.0/26]'
assert_eq "$(cat sev)" info "a must-reach network the list does not cover, a share not reached: info"
printf 'domain: example.com\nfirewall:\n  blocklist_share: half\n' >bad.yaml
mx --store st check --policy bad.yaml
assert_rc 3 "a share that is no percentage stops the run"
assert_grep 'bad\.yaml:3:20: expected a share of the address space' err "naming file:line:col"

variant dnat-moved 's/10\.20\.0\.26:25$/10.20.0.27:25/' ''
assert_eq "$(cat codes)" "inbound.blocklist inbound.dnat-wrong-target " "the backup MX forwarded to a third host: inbound.dnat-wrong-target"
assert_grep 'to 10\.20\.0\.27:25, not to a mail host \(10\.20\.0\.25:25, 10\.20\.0\.26:25\)' out "the finding names the host reached and the mail hosts"

variant forward-removed '/-d 10\.20\.0\.26\/32 -i eth0/d' ''
assert_eq "$(cat codes)" "inbound.blocked inbound.blocklist " "the FORWARD accept to the backup removed: inbound.blocked"
assert_grep 'filter FORWARD policy DROP' out "naming the policy that drops it"

variant host-drops-25 '' 's/tcp dport { 25, 587 } accept/tcp dport { 587 } accept/'
assert_eq "$(cat codes)" "inbound.blocked inbound.blocklist " "the host firewall drops tcp/25: inbound.blocked"
assert_grep 'mx1host: tcp/25 to 10\.20\.0\.25:25' out "on the host firewall, for the mail host"
assert_grep 'inet filter input policy DROP' out "naming the host firewall's policy"

variant f2b-bans-everyone 's/^-A f2b-postfix -j RETURN/-A f2b-postfix -j REJECT/' ''
assert_eq "$(cat codes)" "inbound.blocked " "fail2ban banning everyone is one inbound.blocked for both MX addresses"
assert_grep '"evidence": "filter f2b-postfix #4: -A f2b-postfix -j REJECT' out "naming the rule that bans everyone"
assert_no_grep 'inbound\.blocklist' out "and no blocklist finding"

# Outbound identity: the address mail leaves the edge with.
variant snat-outside-spf 's/--to-source 192\.0\.2\.25$/--to-source 192.0.2.27/' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.not-authorized " "SNAT to an address outside SPF: outbound.not-authorized, once for both mail hosts"
assert_grep '"subject": "edge: tcp/25 leaves as 192\.0\.2\.27"' out "naming the address receivers see"
assert_grep 'SPF of example\.com gives fail' out "and the SPF result"
assert_grep '"evidence": "nat POSTROUTING #1: -A POSTROUTING -s 10\.20\.0\.0/24 -o eth0 -j SNAT --to-source 192\.0\.2\.27"' out "and the SNAT rule"

variant snat-elsewhere 's/--to-source 192\.0\.2\.25$/--to-source 198.51.100.99/' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.not-translated " "SNAT to an address that is not the edge's: one outbound.not-translated, nothing judged of an address replies never reach"

variant no-snat '/-j SNAT/d' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.not-translated " "no SNAT: one outbound.not-translated for both mail hosts, mail and DNS"
assert_grep '"subject": "edge: tcp/25, udp/53, tcp/53 from 10\.20\.0\.25, 10\.20\.0\.26"' out "naming every service and mail host it breaks"
assert_grep 'no source NAT: it leaves with the source 10\.20\.0\.25' out "saying which source it leaves with"
assert_grep '"evidence": "nat POSTROUTING: no SNAT or MASQUERADE rule matches"' out "and that no rule translates it"
mx --store st report HEAD -o no-snat.html
assert_grep 'st-broken">[^<]*</span> egress through the gateway \(10\.20\.0\.26 via 10\.20\.0\.26\)' no-snat.html "the report draws that way out broken"

# The way out is one path: the primary's OUTPUT chain, then the edge's
# FORWARD and source NAT. A break anywhere is one finding, on the firewall
# that breaks it, naming its rule.
variant host-drops-25-out '' '/oifname "eth0" tcp dport 25 accept/d'
assert_eq "$(cat codes)" "egress.smtp-blocked inbound.blocklist " "the host firewall drops tcp/25 out: one egress.smtp-blocked"
assert_grep '"subject": "mx1host: tcp/25 from 10\.20\.0\.25"' out "on the host firewall, for the primary"
assert_grep '"evidence": "inet filter output policy DROP"' out "naming the OUTPUT chain's policy"
variant host-drops-dns '' '/oifname "eth0" [a-z]* dport 53 accept/d'
assert_eq "$(cat codes)" "egress.dns-blocked inbound.blocklist " "the host firewall drops DNS out: one egress.dns-blocked"
assert_grep '"subject": "mx1host: udp/53, tcp/53 from 10\.20\.0\.25"' out "for both DNS transports"
variant edge-drops-25-out '/-s 10\.20\.0\.0\/24 -i eth1 -o eth0 -p tcp -m tcp --dport 25/d' ''
assert_eq "$(cat codes)" "egress.smtp-blocked inbound.blocklist " "the edge drops tcp/25 out: one egress.smtp-blocked"
assert_grep '"subject": "edge: tcp/25 from 10\.20\.0\.25, 10\.20\.0\.26"' out "on the edge, for both mail hosts"
assert_grep '"evidence": "filter FORWARD policy DROP"' out "naming the FORWARD policy"
mx --store st report HEAD -o edge-egress.html
grep -o 'st-[a-z]*">[^<]*</span> egress through the gateway ([^)]*)' edge-egress.html | sort -u >egress.links
assert_grep 'st-broken.*\(10\.20\.0\.25\)' egress.links "the report draws the primary's way out broken"
assert_grep 'st-broken.*\(10\.20\.0\.26\)' egress.links "and the backup's, from the one finding for both"
assert_no_grep 'st-ok' egress.links "and no way out intact"
variant host-smarthost-only '' 's/oifname "eth0" tcp dport 25 accept/oifname "eth0" ip daddr 198.51.100.10 tcp dport 25 accept/'
assert_eq "$(cat codes)" "egress.smtp-blocked inbound.blocklist " "the host firewall lets mail out to one relay: one finding, on the host firewall"
assert_grep '"subject": "mx1host: tcp/25 from 10\.20\.0\.25"' out "the edge is asked only about what the host lets out"
variant both-drop-25-out '/-s 10\.20\.0\.0\/24 -i eth1 -o eth0 -p tcp -m tcp --dport 25/d' '/oifname "eth0" tcp dport 25 accept/d'
assert_eq "$(cat codes)" "egress.smtp-blocked egress.smtp-blocked inbound.blocklist " "both drop tcp/25 out: the primary's on its host firewall, the backup's on the edge"
assert_grep '"subject": "edge: tcp/25 from 10\.20\.0\.26"' out "the edge's finding is for the backup only"

cp zones/2.0.192.in-addr.arpa.zone ptr.zone
sed -i '/^25	IN PTR/d' zones/2.0.192.in-addr.arpa.zone
world_reload
variant ptr-missing '' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.no-fcrdns " "no PTR for the SNAT address: outbound.no-fcrdns"
assert_grep 'leaves firewall .edge. as 192\.0\.2\.25, which has no PTR record' out "naming the address"
cp ptr.zone zones/2.0.192.in-addr.arpa.zone
world_reload

# A host firewall configured after the snapshot was taken: the snapshot
# holds no export of it, so neither its way in nor its way out can be
# judged; each says so once, and the gateway is still checked.
variant good '' ''
sed 's/^firewalls:$/firewalls:\
  - name: mx2host\
    role: host\
    format: nft\
    file: exports\/host.nft\
    public_ips: [10.20.0.26]/' mxaudit.yaml >later.yaml
mx -c later.yaml --store st check --format json
grep -o '"code": "[a-z.-]*"' out | sed 's/.*"\([a-z.-]*\)"$/\1/' |
	grep -E '^(inbound|egress|outbound)\.' | sort | tr '\n' ' ' >codes
assert_eq "$(cat codes)" "inbound.blocklist inbound.unknown outbound.unknown " "an unreadable host firewall: one unknown in, one unknown out"
assert_grep "mail host 10\.20\.0\.26 has the host firewall 'mx2host', but the snapshot holds no readable export of it: what it lets out cannot be checked" out "the way out names the host and its firewall"
