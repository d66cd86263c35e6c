# A domain without MX: mail goes to its own address (implicit MX), so the
# collector asks for that address and check says so.
. "$TOP/tests/lib.sh"
world_start
printf 'lab: true\ndomains:\n  - name: nomx.example\n' >nomx.yaml
$MXAUDIT init --store st >/dev/null
mx -c nomx.yaml --store st --dns-server "$DNS" snapshot
sgit show HEAD:dns/nomx.example.zone >zone
assert_grep '^nomx\.example\.	300	IN	A	192\.0\.2\.80$' zone "the domain's own address is collected when it has no MX"
sgit show HEAD:dns/nomx.example.status >status
assert_grep '^nomx\.example\.	MX	NODATA	' status "the MX lookup says NODATA"
assert_grep '^80\.2\.0\.192\.in-addr\.arpa\.	PTR	' status "the implicit MX address gets a PTR lookup like any MX host"
mx -c nomx.yaml --store st check
assert_rc 2 "check is critical"
assert_grep 'critical +mx\.implicit +nomx\.example\.' out "check names the implicit MX"

# A sending IP configured after the snapshot was taken: nothing is
# concluded about its PTR, and check says so instead of "missing".
printf 'lab: true\ndomains:\n  - name: nomx.example\n    sending_ips: [203.0.113.77]\n' >later.yaml
mx -c later.yaml --store st check
assert_grep 'info +ptr\.not-collected +203\.0\.113\.77' out "an address the snapshot never looked up is ptr.not-collected"
assert_no_grep 'ptr\.missing' out "and not ptr.missing"
