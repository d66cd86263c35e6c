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
