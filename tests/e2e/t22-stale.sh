# The server stops answering: old data is kept, marked stale, never shown as removed.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
nsd_stop ns

mx --store st --dns-server "$DNS" --timeout 1 snapshot
assert_rc 1 "snapshot with the server down warns (exit 1)"
assert_grep 'last good data is kept and marked stale' err "the warning says data is kept"
assert_grep 'marked stale: [a-z0-9.-]+\. [A-Z]+ \((TIMEOUT|SERVFAIL)\)' err "the warning names the failed lookups"
nfailed=$(sed -n 's/.*warning: \([0-9]*\) lookups failed.*/\1/p' err)
named=$(grep -o '([A-Z]*)' err | wc -l | tr -d ' ')
assert_eq "$named" "5" "it names five of the $nfailed"
assert_grep "and $((nfailed - 5)) more \(-v lists them\)" err "and counts the rest"
cp -r st st-v
mx --store st-v --dns-server "$DNS" --timeout 1 -v snapshot
assert_eq "$(grep 'lookups failed' err | grep -o '([A-Z]*)' | wc -l | tr -d ' ')" "$nfailed" "-v names every failed lookup"
assert_eq "$(sgit rev-list --count HEAD)" "2" "the stale state is committed"
sgit diff HEAD~1 HEAD -- dns/example.com.zone >zdiff
assert_eq "$(wc -c <zdiff | tr -d ' ')" "0" "the zone file is unchanged"
sgit show HEAD:dns/example.com.status >status
assert_grep '^example\.com\.	MX	(TIMEOUT|SERVFAIL)	stale	' status "the MX lookup is marked stale"
assert_grep '^mx1\.example\.com\.	A	(TIMEOUT|SERVFAIL)	stale	' status "lookups behind the MX are still made and marked stale"

mx --store st diff
assert_rc 2 "diff: the failed MX lookup is critical, as drift reports it (cannot resolve), not a removal"
assert_grep 'dns\.unresolvable' out "diff says the lookups cannot be resolved"
assert_grep '^  critical +dns\.unresolvable +example\.com\. MX ' out "the failed MX lookup is critical"
assert_grep ' 0 removed$' out "and counts no removal"
assert_no_grep '^  - ' out "nothing is reported as removed"
assert_grep 'stale' out "diff says the data is stale"

# The server comes back: fresh data, no longer stale.
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot after recovery"
sgit show HEAD:dns/example.com.status >status
assert_no_grep 'stale' status "no stale marks after recovery"
assert_eq "$(sgit diff HEAD~2 HEAD -- dns | wc -c | tr -d ' ')" "0" "back to the same bytes as before the outage"
