#!/bin/sh
# t75-fw-routeros: MikroTik RouterOS 7 /export - port forwards, the filter
# after dstnat, default accept, address and interface lists, raw before
# NAT, disabled rules, the terse form, snapshots that mask secrets and
# ignore a re-save, check and --proposed-firewall.
# Each expectation has its reason from RouterOS's documentation beside it
# ("Packet Flow in RouterOS", "Firewall/NAT", "Firewall/Filter").
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/routeros"
good="$FX/r01-defconf.rsc"

# The defconf drop in forward spares connection-nat-state=dstnat; the
# dst-nat in chain dstnat runs before the filter; forward's default is accept.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "port forward under defconf: allowed"
assert_grep '^  allowed from every address asked about, reaches 192\.168\.88\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in ether1, out bridge \(both from the export' out "says which interfaces it took from the export (lists WAN and LAN)"
assert_grep 'nat:  nat dstnat #1: add action=dst-nat chain=dstnat comment="mail: smtp"' out "names the dst-nat, joined from its wrapped lines"

# raw prerouting runs before connection tracking and NAT: its drop wins.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 198.51.100.128/27
assert_rc 2 "raw drop of an address list: blocked"
assert_grep 'rule: raw prerouting #1: ' out "the raw rule decides"

# No dst-nat for 587: the packet is for the router itself (chain input),
# where defconf drops everything not coming from LAN.
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 203.0.113.0/24
assert_rc 2 "no forward for 587: blocked by defconf input"
assert_grep 'filter input #5: .*in-interface-list=!LAN' out "the input drop decides"

# --in overrides what the export says; a packet in on the LAN side is not
# port-forwarded (in-interface-list=WAN) and input accepts it from LAN.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24 --in bridge
assert_rc 0 "from the LAN side the router itself accepts"
assert_grep '^  interfaces: in bridge, out bridge \(out from the export' out "only out was assumed"
assert_no_grep 'reaches 192\.168\.88\.25' out "and nothing is forwarded"

# The accept names the public address, but forward sees the translated
# destination 192.168.88.25: it does not match; the final drop does.
sed 's|^/ip firewall nat|add action=accept chain=forward dst-address=192.0.2.25 dst-port=25 protocol=tcp\
add action=drop chain=forward comment="drop all else"\
/ip firewall nat|' "$good" >public.rsc
mx reach --firewall public.rsc --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "an accept written against the public address does not pass a forward"
assert_grep 'filter forward #8: add action=drop chain=forward comment="drop all else"' out "the final drop decides"

# The connection-nat-state=dstnat idiom: accept what was port-forwarded.
sed 's|^/ip firewall nat|add action=accept chain=forward connection-nat-state=dstnat\
add action=drop chain=forward\
/ip firewall nat|' "$good" >natstate.rsc
mx reach --firewall natstate.rsc --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "accept connection-nat-state=dstnat passes the forward"
assert_grep 'rule: filter forward #7: add action=accept chain=forward connection-nat-state=dstnat' out "that rule decides"

# A source-restricted accept (address list partners), then a drop.
sed 's|^/ip firewall nat|add action=accept chain=forward dst-address=192.168.88.25 dst-port=25 protocol=tcp src-address-list=partners\
add action=drop chain=forward\
/ip firewall nat|' "$good" >partners.rsc
mx reach --firewall partners.rsc --to 192.0.2.25:25/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 192\.168\.88\.25:25$' out "the list's members are allowed"
assert_grep '^  blocked from every address asked about but 198\.51\.100\.0/28,198\.51\.100\.128/27 \(request\)$' out "the rest is blocked (the raw blocklist apart)"

# Forward to the wrong host.
sed 's/to-addresses=192\.168\.88\.25/to-addresses=192.168.88.26/' "$good" >wrong.rsc
mx reach --firewall wrong.rsc --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_grep 'reaches 192\.168\.88\.26:25$' out "a forward to another host reaches that host"

# disabled=yes keeps the rule in place but it never matches: no forward,
# the router's input drops it.
sed 's/^add action=dst-nat chain=dstnat/add action=dst-nat chain=dstnat disabled=yes/' "$good" >disabled.rsc
mx reach --firewall disabled.rsc --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "disabled dst-nat: blocked"

# The terse form with ROS 7 slash paths says the same.
awk '/^\// { sec = $0; gsub(" ", "/", sec); next } /^add / && sec != "" { print sec " " $0; next } { print }' \
	natstate.rsc | sed -e ':a' -e '/\\$/N; s/\\\n    //; ta' >terse.rsc
assert_grep '^/ip/firewall/nat add action=dst-nat' terse.rsc "the terse fixture has slash paths"
mx reach --firewall terse.rsc --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "terse /ip/firewall/nat form: allowed, as wrapped"
assert_grep 'rule: filter forward #7: /ip/firewall/filter add action=accept chain=forward connection-nat-state=dstnat' out "same deciding rule"

# Egress: masquerade out of WAN; forward's default is accept.
mx reach --firewall "$good" --from-host 192.168.88.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "the mail host may send tcp/25 out"
assert_grep '^  interfaces: in bridge, out ether1' out "egress goes in on the LAN, out on the WAN"
# masquerade: the address of the outgoing interface, ether1's /ip address.
assert_grep '^  leaves as: 192\.0\.2\.25 \(after nat srcnat #1: add action=masquerade' out "leaves as ether1's address"
# src-nat to a fixed address before the masquerade: that address.
sed 's|^add action=masquerade chain=srcnat|add action=src-nat chain=srcnat src-address=192.168.88.25 to-addresses=192.0.2.26\
&|' "$good" >srcnat.rsc
mx reach --firewall srcnat.rsc --from-host 192.168.88.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.26 \(after nat srcnat #1: add action=src-nat' out "a manual src-nat: leaves as its to-addresses"
mx reach --firewall srcnat.rsc --from-host 192.168.88.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.25 ' out "another host still leaves by the masquerade"

# A fragment: only the NAT section, and WAN's members are not in it. The
# answer is unknown with the reason, not a refusal.
printf '/ip firewall nat\nadd action=dst-nat chain=dstnat dst-port=25 in-interface-list=WAN protocol=tcp to-addresses=192.168.88.25\n' >frag.rsc
mx reach --firewall frag.rsc --fw-format routeros --to 192.0.2.25:25/tcp
assert_rc 3 "a fragment without interface lists: unknown"
assert_grep 'why:  .*in-interface-list=WAN' out "says which match it could not decide"
# An export with no firewall at all: the router accepts (default accept).
printf '# 2026-12-01 10:00:00 by RouterOS 7.16.1\n/system identity\nset name=bare\n' >bare.rsc
mx reach --firewall bare.rsc --to 192.0.2.25:25/tcp
assert_rc 0 "no rules at all: default accept"
assert_grep 'rule: filter input policy ACCEPT' out "the default decides"
printf '/ip firewall filter\nadd chain=input comment="open\n' >badq.rsc
mx reach --firewall badq.rsc --to 192.0.2.25:25/tcp
assert_rc 3 "an unterminated quote is an error"
assert_grep 'badq\.rsc:2: expected a closing' err "naming file:line"

# ---- snapshots, check and proposals ----
world_start
# Without the raw blocklist, whose drops are findings of their own.
sed '/^\/ip firewall raw/,+2d' "$good" >base.rsc
cp base.rsc edge.rsc
cat >>mxaudit.yaml <<YAML
    mail_hosts: [192.168.88.25]
firewalls:
  - name: edge
    format: routeros
    file: edge.rsc
    public_ips: [192.0.2.25]
YAML
# The mail host leaves with the firewall's address: that is the sending IP.
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.25]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with a RouterOS export"
assert_live_as_stored "RouterOS"
for s in yH0kSECRET pSkSECRET s3cretcommunity Em4ilPassw0rd HF2091ABCDE 7KQ3-D3EF 09:14:31; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.export >stored
assert_grep 'pUbKEYvisible' stored "a public key is kept"
assert_grep '^# by RouterOS 7\.16\.1$' stored "the header keeps the version, not the date"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^filter forward #6: ! --ctstate DNAT --ctstate NEW -i ether1 -j DROP$' rules "the normalized rules are stored"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through the router gives no path finding"

# A manual src-nat to an address that is not the router's public address:
# replies to it are not routed back (outbound.not-translated).
sed 's|^add action=masquerade chain=srcnat|add action=src-nat chain=srcnat src-address=192.168.88.25 to-addresses=192.0.2.26\
&|' base.rsc >proposed.rsc
mx --store st check --proposed-firewall edge=proposed.rsc --format json
assert_grep '"code": "outbound.not-translated"' out "leaving as 192.0.2.26, not a public address: outbound.not-translated"
assert_grep 'src-nat' out "naming the src-nat rule"

# Default accept: a dst-nat of every port (no dst-port) and no drop in
# forward lets every port through to the mail host.
python3 - base.rsc proposed.rsc <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('add action=drop chain=forward comment=\\\n    "defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat \\\n    connection-state=new in-interface-list=WAN\n', '')
s = s.replace(' dst-port=25 \\\n', ' \\\n').replace('to-addresses=192.168.88.25 to-ports=25', 'to-addresses=192.168.88.25')
open(sys.argv[2], 'w').write(s)
PY
assert_no_grep 'DSTNATed' proposed.rsc "the proposal has no defconf forward drop"
mx --store st check --proposed-firewall edge=proposed.rsc --format json
assert_grep '"code": "inbound.default-accept"' out "every port reaches the mail host: inbound.default-accept"
assert_grep 'tcp/3389, 445, 22, 5432, 49152 to 192\.0\.2\.25 reach the mail host 192\.168\.88\.25' out "naming the ports and the host"
assert_grep '"evidence": "filter forward policy ACCEPT"' out "the default accept is the evidence"

# A re-save that changed nothing: a new date, other wrapping.
before=$(sgit rev-parse HEAD)
sed -e '1s/.*/# 2026-12-04 17:02:55 by RouterOS 7.16.1/' -e ':a' -e '/\\$/N; s/\\\n    //; ta' base.rsc >edge.rsc
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save with a new date and wrapping makes no commit"

# A disabled flip is a change: committed, and the rules show it.
sed 's/^add action=dst-nat chain=dstnat/add action=dst-nat chain=dstnat disabled=yes/' base.rsc >edge.rsc
mx --store st --dns-server "$DNS" snapshot
assert_eq "$([ "$(sgit rev-parse HEAD)" != "$before" ] && echo new)" "new" "disabling the dst-nat makes a commit"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^nat dstnat #1: .*-j DISABLED DNAT$' rules "the rules text shows the disabled rule in place"
mx --store st check --format json
assert_grep '"code": "inbound.no-dnat"' out "check: the port forward is gone"
mx --store st diff
assert_rc 2 "diff: the flip is critical"
assert_grep 'nat dstnat #1: --dport 25 -i ether1 -p tcp -j DISABLED DNAT' out "diff names the rule as it is now"
assert_grep 'critical fw\.port-blocked +192\.0\.2\.25:25/tcp' out "diff: the mail port no longer passes (interfaces from the export)"
assert_grep 'firewall edge 192\.0\.2\.25:25/tcp: every source -> no source' out "diff: from every source to none"

# --proposed-firewall with the forward back.
cp base.rsc proposed.rsc
mx --store st check --proposed-firewall edge=proposed.rsc
assert_rc 0 "a proposal that restores the forward introduces nothing"
sed 's/to-addresses=192\.168\.88\.25/to-addresses=192.168.88.26/' base.rsc >proposed.rsc
mx --store st check --proposed-firewall edge=proposed.rsc --format json
assert_grep '"code": "inbound.dnat-wrong-target"' out "a proposal forwarding to another host is inbound.dnat-wrong-target"
