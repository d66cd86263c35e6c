#!/bin/sh
# t76-fw-panos: Palo Alto PAN-OS XML - NAT first match on the original
# packet, security rules on the pre-NAT address but the post-NAT zone,
# intrazone allow / interzone deny defaults, App-ID as a condition,
# disabled rules, outbound address through source translation, fragments;
# snapshots that mask secrets and ignore a re-save; check and
# --proposed-firewall.
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
