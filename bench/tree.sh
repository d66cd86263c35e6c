#!/bin/sh
# bench/tree.sh [N] - the default DNS mode at scale: N (default 2000)
# domains in the delegation tree of tests/tree.sh (a root, the TLD, two
# domain servers, a provider, reverse zones, Unbound as the resolver) in
# a network namespace. Prints the wall time and queries of a snapshot,
# the ideal (queries x round trip / in flight) when the kernel can add a
# delay (netem), and what a second snapshot, seconds later, committed:
# records whose stored TTL drifted would show there. Needs root.
# Timing lives here only; make test has no timed assertion.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}
delay=${BENCH_DELAY_MS:-50}
work="$top/bench/out-tree"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 3
TOP=$top
. "$top/tests/lib.sh"
. "$top/tests/tree.sh"
tree_start >/dev/null
now() { date +%s.%N; }

# N domains on the two example.test servers, delegated from the TLD, each
# with an MX host of its own and one at the provider, the provider's SPF
# include, a DMARC report address and a DKIM key there (CNAME).
zones="example.test=example.test.zone"
i=1
while [ $i -le "$n" ]; do
	d=d$i.test
	cat >"tree/$d.zone" <<-ZONE
	\$ORIGIN $d.
	\$TTL 3600
	@	IN SOA ns1.example.test. hostmaster 1 7200 900 1209600 300
	@	IN NS ns1.example.test.
	@	IN NS ns2.example.test.
	@	IN MX 10 mx1
	@	IN MX 20 mx.provider.test.
	@	IN TXT "v=spf1 mx include:_spf.provider.test -all"
	mx1	IN A 203.0.113.$((i % 200 + 50))
	_dmarc	IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@reports.provider.test"
	s1._domainkey	IN CNAME s2.dkim.provider.test.
	ZONE
	printf 'd%s\tIN NS ns1.example.test.\nd%s\tIN NS ns2.example.test.\n' $i $i >>tree/test.zone
	printf 'd%s.test._report._dmarc.reports\tIN TXT "v=DMARC1"\n' $i >>tree/provider.test.zone
	zones="$zones $d=$d.zone"
	i=$((i + 1))
done
i=50
while [ $i -lt 250 ]; do printf '%s\tIN PTR mx1.d%s.test.\n' $i $((i - 50)) >>tree/113.0.203.in-addr.arpa.zone; i=$((i + 1)); done
# shellcheck disable=SC2086
tree_nsd ex1 192.0.2.11 $zones
# shellcheck disable=SC2086
tree_nsd ex2 192.0.2.12 $zones
tree_nsd tld 192.0.2.2 test.=test.zone
tree_nsd provider 192.0.2.30 provider.test=provider.test.zone
tree_nsd rev 192.0.2.20 113.0.203.in-addr.arpa=113.0.203.in-addr.arpa.zone \
	100.51.198.in-addr.arpa=100.51.198.in-addr.arpa.zone
{
	echo "lab: true"
	echo "resolver: $TREE_RESOLVER"
	echo "domains:"
	i=1
	while [ $i -le "$n" ]; do
		printf '  - name: d%s.test\n    dkim_selectors: [s1]\n' $i
		i=$((i + 1))
	done
} >mxaudit.yaml

rtt=0
if in_tree tc qdisc add dev lo root netem delay "${delay}ms" 2>/dev/null; then
	rtt=$((2 * delay))
	echo "bench: every packet delayed ${delay} ms (netem): round trip ${rtt} ms"
else
	echo "bench: no netem in this kernel: loopback round trips, no added delay"
fi
$MXAUDIT init --store st >/dev/null
t0=$(now)
$MXAUDIT --store st -v snapshot >snap1.out 2>snap1.err
rc1=$?
t1=$(now)
sleep 2
t2=$(now)
$MXAUDIT --store st -v snapshot >snap2.out 2>snap2.err
rc2=$?
t3=$(now)
stats() { sed -n 's/^collected \([0-9]*\) domains: \([0-9]*\) lookups, \([0-9]*\) queries in \([0-9.]*\)s.*/\1 \2 \3 \4/p' "$1"; }
set -- $(stats snap1.err)
echo "bench: first snapshot (exit $rc1): $1 domains, $2 lookups, $3 queries, wall $(echo "$t1 - $t0" | bc -l | awk '{ printf "%.2f", $1 }') s (collect $4 s)"
if [ "$rtt" -gt 0 ]; then
	echo "bench: ideal at $rtt ms and 1000 in flight: $(echo "$3 * $rtt / 1000 / 1000" | bc -l | awk '{ printf "%.2f", $1 }') s"
fi
set -- $(stats snap2.err)
echo "bench: second snapshot 2 s later (exit $rc2): $3 queries, wall $(echo "$t3 - $t2" | bc -l | awk '{ printf "%.2f", $1 }') s: $(head -1 snap2.out)"
echo "bench: commits: $(git --git-dir=st rev-list --count HEAD) (1 = no TTL drift)"
