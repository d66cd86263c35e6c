# check --live and check of the snapshot just taken judge the same world
# the same way, firewalls included: same findings, same exit code, for
# each variant of the firewall worlds of the fixtures (tests/fixtures/path:
# an iptables edge and an nftables host firewall in front of two MX).
. "$TOP/tests/lib.sh"
world_start
mkdir exports
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.20.0.25, 10.20.0.26]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
    public_ips: [192.0.2.25, 192.0.2.26]
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

# findings FILE: the judged findings of a check's JSON, one per line,
# without what names the snapshot (commit).
findings() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for dom in d["domains"]:
    for f in dom["findings"]:
        print(dom["domain"], f["severity"], f["code"], f["subject"], f["message"], f["evidence"])
PY
}

# same NAME EDGE-SED HOST-SED: write the exports, snapshot, check both ways.
same() {
	sed "$2" "$FIXTURES/path/edge.rules" >exports/edge.rules
	sed "$3" "$FIXTURES/path/host.nft" >exports/host.nft
	$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
	mx --store st --dns-server "$DNS" check --live --format json
	live_rc=$rc; findings out >live.txt
	mx --store st check --format json
	findings out >stored.txt
	assert_eq "$live_rc" "$rc" "$1: same exit code live and stored"
	if cmp -s live.txt stored.txt && [ -s stored.txt ]; then
		ok "$1: same findings live and stored ($(wc -l <stored.txt))"
	else
		notok "$1: findings differ live and stored"
		diff live.txt stored.txt | sed 's/^/#   /' | head -20
	fi
}

same intact '' ''
assert_no_grep 'inbound\.unknown' live.txt "live, every firewall is read (no inbound.unknown)"
same dnat-moved 's/10\.20\.0\.26:25$/10.20.0.27:25/' ''
same dnat-removed '/10\.20\.0\.26:25$/d' ''
assert_grep 'critical inbound\.no-dnat' live.txt "live sees the missing forward as critical"
same forward-removed '/-d 10\.20\.0\.26\/32 -i eth0/d' ''
same host-drops-25 '' 's/tcp dport { 25, 587 } accept/tcp dport { 587 } accept/'
same f2b-bans-everyone 's/^-A f2b-postfix -j RETURN/-A f2b-postfix -j REJECT/' ''
same snat-elsewhere 's/--to-source 192\.0\.2\.25$/--to-source 198.51.100.99/' ''
