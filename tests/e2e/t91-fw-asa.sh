#!/bin/sh
# t74-fw-asa: Cisco ASA running-config - object and twice NAT in the
# ASA's order, access lists on the real (untranslated) address since 8.3,
# security levels without an access group, global access lists, inactive
# entries, 8.2 static/global/nat, fragments; snapshots that mask secrets
# and ignore a re-save; check and --proposed-firewall.
# Each expectation has its reason from Cisco's documentation beside it
# (ASA configuration guide: "Network Address Translation (NAT)" - NAT rule
# order and "real IP addresses in access rules" since 8.3; "Access Rules"
# - security levels, global rules after interface rules, implicit deny).
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/asa"
good="$FX/a01-running.cfg"

# Object NAT "static 192.0.2.25" of MAIL works both ways; the access list
# in on outside names the real address (object MAIL), as 8.3+ requires.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "static NAT and an access list on the real address: allowed"
assert_grep '^  allowed from every address asked about, reaches 10\.0\.0\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in outside, out inside \(both from the export' out "outside by nameif, inside from the static NAT"
assert_grep 'nat:  asa nat #1: line [0-9]*: nat \(inside,outside\) static 192\.0\.2\.25$' out "names the object NAT"
assert_grep 'rule: asa OUTSIDE_IN #1: line [0-9]*: access-list OUTSIDE_IN extended permit tcp any object MAIL eq smtp$' out "names the access list entry"

# Source-restricted: 587 only from the PARTNERS group; the rest meets the
# explicit deny ip any any.
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 10\.0\.0\.25:587$' out "the partners reach the host"
assert_grep 'rule: asa OUTSIDE_IN #[0-9]*: .*deny ip any any log' out "the deny decides for the rest"

# The classic mistake since 8.3: the access list names the public address.
# The ACL sees the real destination 10.0.0.25, so the entry never matches.
sed 's/permit tcp any object MAIL eq smtp/permit tcp any host 192.0.2.25 eq smtp/' "$good" >public.cfg
mx reach --firewall public.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "an 8.3+ access list naming the public address: blocked"
assert_grep 'deny ip any any log' out "the deny decides"
sed 's/permit tcp any object MAIL eq smtp/permit tcp any object MAIL-PUBLIC eq smtp/' "$good" >public2.cfg
mx reach --firewall public2.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "the same through an object of the public address: blocked"

# No permit at all: the implicit deny at the end of the access list.
grep -v 'deny ip any any\|object MAIL eq smtp' "$good" >nopermit.cfg
mx reach --firewall nopermit.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "no permit: blocked"
assert_grep 'the implicit deny at the end of access-list OUTSIDE_IN \(in on outside\)' out "the implicit deny decides"

# No access group on outside: security level 0 to 100 is denied.
grep -v '^access-group' "$good" >noacl.cfg
mx reach --firewall noacl.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "no access group: lower to higher security level denied"
assert_grep 'security-level 0 \(outside\), no access list in: only to lower levels' out "the security level decides"

# A global access list applies to every interface, after the interface ones.
sed 's/^access-group OUTSIDE_IN in interface outside$/access-group OUTSIDE_IN global/' "$good" >global.cfg
mx reach --firewall global.cfg --to 192.0.2.25:25/tcp
assert_rc 0 "a global access list: allowed"

# Wrong host: the object NAT's object is another host.
sed 's/^ host 10\.0\.0\.25$/ host 10.0.0.26/' "$good" >wrong.cfg
mx reach --firewall wrong.cfg --to 192.0.2.25:25/tcp
assert_grep 'reaches 10\.0\.0\.26:25$' out "the NAT leads to another host"

# inactive: the entry stays in place and never matches.
sed 's/permit tcp any object MAIL eq smtp/permit tcp any object MAIL eq smtp inactive/' "$good" >inactive.cfg
mx reach --firewall inactive.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "an inactive entry: blocked"

# Twice NAT (section 1) as a port forward, the object NAT gone.
sed -e '/^object network MAIL$/{n;/nat (inside,outside) static/d}' -e 's/^access-group OUTSIDE_IN in interface outside$/nat (inside,outside) source static MAIL MAIL-PUBLIC service SMTP SMTP\n&/' "$good" >twice.cfg
assert_no_grep '^ nat (inside,outside) static 192\.0\.2\.25' twice.cfg "the fixture lost the object NAT"
mx reach --firewall twice.cfg --to 192.0.2.25:25/tcp
assert_rc 0 "twice NAT with a service: allowed"
assert_grep 'nat:  asa nat #1: line [0-9]*: nat \(inside,outside\) source static MAIL MAIL-PUBLIC service SMTP SMTP' out "the twice NAT translates"
# ... and 587 is not in its service: no translation, nothing permits 192.0.2.25.
mx reach --firewall twice.cfg --to 192.0.2.25:587/tcp --from 198.51.100.0/28
assert_rc 2 "a port the twice NAT does not name: blocked"

# ---- outbound: the address mail leaves with ----
# Static object NAT comes before the dynamic PAT and works both ways.
mx reach --firewall "$good" --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "inside to outside: a lower level, permitted without an access list"
assert_grep '^  leaves as: 192\.0\.2\.25 \(after asa snat #1: line [0-9]*: nat \(inside,outside\) static 192\.0\.2\.25\)$' out "static NAT: the mapped address"
mx reach --firewall "$good" --from-host 10.0.0.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 \(after asa snat #2: line [0-9]*: nat \(inside,outside\) dynamic interface\)$' out "dynamic PAT: the interface's address"
# The static port forward only translates from its real port: mail from the host takes the PAT.
mx reach --firewall twice.cfg --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 ' out "a static port translation does not carry outbound mail"

# ---- 8.2 ----
# Before 8.3 access lists named the mapped (public) address: the same
# entry that fails above passes here, and the real address fails.
{ sed -e 's/^ASA Version 9\.12(4)37$/ASA Version 8.2(5)/' -e '/^object network MAIL$/{n;n}' public.cfg |
  grep -v '^ nat (inside,outside)'; printf 'static (inside,outside) 192.0.2.25 10.0.0.25 netmask 255.255.255.255\nglobal (outside) 1 interface\nnat (inside) 1 10.0.0.0 255.255.255.0\n'; } >old.cfg
mx reach --firewall old.cfg --to 192.0.2.25:25/tcp
assert_rc 0 "8.2: an access list on the public address passes"
assert_grep 'reaches 10\.0\.0\.25:25$' out "through the static"
sed 's/permit tcp any host 192\.0\.2\.25 eq smtp/permit tcp any host 10.0.0.25 eq smtp/' old.cfg >old-real.cfg
mx reach --firewall old-real.cfg --to 192.0.2.25:25/tcp
assert_rc 2 "8.2: an access list on the real address does not"
mx reach --firewall old.cfg --from-host 10.0.0.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 ' out "8.2 global/nat: the interface's address"
printf 'nat (inside) 0 access-list NONAT\n' >>old.cfg
mx reach --firewall old.cfg --from-host 10.0.0.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: unknown: .*nat \(inside\) 0 access-list NONAT' out "8.2 NAT exemption by access list: unknown, with the reason"

# ---- IPv6 (9.x: access lists and "any" carry IPv6; no NAT for it here) ----
ds="$FX/a02-dual-stack.cfg"
# permit tcp any6 object MAIL6 eq smtp.
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:25/tcp' --from 2001:db8:ff::/48
assert_rc 0 "IPv6: an ACE on an IPv6 object"
assert_grep 'permit tcp any6 object MAIL6 eq smtp' out "names the IPv6 ACE"
# PARTNERS holds 2001:db8:77::/64 (one word), MAIL-SERVERS holds MAIL6; "deny ip any any" is IPv6 too on 9.x.
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:587/tcp' --from 2001:db8::/32
assert_rc 1 "IPv6: a prefix in an object-group"
assert_grep '^  allowed from 2001:db8:77::/64, reaches \[2001:db8:25::25\]:587$' out "the partners' prefix"
assert_grep 'deny ip any any log' out "any covers IPv6 on 9.x"
# Before 9.0 "any" was IPv4 only: the same deny does not decide IPv6 (the interface's access list ends in its implicit deny).
sed 's/^ASA Version 9.12(4)37/ASA Version 8.4(7)/' "$ds" >v84.cfg
mx reach --firewall v84.cfg --routed --to '[2001:db8:25::25]:465/tcp'
assert_no_grep 'deny ip any any log' out "8.4: any is IPv4"
mx reach --firewall "$ds" --from-host 2001:db8:25::25 --to '[2001:db8:ff::1]:25/tcp'
assert_rc 0 "IPv6 outbound, inside to outside by security level"
assert_grep '^  leaves as: 2001:db8:25::25 \(no source NAT\)' out "object NAT of IPv4 objects leaves IPv6 alone"
# Twice NAT of "any" to the interface: its IPv4 address; IPv6 through it is not modelled.
sed 's|^access-group OUTSIDE_IN in interface outside|nat (inside,outside) source dynamic any interface\n&|' "$ds" >nat64.cfg
mx reach --firewall nat64.cfg --from-host 2001:db8:25::25 --to '[2001:db8:ff::1]:25/tcp'
assert_rc 3 "IPv6 through a NAT of any to the interface: unknown"
assert_grep 'NAT of IPv6 packets' out "says which"
mx reach --firewall nat64.cfg --from-host 10.0.0.25 --to 203.0.113.1:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 ' out "IPv4 takes the interface's IPv4 address"

# Many access lists: each is a chain, and adding chains moves the model's
# chains; the access groups and NAT must still land in theirs.
{ sed '/^: end/d' "$good"; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	echo "access-list EXTRA$i extended permit tcp any host 192.0.2.$i eq smtp"; done; } >many.cfg
mx reach --firewall many.cfg --to 192.0.2.25:25/tcp
assert_rc 0 "twelve more access lists: the mail path as before"
mx reach --firewall many.cfg --to 192.0.2.25:465/tcp
assert_rc 2 "and OUTSIDE_IN still denies the rest"
assert_grep 'deny ip any any log' out "by its deny"

# ---- fragments and bad input ----
grep '^access-list\|^access-group' "$good" >acl-only.cfg
mx reach --firewall acl-only.cfg --to 192.0.2.25:25/tcp
assert_grep '^192\.0\.2\.25:25/tcp: (blocked|unknown)' out "an ACL-only file is answered"
assert_grep '(why|rule): ' out "with the reason or the deciding rule"
mx reach --firewall acl-only.cfg --to 192.0.2.25:25/tcp --in outside --out inside
assert_rc 2 "ACL-only, interfaces given: nothing translates 192.0.2.25, the deny decides"
printf 'access-list OUTSIDE_IN extended permit tcp any any eq smtp\naccess-group OUTSIDE_IN in\n' >bad.cfg
mx reach --firewall bad.cfg --fw-format asa --to 192.0.2.25:25/tcp
assert_rc 3 "a truncated access-group is an error"
assert_grep "bad\.cfg:2: expected 'access-group NAME in|out interface IF'" err "naming file:line"

# ---- snapshots, check and proposals ----
world_start
cp "$good" edge.cfg
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.0.0.25]
firewalls:
  - name: edge
    format: asa
    file: edge.cfg
    public_ips: [192.0.2.25]
YAML
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.25]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with an ASA configuration"
assert_live_as_stored "ASA"
for s in EnAbLeSECRET rAdIuSSECRET UsErSECRET s3cretcommunity pSkSECRET 09:14:31 0f1e2d3c4b5a; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.export >stored
assert_grep '^username admin password \*\*\*\*\* pbkdf2 privilege 15$' stored "username ... password is masked, the rest kept"
assert_grep '^ ikev1 pre-shared-key \*\*\*\*\*$' stored "the pre-shared key is masked"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^asa nat #1: -i outside -d 192\.0\.2\.25/32 -j DNAT --to 10\.0\.0\.25$' rules "the normalized rules are stored"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through the ASA gives no path finding"

# A re-save: a new ": Written by" time and checksum make no commit.
before=$(sgit rev-parse HEAD)
sed -e 's/^: Written by .*/: Written by enable_15 at 11:02:07.004 UTC Fri Dec 4 2026/' \
	-e 's/^Cryptochecksum:.*/Cryptochecksum:aaaabbbbccccddddeeeeffff00001111/' "$good" >edge.cfg
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save makes no commit"

mx --store st check --proposed-firewall edge=public.cfg --format json
assert_grep '"code": "inbound.blocked"' out "an access list on the public address, proposed: inbound.blocked"
# The object NAT removed: mail leaves by the PAT, not a sending IP.
sed '/^object network MAIL$/{n;/nat (inside,outside) static/d}' "$good" >nonat.cfg
mx --store st check --proposed-firewall edge=nonat.cfg --format json
# The PAT address is judged as the address receivers see: SPF does not pass it.
assert_grep '"subject": "edge: tcp/25 leaves as 192\.0\.2\.2"' out "leaving as 192.0.2.2 by the PAT"
assert_grep '"code": "outbound.not-authorized"' out "which SPF does not authorize: outbound.not-authorized"
assert_grep '"code": "inbound.no-dnat"' out "and nothing translates 192.0.2.25 any more: inbound.no-dnat"
mx --store st check --proposed-firewall edge="$good"
assert_rc 0 "the configuration itself, proposed: nothing new"
