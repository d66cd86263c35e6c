# check when the DNS misbehaves: a server that stops answering leaves
# stale data that is checked and reported as stale (never "MX removed"),
# and two servers that disagree give dns.disagree.
. "$TOP/tests/lib.sh"
PORT=$(free_port)
cp -r "$FIXTURES/check/zones" zones
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
printf 'lab: true\ndomains:\n  - name: good.example\n    dkim_selectors: [sel, ed]\n    sending_ips: [192.0.2.1]\n' >mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "127.0.0.1:$PORT" snapshot
assert_rc 0 "baseline"
mx --store st check
assert_rc 0 "the good domain passes"

nsd_stop ns
mx --store st --dns-server "127.0.0.1:$PORT" --timeout 1 snapshot
assert_rc 1 "snapshot during the outage"
mx --store st check
assert_rc 1 "stale data is a warning, not a critical"
assert_grep "^  warning +dns\.stale  good\.example\.$" out "dns.stale reported"
assert_grep "last known records are shown and checked" out "and explained"
assert_no_grep "mx\.none|mx\.implicit|dmarc\.missing|dkim\.missing|ptr\.missing" out "nothing is reported as removed"

# Live during the outage: no earlier data in memory beyond the store's.
mx --store st --dns-server "127.0.0.1:$PORT" --timeout 1 check --live
assert_rc 1 "live check during the outage"
assert_grep "dns\.stale" out "live carries the stored data over too"

# Back, and a second server that serves an older zone.
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
mkdir zones2
cp zones/* zones2/
sed -i 's/^mx2	IN A 198\.51\.100\.1$/mx2	IN A 198.51.100.2/' zones2/good.example.zone
PORT2=$(free_port)
nsd_start ns2 127.0.0.1 "$PORT2" "$SCRATCH/zones2"
mx --store st --dns-server "127.0.0.1:$PORT" --dns-server "127.0.0.1:$PORT2" snapshot
mx --store st check
assert_rc 1 "disagreement is a warning"
assert_grep "^  warning +dns\.disagree  mx2\.good\.example\.$" out "dns.disagree names the name"
assert_grep "127\.0\.0\.1:$PORT2=NOERROR/1" out "and the odd server"
assert_no_grep "dns\.stale" out "no longer stale"
