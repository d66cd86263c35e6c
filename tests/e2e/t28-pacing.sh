# Per-server pacing (server_qps, server_max_inflight) changes when queries
# go out, never what is collected: the same world gives the same bytes.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "unpaced snapshot"

cp mxaudit.yaml paced.yaml
printf 'server_qps: 40\nserver_max_inflight: 2\nmax_inflight: 3\n' >>paced.yaml
mx -c paced.yaml --store st --dns-server "$DNS" -v snapshot
assert_rc 0 "paced snapshot"
assert_grep '^no change since ' out "pacing collects exactly the same records and results"
assert_grep 'collected 1 domains: [0-9]+ lookups, [0-9]+ queries' err "the run reports its queries"

printf 'server_qps: fast\n' >>mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a bad server_qps is refused"
assert_grep "mxaudit\.yaml:[0-9]+:13: expected a number from 0 to 1000000 for 'server_qps'" err "with its position"
