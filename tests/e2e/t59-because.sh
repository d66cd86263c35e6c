# A finding's `because:` names only the changes that can cause it: the
# record changes and failed lookups its analyzer read, and for the joint
# path the firewall rule changes. Each scenario changes two unrelated
# things in one run and checks that neither is blamed for the other's
# finding. Also: a failed MX lookup is critical in diff as in drift.
. "$TOP/tests/lib.sh"
world_start
cat >>mxaudit.yaml <<YAML
    mail_hosts: [198.51.100.25]
firewalls:
  - name: edge
    format: iptables
    file: edge.rules
    public_ips: [192.0.2.25]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
YAML
cp "$FIXTURES/path/good.rules" edge.rules
$MXAUDIT init --store st >/dev/null
Z=zones/example.com.zone
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline snapshot"

# causes CODE : the causes of the introduced finding CODE, one a line.
causes() { jq -r --arg c "$1" '.impact.introduced[] | select(.code == $c) | .causes[]' out; }
has() { jq -e --arg c "$1" '[.impact.introduced[] | select(.code == $c)] | length > 0' out >/dev/null; }
restore() {
	cp "$FIXTURES/zones/"*.zone zones/
	cp "$FIXTURES/path/good.rules" edge.rules
	world_reload
	$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
}

# --- an MX swap in the same run as a failed _dmarc lookup ------------------
sed -i 's/IN MX 10 mx1.example.com./IN MX 30 mx1.example.com./' $Z
world_reload
hostile_start servfail _dmarc.example.com. TXT
$MXAUDIT --store st --dns-server "$HDNS" snapshot >/dev/null 2>&1
hostile_stop
mx --store st diff HEAD~1 HEAD --format json
has mx.primary-changed && ok "MX swap: mx.primary-changed introduced" || notok "MX swap: mx.primary-changed introduced"
causes mx.primary-changed >mx.causes
assert_grep '^[-+] example\.com\. 3600 IN MX ' mx.causes "MX swap: its because is the MX change"
assert_no_grep '_dmarc|SERVFAIL|stale' mx.causes "MX swap: the failed _dmarc lookup is not its cause"
jq -r '.impact.introduced[] | select(.code == "dns.unresolvable" and .subject == "example.com.") | .causes[]' out >dns.causes
assert_grep '^! _dmarc\.example\.com\. TXT: ' dns.causes "failed lookup: dns.unresolvable's because is the _dmarc lookup"
assert_eq "$(grep -vc '_dmarc' dns.causes)" "0" "failed lookup: and nothing else (no MX record)"
jq -r '.impact.introduced[] | select(.code | startswith("dmarc.")) | .causes[]' out >dmarc.causes
assert_no_grep ' IN MX ' dmarc.causes "no dmarc finding is blamed on the MX"
mx --store st diff HEAD~1 HEAD
assert_grep '^           because: ! _dmarc\.example\.com\. TXT: ' out "text: the dns finding's because: line names the lookup"
restore

# --- an SPF include change in the same run as a revoked DKIM key -----------
sed -i 's/include:_spf.example.net/include:gone.example.net/' $Z
sed -i '/^s1._domainkey/,/)$/d' $Z
echo 's1._domainkey IN TXT "v=DKIM1; k=rsa; p="' >>$Z
world_reload
$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
mx --store st diff HEAD~1 HEAD --format json
has spf.target-no-record && ok "SPF: spf.target-no-record introduced" || notok "SPF: spf.target-no-record introduced"
causes spf.target-no-record >spf.causes
assert_grep 'include:gone\.example\.net' spf.causes "SPF: its because is the include change"
assert_no_grep '_domainkey' spf.causes "SPF: the DKIM key is not its cause"
jq -r '.impact.introduced[] | select(.code | startswith("dkim.")) | .code' out >dkim.codes
assert_grep '^dkim\.' dkim.codes "DKIM: a dkim finding introduced ($(tr '\n' ' ' <dkim.codes))"
jq -r '.impact.introduced[] | select(.code | startswith("dkim.")) | .causes[]' out >dkim.causes
assert_grep 's1\._domainkey\.example\.com\.' dkim.causes "DKIM: its because is the selector's record"
assert_no_grep 'v=spf1|gone\.example\.net' dkim.causes "DKIM: the SPF include is not its cause"
restore

# --- a firewall rule change in the same run as a DMARC change --------------
sed -i '/DNAT/d' edge.rules
sed -i 's/p=reject/p=none/' $Z
world_reload
$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
mx --store st diff HEAD~1 HEAD --format json
has inbound.no-dnat && ok "firewall: inbound.no-dnat introduced" || notok "firewall: inbound.no-dnat introduced"
causes inbound.no-dnat >in.causes
assert_grep '^- firewall edge: .*DNAT' in.causes "firewall: inbound's because is the rule change"
assert_no_grep '_dmarc' in.causes "firewall: the DMARC change is not its cause"
jq -r '.impact.introduced[] | select(.scope == "example.com" and (.code | test("^(inbound|egress|outbound)\\.") | not)) | .causes[]' out >other.causes
assert_no_grep 'firewall' other.causes "firewall: no other finding of the domain is blamed on the rule"
causes dmarc.policy-none >dmarc.causes
assert_grep '^[-+] _dmarc\.example\.com\. ' dmarc.causes "DMARC: its because is the _dmarc record"
jq -r '.impact.changes[] | select(.scope == "firewall edge") | .change' out >fw.info
assert_no_grep 'DNAT' fw.info "the rule change that explains a finding is not listed as info too"
restore

# --- a failed MX lookup: as critical in diff as in drift -------------------
hostile_start servfail example.com. MX
mx --store st --dns-server "$HDNS" drift --format json
assert_no_grep 'dns\.unresolvable' out "drift: the first failed run is held back"
mx --store st --dns-server "$HDNS" drift --format json
sev() { jq -r '.impact.introduced[] | select(.code == "dns.unresolvable" and .subject == "example.com. MX") | .severity' out; }
assert_eq "$(sev)" "critical" "drift: the confirmed failed MX lookup is critical"
mx --store st diff HEAD~1 HEAD --format json
assert_eq "$(sev)" "critical" "diff of the same two snapshots: critical too"
assert_rc 2 "diff exits critical"
$MXAUDIT --store st --dns-server "$HDNS" snapshot >/dev/null 2>&1
hostile_stop
restore
hostile_start servfail example.com. MX
$MXAUDIT --store st --dns-server "$HDNS" snapshot >/dev/null 2>&1
hostile_stop
mx --store st diff HEAD~1 HEAD --format json
assert_eq "$(sev)" "critical" "diff after snapshot (stored at once): critical, as drift"
