# Monitoring an on-call admin can trust, on a realistic estate (self-hosted
# behind a firewall, M365-style, Google-style, parked): drift and check
# --live report the state (the worst finding open now) apart from the
# change, every run; a fix resolves the very finding it fixes, at the
# severity it was raised with; --notify says when text output and the
# hook speak.
. "$TOP/tests/lib.sh"

estate_start
drift() { mx --store st --dns-server "$DNS" --timeout 1 drift "$@"; }
commits() { sgit rev-list --count HEAD; }
# The nagios status word, the exit and the number of commits of one run.
nagios_run() {
	drift --format nagios "$@"
	printf '%s %s %s\n' "$(cut -d' ' -f2 out)" "$rc" "$(commits)" >>runs
	cp out "nagios.$(wc -l <runs | tr -d ' ')"
}
: >runs

# --- six runs of the cron loop ------------------------------------------------
nagios_run                                   # 1: the baseline of a healthy estate
# 2: tcp/25 allowed from one network only: most of the internet cannot deliver
sed -i 's/-d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/-s 198.51.100.0\/24 -d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/' edge.rules
nagios_run
nagios_run                                   # 3: nothing changed
cp "$FIXTURES/fw/k01-basic.rules" edge.rules # 4: the fix
nagios_run
# 5-7: the DNS server flaps, down one run and up the next, three times
for i in 1 2 3; do
	nsd_stop ns
	nagios_run
	nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
	nagios_run
done
assert_eq "$(sed -n 1,4p runs | tr '\n' ' ')" "OK 0 1 CRITICAL 2 2 CRITICAL 2 2 OK 0 3 " \
	"runs 1-4: OK, the change CRITICAL, no change still CRITICAL, the fix OK (status, exit, commits)"
assert_eq "$(sed -n '5,$p' runs | sort -u | tr '\n' ' ')" "OK 0 3 " "flapping three times: OK every run, no commit"
assert_grep '^MXAUDIT CRITICAL - 1 critical open \(oldest [0-9]+s\); firewall edge: fw\.port-blocked 203\.0\.113\.25:25/tcp \[critical\] \| open_critical=1;;1;0 open_warning=0;1;;0 oldest_open=[0-9]+s;;;0$' nagios.2 \
	"the change: CRITICAL, one critical open, the change named"
assert_grep '^MXAUDIT CRITICAL - 1 critical open \(oldest [0-9]+s\); no change since [0-9a-f]{12} ' nagios.3 \
	"no change: still CRITICAL (level-triggered), with the open count and age"
assert_grep '^MXAUDIT OK - resolved firewall edge: fw\.port-blocked 203\.0\.113\.25:25/tcp \[critical\] \| open_critical=0;' nagios.4 \
	"the fix: OK, the headline names what was resolved, at the severity it was raised with"
sgit log -1 --format=%B >fix.msg
assert_grep '^resolved firewall edge: fw\.port-blocked 203\.0\.113\.25:25/tcp \[critical\]' fix.msg "the fix's commit headline"
assert_no_grep 'fw\.port-opened' fix.msg "the fix is not a new fw.port-opened"
assert_grep '^Mxaudit-Resolved: 1$' fix.msg "the trailer counts the resolved finding"
assert_eq "$(grep -c . st/mxaudit-drift.open)" "0" "nothing left open"

mx --store st timeline
assert_grep ' resolved +critical +firewall edge: fw\.port-blocked 203\.0\.113\.25:25/tcp$' out \
	"timeline: the block is resolved, at critical"
assert_no_grep 'fw\.port-opened' out "timeline: no fw.port-opened for the fix"

# --- JSON: the state every run, the change apart --------------------------------
sed -i 's/-d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/-s 198.51.100.0\/24 -d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/' edge.rules
drift --format json
assert_rc 2 "json, the change: exit critical"
drift --format json
assert_rc 2 "json, no change: exit still critical"
assert_eq "$(jq -r '[.state.status, .state.critical, .changed, .impact.exit] | join(" ")' out)" \
	"critical 1 false 0" "json, no change: state critical, nothing changed, the change ok"

# --- check --live: the same state ------------------------------------------------
mx --store st --dns-server "$DNS" --timeout 1 check --live --format json
assert_rc 2 "check --live: the open firewall finding makes it critical, as drift"
assert_eq "$(jq -r '[.state.status, .state.critical] | join(" ")' out)" "critical 1" "check --live json: the state"
mx --store st --dns-server "$DNS" --timeout 1 check --live
assert_grep '^  critical firewall edge: fw\.port-blocked 203\.0\.113\.25:25/tcp, open [0-9]+s$' out \
	"check --live text: the open firewall finding listed"
mx --store st --dns-server "$DNS" --timeout 1 check --live --format nagios
assert_grep '^MXAUDIT CRITICAL - 1 critical open \(oldest [0-9]+s\); live check, not stored \|' out "check --live nagios: the drift line"
assert_eq "$(commits)" "4" "check --live commits nothing"
cp "$FIXTURES/fw/k01-basic.rules" edge.rules
mx --store st --dns-server "$DNS" --timeout 1 check --live --format json
assert_rc 0 "check --live after the fix, before drift saw it: ok (the fix touched the port)"
assert_eq "$(grep -c . st/mxaudit-drift.open)" "1" "check --live leaves drift's open file alone"
drift >/dev/null

# --- --notify ------------------------------------------------------------------
hook='cat >hook.in; echo "$MXAUDIT_CHANGED $MXAUDIT_STATE $MXAUDIT_CHANGE_SEVERITY" >>hook.env'
rm -f hook.env
drift --exec "$hook"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "--notify changed (default), no change: text prints nothing"
assert_eq "$(cat hook.env 2>/dev/null)" "" "and the hook does not run"
drift --notify state --exec "$hook"
assert_rc 0 "--notify state: exit ok"
assert_eq "$(cat out)" "$(printf 'no change since %s\nstate: ok, nothing open' "$(sgit rev-parse --short=12 HEAD)")" \
	"--notify state, no change: the state every run"
assert_eq "$(cat hook.env)" "no ok ok" "--notify state: the hook runs with no change"
assert_grep '^state: ok, nothing open$' hook.in "and gets the state on stdin"
sed -i 's/^mx2	IN A 192.0.2.26/mx2	300 IN A 192.0.2.26/' zones/example.com.zone   # a TTL: info
world_reload
rm -f hook.env
drift --notify both --exec "$hook"
assert_grep '^committed [0-9a-f]{12}: ' out "--notify both: the change"
assert_grep '^state: ok, nothing open$' out "and the state"
assert_eq "$(cat hook.env)" "yes ok ok" "--notify both: the hook ran for the change"
drift --notify both
assert_eq "$(head -1 out | cut -c1-15)" "no change since" "--notify both, no change: only the state"
drift --notify bogus
assert_rc 3 "--notify: an unknown choice is refused"
assert_grep "changed, state or both" err "naming the choices"
