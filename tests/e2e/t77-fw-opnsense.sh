#!/bin/sh
# t77-fw-opnsense: OPNsense config.xml - the legacy sections it shares
# with pfSense, MVC aliases (one entry a line), the destination NAT model
# ordered by <sequence>, multi-interface rules, rdr pass, automation rules
# (unknown: their order among legacy rules is not documented), URL table
# aliases (unknown), snapshots that mask secrets and ignore a re-save.
# Reasons from the OPNsense documentation ("Firewall > NAT > Port
# Forward", "Rules", "Aliases", "Automation") are beside each expectation.
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/opnsense"
good="$FX/o01-config.xml"

# Port forward first, then the filter on the internal target (its
# associated rule, as the GUI creates it).
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "forward with its associated rule: allowed"
assert_grep '^  allowed from every address asked about, reaches 192\.168\.1\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in wan, out lan \(both from the export' out "names the interfaces it took"

# The same rule against the WAN address does not match after the redirect.
sed 's|<address>mailhost</address>|<network>wanip</network>|' "$good" >wanip.xml
mx reach --firewall wanip.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "a rule on the public address: blocked by the default deny"

# Source restricted by an MVC alias whose content is one entry a line.
python3 - "$good" partners.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<source>\n        <any>1</any>\n      </source>\n      <destination>\n        <address>mailhost</address>',
              '<source>\n        <address>partners</address>\n      </source>\n      <destination>\n        <address>mailhost</address>', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall partners.xml --to 192.0.2.25:25/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 192\.168\.1\.25:25$' out "the alias's first line is allowed"
mx reach --firewall partners.xml --to 192.0.2.25:25/tcp --from 203.0.113.7/32
assert_rc 0 "and its second line"

# The destination NAT model: rules with a uuid, ordered by <sequence>,
# not by the file. Sequence 10 (second in the file, on wan and opt1)
# wins over sequence 20. <pass>pass</pass> is rdr pass: no filter rule.
mvc_rule() {  # SEQ TARGET DISABLED
	printf '    <rule uuid="d4c3b2a1-0000-4000-8000-0000000000%s">\n      <sequence>%s</sequence>\n      <disabled>%s</disabled>\n      <nordr>0</nordr>\n      <interface>wan,opt1</interface>\n      <ipprotocol>inet</ipprotocol>\n      <protocol>tcp</protocol>\n      <source>\n        <network>any</network>\n      </source>\n      <destination>\n        <network>wanip</network>\n        <port>25</port>\n      </destination>\n      <target>%s</target>\n      <local-port>25</local-port>\n      <pass>pass</pass>\n      <descr>mvc %s</descr>\n    </rule>\n' "$1" "$1" "$3" "$2" "$1"
}
mvc() {  # DISABLED-OF-SEQ-10 OUT
	python3 - "$good" "$2" "$(mvc_rule 20 192.168.1.25 0)$(mvc_rule 10 172.16.1.25 "$1")" <<'PY'
import sys, re
s = open(sys.argv[1]).read()
s = re.sub(r'<nat>(\s*<outbound>.*?</outbound>)\s*<rule>.*?</rule>', lambda m: '<nat>' + m.group(1) + '\n' + sys.argv[3], s, count=1, flags=re.S)
s = re.sub(r'<filter>\s*<rule>.*?</rule>', '<filter>', s, count=1, flags=re.S)
open(sys.argv[2], 'w').write(s)
PY
}
mvc 0 seq.xml
assert_grep '<sequence>10</sequence>' seq.xml "the fixture has MVC port forwards"
mx reach --firewall seq.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "MVC rdr pass: allowed without a filter rule"
assert_grep 'reaches 172\.16\.1\.25:25$' out "the lower sequence wins, whatever the file order"
assert_grep 'rule: pf rules #1: line [0-9]*: rdr pass on wan,opt1 tcp' out "decided by the rdr pass"
# <disabled>1</disabled> on sequence 10: sequence 20 decides.
mvc 1 seq-disabled.xml
mx reach --firewall seq-disabled.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_grep 'reaches 192\.168\.1\.25:25$' out "with sequence 10 disabled, sequence 20 forwards"
# A multi-interface rule applies on opt1 too.
mx reach --firewall seq.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24 --in opt1
assert_grep 'reaches 172\.16\.1\.25:25$' out "wan,opt1: the forward also applies on opt1"

# An automation filter rule: where it falls among the legacy rules is not
# documented, so the traffic it matches is unknown, naming it.
python3 - "$good" auto.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<rules/>', '''<rules>
          <rule uuid="e5f4a3b2-0000-4000-8000-000000000001">
            <enabled>1</enabled>
            <sequence>1</sequence>
            <action>block</action>
            <quick>1</quick>
            <interface>wan</interface>
            <direction>in</direction>
            <ipprotocol>inet</ipprotocol>
            <protocol>TCP</protocol>
            <source_net>198.51.100.0/24</source_net>
            <source_not>0</source_not>
            <destination_net>any</destination_net>
            <destination_not>0</destination_not>
            <destination_port>25</destination_port>
            <description>block a relay</description>
          </rule>
        </rules>''', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall auto.xml --to 192.0.2.25:25/tcp --from 198.51.0.0/16
assert_rc 3 "an automation rule's traffic: unknown"
assert_grep 'automation filter rule: its order among the legacy rules is not documented' out "says why"
assert_grep 'block a relay' out "naming the rule"
assert_grep '^  allowed from every address asked about but 198\.51\.100\.0/24' out "the rest is still answered"

# A URL table alias: its members are fetched at run time, unknown here.
python3 - "$good" urltable.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<filter>', '''<filter>
    <rule>
      <type>block</type>
      <ipprotocol>inet</ipprotocol>
      <descr>Spamhaus DROP</descr>
      <interface>wan</interface>
      <source>
        <address>spamhaus_drop</address>
      </source>
      <destination>
        <any/>
      </destination>
    </rule>''', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall urltable.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 3 "a URL table alias: unknown, not allowed"
assert_grep "the members of set 'spamhaus_drop' are not known" out "says why"

# (self): a pass rule to the firewall's own addresses on wan.
sed 's|<address>mailhost</address>|<network>(self)</network>|' "$good" >self.xml
mx reach --firewall self.xml --to 192.0.2.25:587/tcp --from 203.0.113.0/24
assert_rc 2 "(self) port 25 does not open 587"
mx reach --firewall self.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "(self) does not pass the forward: after rdr the destination is the mail host"

# Forward to the wrong host: the alias's content changed.
sed 's|<content>192\.168\.1\.25</content>|<content>192.168.1.26</content>|' "$good" >wrong.xml
mx reach --firewall wrong.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_grep 'reaches 192\.168\.1\.26:25$' out "a forward through a changed alias reaches the other host"

# Egress: LAN default allow; automatic outbound NAT (every other
# interface's network leaves wan with wan's address).
mx reach --firewall "$good" --from-host 192.168.1.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "the mail host may send tcp/25 out"
assert_grep '^  leaves as: 192\.0\.2\.25 \(after pf outbound #1: automatic outbound NAT' out "automatic: the WAN address"
# Manual (advanced) outbound NAT: only its rules apply.
python3 - "$good" manual.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<mode>automatic</mode>', '''<mode>advanced</mode>
      <rule>
        <interface>wan</interface>
        <ipprotocol>inet</ipprotocol>
        <source>
          <network>mailhost</network>
        </source>
        <destination>
          <any>1</any>
        </destination>
        <target>192.0.2.26</target>
        <descr>mail host leaves as its MX address</descr>
      </rule>''', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall manual.xml --from-host 192.168.1.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.26 \(after pf outbound #1: ' out "manual: the rule's target"
mx reach --firewall manual.xml --from-host 192.168.1.40 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.168\.1\.40 \(no source NAT\)' out "manual: hosts no rule names are not translated"

# A fragment: only a port forward, no interfaces. wanip has no address, so
# the answer is unknown, with the reason.
printf '<?xml version="1.0"?>\n<opnsense>\n  <nat>\n    <rule>\n      <interface>wan</interface>\n      <protocol>tcp</protocol>\n      <target>192.168.1.25</target>\n      <local-port>25</local-port>\n      <source><any>1</any></source>\n      <destination><network>wanip</network><port>25</port></destination>\n    </rule>\n  </nat>\n</opnsense>\n' >frag.xml
mx reach --firewall frag.xml --to 192.0.2.25:25/tcp
assert_rc 3 "a fragment: unknown, not refused"
assert_grep "why:  .*wanip" out "says wanip is not known"

# ---- snapshots ----
world_start
cp "$good" base.xml   # with blockpriv: private sources carry no Internet mail
cp base.xml edge.xml
cat >>mxaudit.yaml <<YAML
    mail_hosts: [192.168.1.25]
firewalls:
  - name: edge
    format: opnsense
    file: edge.xml
    public_ips: [192.0.2.25]
YAML
# The mail host leaves with the firewall's address: that is the sending IP.
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.25]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with an OPNsense config.xml"
assert_live_as_stored "OPNsense"
for s in OPNS3CRETbcrypt SECRETKEYID ApiSecretHashS3CRET OpnS3cretCommunity OpnIpsecPSK PrivKeyS3cretWG T1BOUFJJVlNFQ1JFVA 1733300100 1733300000; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.export >stored
assert_grep 'PubKeyVisible' stored "a public key is kept"
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^pf outbound #[0-9]*: -o wan -s 172\.16\.1\.0/24 -j SNAT --to 192\.0\.2\.25$' rules "automatic outbound NAT covers opt1 too"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through OPNsense gives no path finding"

# A re-save: new revision, new <updated>, an <audit> block (26.7.4+).
before=$(sgit rev-parse HEAD)
sed -e 's|<time>1733300100.4321</time>|<time>1733399999.0001</time>|' \
    -e 's|<time>1733300100.1234</time>|<time>1733399999.0002</time>|' \
    -e 's|<descr>SMTP to the mail host</descr>|&<audit><username>root@192.168.1.100</username><time>1733399999</time></audit>|' base.xml >edge.xml
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save without a change makes no commit"

sed 's|<descr>SMTP to the mail host</descr>|&<disabled>1</disabled>|' base.xml >proposed.xml
mx --store st check --proposed-firewall edge=proposed.xml --format json
assert_rc 2 "a proposal disabling the forward is critical"
assert_grep '"code": "inbound.no-dnat"' out "inbound.no-dnat"
