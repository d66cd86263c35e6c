#!/bin/sh
# t76-fw-pfsense: pfSense config.xml - port forwards with their three
# association modes, the filter after the redirect, aliases, default deny,
# outbound NAT, disabled rules, unknowns; snapshots that mask secrets and
# ignore a re-save; check and --proposed-firewall.
# Each expectation has its reason from the pfSense documentation beside it
# ("Port Forwards", "Firewall Rule Processing Order", "Outbound NAT").
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/pfsense"
good="$FX/p01-config.xml"

# The port forward rewrites wanip:25 to MAILHOST:25 first; its associated
# pass rule on wan names the internal target, as the GUI writes it.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "forward with its associated rule: allowed"
assert_grep '^  allowed from every address asked about, reaches 192\.168\.1\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in wan, out lan \(both from the export' out "says it took wan and lan from the configuration"
assert_grep 'rule: pf wan #3: line 1[0-9][0-9]: pass on wan tcp from any to MAILHOST port 25 "NAT SMTP to the mail host"' out "the associated rule decides"

# "Block private networks" on WAN comes before the interface's rules.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 10.1.0.0/16
assert_rc 2 "blockpriv on wan blocks RFC 1918 sources"
assert_grep 'block private networks on wan' out "naming the block"

# No forward for 587: traffic for the firewall itself, default deny.
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 203.0.113.0/24
assert_rc 2 "no forward: default deny"
assert_grep 'rule: pf input policy DROP' out "the implicit deny decides"

# Without the associated rule (association "none" and no pass rule) the
# default deny drops the forwarded traffic.
python3 - "$good" norule.xml <<'PY'
import sys, re
s = open(sys.argv[1]).read()
s = re.sub(r'<filter>\s*<rule>.*?</rule>', '<filter>', s, count=1, flags=re.S)
s = s.replace('<associated-rule-id>nat_5f0c2f5d6a1e44.12345678</associated-rule-id>', '<associated-rule-id></associated-rule-id>')
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall norule.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "forward without a permitting rule: blocked"
assert_grep 'rule: pf forward policy DROP' out "by the default deny"

# A pass rule written against the WAN address: pf filters after rdr, on
# the internal address, so it does not match.
sed 's|<address>MAILHOST</address>|<network>wanip</network>|' "$good" >wanip.xml
mx reach --firewall wanip.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "a rule on the public address does not pass the forward"

# rdr pass: the redirect passes the traffic, no filter rule is consulted.
python3 - norule.xml rdrpass.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<associated-rule-id></associated-rule-id>', '<associated-rule-id>pass</associated-rule-id>', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall rdrpass.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "rdr pass without a filter rule: allowed"
assert_grep 'rule: pf rules #1: line [0-9]*: rdr pass on wan tcp' out "the rdr pass decides"

# Forward to the wrong host (the alias changed).
sed 's|<address>192\.168\.1\.25</address>|<address>192.168.1.26</address>|' "$good" >wrong.xml
mx reach --firewall wrong.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_grep 'reaches 192\.168\.1\.26:25$' out "reaches the other host"

# A source-restricted rule through a nested alias (PARTNERS holds
# 198.51.100.0/28 and the alias PARTNER_HOSTS, 203.0.113.7).
python3 - "$good" partners.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<source>\n\t\t\t\t<any></any>\n\t\t\t</source>\n\t\t\t<destination>\n\t\t\t\t<address>MAILHOST</address>',
              '<source>\n\t\t\t\t<address>PARTNERS</address>\n\t\t\t</source>\n\t\t\t<destination>\n\t\t\t\t<address>MAILHOST</address>', 1)
open(sys.argv[2], 'w').write(s)
PY
assert_grep '<address>PARTNERS</address>' partners.xml "the partners fixture restricts the source"
mx reach --firewall partners.xml --to 192.0.2.25:25/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 192\.168\.1\.25:25$' out "the alias's network is allowed"
mx reach --firewall partners.xml --to 192.0.2.25:25/tcp --from 203.0.113.7/32
assert_rc 0 "the nested alias's host is allowed"

# A disabled port forward: no redirect, so the firewall's own default deny.
sed 's|<descr><!\[CDATA\[SMTP to the mail host\]\]></descr>|&<disabled></disabled>|' "$good" >disabled.xml
mx reach --firewall disabled.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 2 "disabled port forward: blocked"

# A schedule on the pass rule: unknown, naming the rule, never allowed.
sed 's|<descr><!\[CDATA\[NAT SMTP to the mail host\]\]></descr>|&<sched>BusinessHours</sched>|' "$good" >sched.xml
mx reach --firewall sched.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 3 "a scheduled rule: unknown"
assert_grep 'schedule BusinessHours' out "says why"

# WAN by DHCP: wanip has no address in the file, so the forward is unknown.
sed 's|<ipaddr>192\.0\.2\.25</ipaddr>|<ipaddr>dhcp</ipaddr>|' "$good" >dhcp.xml
mx reach --firewall dhcp.xml --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 3 "wanip from DHCP: unknown"
assert_grep "wanip \(the interface's address is not in the file: DHCP or PPPoE\)" out "says so"

# Egress: the LAN's default allow rule; automatic outbound NAT.
mx reach --firewall "$good" --from-host 192.168.1.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "the mail host may send tcp/25 out"
assert_grep 'Default allow LAN to any rule' out "by the default LAN rule"
assert_grep '^  leaves as: 192\.0\.2\.25 \(after pf outbound #1: automatic outbound NAT' out "automatic outbound NAT: the WAN address"

# 1:1 NAT: both directions; the filter still decides inbound, on the
# internal address. Hybrid outbound NAT: manual rules, then automatic.
python3 - "$good" binat.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<nat>\n\t\t<outbound>\n\t\t\t<mode>automatic</mode>', '''<nat>
		<onetoone>
			<external>192.0.2.27</external>
			<descr><![CDATA[second mail host]]></descr>
			<interface>wan</interface>
			<source>
				<address>192.168.1.27</address>
			</source>
			<destination>
				<any></any>
			</destination>
		</onetoone>
		<outbound>
			<mode>hybrid</mode>
			<rule>
				<source>
					<network>192.168.1.30/32</network>
				</source>
				<target>192.0.2.30</target>
				<interface>wan</interface>
				<destination>
					<any></any>
				</destination>
			</rule>''', 1)
s = s.replace('<filter>', '''<filter>
		<rule>
			<type>pass</type>
			<interface>wan</interface>
			<ipprotocol>inet</ipprotocol>
			<protocol>tcp</protocol>
			<source>
				<any></any>
			</source>
			<destination>
				<address>192.168.1.27</address>
				<port>MAIL_PORTS</port>
			</destination>
			<descr><![CDATA[second mail host, mail ports]]></descr>
		</rule>''', 1)
open(sys.argv[2], 'w').write(s)
PY
mx reach --firewall binat.xml --to 192.0.2.27:587/tcp --from 203.0.113.0/24
assert_rc 0 "1:1 NAT with a rule on the internal address and a port alias: allowed"
assert_grep 'reaches 192\.168\.1\.27:587$' out "to the internal host, port unchanged"
mx reach --firewall binat.xml --to 192.0.2.27:22/tcp --from 203.0.113.0/24
assert_rc 2 "a port outside the alias: default deny"
mx reach --firewall binat.xml --from-host 192.168.1.27 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.27 \(after pf outbound #1: line [0-9]*: binat' out "1:1 NAT: leaves as its external address"
mx reach --firewall binat.xml --from-host 192.168.1.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.30 ' out "hybrid: the manual rule first"
mx reach --firewall binat.xml --from-host 192.168.1.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.25 \(after pf outbound #3: automatic outbound NAT' out "hybrid: then the automatic rule"

# Fragments are answered, not refused.
printf '<?xml version="1.0"?>\n<pfsense>\n\t<version>23.3</version>\n</pfsense>\n' >empty.xml
mx reach --firewall empty.xml --to 192.0.2.25:25/tcp
assert_rc 2 "a config.xml without rules: default deny"
printf '<?xml version="1.0"?>\n<pfsense>\n<filter>\n<rule>\n' >broken.xml
mx reach --firewall broken.xml --fw-format pfsense --to 192.0.2.25:25/tcp
assert_rc 3 "malformed XML: an error"
assert_grep 'broken\.xml:[0-9]+: expected well-formed XML' err "naming file:line"

# ---- snapshots, check and proposals ----
world_start
# With "block private networks" on WAN, as pfSense sets it: private
# sources never carry mail from the Internet, so it is no finding.
cp "$good" base.xml
cp base.xml edge.xml
cat >>mxaudit.yaml <<YAML
    mail_hosts: [192.168.1.25]
firewalls:
  - name: edge
    format: pfsense
    file: edge.xml
    public_ips: [192.0.2.25]
YAML
# The mail host leaves with the firewall's address: that is the sending IP.
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.25]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with a pfSense config.xml"
assert_live_as_stored "pfSense"
for s in S3CRETbcrypt UserIpsecPsk0001 S3cretCommunity Ipsec-PSK-S3cret U0VDUkVUVExTS0VZ UFJJVkFURUtFWVNFQ1JFVA RadiusS3cret 1701423456 1700000100; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^pf outbound #1: -o wan -s 192\.168\.1\.0/24 -j SNAT --to 192\.0\.2\.25$' rules "automatic outbound NAT: the LAN leaves with the WAN address"
assert_grep '^pf rdr #1: -i wan --family ipv4 -p tcp -d 192\.0\.2\.25/32 --dport 25 -j DNAT --to 192\.168\.1\.25:25$' rules "the forward in the normalized rules"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through pfSense gives no path finding"

# A save that changed nothing but the revision and the rules' timestamps.
before=$(sgit rev-parse HEAD)
sed -e 's|<time>1701423456</time>|<time>1701999999</time>|' -e 's|<time>1700000100</time>|<time>1700009999</time>|' base.xml >edge.xml
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a re-save without a change makes no commit"

# Manual (advanced) outbound NAT to another address.
python3 - base.xml edge.xml <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('<mode>automatic</mode>', '''<mode>advanced</mode>
			<rule>
				<source>
					<network>192.168.1.25/32</network>
				</source>
				<sourceport></sourceport>
				<descr><![CDATA[mail host leaves as its own address]]></descr>
				<target>192.0.2.26</target>
				<interface>wan</interface>
				<poolopts></poolopts>
				<destination>
					<any></any>
				</destination>
			</rule>''', 1)
open(sys.argv[2], 'w').write(s)
PY
mx --store st --dns-server "$DNS" snapshot
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^pf outbound #1: -o wan -s 192\.168\.1\.25/32 -j SNAT --to 192\.0\.2\.26$' rules "manual outbound NAT: the mail host leaves as 192.0.2.26"
assert_no_grep 'SNAT --to 192\.0\.2\.25$' rules "and advanced mode has no automatic rule"
mx --store st check --format json
# 192.0.2.26 is not among the firewall's public_ips: replies to it are not
# routed back, so the mail path says the mail host's tcp/25 is not translated.
assert_grep '"code": "outbound.not-translated"' out "192.0.2.26 is not the firewall's public address: outbound.not-translated"
mx reach --firewall edge.xml --from-host 192.168.1.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.26 \(after pf outbound #1: ' out "reach says the mail host leaves as 192.0.2.26"
mx reach --firewall edge.xml --from-host 192.168.1.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.168\.1\.30 \(no source NAT\)' out "advanced mode: other hosts are not translated"

# A disabled flip is a change; check says what it breaks.
sed 's|<descr><!\[CDATA\[SMTP to the mail host\]\]></descr>|&<disabled></disabled>|' base.xml >edge.xml
mx --store st --dns-server "$DNS" snapshot
sgit show HEAD:firewall/edge.rules >rules
assert_grep '^pf rdr #1: .*-j DISABLED DNAT$' rules "the disabled forward stays in place"
mx --store st check --format json
assert_grep '"code": "inbound.no-dnat"' out "check: the port forward is gone"
cp base.xml proposed.xml
mx --store st check --proposed-firewall edge=proposed.xml
assert_rc 0 "a proposal restoring the forward introduces nothing"
sed 's|<address>192\.168\.1\.25</address>|<address>192.168.1.26</address>|' base.xml >proposed.xml
mx --store st check --proposed-firewall edge=proposed.xml --format json
assert_grep '"code": "inbound.dnat-wrong-target"' out "a proposal forwarding to another host is inbound.dnat-wrong-target"
