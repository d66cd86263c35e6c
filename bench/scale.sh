#!/bin/sh
# bench/scale.sh [N] - mxaudit at scale: N (default 10000) synthetic domains
# served by NSD on loopback. Prints queries, wall time, queries per second
# and the ratio to dnsperf's rate against the same server and query mix,
# peak RSS, and check/diff/no-change runs as ratios to named references.
# Timing lives here only; make test has no timed assertion.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
mx="$top/mxaudit"
work="$top/bench/out"
rm -rf "$work"
mkdir -p "$work/nsd"
cd "$work"

now() { date +%s.%N; }
# timed N CMD...: seconds for N runs of CMD (short commands are timed in bulk)
timed() {
	_n=$1; shift
	_t0=$(now)
	_i=0
	while [ $_i -lt "$_n" ]; do "$@" >/dev/null 2>&1 || true; _i=$((_i + 1)); done
	_t1=$(now)
	echo "($_t1 - $_t0) / $_n" | bc -l | awk '{ printf "%.4f", $1 }'
}
secs() { echo "$2 - $1" | bc -l | awk '{ printf "%.2f", $1 }'; }
ratio() { echo "$1 / $2" | bc -l | awk '{ printf "%.2f", $1 }'; }
peak() { awk 'NF == 2 { print $2 }' "$1"; }   # from /usr/bin/time -f '%e %M' (after its "exited with" line)

port=20000
while ss -Hlntu | awk '{print $5}' | grep -q ":$port\$"; do port=$((port + 1)); done
start_nsd() {
	{
		printf 'server:\n  ip-address: 127.0.0.1@%s\n  username: ""\n  chroot: ""\n  database: ""\n' "$port"
		printf '  zonesdir: "%s"\n  pidfile: "%s/nsd/pid"\n  xfrdfile: "%s/nsd/xfrd"\n' "$1" "$work" "$work"
		printf '  zonelistfile: "%s/nsd/zl"\n  logfile: "%s/nsd/log"\n' "$work" "$work"
		printf '  server-count: 1\n  rrl-ratelimit: 0\nremote-control:\n  control-enable: no\n'
		for z in "$1"/*.zone; do
			printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$(basename "$z" .zone)" "$z"
		done
	} >"$work/nsd/nsd.conf"
	nsd -c "$work/nsd/nsd.conf"
	until drill -p "$port" @127.0.0.1 bench.example SOA >/dev/null 2>&1; do sleep 0.2; done
}
stop_nsd() { kill "$(cat "$work/nsd/pid")" 2>/dev/null || true; sleep 0.5; }
trap stop_nsd EXIT

echo "bench: building a world of $n domains"
sh "$top/bench/world.sh" "$work/before" "$n"
sh "$top/bench/world.sh" "$work/after" "$n" $((n / 100))
cp "$work/before/mxaudit.yaml" "$work/mxaudit.yaml"
start_nsd "$work/before/zones"
"$mx" init --store st >/dev/null
MX="$mx -c $work/mxaudit.yaml --store st --dns-server 127.0.0.1:$port"

# 1. The first snapshot: every query, every file.
/usr/bin/time -o t.snap -f '%e %M' $MX --format json snapshot >snap.json
queries=$(sed -n 's/.*"queries": \([0-9]*\).*/\1/p' snap.json)
collect_ms=$(sed -n 's/.*"collect_ms": \([0-9]*\).*/\1/p' snap.json)
wall=$(awk 'NF == 2 { print $1 }' t.snap)

# 1b. Plain git adding and committing the same tree: the anchor of the
#     whole first snapshot together with dnsperf.
rm -rf gitref && mkdir gitref && git --git-dir=st archive HEAD | tar -x -C gitref
t0=$(now)
(cd gitref && git init -q && git add -A && git -c user.name=b -c user.email=b@bench.example commit -qm ref)
ref_git=$(secs "$t0" "$(now)")

# 2. dnsperf against the same server with the same queries (every lookup the snapshot made).
git --git-dir=st archive HEAD dns | tar -x
cat dns/*.status | awk -F'\t' '!/^;/ && !seen[$1 " " $2]++ { print $1, $2 }' >queries.txt
# Three 5-second runs; the median, since a 2-core machine's rate varies.
for i in 1 2 3; do
	dnsperf -s 127.0.0.1 -p "$port" -d queries.txt -l 5 -q 1000 -c 1 2>&1 |
		awk '/Queries per second/ { print $4 }'
done | sort -n >dnsperf.txt
dqps=$(sed -n 2p dnsperf.txt | awk '{ printf "%.0f", $1 }')

cqps=$(echo "$queries * 1000 / $collect_ms" | bc -l | awk '{ printf "%.0f", $1 }')
wqps=$(echo "$queries / $wall" | bc -l | awk '{ printf "%.0f", $1 }')

# 3. check of the snapshot, against git reading every file of it.
check=$(timed 3 "$mx" --store st -c "$work/mxaudit.yaml" check)
ref_check=$(timed 3 sh -c 'git --git-dir=st archive HEAD | tar -t')

# 4. Runs with no change: a second snapshot and drift (what cron runs),
#    each against dnsperf asking the same queries.
ref_same=$(echo "$queries / $dqps" | bc -l | awk '{ printf "%.2f", $1 }')
ref_first=$(echo "$ref_same + $ref_git" | bc -l | awk '{ printf "%.2f", $1 }')
objs0=$(find st/objects -type f | wc -l)
/usr/bin/time -o t.same -f '%e %M' $MX snapshot >/dev/null 2>&1 || true
same=$(awk 'NF == 2 { print $1 }' t.same)
objs1=$(find st/objects -type f | wc -l)
/usr/bin/time -o t.drift -f '%e %M' $MX drift >/dev/null 2>&1 || true
drift=$(awk 'NF == 2 { print $1 }' t.drift)

# 4b. spf on one address, one process each, against spfquery's start-up
#     (spfquery asks the system resolver, not the bench server, so only
#     its process start is a fair anchor: spfquery -version).
spf1=$(timed 50 "$mx" --dns-server 127.0.0.1:$port spf d1.bench.example --ip 203.0.113.2)
if command -v spfquery >/dev/null; then ref_spf=$(timed 50 spfquery -version); else ref_spf=; fi

# 5. 1% of the domains change their second MX host; diff the two snapshots.
stop_nsd
start_nsd "$work/after/zones"
/usr/bin/time -o t.snap2 -f '%e %M' $MX snapshot >/dev/null 2>&1 || true
diff=$(timed 20 "$mx" --store st diff HEAD~1 HEAD)
ref_diff=$(timed 20 git --git-dir=st diff --stat HEAD~1 HEAD)
rss=$(cat t.snap t.same t.snap2 | awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }')

# 6. Peak RSS of a first snapshot at 3x the domains (BENCH_RSS_N, 0 skips).
n3=${BENCH_RSS_N:-$((n * 3))}
rss3=-
if [ "$n3" -gt 0 ]; then
	stop_nsd
	sh "$top/bench/world.sh" "$work/big" "$n3"
	start_nsd "$work/big/zones"
	"$mx" init --store st3 >/dev/null
	/usr/bin/time -o t.snap3 -f '%e %M' "$mx" -c "$work/big/mxaudit.yaml" --store st3 \
		--dns-server 127.0.0.1:$port snapshot >/dev/null 2>&1 || true
	rss3=$(awk '{ printf "%.0f", $2 / 1024 }' t.snap3)
fi
rss1=$(awk '{ printf "%.0f", $2 / 1024 }' t.snap)

cat <<REPORT

mxaudit scale benchmark: $n domains, NSD on 127.0.0.1 ($(nproc) cores)
  queries made                      $queries
  collection                        $(echo "$collect_ms / 1000" | bc -l | awk '{ printf "%.2f", $1 }') s, $cqps queries/s
  whole snapshot (collect + commit) $wall s, $wqps queries/s
  dnsperf, same server and queries  $dqps queries/s (median of $(tr '\n' ' ' <dnsperf.txt | awk '{ printf "%.0f %.0f %.0f", $1, $2, $3 }'))
  ratio collection / dnsperf        $(ratio "$cqps" "$dqps")   (target >= 0.80)
  first snapshot vs dnsperf + git   $wall s = $(ratio "$wall" "$ref_first") x ($ref_same s dnsperf + $ref_git s git add -A && git commit)   (target <= 1.25)
  peak RSS, first snapshot          $rss1 MB at $n domains   (target < 150)
  peak RSS, first snapshot          $rss3 MB at $n3 domains   (target <= 1.3 x the above)
  peak RSS, any run                 $rss MB at $n domains
  check (whole snapshot)            $check s = $(ratio "$check" "$ref_check") x reading the snapshot with git archive ($ref_check s)
  diff, 1% of domains changed       $diff s = $(ratio "$diff" "$ref_diff") x git diff --stat ($ref_diff s)   (target <= 2)
  snapshot with no change           $same s = $(ratio "$same" "$ref_same") x dnsperf asking the same queries ($ref_same s)   (target <= 1.25; $((objs1 - objs0)) new object files)
  drift with no change              $drift s = $(ratio "$drift" "$ref_same") x dnsperf asking the same queries ($ref_same s)
  spf, one process per address      $spf1 s = $(if [ -n "$ref_spf" ]; then echo "$(ratio "$spf1" "$ref_spf") x spfquery process start ($ref_spf s)"; else echo "(spfquery not installed)"; fi)   (target <= 1)
REPORT
if "$mx" spf --help 2>&1 | grep -q -- '--batch'; then
	awk -v n="$n" 'BEGIN { for (k = 0; k < n; k++) printf "203.0.113.%d postmaster@d%d.bench.example\n", k % 250 + 1, k }' >spf.in
	t0=$(now)
	"$mx" --dns-server 127.0.0.1:$port spf --batch <spf.in >spf.out 2>&1 || true
	tb=$(secs "$t0" "$(now)")
	echo "  spf --batch, one process         $tb s for $n evaluations = $(echo "$tb * 1000000 / $n" | bc -l | awk '{ printf "%.0f", $1 }') us per evaluation"
else
	echo "  spf --batch                       (not available in this build)"
fi
