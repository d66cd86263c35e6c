# Two threads: when 16 or more domains changed, diff parses and judges
# the old side on a second thread and the store reads the old side's
# files with a second repository handle (pair.c, store.c). The answer
# must be the one a single thread gives (MXAUDIT_THREADS=0), byte for byte.
. "$TOP/tests/lib.sh"

world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" --timeout 1 snapshot
assert_rc 0 "snapshot of example.com"
sgit show HEAD:dns/example.com.zone >zone
sgit show HEAD:dns/example.com.status >status

# A commit of 40 copies of example.com (d1.example ... d40.example). In
# the "new" one every domain has lost mx2 (its MX and address) and every
# third its DMARC record.
commit_copies() {  # new|old parent -> commit id
	GIT_INDEX_FILE=$SCRATCH/idx.$1
	export GIT_INDEX_FILE
	rm -f "$GIT_INDEX_FILE"
	for i in $(seq 1 40); do
		d=d$i.example
		sed "s/example\.com/$d/g" zone >z
		if [ "$1" = new ]; then
			grep -v "mx2\.$d" z >z2 && mv z2 z
			[ $((i % 3)) -eq 0 ] && { grep -v "^_dmarc\.$d" z >z2 && mv z2 z; }
		fi
		zh=$(sgit hash-object -w z)
		sh=$(sed "s/example\.com/$d/g" status | sgit hash-object -w --stdin)
		sgit update-index --add --cacheinfo "100644,$zh,dns/$d.zone"
		sgit update-index --add --cacheinfo "100644,$sh,dns/$d.status"
	done
	echo "$1" | sgit commit-tree "$(sgit write-tree)" ${2:+-p "$2"}
	unset GIT_INDEX_FILE
}
old=$(commit_copies old)
new=$(commit_copies new "$old")

mx --store st diff "$old" "$new"
rc_two=$rc
cp out two.txt
assert_grep "^d40\.example$" two.txt "the diff lists the 40th domain"
assert_grep "^  - _dmarc\.d39\.example\. 3600 IN TXT \"v=DMARC1" two.txt "and a removed DMARC record"
assert_eq "$(grep -c '^  - d[0-9]*\.example\. 3600 IN MX 20 mx2' two.txt)" "40" \
	"every domain lost its MX mx2"
assert_grep "dmarc\.missing" two.txt "the impact names what losing DMARC breaks"

MXAUDIT_THREADS=0 mx --store st diff "$old" "$new"
assert_eq "$rc" "$rc_two" "one thread: the same exit code ($rc_two)"
assert_file_eq two.txt out "one thread: the same text, byte for byte"

mx --store st --format json diff "$old" "$new"
cp out two.json
MXAUDIT_THREADS=0 mx --store st --format json diff "$old" "$new"
assert_file_eq two.json out "one thread: the same JSON"
python3 -c 'import json,sys; d=json.load(open("two.json")); sys.exit(0 if len(d["domains"]) == 40 else 1)' \
	&& ok "json: 40 changed domains" || notok "json: 40 changed domains"
