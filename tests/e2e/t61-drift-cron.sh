# mxaudit drift as cron runs it: silent when nothing changed, a commit per
# real change, a flapping server never reported as a removal, failures
# reported only after stale_runs runs in a row, --exec and --push for real.
. "$TOP/tests/lib.sh"

world_start
$MXAUDIT init --store st >/dev/null
git init -q --bare central.git
drift() { mx --store st --dns-server "$DNS" --timeout 1 drift "$@"; }

drift --push "$SCRATCH/central.git"
assert_rc 2 "first run: the baseline's critical findings are introduced"
assert_eq "$(sgit rev-parse HEAD)" "$(git --git-dir=central.git rev-parse main)" "--push: the central repository has the baseline"
assert_grep '^Mxaudit-Critical: 2$' "$(sgit log -1 --format=%B >msg; echo msg)" "trailer counts the critical findings"

# --- cron loop against a server that flaps ----------------------------------
# run N: what the server does, expected exit, expected commits so far
loop() {
	drift "$@"
	printf '%s %s\n' "$rc" "$(sgit rev-list --count HEAD)"
}
: >runs
loop >>runs; assert_eq "$(wc -c <out | tr -d ' ')" "0" "up, unchanged: prints nothing"
nsd_stop ns
loop >>runs; cp out down1.out
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
loop >>runs
nsd_stop ns
loop >>runs
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
loop >>runs
assert_eq "$(tr '\n' ' ' <runs)" "2 1 2 1 2 1 2 1 2 1 " "single failed runs between good ones: no commit, exit 2 while the baseline's criticals are open"
assert_eq "$(wc -c <down1.out | tr -d ' ')" "0" "a single failed run prints nothing"
assert_no_grep 'removed|dns\.unresolvable' down1.out "and reports no removal"

# --- a real outage: two failed runs in a row --------------------------------
nsd_stop ns
drift
assert_rc 2 "outage, first failed run: held back, the open criticals still count"
assert_eq "$(sgit rev-list --count HEAD)" "1" "no commit yet"
drift
assert_rc 2 "outage, second failed run: critical (the MX cannot be resolved)"
assert_eq "$(sgit rev-list --count HEAD)" "2" "one commit for the outage"
assert_grep 'dns\.unresolvable +example\.com\. MX' out "reported as cannot resolve"
assert_no_grep '^  [a-z]+ +[a-z.-]+ .*removed' out "never as removed"
sgit log -1 --format=%s >subject
assert_grep '^example\.com: dns\.unresolvable example\.com\. MX \[critical\]' subject "commit subject: the impact"
sgit show HEAD:dns/example.com.zone >zone
sgit show HEAD~1:dns/example.com.zone >zone0
assert_file_eq zone0 zone "the last good records are kept"
drift
assert_rc 2 "outage goes on: nothing new, still critical"
assert_eq "$(sgit rev-list --count HEAD)" "2" "no commit while it lasts"

# --- recovery, with the hook ---------------------------------------------------
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
drift --exec 'cat >hook.in; echo "$MXAUDIT_COMMIT $MXAUDIT_SEVERITY" >hook.env; echo "$MXAUDIT_STATE $MXAUDIT_CHANGE_SEVERITY" >hook.state'
assert_rc 2 "recovery: nothing introduced, but the baseline's criticals are still open"
assert_eq "$(cat hook.state)" "critical ok" "--exec: the state and the change apart"
assert_grep '^resolved example\.com: dns\.unresolvable' "$(sgit log -1 --format=%s >subj; echo subj)" "the recovery's headline names what it resolved"
assert_eq "$(sgit rev-list --count HEAD)" "3" "one commit for the recovery"
assert_grep '^resolved example\.com: dns\.unresolvable' "$(sgit log -1 --format=%B >msg; echo msg)" "the commit body lists what was resolved"
assert_eq "$(cat hook.env)" "$(sgit rev-parse HEAD) ok" "--exec: commit id and severity in the environment"
assert_grep '^impact: nothing introduced; 2 resolved' hook.in "--exec: the report on stdin"
assert_no_grep 'ptr\.mismatch' msg "what was there before the outage is not news"

# --- a change while the hook and the push watch ---------------------------------
sed -i '/^mx2	IN A/d' zones/example.com.zone
world_reload
drift --exec 'cat >hook.in; echo "$MXAUDIT_SEVERITY" >hook.env; exit 3' --push "$SCRATCH/central.git"
assert_rc 3 "a failing hook makes the run fail (exit 3)"
assert_grep "exited with status 3" err "and says so"
assert_eq "$(cat hook.env)" "warning" "the hook got the worst severity"
assert_eq "$(git --git-dir=central.git rev-parse main)" "$(sgit rev-parse HEAD)" "--push: central has the change"
assert_eq "$(git --git-dir=central.git rev-list --count main)" "4" "and the whole history"
git --git-dir=central.git log -1 --format=%B main >cmsg
assert_grep '^Mxaudit-Warning: 2$' cmsg "trailers travel with the commit (mx.no-address, and spf.mx-void-hosts for the SPF mx term)"

# --- nagios, -v, bad input -------------------------------------------------------
drift --format nagios
assert_rc 2 "nagios, nothing changed: the state is still critical"
assert_grep '^MXAUDIT CRITICAL - 2 critical open \(oldest [0-9]+[smhd]\); no change since [0-9a-f]{12} \| open_critical=2;;1;0 open_warning=[0-9]+;1;;0 oldest_open=[0-9]+s;;;0$' out "nagios stays CRITICAL while criticals are open, with no change"
drift -v
assert_grep '^no change since [0-9a-f]{12}; no commit made$' out "-v says there was no change"
drift --push /nonexistent/central.git
assert_rc 2 "no commit, so nothing to push (exit: the open criticals)"
sed -i 's/^\(mx1	IN A\).*/\1 192.0.2.27/' zones/example.com.zone
world_reload
drift --push /nonexistent/central.git
assert_rc 3 "a push that fails: exit 3"
assert_grep "push" err "names the push"
drift --bogus
assert_rc 3 "unknown option: exit 3"
printf 'stale_runs: 0\ndomains:\n  - name: example.com\n' >bad.yaml
mx --store st -c bad.yaml --dns-server "$DNS" drift
assert_rc 3 "stale_runs 0 is refused"
assert_grep 'stale_runs must be at least 1' err "with a clear message"

# --- a second site feeding the same central repository ----------------------------
$MXAUDIT init --store st2 >/dev/null
mx --store st2 --dns-server "$DNS" drift -q --push "$SCRATCH/central.git"
assert_rc 3 "a second site pushing to the same branch is rejected (not a fast-forward)"
assert_grep "rejected|push" err "and says the push failed"
mx --store st2 --dns-server "$DNS" drift -q --push "$SCRATCH/central.git" --push-branch site2
assert_rc 2 "nothing new to commit, so nothing pushed (exit: the open criticals)"
sed -i 's/^\(mx1	IN A\).*/\1 192.0.2.28/' zones/example.com.zone
world_reload
mx --store st2 --dns-server "$DNS" drift -q --push "$SCRATCH/central.git" --push-branch site2
assert_eq "$(git --git-dir=central.git rev-parse site2)" "$(git --git-dir=st2 rev-parse HEAD)" "--push-branch: the site has its own branch"
assert_eq "$(git --git-dir=central.git rev-parse main)" "$(sgit rev-parse HEAD~1)" "the first site's branch is untouched"

# A remote configured in the store, by name; the commits a failed push left behind go too.
sgit remote add central "$SCRATCH/central.git"
sed -i 's/^\(mx1	IN A\).*/\1 192.0.2.29/' zones/example.com.zone
world_reload
drift -q --push central
assert_eq "$(git --git-dir=central.git rev-parse main)" "$(sgit rev-parse HEAD)" "--push NAME: a remote of the store"
