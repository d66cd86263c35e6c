# Two servers give different answers: recorded, not hidden.
. "$TOP/tests/lib.sh"
world_start
mkdir zones2
cp zones/* zones2/
sed -i 's/^mx2	IN A 192\.0\.2\.26/mx2	IN A 192.0.2.27/' zones2/example.com.zone
PORT2=$(free_port)
nsd_start ns2 127.0.0.1 "$PORT2" "$SCRATCH/zones2"
$MXAUDIT init --store st >/dev/null

mx --store st --dns-server "$DNS" --dns-server "127.0.0.1:$PORT2" snapshot
assert_rc 0 "snapshot asking two servers"
sgit show HEAD:dns/example.com.status >status
assert_grep "^mx2\.example\.com\.	A	NOERROR	disagree	$DNS,127\.0\.0\.1:$PORT2	127\.0\.0\.1:$PORT2=NOERROR/1\$" status "the disagreement is flagged with the odd server"
assert_grep "^mx1\.example\.com\.	A	NOERROR	-	$DNS,127\.0\.0\.1:$PORT2\$" status "agreeing lookups list both servers"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^mx2\.example\.com\.	3600	IN	A	192\.0\.2\.26$' zone "the first server's answer is kept"
assert_no_grep '192\.0\.2\.27' zone "the odd answer is not mixed in"

# One of two servers down: the other answers, the silent one is noted.
nsd_stop ns2
mx --store st --dns-server "$DNS" --dns-server "127.0.0.1:$PORT2" --timeout 1 snapshot
assert_rc 0 "snapshot with one of two servers down"
sgit show HEAD:dns/example.com.status >status
assert_grep "^mx1\.example\.com\.	A	NOERROR	-	$DNS	127\.0\.0\.1:$PORT2=TIMEOUT\$" status "the silent server is noted"
assert_no_grep 'stale' status "one answering server is enough: nothing stale"
