#!/bin/sh
# t73-fw-fortios: FortiGate configuration - VIPs that translate only
# through a policy naming them, policies in file order with the implicit
# deny, disabled policies, VIP groups and src-filter, central NAT mode,
# policy NAT / ippool / static VIP as the outbound address, fragments and
# unknowns; snapshots that mask secrets and ignore a re-save; check and
# --proposed-firewall.
# Each expectation has its reason from Fortinet's documentation beside it
# (FortiOS Administration Guide: "Virtual IPs", "Policy-based NAT vs
# central NAT", "Firewall policy", CLI reference "config firewall policy").
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/fortios"
good="$FX/f01-vip.conf"

# The VIP rewrites 192.0.2.25:25 to 10.0.0.25:25 and policy 7 names the VIP
# as dstaddr: in policy-based NAT mode that is how a VIP takes effect.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "VIP named by an accepting policy: allowed"
assert_grep '^  allowed from every address asked about, reaches 10\.0\.0\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in wan1, out internal \(both from the export' out "wan1 from the VIP's extintf, internal from the policy's dstintf"
assert_grep 'nat:  fortios vip #1: line [0-9]*: vip "VIP-SMTP" extip 192\.0\.2\.25 mappedip 10\.0\.0\.25' out "names the VIP"
assert_grep 'rule: fortios policy #1: line [0-9]*: policy 7 name "mail-in"' out "names the policy by its id and name"

# Source-restricted: policy 3 only lets PARTNERS (198.51.100.0/28) reach
# VIP-SUBMIT; everyone else meets the implicit deny (policy 0).
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 10\.0\.0\.25:587$' out "the partners are allowed"
assert_grep 'rule: fortios policy #[0-9]*: the implicit deny \(policy 0\)' out "the implicit deny decides for the rest"

# The classic mistake: the policy names the mail host's address object
# instead of the VIP. The VIP translates before the policy lookup, and a
# policy without the VIP in dstaddr does not match translated traffic.
sed 's/set dstaddr "VIP-SMTP"/set dstaddr "MAILHOST"/' "$good" >mapped.conf
mx reach --firewall mapped.conf --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "policy naming the mapped host instead of the VIP: blocked"
assert_grep 'rule: fortios policy #[0-9]*: the implicit deny \(policy 0\)' out "the implicit deny decides"
# The same policy naming a group of the host: still blocked.
sed 's/set dstaddr "VIP-SMTP"/set dstaddr "MAIL-SERVERS"/' "$good" >group.conf
mx reach --firewall group.conf --to 192.0.2.25:25/tcp
assert_rc 2 "an address group of the mapped host: blocked as well"

# Forward without a permit: no policy names the VIP at all.
awk '/^    edit 7$/ { skip = 1 } skip && /^    next$/ { skip = 0; next } !skip' "$good" >nopolicy.conf
assert_no_grep 'mail-in' nopolicy.conf "the fixture lost policy 7"
mx reach --firewall nopolicy.conf --to 192.0.2.25:25/tcp
assert_rc 2 "a VIP no policy names: blocked"

# Wrong host: the VIP maps to another address; the answer says which.
sed '0,/set mappedip "10.0.0.25"/s//set mappedip "10.0.0.26"/' "$good" >wrong.conf
mx reach --firewall wrong.conf --to 192.0.2.25:25/tcp
assert_grep 'reaches 10\.0\.0\.26:25$' out "a VIP to another host reaches that host"

# status disable: the policy stays in place and never matches.
sed '/set name "mail-in"/a\        set status disable' "$good" >disabled.conf
mx reach --firewall disabled.conf --to 192.0.2.25:25/tcp
assert_rc 2 "disabled policy: blocked"

# File order, not the id: a deny policy edit 1 placed before policy 7 wins.
sed 's/^config firewall policy$/config firewall policy\
    edit 1\
        set name "block-all"\
        set srcintf "wan1"\
        set dstintf "internal"\
        set srcaddr "all"\
        set dstaddr "MAIL-VIPS"\
        set schedule "always"\
        set service "ALL"\
    next/' "$good" >first.conf
mx reach --firewall first.conf --to 192.0.2.25:25/tcp
assert_rc 2 "a deny (the default action) placed first: blocked"
assert_grep 'rule: fortios policy #[0-9]*: line [0-9]*: policy 1 name "block-all"' out "the first policy in the file decides"
# ... and after policy 7 it changes nothing, though its id is lower.
awk '/^    edit 2$/ { print "    edit 1\n        set srcintf \"wan1\"\n        set dstintf \"internal\"\n        set srcaddr \"all\"\n        set dstaddr \"MAIL-VIPS\"\n        set schedule \"always\"\n        set service \"ALL\"\n    next" } { print }' "$good" >last.conf
mx reach --firewall last.conf --to 192.0.2.25:25/tcp
assert_rc 0 "the same deny after policy 7: allowed"

# A VIP group as dstaddr stands for its member VIPs.
sed 's/set dstaddr "VIP-SMTP"/set dstaddr "MAIL-VIPS"/' "$good" >vipgrp.conf
mx reach --firewall vipgrp.conf --to 192.0.2.25:25/tcp
assert_rc 0 "VIP group: allowed"

# src-filter: the VIP translates only for its sources; others are not
# translated and no policy passes them.
sed '0,/set extintf "wan1"/s//set extintf "wan1"\n        set src-filter "198.51.100.0\/24"/' "$good" >srcf.conf
mx reach --firewall srcf.conf --to 192.0.2.25:25/tcp --from 198.51.100.0/23
assert_rc 1 "src-filter: partial"
assert_grep '^  allowed from 198\.51\.100\.0/24, reaches 10\.0\.0\.25:25$' out "only the VIP's sources reach the host"

# Central NAT mode: VIPs apply without a policy naming them, and policies
# match the mapped address - the policy naming MAILHOST now allows.
sed 's/set central-nat disable/set central-nat enable/' mapped.conf >central.conf
mx reach --firewall central.conf --to 192.0.2.25:25/tcp
assert_rc 0 "central NAT: a policy on the mapped address allows"
sed 's/set central-nat disable/set central-nat enable/' "$good" >central-vip.conf
mx reach --firewall central-vip.conf --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "central NAT: the VIP's name in dstaddr means its mapped address"

# A schedule is not modelled: the traffic it could affect is unknown, naming the policy.
sed '0,/set schedule "always"/s//set schedule "workhours"/' "$good" >sched.conf
mx reach --firewall sched.conf --to 192.0.2.25:25/tcp
assert_rc 3 "a schedule: unknown"
assert_grep 'policy 7: schedule workhours' out "naming the policy and the schedule"

# ---- outbound: the address mail leaves with ----
# Policy 2 (nat enable, no ippool): the address of the egress interface wan1.
mx reach --firewall "$good" --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "the mail host may send tcp/25 out"
assert_grep '^  leaves as: 192\.0\.2\.2 \(after fortios snat #[0-9]*: line [0-9]*: policy 2 name "lan-out"' out "policy NAT: wan1's address"
# ippool: the pool's address.
sed 's/^        set nat enable$/        set nat enable\n        set ippool enable\n        set poolname "MAIL-OUT"/' "$good" >pool.conf
mx reach --firewall pool.conf --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.26 ' out "ippool: the pool's address"
# A static VIP (no port forward) of the host: with policy NAT, its external address.
sed 's/^config firewall vipgrp$/config firewall vip\n    edit "MAIL-STATIC"\n        set extip 192.0.2.27\n        set mappedip "10.0.0.25"\n        set extintf "wan1"\n    next\nend\nconfig firewall vipgrp/' "$good" >static.conf
mx reach --firewall static.conf --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.27 ' out "static VIP: its external address"
mx reach --firewall static.conf --from-host 10.0.0.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 ' out "another host: the interface's address"
# Central NAT: the first central-snat-map entry decides.
sed 's/^config firewall vip$/config firewall central-snat-map\n    edit 1\n        set srcintf "internal"\n        set dstintf "wan1"\n        set orig-addr "MAILHOST"\n        set dst-addr "all"\n        set nat-ippool "MAIL-OUT"\n    next\nend\nconfig firewall vip/' central.conf >csnat.conf
mx reach --firewall csnat.conf --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.26 \(after fortios snat #1: line [0-9]*: central-snat-map 1' out "central SNAT: the map's ippool"

# ---- readable fragments and bad input ----
# Oxidized puts `get system status` as '#' lines before the configuration.
{ printf '# Version: FortiGate-100F v7.2.8,build1639,240313 (GA.M)\n# Serial-Number: FG100FTK20000001\n#\n'; sed 1,4d "$good"; } >oxidized.conf
mx reach --firewall oxidized.conf --to 192.0.2.25:25/tcp
assert_rc 0 "Oxidized's form is read as fortios (told from the text)"
# Only a policy section, no VIP and no interfaces: an answer, not a refusal.
sed -n '/^config firewall policy$/,$p' "$good" >frag.conf
mx reach --firewall frag.conf --to 192.0.2.25:25/tcp
assert_rc 2 "a policy section without VIPs: blocked (nothing translates 192.0.2.25)"
assert_grep '^192\.0\.2\.25:25/tcp: blocked' out "says blocked"
# Several VDOMs: the one with the policies (root) is read.
{ printf 'config vdom\nedit root\nnext\nedit guest\nnext\nend\nconfig vdom\nedit guest\nconfig firewall policy\nend\nnext\nedit root\n'; sed 1,4d "$good"; printf 'next\nend\n'; } >vdom.conf
mx reach --firewall vdom.conf --fw-format fortios --to 192.0.2.25:25/tcp
assert_rc 0 "multi-VDOM backup: the root VDOM answers"
printf 'config firewall policy\n    edit 1\n        set action accept\nnext\nnext\nend\n' >bad.conf
mx reach --firewall bad.conf --fw-format fortios --to 192.0.2.25:25/tcp
assert_rc 3 "a stray next is an error"
assert_grep "bad\.conf:5: expected 'next' to close an 'edit'" err "naming file:line"

# ---- snapshots, check and proposals ----
world_start
cp "$good" edge.conf
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.0.0.25]
firewalls:
  - name: edge
    format: fortios
    file: edge.conf
    public_ips: [192.0.2.25]
YAML
# The mail host leaves with wan1's address (policy NAT): that is the sending IP.
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.2]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with a FortiGate configuration"
assert_live_as_stored "FortiGate"
for s in SH2nLz4Xq9 pSkSECRET s3cretcommunity 3817264591823467 3c0b6b5e-91a2; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.export >stored
assert_grep '^        set password ENC \*\*\*\*\*$' stored "the admin password is masked"
assert_grep '^        set name \*\*\*\*\*$' stored "the SNMP community is masked"
assert_grep '^#config-version=FG100F-7\.2\.8' stored "the version header is kept"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^fortios vip #1: -i wan1 -d 192\.0\.2\.25/32 -p tcp --dport 25 -j DNAT --to 10\.0\.0\.25:25$' rules "the normalized rules are stored"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through the FortiGate gives no path finding"

# A re-save that changed nothing: new file version, new ENC blobs, new uuids.
before=$(sgit rev-parse HEAD)
sed -e 's/^#conf_file_ver=.*/#conf_file_ver=9999000011112222/' -e 's/ENC [A-Za-z0-9=+\/]*/ENC QmFzZTY0TmV3U2FsdA==/' \
	-e 's/set uuid 3c0b6b5e/set uuid 77777777/' "$good" >edge.conf
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save with a new version, ENC salts and uuids makes no commit"

# The classic mistake as a proposal: inbound.blocked, naming the implicit deny.
mx --store st check --proposed-firewall edge=mapped.conf --format json
assert_grep '"code": "inbound.blocked"' out "a policy on the mapped host instead of the VIP: inbound.blocked"
# Disabling the policy is a change: committed, and check says the path is blocked.
cp disabled.conf edge.conf
mx --store st --dns-server "$DNS" snapshot
assert_eq "$([ "$(sgit rev-parse HEAD)" != "$before" ] && echo new)" "new" "disabling policy 7 makes a commit"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^fortios policy #1: .*-j DISABLED ACCEPT$' rules "the rules text shows the disabled policy in place"
mx --store st check --format json
assert_grep '"code": "inbound.blocked"' out "check: the path is blocked"
# ippool to an address that is not the firewall's public address: replies
# to it are not routed back (outbound.not-translated).
mx --store st check --proposed-firewall edge=pool.conf --format json
assert_grep '"code": "outbound.not-translated"' out "leaving by the ippool, not a public address: outbound.not-translated"
# A proposal that restores policy 7 introduces nothing.
mx --store st check --proposed-firewall edge="$good"
assert_rc 0 "a proposal restoring the policy introduces nothing"
