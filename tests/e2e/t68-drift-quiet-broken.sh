# Quiet while broken: an outage is committed once when confirmed and once
# when it ends. While it lasts, the server flipping between timing out and
# answering SERVFAIL is no news (no commit, the state stays critical), and
# the recovery names what it resolved, with one line per domain for the
# lookups that answer again instead of one line each.
. "$TOP/tests/lib.sh"

estate_start
# The estate's server behind tests/hostile-dns on one fixed port (the
# port is part of each stored lookup line), in MODE for every name.
HPORT=$(free_port)
hostile() {
	hostile_stop
	: >"$SCRATCH/hostile.out"
	/usr/bin/python3 "$TOP/tests/hostile-dns" --port "$HPORT" --upstream "$DNS" --mode "$1" \
		>"$SCRATCH/hostile.out" 2>"$SCRATCH/hostile.err" &
	echo $! >"$SCRATCH/hostile.pid"
	at_exit hostile_stop
	for _i in $(seq 1 50); do
		grep -q ready "$SCRATCH/hostile.out" 2>/dev/null && return 0
		sleep 0.1
	done
	notok "hostile-dns ($1) did not start"; cat "$SCRATCH/hostile.err"; exit 1
}
drift() { mx --store st --dns-server "127.0.0.1:$HPORT" --timeout 1 drift --format nagios "$@"; }
commits() { sgit rev-list --count HEAD; }
: >runs
run() {  # MODE : one drift run with the server in MODE; records status, exit, commits
	hostile "$1"
	drift
	printf '%s %s %s %s\n' "$1" "$(cut -d' ' -f2 out)" "$rc" "$(commits)" >>runs
}

run pass                  # baseline
run silence               # held back (stale_runs 2)
run silence               # confirmed: one commit
cp out confirmed.out
run servfail              # the failure changes kind: no news
run silence
run servfail
run pass                  # recovery: one commit
cp out recovered.out
assert_eq "$(tr '\n' ' ' <runs)" \
	"pass OK 0 1 silence OK 0 1 silence CRITICAL 2 2 servfail CRITICAL 2 2 silence CRITICAL 2 2 servfail CRITICAL 2 2 pass OK 0 3 " \
	"outage: one commit when confirmed, none while it flips between timeout and SERVFAIL, one for the recovery"
assert_grep 'dns\.unresolvable example\.com\. MX \[critical\]' confirmed.out "the confirmed outage: the MX cannot be resolved"
assert_grep '^MXAUDIT OK - resolved ' recovered.out "the recovery's headline names what it resolved"
sgit log -1 --format=%B >recovery.msg
assert_grep '^resolved example\.com: dns\.unresolvable example\.com\. MX' recovery.msg "the recovery commit lists the resolved MX failure"
mx --store st diff HEAD~1 HEAD
sed -n '/^other changes (info):/,$p' out >other
assert_grep '^  example\.com: ! [0-9]+ lookups no longer stale, they answer again: ' other \
	"the impact's other changes: one line for example.com's lookups that answer again"
assert_eq "$(grep -c '^  [a-z.]*: ' other)" "4" "one line per domain (four domains), not one per lookup"
# parked.example's resolved dns.unresolvable names six of its eight failed
# lookups, which are its causes; the two it does not name are one line too
# (a name that merely contains another, _dmarc.parked.example. TXT, is no
# cause of parked.example. TXT).
assert_grep '^  parked\.example: ! 2 lookups no longer stale, they answer again: parked\.example\. SPF, parked\.example\. TXT$' other \
	"the lookups the resolved finding does not name are summed up"
mx --store st diff HEAD~1 HEAD --format json
jq -r '.impact.resolved[] | select(.scope == "parked.example" and .code == "dns.unresolvable" and .subject == "parked.example.") | .causes[]' out >parked.causes
assert_eq "$(grep -c '^! ' parked.causes)" "6" "the resolved finding's because: the six lookups it names"
assert_no_grep '^! parked\.example\. (TXT|SPF):' parked.causes "and not the two it does not name"
