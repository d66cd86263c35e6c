#!/bin/sh
# t54-fw-outbound: the kernel is the reference for the way out and for a
# mail host's own firewall. Three namespaces; the internet knows only
# 203.0.113.0/24 (no route to the inside), so a connection gets its
# replies only when the edge translated its source to one of its own
# public addresses, 203.0.113.10 and 203.0.113.11.
#
#   internet ns                firewall ns (edge)            mail ns (host firewall)
#   eth0 203.0.113.50/24 ----- eth0 203.0.113.10/24, .11
#   + 198.51.100.{1,14,20}/32  eth1 10.20.0.1/24 ----------- eth0 10.20.0.25/24
#
# Source NAT present, missing, to an address that is not the edge's, and
# MASQUERADE: each probed for real, compared with `reach --from-host
# --public-ip` and with the outbound findings of `check`. Then the mail
# host's nftables firewall (role: host): inbound through the edge and
# then its INPUT chain, outbound through its OUTPUT chain and then the
# edge, compared with both `reach` answers chained and with `check`.
. "$TOP/tests/lib.sh"

if ! is_root; then
	echo "SKIP: outbound kernel tests (needs root)"
	exit 0
fi
for tool in ip socat nft nsd iptables-nft-restore iptables-nft-save; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: outbound kernel tests ($tool missing; run scripts/deps)"
		exit 0
	fi
done

FX="$FIXTURES/outbound"
INET=mxoi$$ FW=mxof$$ MAIL=mxom$$
SOURCES="198.51.100.14 198.51.100.20 203.0.113.50"
DESTS="198.51.100.1 198.51.100.20 203.0.113.50"
PUBS="--public-ip 203.0.113.10 --public-ip 203.0.113.11"

cleanup() {
	for n in $INET $FW $MAIL; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
}
at_exit cleanup
trap 'exit 1' INT TERM HUP

in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

veth() {
	ip link add "o$$a$5" type veth peer name "o$$b$5" || return 1
	ip link set "o$$a$5" netns "$1" && ip link set "o$$b$5" netns "$3" &&
	in_ns "$1" ip link set "o$$a$5" name "$2" up &&
	in_ns "$3" ip link set "o$$b$5" name "$4" up
}

setup() {
	for n in $INET $FW $MAIL; do
		ip netns add "$n" && in_ns "$n" ip link set lo up || return 1
	done
	veth $INET eth0 $FW eth0 1 && veth $FW eth1 $MAIL eth0 2 || return 1
	in_ns $INET ip addr add 203.0.113.50/24 dev eth0
	for s in 198.51.100.1 198.51.100.14 198.51.100.20; do
		in_ns $INET ip addr add "$s/32" dev eth0
	done
	in_ns $FW ip addr add 203.0.113.10/24 dev eth0
	in_ns $FW ip addr add 203.0.113.11/24 dev eth0
	in_ns $FW ip addr add 10.20.0.1/24 dev eth1
	in_ns $FW ip route add 198.51.100.0/24 via 203.0.113.50
	in_ns $FW sysctl -qw net.ipv4.ip_forward=1
	in_ns $MAIL ip addr add 10.20.0.25/24 dev eth0
	in_ns $MAIL ip route add default via 10.20.0.1
	sleep 1
}

# listen NS ADDR PORT...: tcp listeners answering "ADDR PORT".
listen() {
	ns=$1 addr=$2
	shift 2
	for port in "$@"; do
		ip netns exec "$ns" socat TCP4-LISTEN:$port,bind="$addr",reuseaddr,fork SYSTEM:"echo $addr $port" 2>/dev/null &
	done
}

# probe_in SRC PORT: from the internet to the edge's 203.0.113.10.
probe_in() {
	r=$(in_ns $INET socat -T2 -t2 STDIO TCP4:203.0.113.10:$2,bind="$1",connect-timeout=2 </dev/null 2>/dev/null)
	r=$(echo "$r" | tr ' ' ':')
	echo "${r:-none}"
}

# probe_out DEST: tcp/25 from the mail host.
probe_out() {
	r=$(in_ns $MAIL socat -T2 -t2 STDIO TCP4:$1:25,bind=10.20.0.25,connect-timeout=2 </dev/null 2>/dev/null)
	r=$(echo "$r" | tr ' ' ':')
	case "$r" in "") echo none ;; "$1:25") echo reached ;; *) echo "wrong($r)" ;; esac
}

verdict() { sed -n 's/^  "verdict": "\(.*\)",$/\1/p' "$1"; }

# reach_out EXPORT DEST [options]: "reached" or "none" as mxaudit says.
reach_out() {
	exp=$1 d=$2
	shift 2
	$MXAUDIT reach --firewall "$exp" --from-host 10.20.0.25 --to "$d/32:25/tcp" --json "$@" >pred.json 2>pred.err
	case "$(verdict pred.json)" in allowed) echo reached ;; blocked) echo none ;; *) echo "unknown($(verdict pred.json))" ;; esac
}

load_edge() {  # SNAT-LINE
	sed "s|^@SNAT@\$|$1|" "$FX/edge.rules" >edge.in
	in_ns $FW nft flush ruleset
	in_ns $FW iptables-nft-restore <edge.in || { notok "edge: iptables-nft-restore failed"; return 1; }
	in_ns $FW iptables-nft-save >edge.save
	cp edge.save exports/edge.rules
}

# The DNS of example.org: its MX is the edge's 203.0.113.10, SPF allows
# only that address, whose PTR resolves back.
mkdir zones exports
cat >zones/example.org.zone <<'ZONE'
$ORIGIN example.org.
$TTL 3600
@	IN SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300
	IN NS ns1.example.org.
	IN MX 10 mx.example.org.
	IN TXT "v=spf1 ip4:203.0.113.10 -all"
ns1	IN A 203.0.113.53
mx	IN A 203.0.113.10
ZONE
cat >zones/113.0.203.in-addr.arpa.zone <<'ZONE'
$ORIGIN 113.0.203.in-addr.arpa.
$TTL 3600
@	IN SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300
	IN NS ns1.example.org.
10	IN PTR mx.example.org.
ZONE
PORT=$(free_port)
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
cat >mxaudit.yaml <<YAML
lab: true
domains:
  - name: example.org
    mail_hosts: [10.20.0.25]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
    public_ips: [203.0.113.10, 203.0.113.11]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
YAML
$MXAUDIT init --store st >/dev/null

# check_codes: snapshot and check; ./codes gets the path's codes.
check_codes() {
	$MXAUDIT --store st --dns-server "127.0.0.1:$PORT" snapshot >/dev/null 2>&1
	mx --store st check --format json
	grep -o '"code": "[a-z.-]*"' out | sed 's/.*"\([a-z.-]*\)"$/\1/' |
		grep -E '^(inbound|egress|outbound)\.' | sort -u | tr '\n' ' ' >codes
}

if ! setup; then
	echo "SKIP: outbound kernel tests (cannot create namespaces or veth pairs here)"
	exit 0
fi
listen $MAIL 10.20.0.25 25 587
for d in $DESTS; do listen $INET "$d" 25; done
sleep 0.5

# Source NAT, each way: the kernel, reach, check.
for case in "snat-ok|-A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.10" \
	    "snat-second|-A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.11" \
	    "masquerade|-A POSTROUTING -o eth0 -j MASQUERADE" \
	    "no-snat|" \
	    "snat-wrong|-A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.99"; do
	name=${case%%|*} line=${case#*|}
	load_edge "$line" || continue
	out_ok=yes
	for d in $DESTS; do
		k=$(probe_out "$d")
		[ "$k" = reached ] || out_ok=no
		m=$(reach_out edge.save "$d" --in eth1 --out eth0 $PUBS)
		assert_eq "$m" "$k" "$name: tcp/25 out to $d: reach --public-ip says what the kernel did ($k)"
	done
	check_codes
	echo "# $name: $(cat codes)"
	if [ $out_ok = yes ]; then
		assert_no_grep 'outbound\.not-translated|egress\.smtp-blocked' codes "$name: check finds the way out open, as the kernel does"
	else
		assert_grep 'outbound\.not-translated' codes "$name: check finds that replies cannot come back, as the kernel does"
	fi
	case $name in
	snat-ok) assert_no_grep 'outbound\.' codes "snat-ok: the address is in SPF with a PTR that resolves back" ;;
	snat-second) assert_grep 'outbound\.not-authorized' codes "snat-second: 203.0.113.11 is outside SPF"
		assert_grep 'outbound\.no-fcrdns' codes "snat-second: and has no PTR" ;;
	masquerade) assert_grep 'outbound\.unknown' codes "masquerade: with two public addresses, which one is unknown" ;;
	esac
done
# Without public addresses reach follows the packet only: the old answer.
load_edge "" && assert_eq "$(reach_out edge.save 198.51.100.20 --in eth1 --out eth0)" reached \
	"no-snat: without --public-ip, reach answers for the first packet's path only"

# The mail host's own firewall behind the edge.
load_edge "-A POSTROUTING -s 10.20.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.10"
in_ns $MAIL nft -f "$FX/host.nft" || notok "host.nft: nft -f failed"
in_ns $MAIL nft -j list ruleset >exports/host.json
cat >>mxaudit.yaml <<YAML
  - name: mx1host
    role: host
    format: nft-json
    file: exports/host.json
    public_ips: [10.20.0.25]
    outside_ifaces: [eth0]
YAML
for s in $SOURCES; do
	for port in 25 587; do
		k=$(probe_in "$s" $port)
		$MXAUDIT reach --firewall edge.save --to 203.0.113.10:$port/tcp --from "$s/32" --in eth0 --out eth1 --json >e.json 2>pred.err
		$MXAUDIT reach --firewall exports/host.json --to 10.20.0.25:$port/tcp --from "$s/32" --in eth0 --json >h.json 2>pred.err
		m=none
		[ "$(verdict e.json)" = allowed ] && [ "$(verdict h.json)" = allowed ] && m="10.20.0.25:$port"
		assert_eq "$m" "$k" "edge+host: tcp/$port from $s: edge then INPUT of the host, as the kernel ($k)"
	done
done
for d in $DESTS; do
	k=$(probe_out "$d")
	m=$(reach_out exports/host.json "$d" --host-local)
	[ "$m" = reached ] && m=$(reach_out edge.save "$d" --in eth1 --out eth0 $PUBS)
	assert_eq "$m" "$k" "edge+host: tcp/25 out to $d: OUTPUT of the host then the edge, as the kernel ($k)"
done
check_codes
echo "# edge+host: $(cat codes)"
assert_eq "$(cat codes)" "egress.smtp-blocked inbound.blocklist " "edge+host: check finds the banned sender and the refused destination"
assert_grep '"subject": "mx1host: inet filter input #3: -s 198\.51\.100\.14/32 -j DROP' out "the ban is named on the host firewall"
assert_grep '"subject": "mx1host: tcp/25 from 10\.20\.0\.25"' out "the refused destination is named on the host firewall's OUTPUT"
assert_grep 'may not send tcp/25 to 198\.51\.100\.1/32' out "and it is the one the kernel refused"
