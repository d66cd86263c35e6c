# A second run on the same store is refused while one holds the lock;
# a run killed mid-way leaves the store valid.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
before=$(sgit rev-parse HEAD)

flock st/mxaudit.lock sleep 2 &
holder=$!
sleep 0.5
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a second run is refused"
assert_grep "locked by another mxaudit run" err "the refusal says why"
wait $holder

# A slow world: a second server on loopback that swallows queries and
# never answers keeps the run busy; kill it mid-way.
sed -i 's/^mx1	IN A 192.0.2.25/mx1	IN A 192.0.2.99/' zones/example.com.zone
world_reload
HOLE=$(free_port)
socat -u UDP-RECV:$HOLE,bind=127.0.0.1 OPEN:/dev/null &
hole=$!
at_exit "kill $hole 2>/dev/null"
sleep 0.2
$MXAUDIT --store st --dns-server "$DNS" --dns-server 127.0.0.1:$HOLE --timeout 3 snapshot >/dev/null 2>&1 &
victim=$!
sleep 1
kill -9 $victim; wait $victim 2>/dev/null
assert_eq "$(sgit rev-parse HEAD)" "$before" "the killed run left the previous snapshot as HEAD"
sgit fsck --no-dangling >fsck 2>&1
assert_eq "$?" "0" "git fsck finds the store valid"
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "the next run takes the lock (a killed run does not leave it held)"
assert_grep 'mx1\.example\.com\., \+A mx1|A mx1\.example\.com\.' out "and records the change"
