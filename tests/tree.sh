# tests/tree.sh - sourced after tests/lib.sh: a small DNS internet in a
# network namespace of its own. NSD serves a root, the TLD "test." and
# the domains' zones (tests/fixtures/tree/, copied to ./tree/), each server
# on its own address on the namespace's loopback, port 53; Unbound, at
# 192.0.2.53, resolves from the root as a recursive resolver does.
#
#   tree_start            make the namespace, start the servers and Unbound
#   tree_nsd NAME ADDR ZONE=FILE...   start (or restart) one NSD
#   tree_stop NAME        stop one NSD
#   in_tree CMD...        run CMD inside the namespace
#
# lame.test's listed servers include the TLD's (refers), the provider's
# (refuses) and 192.0.2.44, tests/hostile-dns relaying to its real server
# with the AA flag cleared; dead.test's second server never answers.
# deleg.test delegates mail., _domainkey. and _dmarc. to 192.0.2.46.
#
# Needs root (namespaces) and unbound; tree_start prints SKIP and exits
# the script otherwise. $MXAUDIT then runs mxaudit inside the namespace.

TREE_NS=mxtree$$
TREE_RESOLVER=192.0.2.53

in_tree() { ip netns exec "$TREE_NS" "$@"; }

tree_cleanup() {
	for _p in $(ip netns pids "$TREE_NS" 2>/dev/null); do kill "$_p" 2>/dev/null; done
	ip netns del "$TREE_NS" 2>/dev/null
}

tree_nsd() {
	_n=$1 _addr=$2
	shift 2
	tree_stop "$_n"
	mkdir -p "$SCRATCH/$_n"
	{
		echo "server:"
		echo "  ip-address: $_addr@53"
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  database: \"\""
		echo "  pidfile: \"$SCRATCH/$_n/nsd.pid\""
		echo "  xfrdfile: \"$SCRATCH/$_n/xfrd.state\""
		echo "  zonelistfile: \"$SCRATCH/$_n/zone.list\""
		echo "  logfile: \"$SCRATCH/$_n/nsd.log\""
		echo "  server-count: 1"
		echo "  rrl-ratelimit: 0"
		echo "  rrl-whitelist-ratelimit: 0"
		echo "remote-control:"
		echo "  control-enable: no"
		for _z in "$@"; do
			echo "zone:"
			echo "  name: \"${_z%%=*}\""
			echo "  zonefile: \"$SCRATCH/tree/${_z#*=}\""
		done
	} >"$SCRATCH/$_n/nsd.conf"
	in_tree nsd -c "$SCRATCH/$_n/nsd.conf" ||
		{ notok "nsd $_n did not start"; cat "$SCRATCH/$_n/nsd.log"; exit 1; }
	_z=${1%%=*}
	for _i in $(seq 1 30); do
		in_tree drill @"$_addr" "$_z" SOA 2>/dev/null | grep -q 'rcode: NOERROR' && return 0
		sleep 0.2
	done
	notok "nsd $_n does not answer on $_addr"; cat "$SCRATCH/$_n/nsd.log"; exit 1
}

tree_stop() {
	[ -f "$SCRATCH/$1/nsd.pid" ] || return 0
	_pid=$(cat "$SCRATCH/$1/nsd.pid")
	kill "$_pid" 2>/dev/null
	for _i in $(seq 1 20); do
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$SCRATCH/$1/nsd.pid"
}

tree_unbound() {
	mkdir -p "$SCRATCH/unbound"
	printf '%s\n' ". 3600000 NS a.root.test." "a.root.test. 3600000 A 192.0.2.1" \
		>"$SCRATCH/unbound/root.hints"
	cat >"$SCRATCH/unbound/unbound.conf" <<-CONF
	server:
	  interface: $TREE_RESOLVER
	  port: 53
	  username: ""
	  chroot: ""
	  directory: "$SCRATCH/unbound"
	  pidfile: "$SCRATCH/unbound/unbound.pid"
	  logfile: "$SCRATCH/unbound/unbound.log"
	  use-syslog: no
	  root-hints: "$SCRATCH/unbound/root.hints"
	  module-config: "iterator"
	  access-control: 0.0.0.0/0 allow
	  do-ip6: no
	  num-threads: 1
	  qname-minimisation: no
	  harden-referral-path: no
	  minimal-responses: yes
	  # RFC 6761 names and the documentation ranges' reverse zones are
	  # served locally by default: here they are the test internet.
	  local-zone: "test." nodefault
	  local-zone: "113.0.203.in-addr.arpa." nodefault
	  local-zone: "100.51.198.in-addr.arpa." nodefault
	  local-zone: "2.0.192.in-addr.arpa." nodefault
	# Unbound takes the TLD server's referral of lame.test back to itself
	# for an empty answer: it resolves lame.test from its good server only,
	# so what is tested is how mxaudit treats the lame ones.
	stub-zone:
	  name: "lame.test"
	  stub-addr: 192.0.2.41
	remote-control:
	  control-enable: no
	CONF
	in_tree unbound -c "$SCRATCH/unbound/unbound.conf" ||
		{ notok "unbound did not start"; cat "$SCRATCH/unbound/unbound.log"; exit 1; }
	for _i in $(seq 1 30); do
		in_tree drill @"$TREE_RESOLVER" example.test SOA 2>/dev/null | grep -q 'rcode: NOERROR' && return 0
		sleep 0.2
	done
	notok "unbound does not resolve example.test"; cat "$SCRATCH/unbound/unbound.log"; exit 1
}

tree_start() {
	if ! is_root; then echo "SKIP: the delegation tree needs root (network namespaces)"; exit 0; fi
	for _t in nsd unbound drill ip; do
		command -v "$_t" >/dev/null ||
			{ echo "SKIP: the delegation tree needs $_t (run scripts/deps)"; exit 0; }
	done
	rm -rf "$SCRATCH/tree"
	cp -r "$FIXTURES/tree" "$SCRATCH/tree"
	netns_usable "$TREE_NS" ||
		{ echo "SKIP: the delegation tree (cannot run commands in a network namespace here)"; exit 0; }
	at_exit tree_cleanup
	trap 'exit 1' INT TERM HUP
	in_tree ip link set lo up
	for _a in 1 2 11 12 20 30 41 42 43 44 45 46 53; do
		in_tree ip addr add "192.0.2.$_a/32" dev lo
	done
	tree_nsd root 192.0.2.1 .=root.zone
	tree_nsd tld 192.0.2.2 test.=test.zone
	tree_nsd ex1 192.0.2.11 example.test=example.test.zone
	tree_nsd ex2 192.0.2.12 example.test=example.test.zone
	tree_nsd rev 192.0.2.20 113.0.203.in-addr.arpa=113.0.203.in-addr.arpa.zone \
		100.51.198.in-addr.arpa=100.51.198.in-addr.arpa.zone
	tree_nsd provider 192.0.2.30 provider.test=provider.test.zone
	tree_nsd lame 192.0.2.41 lame.test=lame.test.zone
	tree_nsd dead 192.0.2.42 dead.test=dead.test.zone
	tree_nsd deleg 192.0.2.45 deleg.test=deleg.test.zone
	tree_nsd sub 192.0.2.46 mail.deleg.test=mail.deleg.test.zone \
		_domainkey.deleg.test=_domainkey.deleg.test.zone _dmarc.deleg.test=_dmarc.deleg.test.zone
	# 192.0.2.44 relays to lame.test's server with the AA flag cleared.
	in_tree /usr/bin/python3 "$TOP/tests/hostile-dns" --listen 192.0.2.44 --port 53 \
		--upstream 192.0.2.41:53 --mode no-aa >"$SCRATCH/noaa.out" 2>"$SCRATCH/noaa.err" &
	for _i in $(seq 1 50); do
		grep -q ready "$SCRATCH/noaa.out" 2>/dev/null && break
		sleep 0.1
	done
	tree_unbound
	MXAUDIT="ip netns exec $TREE_NS $MXAUDIT"   # valgrind too, with MXAUDIT_VALGRIND
	cat >"$SCRATCH/mxaudit.yaml" <<-YAML
	lab: true
	resolver: $TREE_RESOLVER
	domains:
	  - name: example.test
	    dkim_selectors: [s1, s2]
	    sending_ips: [203.0.113.10]
	YAML
}
