# mxaudit report: one self-contained HTML page, rendered in headless
# Chromium for four worlds (a healthy estate, a broken port-forward, a
# broken SPF include, a ten-domain incident window). Each page must load
# with no request leaving the file, validate with tidy, fit a viewport of
# 1280 and one of 390 pixels without sideways scrolling, keep its text
# selectable and draw the broken link red where the finding says.
# Screenshots (1280 and 390 wide) of each world stay in this test's
# folder. The metrics of check and drift pass promtool.
. "$TOP/tests/lib.sh"
for tool in chromium tidy promtool; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (scripts/deps installs it)"; exit 0; }
done

. "$TOP/tests/report/page.sh"

# The world: example.com behind firewall edge, its mail host 198.51.100.25,
# its sending address the relay that the SPF include authorizes.
world_start
cat >zones/100.51.198.in-addr.arpa.zone <<'ZONE'
$ORIGIN 100.51.198.in-addr.arpa.
$TTL 3600
@	IN SOA ns1.example.net. hostmaster.example.net. 2026112901 7200 900 1209600 300
	IN NS ns1.example.net.
20	IN PTR relay.example.net.
ZONE
world_reload
mkdir exports
cp "$FIXTURES/path/good.rules" exports/edge.rules
cat >mxaudit.yaml <<YAML
lab: true
domains:
  - name: example.com
    dkim_selectors: [s2]
    sending_ips: [198.51.100.20]
    mail_hosts: [198.51.100.25]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
    public_ips: [192.0.2.25]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
YAML
$MXAUDIT init --store st >/dev/null
$MXAUDIT --store st --dns-server "$DNS" snapshot --tag healthy >/dev/null 2>&1

# 1. A healthy estate: one snapshot, its state.
mx --store st report healthy -o healthy.html
assert_rc 0 "report of a healthy snapshot"
page healthy healthy.html
assert_eq "$(link healthy-1280.json nat 192.0.2.25)" "ok $GREEN null" "healthy: the port-forward of 192.0.2.25 is drawn green"
assert_eq "$(link healthy-1280.json filter 192.0.2.25)" "ok $GREEN null" "healthy: and its filter"
assert_grep 'accepted by filter FORWARD #2' healthy.html "healthy: the deciding rule of the filter is printed"
assert_no_grep 'id="timeline"' healthy.html "healthy: a single snapshot has no timeline"
assert_no_grep 'Record diff' healthy.html "healthy: and no diff"
mx --store st check healthy --format prometheus
promtool check metrics <out >promtool.out 2>&1
assert_eq "$?$(cat promtool.out)" 0 "healthy: check --format prometheus passes promtool check metrics"
assert_grep '^mxaudit_inbound_reachable\{domain="example.com",address="192.0.2.25",port="25"\} 1$' out "healthy: 192.0.2.25 reaches the mail host"
assert_grep '^mxaudit_state 0$' out "healthy: state 0"
assert_grep '^mxaudit_lookups_failed 0$' out "healthy: no lookup failed"
assert_grep "^mxaudit_last_snapshot_timestamp_seconds $(sgit log -1 --format=%ct healthy)\$" out \
	"healthy: the snapshot's time is the commit's"

# 2. A broken port-forward.
sed -i '/DNAT/d' exports/edge.rules
$MXAUDIT --store st --dns-server "$DNS" snapshot --tag dnat >/dev/null 2>&1
mx --store st report healthy dnat -o broken-dnat.html
assert_rc 2 "report of a change that breaks the port-forward is critical"
page broken-dnat broken-dnat.html
$MXAUDIT --store st check dnat --format json | jq -r '.domains[].findings[] | select(.code | startswith("inbound.")) | .code' >codes
assert_eq "$(cat codes)" "inbound.no-dnat" "broken-dnat: check says inbound.no-dnat"
assert_eq "$(link broken-dnat-1280.json nat 192.0.2.25)" "broken $RED inbound.no-dnat" "broken-dnat: the NAT link of 192.0.2.25 is drawn red, with the finding's code"
jq -r '.links[] | select(.link == "nat" and .addr == "192.0.2.25") | .dash' broken-dnat-1280.json >dash
assert_eq "$(cat dash)" "10px, 5px" "broken-dnat: and dashed, not only red"
assert_eq "$(jq '[.links[] | select(.state == "broken")] | length' broken-dnat-1280.json)" 1 "broken-dnat: it is the only broken link"
jq -r '.links[] | select(.link == "nat" and .addr == "192.0.2.25") | .title' broken-dnat-1280.json >title
assert_grep 'no port-forward' title "broken-dnat: its hover text is the finding"
assert_grep '<span class="del">- nat PREROUTING #1: .*DNAT' broken-dnat.html "broken-dnat: the rule diff shows the removed DNAT"
assert_grep 'id="timeline"' broken-dnat.html "broken-dnat: a change has a timeline"
# README's picture is this page: MXAUDIT_REGEN=1 tests/run t80 writes docs/report.png anew.
if [ -n "${MXAUDIT_REGEN:-}" ]; then
	"$R/shot" broken-dnat.html "$TOP/docs/report.png" readme.netlog 1100 1500 &&
		ok "docs/report.png written anew" || notok "docs/report.png not written"
fi
mx --store st check --format prometheus
promtool check metrics <out >promtool.out 2>&1
assert_eq "$?$(cat promtool.out)" 0 "broken-dnat: the metrics pass promtool"
assert_grep '^mxaudit_inbound_reachable\{domain="example.com",address="192.0.2.25",port="25"\} 0$' out "broken-dnat: 192.0.2.25 does not reach the mail host"
assert_grep '^mxaudit_findings\{domain="example.com",severity="critical",code="inbound.no-dnat"\} 1$' out "broken-dnat: the finding is counted"
assert_grep '^mxaudit_state 2$' out "broken-dnat: state 2"
cp "$FIXTURES/path/good.rules" exports/edge.rules

# The metrics unit's command, as systemd would run it (its $$ is the shell's $).
mkdir -p etc/mxaudit collector
cp mxaudit.yaml etc/mxaudit/
sed -n "s|^ExecStart=/bin/sh -c '\(.*\)'\$|\1|p" "$TOP/examples/mxaudit-metrics.service" |
	sed "s|@BINDIR@|$TOP|; s|@SYSCONFDIR@|$SCRATCH/etc|; s/\\$\\$/\\$/g" >unit.sh
COLLECTOR="$SCRATCH/collector" MXAUDIT_STORE="$SCRATCH/st" sh unit.sh
assert_eq "$?" 0 "the metrics unit's command publishes a critical state without failing"
promtool check metrics <collector/mxaudit.prom >promtool.out 2>&1
assert_eq "$?$(cat promtool.out)" 0 "the collector's file passes promtool"
assert_eq "$(ls collector)" "mxaudit.prom" "and no temporary file is left"
COLLECTOR="$SCRATCH/collector" MXAUDIT_STORE="$SCRATCH/nostore" sh unit.sh 2>/dev/null
assert_eq "$?" 3 "when check cannot run, the unit fails"
assert_grep '^mxaudit_state 2$' collector/mxaudit.prom "and the previous file stays"
assert_eq "$(ls collector)" "mxaudit.prom" "without a temporary file"
if command -v systemd-analyze >/dev/null; then
	mkdir units
	sed "s|@BINDIR@|$TOP|; s|@SYSCONFDIR@|/etc|" "$TOP/examples/mxaudit-metrics.service" >units/mxaudit-metrics.service
	cp "$TOP/examples/mxaudit-metrics.timer" units/
	(cd units && systemd-analyze verify --man=no ./mxaudit-metrics.service ./mxaudit-metrics.timer) >verify.out 2>&1
	assert_eq "$?$(grep -v '^$' verify.out | head -5)" 0 "systemd-analyze verify accepts the metrics units"
fi

# 3. A broken SPF include: the relay is authorized through it.
sed -i 's/include:_spf\.example\.net/include:_spf.gone.example.net/' zones/example.com.zone
world_reload
$MXAUDIT --store st --dns-server "$DNS" snapshot --tag spf >/dev/null 2>&1
mx --store st report dnat spf -o broken-spf.html
assert_rc 2 "report of a broken SPF include is critical"
page broken-spf broken-spf.html
$MXAUDIT --store st check spf --format json | jq -r '.domains[].findings[] | select(.code | startswith("spf.")) | .code' | sort -u | tr '\n' ' ' >codes
echo "# spf codes: $(cat codes)"
assert_grep 'spf.ip-not-authorized' codes "broken-spf: check says the relay is no longer authorized"
assert_eq "$(link broken-spf-1280.json spf 198.51.100.20)" "broken $RED spf.ip-not-authorized" "broken-spf: the SPF link of the relay is drawn red"
assert_eq "$(link broken-spf-1280.json nat 192.0.2.25)" "ok $GREEN null" "broken-spf: the restored port-forward is green again"
assert_grep 'permerror</span> for <code>198.51.100.20</code>, decided by <code>include:_spf.gone.example.net' broken-spf.html "broken-spf: the include decides for the relay"
assert_grep 'include:_spf.gone.example.net</code>: <code>none' broken-spf.html "broken-spf: the include is a node of the tree with no record"
mx --store st report healthy -o before-spf.html
assert_grep 'include:_spf.example.net</code>: <code>v=spf1 ip4:198.51.100.0/28 a:relay.example.net ~all</code>, 1 lookup here, 1 in this branch' before-spf.html "healthy: the include's node has its record and lookups"
assert_grep '3 of 10 DNS lookups' before-spf.html "healthy: the budget bar counts 3 of 10"

# drift: the hook gets the change as a page; the metrics pass promtool.
sed -i 's/include:_spf\.gone\.example\.net/include:_spf.example.net/' zones/example.com.zone
world_reload
mx --store st --dns-server "$DNS" drift --exec 'cp "$MXAUDIT_REPORT_HTML" hook.html; echo "$MXAUDIT_REPORT_HTML" >hook.path'
assert_rc 0 "drift after fixing the include"
assert_grep 'resolved' hook.html "drift --exec: the hook's page shows what the change resolved"
tidy -errors -q hook.html >/dev/null 2>&1
assert_eq "$?" 0 "drift --exec: the page passes tidy"
[ -e "$(cat hook.path)" ] && notok "drift --exec: the page is left behind" || ok "drift --exec: the page is removed after the hook"
mx --store st --dns-server "$DNS" drift --format prometheus
promtool check metrics <out >promtool.out 2>&1
assert_eq "$?$(cat promtool.out)" 0 "drift --format prometheus passes promtool, also without a change"
assert_grep '^mxaudit_state 0$' out "drift: the level is ok again"

# 4. A ten-domain incident window.
i=0
: >domains.yaml
while [ $i -lt 10 ]; do
	cat >zones/d$i.example.zone <<ZONE
\$ORIGIN d$i.example.
\$TTL 3600
@	IN SOA ns1.example.net. hostmaster.example.net. 2026112901 7200 900 1209600 300
	IN NS ns1.example.net.
	IN MX 10 mx.d$i.example.
	IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
mx	IN A 192.0.2.$((100 + i))
_dmarc	IN TXT "v=DMARC1; p=reject"
ZONE
	printf '  - name: d%s.example\n' $i >>domains.yaml
	i=$((i + 1))
done
world_reload
{ echo "lab: true"; echo "domains:"; cat domains.yaml; } >ten.yaml
$MXAUDIT --store st10 init >/dev/null
$MXAUDIT -c ten.yaml --store st10 --dns-server "$DNS" snapshot --tag before >/dev/null 2>&1
sleep 1
t0=$(date +%s)
sleep 1
incident() {  # SED-EXPRESSION ZONE: change a zone, snapshot a second later
	sed -i "$1" "zones/$2.zone"
	world_reload
	$MXAUDIT -c ten.yaml --store st10 --dns-server "$DNS" snapshot >/dev/null 2>&1
	sleep 1
}
incident '/^mx	IN A/d' d3.example
incident 's/-all/+all/' d7.example
incident 's/p=reject/p=none/' d5.example
incident '$a mx	IN A 192.0.2.103' d3.example
mx -c ten.yaml --store st10 report --since "@$t0" -o incident.html
assert_rc 2 "report of the window: d7's +all remains (critical)"
page incident incident.html
assert_eq "$(grep -c '<section><h2 id="d-d[0-9].example">' incident.html)" 10 "incident: ten domain sections"
# Printed: Chromium makes a PDF of it, with JavaScript and the network as for the screenshots.
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$SCRATCH/.chromium" \
	--no-pdf-header-footer --print-to-pdf="$SCRATCH/incident.pdf" "file://$SCRATCH/incident.html" >/dev/null 2>&1
pages=$(grep -ao '/Count [0-9]*' incident.pdf 2>/dev/null | sort -k2 -n | tail -1 | cut -d' ' -f2)
[ "${pages:-0}" -ge 2 ] && ok "incident: the page prints ($pages pages of PDF)" || notok "incident: no printout (${pages:-0} pages)"
jq -r '.marks[]' incident-1280.json | sort | uniq -c | sed 's/^ *//' | tr '\n' ';' >marks
echo "# marks: $(cat marks)"
assert_grep '2 mark critical resolved\|rect' marks "incident: d3's resolved critical is a hollow square (and the legend's)"
assert_grep '[0-9] mark critical\|rect' marks "incident: critical findings are squares"
assert_grep '[0-9] mark warning\|polygon' marks "incident: warnings are triangles"
$MXAUDIT -c ten.yaml --store st10 timeline --since "@$t0" --format json | jq '.events | length' >nev
assert_eq "$(grep -c '<tr><td data-h="Time">' incident.html)" "$(cat nev)" "incident: the page lists as many events as timeline"
assert_eq "$(jq '[.marks[] | select(contains("|"))] | length' incident-1280.json)" "$(( $(cat nev) + 4 ))" "incident: one mark per event, and the four of the legend"
mx -c ten.yaml --store st10 report --since "@$t0" d3.example -o d3.html
assert_rc 1 "report of one domain of the window: d3 is reachable again; its PTR is missing (warning)"
assert_eq "$(grep -c '<section><h2 id="d-' d3.html)" 1 "one domain: one section"
mx -c ten.yaml --store st10 report --since "@$t0" nosuch.example -o x.html
assert_rc 3 "an unknown domain"
assert_grep "'nosuch.example' is neither a snapshot nor a domain" err "is named"
[ -e x.html ] && notok "and no page is written" || ok "and no page is written"
mx --store st report healthy
assert_rc 3 "report without -o"
assert_grep 'usage: mxaudit report' err "prints the usage"
mx report --help
assert_grep '^  -o, --output FILE' out "report --help documents -o"
assert_grep '^  --since WHEN' out "and --since"
mx check --help
assert_grep 'prometheus' out "check --help names the prometheus format"
mx --store st diff --format prometheus
assert_rc 3 "--format prometheus is refused where it means nothing"
mx --store st check --format prometheus --proposed-zone example.com=zones/example.com.zone
assert_rc 3 "--format prometheus is refused for a proposed change"
mx -c ten.yaml --store st10 report --until "@$t0" -o until.html
assert_rc 1 "--until alone: the window from the first snapshot to the one in force then"
assert_grep '<dt>To</dt><dd><code>[0-9a-f]{12}</code> tag <code>before</code>' until.html "its later snapshot is the baseline"

# A lookup that fails: the metrics count it, and still pass promtool.
hostile_start servfail _dmarc.d1.example TXT
$MXAUDIT -c ten.yaml --store st10 --dns-server "$HDNS" snapshot >/dev/null 2>&1
mx -c ten.yaml --store st10 check --format prometheus
promtool check metrics <out >promtool.out 2>&1
assert_eq "$?$(cat promtool.out)" 0 "a failed lookup: the metrics pass promtool"
assert_grep '^mxaudit_lookups_failed 1$' out "a failed lookup: mxaudit_lookups_failed counts it"
hostile_stop
