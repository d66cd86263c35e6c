# The report's mail path where check judges it to the end: two mail hosts
# behind an iptables edge with source NAT, the primary with its own
# nftables firewall (role: host) — the world of t53. Rendered in headless
# Chromium: the host firewall link and the source NAT, SPF and reverse
# DNS links of the way out are green when intact, and red exactly where
# check's finding says when the host firewall drops tcp/25, when the
# source NAT moves outside SPF, when the source NAT is lost and when the
# address mail leaves with has no PTR; grey where check cannot tell (a
# MASQUERADE among several public addresses, a host firewall with no
# export in the snapshot). The deciding rule is the link's hover text and
# is printed below the drawing.
. "$TOP/tests/lib.sh"
for tool in chromium tidy; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (scripts/deps installs it)"; exit 0; }
done
. "$TOP/tests/report/page.sh"

world_start
printf '27\tIN PTR relay.example.com.\n' >>zones/2.0.192.in-addr.arpa.zone
printf 'relay\tIN A 192.0.2.27\n' >>zones/example.com.zone
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

# variant NAME EDGE-SED HOST-SED: write both exports, snapshot (tag NAME),
# report it to NAME.html, run the page checks; ./codes gets check's path
# codes of the snapshot.
variant() {
	sed "$2" "$FIXTURES/path/edge.rules" >exports/edge.rules
	sed "$3" "$FIXTURES/path/host.nft" >exports/host.nft
	$MXAUDIT --store st --dns-server "$DNS" snapshot --tag "$1" >/dev/null 2>&1
	$MXAUDIT --store st check "$1" --format json >"$1.check.json"
	jq -r '.domains[].findings[] | .code' "$1.check.json" | grep -E '^(inbound|egress|outbound)\.' |
		sort | tr '\n' ' ' >codes
	echo "# $1: $(cat codes)"
	mx --store st report "$1" -o "$1.html"
	page "$1" "$1.html"
}
# broken JSON: the drawn links that are broken, "link addr code" a line, sorted.
broken() {
	jq -r '.links[] | select(.state == "broken") | "\(.link) \(.addr) \(.code)"' "$1" | sort -u | tr '\n' ';'
}

variant good '' ''
assert_eq "$(cat codes)" "inbound.blocklist " "good: check finds only the blocklist"
assert_eq "$(link good-1280.json hostfw 192.0.2.25)" "ok $GREEN null" "good: the host firewall of 10.20.0.25 is drawn green"
assert_grep "accepted by host firewall &#39;mx1host&#39;: inet filter input #[0-9]+: .*--dport 25,587 -j ACCEPT" good.html \
	"good: its deciding rule is printed below the drawing"
link_title good-1280.json hostfw 192.0.2.25 >title
assert_grep "accepted by host firewall 'mx1host'" title "good: and is the link's hover text"
assert_eq "$(link good-1280.json hostfw 192.0.2.26)" "unknown $GREY null" "good: 10.20.0.26 has no host firewall: grey"
assert_grep 'host firewall \(mx2\.example\.com\. 192\.0\.2\.26\): no host firewall \(role: host\) of 10\.20\.0\.26' good.html \
	"good: saying that none is configured"
assert_eq "$(link good-1280.json snat 192.0.2.25)" "ok $GREEN null" "good: the mail hosts leave the edge as 192.0.2.25: green"
assert_grep 'leaves &#39;edge&#39; as 192.0.2.25 by nat POSTROUTING #1: -A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 192.0.2.25' \
	good.html "good: the SNAT rule is printed"
assert_eq "$(link good-1280.json spf 192.0.2.25)" "ok $GREEN null" "good: 192.0.2.25 passes SPF: green"
assert_eq "$(link good-1280.json ptr 192.0.2.25)" "ok $GREEN null" "good: its PTR resolves back: green"
# The configured sending IP 203.0.113.10 is out.example.com, which does not resolve back (ptr.mismatch).
OTHER="ptr 203.0.113.10 ptr.mismatch;"
assert_eq "$(broken good-1280.json)" "$OTHER" "good: no link of the path is broken (only the sending IP's PTR, as check says)"
assert_grep '<text[^>]*>mx1host</text>' good.html "good: the host firewall's name is in the drawing"

variant host-drops-25 '' 's/tcp dport { 25, 587 } accept/tcp dport { 587 } accept/'
assert_eq "$(cat codes)" "inbound.blocked inbound.blocklist " "host-drops-25: check says inbound.blocked"
jq -r '.domains[].findings[] | select(.code == "inbound.blocked") | .subject' host-drops-25.check.json >subject
assert_eq "$(cat subject)" "mx1host: tcp/25 to 10.20.0.25:25" "host-drops-25: on the host firewall of 10.20.0.25"
assert_eq "$(link host-drops-25-1280.json hostfw 192.0.2.25)" "broken $RED inbound.blocked" \
	"host-drops-25: the host firewall link of the primary is drawn red, with the finding's code"
assert_eq "$(link_signs host-drops-25-1280.json hostfw 192.0.2.25)" "✗|10px, 5px" \
	"host-drops-25: marked ✗ and dashed, not only red"
assert_eq "$(link_signs good-1280.json hostfw 192.0.2.25)" "✓|none" "good: the intact one is marked ✓ and solid"
assert_eq "$(broken host-drops-25-1280.json)" "hostfw 192.0.2.25 inbound.blocked;$OTHER" "host-drops-25: it is the only broken link"
link_title host-drops-25-1280.json hostfw 192.0.2.25 >title
assert_grep 'inet filter input policy DROP' title "host-drops-25: its hover text names the deciding rule"
assert_grep 'host firewall \(mx1\.example\.com\. 192\.0\.2\.25\): inbound\.blocked: .*\(rule: inet filter input policy DROP\)' \
	host-drops-25.html "host-drops-25: and the list below prints it"
assert_eq "$(link host-drops-25-1280.json hostfw 192.0.2.26)" "unknown $GREY null" "host-drops-25: the backup is untouched"
$MXAUDIT --store st check host-drops-25 --format prometheus >prom
assert_grep '^mxaudit_inbound_reachable\{domain="example.com",address="192.0.2.25",port="25"\} 0$' prom \
	"host-drops-25: the metrics say 192.0.2.25 no longer reaches its mail host"
assert_grep '^mxaudit_inbound_reachable\{domain="example.com",address="192.0.2.26",port="25"\} 1$' prom \
	"host-drops-25: and 192.0.2.26 still does"

variant snat-outside-spf 's/--to-source 192\.0\.2\.25$/--to-source 192.0.2.27/' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.not-authorized " "snat-outside-spf: check says outbound.not-authorized"
assert_eq "$(link snat-outside-spf-1280.json snat 192.0.2.27)" "ok $GREEN null" \
	"snat-outside-spf: the source NAT itself works (replies come back to 192.0.2.27): green"
assert_eq "$(link snat-outside-spf-1280.json spf 192.0.2.27)" "broken $RED outbound.not-authorized" \
	"snat-outside-spf: the SPF link of 192.0.2.27 is drawn red, with the finding's code"
assert_eq "$(link_signs snat-outside-spf-1280.json spf 192.0.2.27)" "✗|10px, 5px" \
	"snat-outside-spf: marked ✗ and dashed, not only red"
assert_eq "$(broken snat-outside-spf-1280.json)" "${OTHER}spf 192.0.2.27 outbound.not-authorized;" \
	"snat-outside-spf: it is the only broken link (for both mail hosts)"
assert_eq "$(jq '[.links[] | select(.link == "spf" and .state == "broken")] | length' snat-outside-spf-1280.json)" 2 \
	"snat-outside-spf: one row per mail host"
link_title snat-outside-spf-1280.json spf 192.0.2.27 >title
assert_grep 'SPF of example.com gives fail' title "snat-outside-spf: the hover text is the finding"
assert_grep 'rule: nat POSTROUTING #1: -A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 192.0.2.27' title \
	"snat-outside-spf: naming the SNAT rule that decides"
assert_grep 'SPF for the address \(10\.20\.0\.25 via 192\.0\.2\.27\): outbound\.not-authorized' snat-outside-spf.html \
	"snat-outside-spf: printed below the drawing"
assert_eq "$(link snat-outside-spf-1280.json ptr 192.0.2.27)" "ok $GREEN null" "snat-outside-spf: 192.0.2.27's PTR resolves back: green"

variant no-snat '/-j SNAT/d' ''
assert_grep 'outbound\.not-translated' codes "no-snat: check says outbound.not-translated"
assert_eq "$(link no-snat-1280.json snat 10.20.0.25)" "broken $RED outbound.not-translated" \
	"no-snat: the source NAT link is red where mail leaves with 10.20.0.25"
link_title no-snat-1280.json snat 10.20.0.25 >title
assert_grep 'no source NAT: it leaves with the source 10.20.0.25' title "no-snat: the hover text says which source it leaves with"
assert_eq "$(link no-snat-1280.json spf 10.20.0.25)" "unknown $GREY null" "no-snat: SPF of an address replies never reach is not judged: grey"

cp zones/2.0.192.in-addr.arpa.zone ptr.zone
sed -i '/^25	IN PTR/d' zones/2.0.192.in-addr.arpa.zone
world_reload
variant ptr-missing '' ''
assert_eq "$(cat codes)" "inbound.blocklist outbound.no-fcrdns " "ptr-missing: check says outbound.no-fcrdns"
assert_eq "$(link ptr-missing-1280.json ptr 192.0.2.25)" "broken $RED outbound.no-fcrdns" \
	"ptr-missing: the reverse DNS link of 192.0.2.25 is drawn red"
assert_eq "$(link ptr-missing-1280.json spf 192.0.2.25)" "ok $GREEN null" "ptr-missing: its SPF stays green"
cp ptr.zone zones/2.0.192.in-addr.arpa.zone
world_reload

# Grey where check cannot tell. A MASQUERADE on an edge with three public
# addresses: which one receivers see is the kernel's pick (outbound.unknown).
variant masquerade 's/-j SNAT --to-source 192\.0\.2\.25$/-j MASQUERADE/' ''
assert_grep 'outbound\.unknown' codes "masquerade: check says outbound.unknown"
assert_eq "$(link masquerade-1280.json snat 10.20.0.25)" "unknown $GREY outbound.unknown" \
	"masquerade: the source NAT link is grey, with the finding's code"
assert_eq "$(jq '[.links[] | select(.state == "broken" and .link != "ptr")] | length' masquerade-1280.json)" 0 \
	"masquerade: and nothing on the path is drawn red"
link_title masquerade-1280.json snat 10.20.0.25 >title
assert_grep 'MASQUERADE' title "masquerade: the hover text says why it cannot be told"

# A host firewall for the backup configured after the snapshot: the
# snapshot holds no export of it (snapshot stores only exports it reads),
# so what it lets in is unknown.
cp mxaudit.yaml later.yaml
cat >>later.yaml <<YAML
  - name: mx2host
    role: host
    format: nft
    file: exports/host2.nft
    public_ips: [10.20.0.26]
    outside_ifaces: [eth0]
YAML
mx -c later.yaml --store st report masquerade -o host-unread.html
page host-unread host-unread.html
assert_eq "$(link host-unread-1280.json hostfw 192.0.2.26)" "unknown $GREY inbound.unknown" \
	"host-unread: the backup's host firewall link is grey, with the finding's code"
link_title host-unread-1280.json hostfw 192.0.2.26 >title
assert_grep "the snapshot holds no readable export" title "host-unread: the hover text says why"
assert_eq "$(link host-unread-1280.json hostfw 192.0.2.25)" "ok $GREEN null" "host-unread: the primary's stays green"
assert_eq "$(jq '[.links[] | select(.state == "broken" and .link != "ptr")] | length' host-unread-1280.json)" 0 \
	"host-unread: and nothing on the path is drawn red"
