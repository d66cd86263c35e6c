# A server that answers badly on the wire: nothing it sends is taken as
# the record's absence, and nothing it says beyond the question is kept.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
sgit show HEAD:dns/example.com.zone >base.zone

# Each of these replies to example.com MX is no answer: the lookup fails
# temporarily, the last good MX stands (stale), and the MX hosts behind
# it are still collected.
for mode in truncated tc-partial tc-empty wrong-id wrong-question compression-loop \
	    garbage counts-over servfail refused formerr silence slow-tcp; do
	hostile_start "$mode" example.com. MX
	mx --store st --dns-server "$HDNS" --timeout 1 -v snapshot
	assert_rc 1 "$mode: the snapshot warns"
	assert_grep 'last good data is kept and marked stale' err "$mode: the warning says the data is kept"
	sgit show HEAD:dns/example.com.status >status
	assert_grep '^example\.com\.	MX	(TIMEOUT|SERVFAIL)	stale	' status "$mode: the MX lookup is marked stale"
	no_record_removed base.zone HEAD "$mode: no record of the previous snapshot is removed"
done

# The TC answer over TCP is named in the verbose output.
hostile_start tc-partial example.com. MX
mx --store st --dns-server "$HDNS" --timeout 1 -v snapshot
assert_grep 'example\.com\. MX: truncated over TCP, no complete answer' err "tc over TCP: said so"

# A record of another type in the answer is not stored.
hostile_start other-type example.com. MX
mx --store st --dns-server "$HDNS" --timeout 1 snapshot
assert_rc 0 "other-type: the snapshot is clean"
sgit show HEAD:dns/example.com.zone >zone
assert_no_grep '\+all' zone "other-type: the TXT injected into the MX answer is not stored"
no_record_removed base.zone HEAD "other-type: no record of the previous snapshot is removed"

# A CNAME into another zone: its target's records come from that zone's
# servers, never from this answer.
hostile_start cname-out default._bimi.example.com. TXT
mx --store st --dns-server "$HDNS" --timeout 1 snapshot
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^default\._bimi\.example\.com\.	300	IN	CNAME	evil\.example\.$' zone "cname-out: the CNAME itself is stored"
assert_no_grep '^evil\.example\.' zone "cname-out: the out-of-zone target's records are not stored"
no_record_removed base.zone HEAD "cname-out: no record of the previous snapshot is removed"
hostile_stop

# The server behaves again: the same bytes as the baseline.
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "back to a good server"
sgit show HEAD:dns/example.com.zone >zone
assert_file_eq base.zone zone "the zone file is the baseline's again"
