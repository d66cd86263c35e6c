#!/bin/sh
# t50-fw-kernel: the kernel is the reference. Three network namespaces
# (internet, firewall, mail host) joined by veth pairs, documentation
# addresses only. Each fixture is loaded into the firewall namespace
# (iptables-nft-restore or nft -f), exported back the way an operator
# would (iptables-nft-save, iptables -S, nft -j list ruleset), and for
# every probe - source address, protocol, port - what a real connection
# reached is compared with what `mxaudit reach` says it reaches.
#
#   internet ns             firewall ns                     mail ns
#   eth0 203.0.113.50/24 -- eth0 203.0.113.10/24
#   + 198.51.100.{1,14,20,200}/32
#                           eth1 192.0.2.1/24 ------------- eth0 192.0.2.25/24, .26
#
# IPv6 runs alongside: internet 2001:db8:1::50/64 with sources
# 2001:db8:bad::1 and 2001:db8:feed::1, firewall 2001:db8:1::10/64 and
# 2001:db8:25::1/64, mail host 2001:db8:25::25/64. Egress probes go the
# other way: from the mail host to listeners on the internet side.
#
# Every listener answers with its own "ADDRESS:PORT", so a probe shows
# where it ended: the mail host, the wrong host, or the firewall itself.
. "$TOP/tests/lib.sh"

if ! is_root; then
	echo "SKIP: firewall kernel tests (needs root)"
	exit 0
fi
for tool in ip socat nft iptables-nft-restore iptables-nft-save; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: firewall kernel tests ($tool missing; run scripts/deps)"
		exit 0
	fi
done

FX="$FIXTURES/fw"
INET=mxi$$ FW=mxf$$ MAIL=mxm$$
SOURCES="198.51.100.1 198.51.100.14 198.51.100.20 198.51.100.200 203.0.113.50"
SOURCES6="2001:db8:bad::1 2001:db8:feed::1 2001:db8:1::50"
DESTS="198.51.100.1 198.51.100.20 203.0.113.50"
PUB=203.0.113.10 PUB6=2001:db8:1::10

# Stop what runs inside our own namespaces (the listeners), then remove them.
cleanup() {
	for n in $INET $FW $MAIL; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
}
at_exit cleanup
trap 'exit 1' INT TERM HUP

in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# veth NS1 IF1 NS2 IF2: a pair with these names inside the namespaces.
veth() {
	ip link add "v$$a$5" type veth peer name "v$$b$5" || return 1
	ip link set "v$$a$5" netns "$1" && ip link set "v$$b$5" netns "$3" &&
	in_ns "$1" ip link set "v$$a$5" name "$2" up &&
	in_ns "$3" ip link set "v$$b$5" name "$4" up
}

setup() {
	for n in $INET $FW $MAIL; do
		ip netns add "$n" && in_ns "$n" ip link set lo up || return 1
	done
	veth $INET eth0 $FW eth0 1 && veth $FW eth1 $MAIL eth0 2 || return 1
	in_ns $INET ip addr add 203.0.113.50/24 dev eth0
	for s in $SOURCES; do
		[ "$s" = 203.0.113.50 ] || in_ns $INET ip addr add "$s/32" dev eth0
	done
	in_ns $INET ip route add default via $PUB
	in_ns $FW ip addr add $PUB/24 dev eth0
	in_ns $FW ip addr add 192.0.2.1/24 dev eth1
	in_ns $FW ip route add 198.51.100.0/24 via 203.0.113.50
	in_ns $FW sysctl -qw net.ipv4.ip_forward=1
	in_ns $MAIL ip addr add 192.0.2.25/24 dev eth0
	in_ns $MAIL ip addr add 192.0.2.26/24 dev eth0
	in_ns $MAIL ip route add default via 192.0.2.1
	in_ns $INET ip -6 addr add 2001:db8:1::50/64 dev eth0 nodad
	in_ns $INET ip -6 addr add 2001:db8:bad::1/128 dev eth0 nodad
	in_ns $INET ip -6 addr add 2001:db8:feed::1/128 dev eth0 nodad
	in_ns $INET ip -6 route add default via $PUB6
	in_ns $FW ip -6 addr add $PUB6/64 dev eth0 nodad
	in_ns $FW ip -6 addr add 2001:db8:25::1/64 dev eth1 nodad
	in_ns $FW ip -6 route add 2001:db8:bad::/48 via 2001:db8:1::50
	in_ns $FW ip -6 route add 2001:db8:feed::/48 via 2001:db8:1::50
	in_ns $FW sysctl -qw net.ipv6.conf.all.forwarding=1
	in_ns $MAIL ip -6 addr add 2001:db8:25::25/64 dev eth0 nodad
	in_ns $MAIL ip -6 route add default via 2001:db8:25::1
	sleep 1   # let neighbours settle
}

# listen NS ADDR: tcp 25 465 587 993 2525 and udp 53, each answering
# "ADDR PORT" (socat would take a colon for its own syntax).
listen() {
	for port in 25 465 587 993 2525; do
		ip netns exec "$1" socat TCP4-LISTEN:$port,bind="$2",reuseaddr,fork SYSTEM:"echo $2 $port" 2>/dev/null &
	done
	# UDP4-LISTEN: each forked child is connected to its peer, so a child
	# that lingers (-T1) never takes another peer's datagram.
	ip netns exec "$1" socat -T1 UDP4-LISTEN:53,bind="$2",reuseaddr,fork SYSTEM:"echo $2 53" 2>/dev/null &
}

# listen6 NS ADDR: tcp 25, answering "[ADDR]:25".
listen6() {
	ip netns exec "$1" socat TCP6-LISTEN:25,bind="[$2]",reuseaddr,fork SYSTEM:"echo [$2] 25" 2>/dev/null &
}

# probe SRC PROTO PORT: print what answered, or "none".
probe() {
	if [ "$2" = tcp ]; then
		r=$(in_ns $INET socat -T2 -t2 STDIO TCP4:$PUB:$3,bind="$1",connect-timeout=2 </dev/null 2>/dev/null)
	else   # -t2: wait for the answer after our datagram is sent; two retries
		for try in 1 2 3; do   # a loaded machine (valgrind runs) can lose one
			r=$(echo q | in_ns $INET socat -T2 -t2 STDIO UDP4:$PUB:$3,bind="$1" 2>/dev/null)
			[ -n "$r" ] && break
			sleep 1
		done
	fi
	r=$(echo "$r" | tr ' ' ':')
	echo "${r:-none}"
}

# probe6 SRC: tcp/25 to the IPv6 public address.
probe6() {
	r=$(in_ns $INET socat -T2 -t2 STDIO "TCP6:[$PUB6]:25,bind=[$1],connect-timeout=2" </dev/null 2>/dev/null)
	r=$(echo "$r" | tr ' ' ':')
	echo "${r:-none}"
}

# probe_out DEST PROTO PORT: from the mail host out to DEST.
probe_out() {
	if [ "$2" = tcp ]; then
		r=$(in_ns $MAIL socat -T2 -t2 STDIO TCP4:$1:$3,bind=192.0.2.25,connect-timeout=2 </dev/null 2>/dev/null)
	else
		for try in 1 2 3; do   # a loaded machine (valgrind runs) can lose one
			r=$(echo q | in_ns $MAIL socat -T2 -t2 STDIO UDP4:$1:$3,bind=192.0.2.25 2>/dev/null)
			[ -n "$r" ] && break
			sleep 1
		done
	fi
	r=$(echo "$r" | tr ' ' ':')
	echo "${r:-none}"
}

# predict EXPORT SRC PROTO PORT [reach options]: what mxaudit says the probe reaches.
predict() {
	exp=$1 src=$2 proto=$3 port=$4
	shift 4
	$MXAUDIT reach --firewall "$exp" --to $PUB:$port/$proto --from "$src/32" \
		--in eth0 --out eth1 --json "$@" >pred.json 2>pred.err
	v=$(sed -n 's/^  "verdict": "\(.*\)",$/\1/p' pred.json)
	case "$v" in
	allowed) sed -n 's/^  "reaches": "\(.*\)",$/\1/p' pred.json ;;
	blocked) echo none ;;
	*) echo "unknown($v: $(head -c 200 pred.err))" ;;
	esac
}

# check NAME EXPORT PROTO:PORT...: probe every source and port in parallel, compare.
check() {
	name=$1 exp=$2
	shift 2
	for pp in "$@"; do
		proto=${pp%%:*} port=${pp#*:}
		pids=
		for s in $SOURCES; do
			if [ "$proto" = tcp ]; then
				probe "$s" "$proto" "$port" >"k.$s.$proto.$port" &
				pids="$pids $!"
			else   # one datagram at a time: socat's forking UDP listener loses some
				probe "$s" "$proto" "$port" >"k.$s.$proto.$port"
			fi
		done
		[ -z "$pids" ] || wait $pids   # never a bare wait: the listeners are children too
		for s in $SOURCES; do
			k=$(cat "k.$s.$proto.$port")
			m=$(predict "$exp" "$s" "$proto" "$port")
			assert_eq "$m" "$k" "$name: $proto/$port from $s: mxaudit says what the kernel did ($k)"
		done
	done
}

# verdict_of JSON: "reached" for allowed, "none" for blocked, else "unknown(...)".
verdict_of() {
	v=$(sed -n 's/^  "verdict": "\(.*\)",$/\1/p' "$1")
	case "$v" in
	allowed) echo reached ;;
	blocked) echo none ;;
	*) echo "unknown($v: $(head -c 200 pred.err))" ;;
	esac
}

# check_egress NAME EXPORT PROTO:PORT...: from the mail host to every DEST.
check_egress() {
	name=$1 exp=$2
	shift 2
	for pp in "$@"; do
		proto=${pp%%:*} port=${pp#*:}
		for d in $DESTS; do
			k=$(probe_out "$d" "$proto" "$port")
			case "$k" in none) ;; "$d:$port") k=reached ;; *) k="wrong($k)" ;; esac
			$MXAUDIT reach --firewall "$exp" --from-host 192.0.2.25 --to "$d/32:$port/$proto" \
				--in eth1 --out eth0 --json >pred.json 2>pred.err
			assert_eq "$(verdict_of pred.json)" "$k" "$name: $proto/$port out to $d: mxaudit says what the kernel did ($k)"
		done
	done
}

# check6 NAME EXPORT: tcp/25 to the IPv6 public address from every IPv6 source.
check6() {
	for s in $SOURCES6; do
		k=$(probe6 "$s")
		$MXAUDIT reach --firewall "$2" --to "[$PUB6]:25/tcp" --from "$s/128" \
			--in eth0 --out eth1 --json >pred.json 2>pred.err
		m=$(verdict_of pred.json)
		[ "$m" = reached ] && m=$(sed -n 's/^  "reaches": "\(.*\)",$/\1/p' pred.json)
		assert_eq "$m" "$k" "$1: tcp/25 from $s: mxaudit says what the kernel did ($k)"
	done
}

load_ipt() {
	in_ns $FW nft flush ruleset
	in_ns $FW iptables-nft-restore <"$FX/$1" || { notok "$1: iptables-nft-restore failed"; return 1; }
	in_ns $FW iptables-nft-save >"$1.save"
}

load_nft() {
	in_ns $FW nft flush ruleset
	in_ns $FW nft -f "$FX/$1" || { notok "$1: nft -f failed"; return 1; }
	in_ns $FW nft -j list ruleset >"$1.json"
}

if ! setup; then
	echo "SKIP: firewall kernel tests (cannot create namespaces or veth pairs here)"
	exit 0
fi
listen $MAIL 192.0.2.25
listen $MAIL 192.0.2.26
listen $FW $PUB
for d in $DESTS; do listen $INET "$d"; done
listen6 $MAIL 2001:db8:25::25
listen6 $FW $PUB6
sleep 0.5

# Sanity: with no rules the mail host is not reached (no port-forward)
# and the firewall answers itself.
in_ns $FW nft flush ruleset
assert_eq "$(probe 203.0.113.50 tcp 25)" "$PUB:25" "topology: the firewall answers on $PUB:25 without rules"

for f in k01-basic k02-shadow k03-wrong-iface k04-no-established k05-dnat-wrong-host \
	 k06-negated k07-userchain k08-multiport k10-hostfw k11-udp k14-ufw k15-docker k16-portmap \
	 k19-hardening k22-odd-matches; do
	load_ipt $f.rules || continue
	case $f in
	k01*) check $f $f.rules.save tcp:25 tcp:465 ;;
	k06*) check $f $f.rules.save tcp:25 tcp:587 tcp:993 ;;
	k08*) check $f $f.rules.save tcp:25 tcp:465 tcp:587 tcp:993 tcp:2525 ;;
	k10*) check $f $f.rules.save tcp:25 udp:53 ;;
	k11*) check $f $f.rules.save udp:53 ;;
	k14*) check $f $f.rules.save tcp:25 tcp:587 ;;
	k16*) check $f $f.rules.save tcp:25 tcp:587 tcp:465 ;;
	k19*) check $f $f.rules.save tcp:25 tcp:465 ;;
	k22*) check $f $f.rules.save tcp:25 tcp:465 tcp:587 ;;
	*) check $f $f.rules.save tcp:25 ;;
	esac
done

# The -S form of a table pair, as `iptables -S; iptables -t nat -S` print it.
load_ipt k07-userchain.rules &&
	in_ns $FW sh -c 'iptables-nft -S; iptables-nft -t nat -S' >k07.S &&
	check k07-S k07.S tcp:25

load_nft k09-two-chains.nft && check k09-nft k09-two-chains.nft.json tcp:25 tcp:587
load_nft k17-nft-host.nft && check k17-nft k17-nft-host.nft.json tcp:25 tcp:465 tcp:587
load_nft k18-nft-firewalld.nft && check k18-nft k18-nft-firewalld.nft.json tcp:25 tcp:465 tcp:587
load_nft k20-nft-flags.nft && check k20-nft k20-nft-flags.nft.json tcp:25
load_nft k21-nft-natmap.nft && check k21-nft k21-nft-natmap.nft.json tcp:25 tcp:465 tcp:587

load_ipt k12-egress.rules && check_egress k12-egress k12-egress.rules.save tcp:25 udp:53

# IPv6: ip6tables-nft-restore, exported with ip6tables-nft-save.
in_ns $FW nft flush ruleset
if in_ns $FW ip6tables-nft-restore <"$FX/k13-ipv6.rules"; then
	in_ns $FW ip6tables-nft-save >k13.save
	check6 k13-ipv6 k13.save
else
	notok "k13-ipv6.rules: ip6tables-nft-restore failed"
fi
