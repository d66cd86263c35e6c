#!/bin/sh
# t93-fw-panos: Palo Alto PAN-OS XML - NAT first match on the original
# packet, security rules on the pre-NAT address but the post-NAT zone,
# intrazone allow / interzone deny defaults, App-ID as a condition,
# disabled rules, outbound address through source translation, fragments;
# Panorama (pre-rules, the firewall's rules, post-rules; device groups and
# shared; what each file lacks is unknown); IPv6; snapshots that mask
# secrets and ignore a re-save; check and --proposed-firewall.
# Each expectation has its reason from Palo Alto's documentation beside it
# (PAN-OS Administrator's Guide, "NAT Policy Rules": "the security policy
# uses the pre-NAT IP address and the post-NAT zone"; "Security Policy":
# default rules intrazone-default allow, interzone-default deny; App-ID
# and "application-default").
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/panos"
good="$FX/n01-running-config.xml"

# NAT rule smtp-in (from untrust to untrust, on the original packet)
# sends MAIL-PUBLIC to MAIL; security rule smtp-in names MAIL-PUBLIC (the
# pre-NAT address) and zone trust (where MAIL is, after NAT).
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "pre-NAT address, post-NAT zone: allowed"
assert_grep '^  allowed from every address asked about, reaches 10\.0\.0\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in ethernet1/1, out ethernet1/2 \(both from the export' out "zone untrust's and trust's interfaces"
assert_grep 'nat:  panos nat #1: line [0-9]*: nat rule "smtp-in"' out "names the NAT rule"
assert_grep 'rule: panos security #[0-9]*: line [0-9]*: security rule "smtp-in"' out "names the security rule"

# Source-restricted, through an address group of the public address.
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 10\.0\.0\.25:587$' out "the partners reach the host"
assert_grep 'rule: panos security #[0-9]*: interzone-default: deny' out "the interzone default denies the rest"

# The classic mistake: zone trust (right) but the internal address (wrong):
# the rule is matched on the pre-NAT destination 192.0.2.25.
awk '/<entry name="smtp-in" uuid="0a1b2c3d-0000-4000-8000-000000000011"/ { s = 1 } s && /<destination>/ { sub(/MAIL-PUBLIC/, "MAIL"); s = 0 } { print }' "$good" >inside.xml
assert_grep '<destination><member>MAIL</member></destination>' inside.xml "the fixture names MAIL in the security rule"
mx reach --firewall inside.xml --to 192.0.2.25:25/tcp
assert_rc 2 "a PAN-OS rule with the inside zone but the internal address: blocked"
assert_grep 'interzone-default: deny' out "the interzone default decides"
# The other mistake: the public address with the pre-NAT zone (untrust).
awk '/<entry name="smtp-in" uuid="0a1b2c3d-0000-4000-8000-000000000011"/ { s = 1 } s && /<to>/ { sub(/trust/, "untrust"); s = 0 } { print }' "$good" >prezone.xml
mx reach --firewall prezone.xml --to 192.0.2.25:25/tcp
assert_rc 2 "the pre-NAT zone in the security rule: blocked"

# Wrong host: the NAT translates to another address.
sed 's|<translated-address>MAIL</translated-address>|<translated-address>10.0.0.26</translated-address>|' "$good" >wrong.xml
mx reach --firewall wrong.xml --to 192.0.2.25:25/tcp
assert_grep 'reaches 10\.0\.0\.26:25$' out "the NAT leads to another host"

# Disabled: the rule stays in place and never matches.
sed 's|<action>allow</action>|<action>allow</action><disabled>yes</disabled>|' "$good" >disabled.xml
mx reach --firewall disabled.xml --to 192.0.2.25:25/tcp
assert_rc 2 "disabled security rules: blocked"

# App-ID: application smtp with service application-default is tcp/25 only
# if the traffic is identified as smtp - an answer with that condition.
sed 's|<application><member>any</member></application>\(.*\)||' "$good" |
	awk '/<entry name="smtp-in" uuid="0a1b2c3d-0000-4000-8000-000000000011"/ { s = 1 } s && /<service>/ { print "                  <application><member>smtp</member></application>"; print "                  <service><member>application-default</member></service>"; s = 0; next } { print }' >appid.xml
mx reach --firewall appid.xml --to 192.0.2.25:25/tcp
assert_rc 3 "App-ID: not a plain allow"
assert_grep 'App-ID: allowed only if the traffic is identified as smtp' out "the condition is in the answer"
mx reach --firewall appid.xml --to 192.0.2.25:2525/tcp
assert_rc 2 "a port outside smtp's default ports: blocked"

# ---- outbound ----
mx reach --firewall "$good" --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "trust to untrust allowed"
assert_grep '^  leaves as: 192\.0\.2\.2 \(after panos snat #1: .*nat rule "lan-out"' out "dynamic-ip-and-port on the interface: its address"
sed 's|<rules>\(.*\)|<rules>\1|; s|                <entry name="lan-out" uuid="0a1b2c3d-0000-4000-8000-000000000002">|                <entry name="mail-static"><from><member>trust</member></from><to><member>untrust</member></to><source><member>MAIL</member></source><destination><member>any</member></destination><service>any</service><source-translation><static-ip><translated-address>192.0.2.25</translated-address><bi-directional>yes</bi-directional></static-ip></source-translation></entry>\n&|' "$good" >static.xml
mx reach --firewall static.xml --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.25 \(after panos snat #1: .*nat rule "mail-static"' out "static-ip: the translated address"

# ---- fragments and bad input ----
printf '<config><devices><entry name="d"><vsys><entry name="vsys1"><rulebase><security><rules><entry name="r"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><service><member>any</member></service><application><member>any</member></application><action>deny</action></entry></rules></security></rulebase></entry></vsys></entry></devices></config>\n' >frag.xml
mx reach --firewall frag.xml --fw-format panos --to 192.0.2.25:25/tcp
assert_rc 2 "a rulebase fragment: answered, blocked"
printf '<config>\n<devices>\n</config>\n' >bad.xml
mx reach --firewall bad.xml --fw-format panos --to 192.0.2.25:25/tcp
assert_rc 3 "XML that is not well-formed is an error"
assert_grep 'bad\.xml:[0-9]' err "naming file:line"

# ---- Panorama (reasons in tests/fixtures/fw/panos/PANORAMA.md) ----
pano="$FX/n02-panorama.xml"
# Shared pre-rules before the device group's: the blocklist drops first;
# the device group's NAT translates to MAIL, an object of its parent group.
mx reach --firewall "$pano" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 1 "Panorama: shared pre-rule, then device-group pre-rule"
assert_grep 'security pre-rule "drop-blocklist"' out "the shared pre-rule blocks 203.0.113.128/25"
assert_grep '^  allowed from 203\.0\.113\.0/25, reaches 10\.0\.0\.25:25$' out "MAIL from the parent device group"
assert_grep 'security pre-rule "smtp-in"' out "names the device group's pre-rule"
# No pre-rule decides tcp/587: the firewall's own rules come next and are
# not in Panorama's configuration, so the shared post-rule is never taken.
mx reach --firewall "$pano" --to 192.0.2.25:587/tcp
assert_rc 3 "Panorama: what pre-rules leave undecided is unknown"
assert_grep "the firewall's own rules, between Panorama's pre- and post-rules, are not in this file" out "says what is missing"
assert_no_grep 'submission-anywhere' out "the post-rule does not decide"
# Two device groups without a child: which one applies is not known.
sed 's|<parent-dg>europe</parent-dg>||' "$pano" >twodg.xml
mx reach --firewall twodg.xml --to 192.0.2.25:25/tcp
assert_rc 3 "Panorama: two device groups, neither named: unknown"
assert_grep "which device group's rules this firewall gets \(europe, mail-dmz\) is not known" out "names both"

# A rule with <target>: it applies to the firewalls it names; which one this is, the file does not say.
sed 's|<entry name="smtp-in" uuid="5e1f0000-0000-4000-8000-000000000012">|&<target><devices><entry name="013201009999"/></devices><negate>no</negate></target>|' "$pano" >target.xml
assert_grep '<target><devices>' target.xml "the fixture's rule has a target"
mx reach --firewall target.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/25
assert_rc 3 "Panorama: a targeted rule is unknown, not allowed"

pushed="$FX/n03-fw-with-pushed.xml"
# Pre-rules before the firewall's own: smtp-in (pushed) allows tcp/25
# although the firewall's smtp-local-deny denies it.
mx reach --firewall "$pushed" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "pushed pre-rule before the firewall's own deny"
assert_grep '^  allowed from every address asked about, reaches 10\.0\.0\.25:25$' out "through the pushed NAT pre-rule"
assert_grep 'security pre-rule "smtp-in" \(pushed from mail-dmz\)' out "names the pushed rule and its device group"
# The firewall's own rules before post-rules.
mx reach --firewall "$pushed" --to 192.0.2.25:587/tcp --from 198.51.100.0/24
assert_rc 1 "the firewall's own rule, pushed object MAIL-PUBLIC"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 10\.0\.0\.25:587$' out "the partners"
# Device-group post-rules before shared post-rules.
mx reach --firewall "$pushed" --to 192.0.2.25:465/tcp --from 198.51.100.0/24
assert_rc 2 "device-group post-rule before the shared one"
assert_grep 'security post-rule "smtps-suspect-deny" \(pushed from mail-dmz\)' out "the device group's deny"
mx reach --firewall "$pushed" --to 192.0.2.25:465/tcp --from 203.0.113.0/24
assert_rc 0 "the shared post-rule allows the rest"
assert_grep 'security post-rule "smtps-anywhere" \(pushed from shared\)' out "the shared allow"
# The same with the shared rule first in the file: loc decides, not the file order.
awk '/<entry name="smtps-suspect-deny"/ { hold = 1 } hold { buf = buf $0 "\n"; if (/<\/entry>/) { hold = 0; held = 1 } next }
     held && /<\/rules>/ && !done { printf "%s", buf; done = 1 } { print }' "$pushed" >swapped.xml
assert_eq "$(grep -n 'smtps-' swapped.xml | head -1 | grep -c anywhere)" 1 "the fixture has the shared rule first"
mx reach --firewall swapped.xml --to 192.0.2.25:465/tcp --from 198.51.100.0/24
assert_rc 2 "the device group's post-rule still first"
# Both reads saved (`show config pushed-shared-policy` and `... vsys vsys1`): a rule in both is one rule.
{ cat "$pushed"; sed -n '/^<policy>/,$p' "$pushed"; } >tworeads.xml
assert_eq "$(grep -c '^<policy>' tworeads.xml)" 2 "two pushed documents"
mx reach --firewall tworeads.xml --to 192.0.2.25:465/tcp --from 198.51.100.0/24
assert_rc 2 "two reads: the device group's post-rule still first"
assert_grep 'panos security #10: .*"smtps-suspect-deny"' out "the same position as with one read"

# The API's wrapping (<response><result>) reads the same.
sed 's|^<policy>|<response status="success"><result><policy>|; s|^</policy>|</policy></result></response>|' "$pushed" >api.xml
mx reach --firewall api.xml --to 192.0.2.25:25/tcp
assert_rc 0 "pushed policy inside the API's response"
# The running configuration alone names a Panorama server: pre-rules missing.
sed '/^<policy>/,$d' "$pushed" >fwonly.xml
mx reach --firewall fwonly.xml --to 192.0.2.25:25/tcp
assert_rc 3 "a Panorama-managed firewall without what was pushed: unknown"
assert_grep 'show config pushed-shared-policy' out "says which output is missing"
# The classic mistake in a pushed pre-rule: the inside address.
awk '/<entry name="smtp-in" loc="mail-dmz" uuid="7c2d0000-0000-4000-8000-000000000022"/ { s = 1 } s && /<destination>/ { sub(/MAIL-PUBLIC/, "MAIL"); s = 0 } { print }' "$pushed" >pinside.xml
assert_grep '<destination><member>MAIL</member></destination>' pinside.xml "the pushed rule names MAIL"
mx reach --firewall pinside.xml --to 192.0.2.25:25/tcp
assert_rc 2 "pushed pre-rule on the inside address: the firewall's own deny decides"
assert_grep 'security rule "smtp-local-deny"' out "the local deny"
# Only what Panorama pushed: the firewall's own rules are missing.
sed '1,/^<\/config>/d' "$pushed" >pushedonly.xml
mx reach --firewall pushedonly.xml --fw-format panos --to 192.0.2.25:465/tcp
assert_rc 3 "the pushed policy alone: post-rules not reached"

# ---- IPv6 (dual stack, routed: no NAT for IPv6) ----
ds="$FX/n04-dual-stack.xml"
# smtp6-in names MAIL6 (2001:db8:25::25) from untrust to trust.
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:25/tcp' --from 2001:db8:ff::/48
assert_rc 0 "IPv6: a rule on an IPv6 address object"
assert_grep 'security rule "smtp6-in"' out "names the IPv6 rule"
# submission-in: PARTNERS6 is an ip-range, PUBLIC-MAIL a group holding both families.
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:587/tcp' --from 2001:db8:77::/64
assert_rc 1 "IPv6: a source range"
assert_grep '^  allowed from 2001:db8:77::1/128,.*2001:db8:77::80/121, reaches \[2001:db8:25::25\]:587$' out "the range 2001:db8:77::1-ff"
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:465/tcp'
assert_rc 2 "IPv6: no rule, interzone-default"
# The IPv4 NAT rules do not touch IPv6: the host leaves as itself.
mx reach --firewall "$ds" --from-host 2001:db8:25::25 --to '[2001:db8:ff::1]:25/tcp'
assert_rc 0 "IPv6 outbound: lan6-out"
assert_grep '^  leaves as: 2001:db8:25::25 \(no source NAT\)' out "the ipv4 NAT rule lan-out does not apply"
# IPv4 answers as before in the dual-stack file.
mx reach --firewall "$ds" --to 192.0.2.25:25/tcp
assert_rc 0 "IPv4 in the dual-stack file"
# NPTv6 is not modelled: unknown for IPv6, IPv4 unaffected.
sed 's|<entry name="lan-out" uuid="0a1b2c3d-0000-4000-8000-000000000002">|<entry name="npt"><nat-type>nptv6</nat-type><from><member>untrust</member></from><to><member>untrust</member></to><source><member>any</member></source><destination><member>any</member></destination><service>any</service><destination-translation><translated-address>MAIL6</translated-address></destination-translation></entry>\n&|' "$ds" >npt.xml
mx reach --firewall npt.xml --routed --to '[2001:db8:25::25]:25/tcp'
assert_rc 3 "nat-type nptv6: unknown"
assert_grep "nat-type nptv6" out "names the NAT type"
mx reach --firewall npt.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "nptv6 does not touch IPv4"

# ---- snapshots, check and proposals ----
world_start
cp "$good" edge.xml
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.0.0.25]
firewalls:
  - name: edge
    format: panos
    file: edge.xml
    public_ips: [192.0.2.25]
YAML
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.2]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with a PAN-OS configuration"
assert_live_as_stored "PAN-OS"
for s in pHaShSECRET pSkSECRET 09:14:31 dirtyId; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through the PAN-OS firewall gives no path finding"
before=$(sgit rev-parse HEAD)
sed 's|time="2026/12/04 09:14:31" admin="admin" dirtyId="7"|time="2026/12/04 11:02:00" admin="ops" dirtyId="9"|' "$good" >edge.xml
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save with new stamps makes no commit"
mx --store st check --proposed-firewall edge=inside.xml --format json
assert_grep '"code": "inbound.blocked"' out "the internal address in the security rule, proposed: inbound.blocked"

# A firewall with what Panorama pushed: both documents stored, secrets masked, checked.
cp "$pushed" edge.xml
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot of a configuration and its pushed policy"
if sgit grep -q pUsHeDfwHASH HEAD -- ; then notok "the phash reached the store"; else ok "the phash is not in the store"; fi
if sgit grep -q 'smtps-anywhere' HEAD -- ; then ok "the pushed part is stored"; else notok "the pushed part is not stored"; fi
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"inbound\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "the stored configuration and pushed policy: mail passes"
# The stored form (each document cleaned, one after the other) reads as the original.
sgit show HEAD:firewall/edge.export >stored.xml
assert_eq "$(grep -c '^<?xml' stored.xml)" 2 "both documents stored"
mx reach --firewall stored.xml --fw-format panos --to 192.0.2.25:465/tcp --from 198.51.100.0/24
assert_rc 2 "the stored configuration and pushed policy answer as the original"
