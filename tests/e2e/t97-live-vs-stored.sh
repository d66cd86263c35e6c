# check --live and check of the snapshot just taken judge the same world
# the same way, firewalls included: same findings, same exit code, for
# each world of the fixtures: the firewall worlds (tests/fixtures/path:
# an iptables edge and an nftables host firewall in front of two MX, in
# each of its variants), the shared DNS world (tests/fixtures/zones, with
# its deliberate faults) and the estate (tests/fixtures/estate: self-hosted,
# M365-style, Google-style, parked), intact and broken.
. "$TOP/tests/lib.sh"
world_start
mkdir exports
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.20.0.25, 10.20.0.26]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
    public_ips: [192.0.2.25, 192.0.2.26]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
  - name: mx1host
    role: host
    format: nft
    file: exports/host.nft
    public_ips: [10.20.0.25]
    outside_ifaces: [eth0]
YAML
$MXAUDIT init --store st >/dev/null

# same NAME EDGE-SED HOST-SED: write the exports, snapshot, check both ways.
same() {
	sed "$2" "$FIXTURES/path/edge.rules" >exports/edge.rules
	sed "$3" "$FIXTURES/path/host.nft" >exports/host.nft
	both "$1"
}

# both NAME: snapshot the world as it is, check it live and stored, compare.
both() {
	$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1
	assert_live_as_stored "$1"
}

same intact '' ''
assert_no_grep 'inbound\.unknown' live.txt "live, every firewall is read (no inbound.unknown)"
same dnat-moved 's/10\.20\.0\.26:25$/10.20.0.27:25/' ''
same dnat-removed '/10\.20\.0\.26:25$/d' ''
assert_grep 'critical inbound\.no-dnat' live.txt "live sees the missing forward as critical"
same forward-removed '/-d 10\.20\.0\.26\/32 -i eth0/d' ''
same host-drops-25 '' 's/tcp dport { 25, 587 } accept/tcp dport { 587 } accept/'
same f2b-bans-everyone 's/^-A f2b-postfix -j RETURN/-A f2b-postfix -j REJECT/' ''
same snat-elsewhere 's/--to-source 192\.0\.2\.25$/--to-source 198.51.100.99/' ''

# The shared DNS world as the other tests see it, without firewalls.
nsd_stop ns
rm -rf st
world_start
$MXAUDIT init --store st >/dev/null
both dns-world
assert_grep 'critical dkim\.key-invalid' live.txt "dns-world: live sees the unusable DKIM key"
assert_grep 'critical ptr\.mismatch' live.txt "dns-world: and the PTR that does not resolve back"

# The estate, intact and with a break in each kind of domain.
nsd_stop ns
rm -rf st
estate_start
both estate
assert_no_grep 'warning mx\.null' live.txt "estate: the parked domain is no warning, live as stored"
sed -i 's/~all/+all/' zones/example.org.zone
sed -i '/IN MX/d' zones/example.net.zone
world_reload
both estate-broken
assert_grep 'example\.org critical spf\.' live.txt "estate-broken: live sees the SPF that lets everyone send"
