# tests/lib.sh - sourced by every end-to-end script (tests/e2e/t*.sh).
#
# Each script runs in its own scratch directory (the current directory)
# with $TOP set to the repository. Assertions print TAP-style lines that
# tests/run counts: "ok - what" or "not ok - what". A script that cannot
# run a part prints "SKIP: why" so the skip is visible.

: "${TOP:?run through tests/run}"
MXAUDIT="$TOP/mxaudit"
if [ -n "${MXAUDIT_VALGRIND:-}" ]; then
	MXAUDIT="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 $TOP/mxaudit"
fi
FIXTURES="$TOP/tests/fixtures"
SCRATCH=$(pwd)
_cleanup=""

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

# mx ARGS... : run mxaudit, keep stdout in ./out, stderr in ./err, status in $rc.
mx() {
	$MXAUDIT "$@" >out 2>err
	rc=$?
	mx_schema "$@"
	return 0
}

# mx_schema ARGS... : when mx ran a command with JSON output that did not
# fail (exit 0-2, something on stdout), validate ./out against the
# command's schema in docs/schema/; a mismatch is a failed assertion.
mx_schema() {
	_json= _cmd=
	for _a in "$@"; do
		case $_a in
		--json|--format=json) _json=1 ;;
		json) [ "$_prev" = --format ] && _json=1 ;;
		check|diff|drift|log|timeline|show|snapshot|spf|reach)
			[ -z "$_cmd" ] && _cmd=$_a ;;
		esac
		_prev=$_a
	done
	[ -n "$_json" ] && [ -n "$_cmd" ] && [ "$rc" -le 2 ] && [ -s out ] || return 0
	"$TOP/scripts/jsonschema-check" "$TOP/docs/schema/$_cmd.json" out 2>schema.err ||
		{ notok "$_cmd json matches docs/schema/$_cmd.json"; sed 's/^/#   /' schema.err; }
}

assert_rc() {  # expected description
	if [ "$rc" = "$1" ]; then ok "$2 (exit $1)"; else
		notok "$2: exit $rc, expected $1"; sed 's/^/#   /' err out | head -20; fi
}

assert_eq() {  # actual expected description
	if [ "$1" = "$2" ]; then ok "$3"; else
		notok "$3"; echo "#   expected: $2"; echo "#   actual:   $1"; fi
}

assert_grep() {  # pattern file description
	if grep -qE -- "$1" "$2"; then ok "$3"; else
		notok "$3: /$1/ not in $2"; sed 's/^/#   /' "$2" | head -30; fi
}

assert_no_grep() {  # pattern file description
	if grep -qE -- "$1" "$2"; then notok "$3: /$1/ found in $2"
		grep -E -- "$1" "$2" | sed 's/^/#   /' | head -10; else ok "$3"; fi
}

assert_file_eq() {  # expected-file actual-file description
	if diff -u "$1" "$2" >diff.out 2>&1; then ok "$3"; else
		notok "$3"; sed 's/^/#   /' diff.out | head -40; fi
}

at_exit() { _cleanup="$* ; $_cleanup"; trap 'eval "$_cleanup"' EXIT; }

is_root() { [ "$(id -u)" -eq 0 ]; }
# netns_usable NAME: create network namespace NAME and check a command runs
# in it. In a chroot whose / is not a mount point `ip netns add` works but
# `ip netns exec` cannot remount; the tests that need one skip, visibly.
netns_usable() {
	ip netns add "$1" 2>/dev/null || return 1
	ip netns exec "$1" true 2>/dev/null && return 0
	ip netns del "$1" 2>/dev/null
	return 1
}

# free_port: print a TCP and UDP port on 127.0.0.1 nobody listens on.
free_port() {
	while :; do
		p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 ))
		ss -Hlntu 2>/dev/null | awk '{print $5}' | grep -q ":$p\$" || { echo $p; return; }
	done
}

# nsd_start NAME ADDR PORT ZONEDIR : start NSD serving every ZONEDIR/*.zone
# (zone name = file name less .zone) on ADDR:PORT, with response-rate
# limiting off. State lives in ./NAME/. Stopped at exit.
nsd_start() {
	_n=$1 _addr=$2 _port=$3 _zdir=$4
	mkdir -p "$SCRATCH/$_n"
	{
		echo "server:"
		echo "  ip-address: $_addr@$_port"
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  zonesdir: \"$_zdir\""
		echo "  database: \"\""
		echo "  pidfile: \"$SCRATCH/$_n/nsd.pid\""
		echo "  xfrdfile: \"$SCRATCH/$_n/xfrd.state\""
		echo "  zonelistfile: \"$SCRATCH/$_n/zone.list\""
		echo "  logfile: \"$SCRATCH/$_n/nsd.log\""
		echo "  server-count: 1"
		echo "  rrl-ratelimit: 0"
		echo "  rrl-whitelist-ratelimit: 0"
		echo "  hide-version: yes"
		echo "remote-control:"
		echo "  control-enable: no"
		for z in "$_zdir"/*.zone; do
			echo "zone:"
			echo "  name: \"$(basename "$z" .zone)\""
			echo "  zonefile: \"$z\""
		done
	} >"$SCRATCH/$_n/nsd.conf"
	nsd -c "$SCRATCH/$_n/nsd.conf" || { notok "nsd $_n did not start"; cat "$SCRATCH/$_n/nsd.log"; exit 1; }
	at_exit "nsd_stop $_n"
	# Wait until it answers for its own zone (NOERROR, not REFUSED from
	# whatever else might hold the port).
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		drill -p "$_port" @"$_addr" "$(basename "$(ls "$_zdir"/*.zone | head -1)" .zone)" SOA 2>/dev/null |
			grep -q 'rcode: NOERROR' && return 0
		sleep 0.2
	done
	notok "nsd $_n does not answer on $_addr:$_port"; cat "$SCRATCH/$_n/nsd.log"; exit 1
}

nsd_stop() {
	[ -f "$SCRATCH/$1/nsd.pid" ] || return 0
	_pid=$(cat "$SCRATCH/$1/nsd.pid")
	kill "$_pid" 2>/dev/null
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$SCRATCH/$1/nsd.pid"
}

# nsd_restart NAME ADDR PORT ZONEDIR : pick up changed zone files.
nsd_restart() {
	nsd_stop "$1"
	nsd_start "$@"
}

# world_start: copy the fixture zones to ./zones, start NSD on them, and
# write ./mxaudit.yaml for example.com. Sets $PORT and $DNS (--dns-server value).
world_start() {
	rm -rf "$SCRATCH/zones"
	cp -r "$FIXTURES/zones" "$SCRATCH/zones"
	PORT=$(free_port)
	DNS="127.0.0.1:$PORT"
	nsd_start ns "127.0.0.1" "$PORT" "$SCRATCH/zones"
	cat >"$SCRATCH/mxaudit.yaml" <<-YAML
	lab: true
	domains:
	  - name: example.com
	    dkim_selectors: [s1, s2]
	    sending_ips: [203.0.113.10, 2001:db8::25]
	YAML
}

# world_reload: restart NSD after editing ./zones.
world_reload() {
	nsd_restart ns "127.0.0.1" "$PORT" "$SCRATCH/zones"
}

# git on the store
sgit() { git --git-dir="$SCRATCH/st" "$@"; }

# world_start_edge: world_start plus the firewall "edge" (iptables,
# tests/fixtures/fw/k01-basic.rules copied to ./edge.rules) in the
# configuration, and an initialized store ./st.
world_start_edge() {
	world_start
	cp "$FIXTURES/fw/k01-basic.rules" edge.rules
	cat >>"$SCRATCH/mxaudit.yaml" <<-YAML
	firewalls:
	  - name: edge
	    format: iptables
	    file: edge.rules
	    public_ips: [203.0.113.25]
	    outside_ifaces: [eth0]
	    inside_ifaces: [eth1]
	YAML
	$MXAUDIT init --store st >/dev/null
}

# hostile_start MODE NAME [TYPE] : start tests/hostile-dns in front of the
# running NSD ($DNS) on a free port, misbehaving in MODE for NAME (and
# TYPE). Sets $HDNS (its --dns-server value). Stopped at exit; a second
# call replaces the first. Needs python3-dnspython (scripts/deps).
hostile_start() {
	# A busy machine can take seconds to import dnspython, and a free port
	# can be taken between the look and the bind: wait long, retry on death.
	at_exit hostile_stop
	for _try in 1 2 3; do
		hostile_stop
		HPORT=$(free_port)
		HDNS="127.0.0.1:$HPORT"
		/usr/bin/python3 "$TOP/tests/hostile-dns" --port "$HPORT" --upstream "$DNS" \
			--mode "$1" --name "$2" ${3:+--type "$3"} >"$SCRATCH/hostile.out" 2>"$SCRATCH/hostile.err" &
		_hpid=$!
		echo "$_hpid" >"$SCRATCH/hostile.pid"
		for _i in $(seq 1 300); do
			grep -q ready "$SCRATCH/hostile.out" 2>/dev/null && return 0
			kill -0 "$_hpid" 2>/dev/null || break
			sleep 0.1
		done
	done
	notok "hostile-dns ($1) did not start"; cat "$SCRATCH/hostile.err"; exit 1
}

hostile_stop() {
	[ -f "$SCRATCH/hostile.pid" ] || return 0
	kill "$(cat "$SCRATCH/hostile.pid")" 2>/dev/null
	wait "$(cat "$SCRATCH/hostile.pid")" 2>/dev/null
	rm -f "$SCRATCH/hostile.pid"
}

# no_record_removed OLD-ZONE-FILE REV description : every line of the
# earlier zone file is still in the snapshot REV.
no_record_removed() {
	sgit show "$2:dns/example.com.zone" >zone.now
	_gone=$(grep -vxFf zone.now "$1" | wc -l | tr -d ' ')
	if [ "$_gone" = 0 ]; then ok "$3"; else
		notok "$3: $_gone records gone"; grep -vxFf zone.now "$1" | sed 's/^/#   /' | head; fi
}

# estate_start: a realistic estate on one NSD (tests/fixtures/estate/zones
# copied to ./zones): example.com self-hosted behind the firewall "edge"
# (tests/fixtures/fw/k01-basic.rules as ./edge.rules), example.net an
# M365-style tenant, example.org a Google-style domain with nested SPF
# includes, parked.example a parked domain. Healthy: nothing above info.
# Writes ./mxaudit.yaml and an initialized store ./st; sets $PORT, $DNS.
estate_start() {
	rm -rf "$SCRATCH/zones"
	cp -r "$FIXTURES/estate/zones" "$SCRATCH/zones"
	cp "$FIXTURES/fw/k01-basic.rules" "$SCRATCH/edge.rules"
	PORT=$(free_port)
	DNS="127.0.0.1:$PORT"
	nsd_start ns "127.0.0.1" "$PORT" "$SCRATCH/zones"
	cat >"$SCRATCH/mxaudit.yaml" <<-YAML
	lab: true
	domains:
	  - name: example.com
	    dkim_selectors: [s1]
	    sending_ips: [203.0.113.10]
	  - name: example.net
	    dkim_selectors: [selector1]
	  - name: example.org
	    dkim_selectors: [google]
	  - name: parked.example
	    dkim_selectors: ["*"]
	firewalls:
	  - name: edge
	    format: iptables
	    file: edge.rules
	    public_ips: [203.0.113.25]
	    outside_ifaces: [eth0]
	    inside_ifaces: [eth1]
	YAML
	$MXAUDIT init --store "$SCRATCH/st" >/dev/null
}

# assert_live_as_stored NAME: `check --live` of the world as it is now and
# `check` of the snapshot just taken ($DNS, store ./st) give the same exit
# code and the same findings (severity, code, subject, message, evidence).
# ./live.txt and ./stored.txt keep both, one finding a line.
assert_live_as_stored() {
	mx --store st --dns-server "$DNS" check --live --format json
	_lrc=$rc
	findings_lines out >live.txt
	mx --store st check --format json
	findings_lines out >stored.txt
	assert_eq "$_lrc" "$rc" "$1: same exit code live and stored"
	if cmp -s live.txt stored.txt && [ -s stored.txt ]; then
		ok "$1: same findings live and stored ($(wc -l <stored.txt))"
	else
		notok "$1: findings differ live and stored"
		diff live.txt stored.txt | sed 's/^/#   /' | head -20
	fi
}
findings_lines() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for dom in d["domains"]:
    for f in dom["findings"]:
        print(dom["domain"], f["severity"], f["code"], f["subject"], f["message"], f["evidence"])
PY
}
