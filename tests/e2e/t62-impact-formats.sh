# Golden outputs of the impact reports: diff and drift in every format
# (text, json, markdown, nagios), check --format nagios, timeline and
# log --record, for one change that touches DNS and a firewall at once.
#
# Commit ids, dates and the server's port vary from run to run and are
# replaced by <commit>, <id>, <date>, <port> and <age> (0 in JSON) before comparing.
# To regenerate tests/fixtures/impact/*.ok after a deliberate change:
#     MXAUDIT_REGEN=1 tests/run t62
# and review the diff with git before committing it.
. "$TOP/tests/lib.sh"

GOLDEN="$TOP/tests/fixtures/impact"

normalize() {
	sed -E 's/\b[0-9a-f]{40}\b/<commit>/g; s/\b[0-9a-f]{12}\b/<id>/g;
		s/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9:]{4,5})?/<date>/g;
		s/127\.0\.0\.1(:|#|@)[0-9]+/127.0.0.1\1<port>/g;
		s/oldest [0-9]+[smhd]\)/oldest <age>)/; s/oldest_open=[0-9]+s/oldest_open=<age>/;
		s/"oldest_open_seconds": [0-9]+/"oldest_open_seconds": 0/' "$1"
}

golden() {  # NAME : compare ./out, normalized, with $GOLDEN/NAME.ok
	normalize out >"$1.actual"
	if [ -n "${MXAUDIT_REGEN:-}" ]; then
		cp "$1.actual" "$GOLDEN/$1.ok"
		echo "SKIP: regenerated $1.ok"
		return
	fi
	assert_file_eq "$GOLDEN/$1.ok" "$1.actual" "golden $1"
}

world_start_edge
mx --store st --dns-server "$DNS" drift
assert_rc 2 "baseline"
cp -r st base

# The change: an MX host loses its address, DMARC weakens, a TTL moves,
# and tcp/25 is opened to one network only.
sed -i '/^mx2	IN A/d; s/p=reject/p=none/; s/^mx1	IN A 192.0.2.25/mx1	300	IN A 192.0.2.25/' \
	zones/example.com.zone
sed -i 's/-d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/-s 198.51.100.0\/24 -d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/' edge.rules
world_reload

for f in text json markdown nagios; do
	rm -rf "st-$f"
	cp -r base "st-$f"
	mx --store "st-$f" --dns-server "$DNS" --format "$f" drift
	assert_rc 2 "drift --format $f: critical (tcp/25 lost for most sources)"
	golden "drift.$f"
done

mx --store st --dns-server "$DNS" drift -q
assert_rc 2 "drift -q: the exit code alone"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "drift -q prints nothing"
for f in text json markdown nagios; do
	mx --store st --format "$f" diff
	assert_rc 2 "diff --format $f"
	golden "diff.$f"
done
# Markdown for a ticket: the snapshots as they were named, long cells
# (record keys, netblock lists) folded with their whole text below.
mx --store st --format markdown diff HEAD~1 HEAD
assert_grep '^Snapshot `HEAD~1` \(`[0-9a-f]{12}`\) → `HEAD` \(`[0-9a-f]{12}`\): ' out "markdown names the snapshots as given, beside their ids"
assert_grep '… \[1\] \|' out "a long cell is folded"
assert_grep '^<details><summary>[0-9]+ long cells? in full</summary>$' out "its whole text follows in a details block"
assert_grep '^- \[1\] ' out "numbered as in the table"
awk 'length > 400 && /^\|/' out >long.rows
assert_eq "$(wc -l <long.rows | tr -d ' ')" "0" "no table row over 400 characters"
mx --store st --format nagios check
assert_rc 2 "check --format nagios"
golden "check.nagios"
mx --store st timeline
assert_rc 0 "timeline"
golden "timeline.text"
mx --store st log --record MX
assert_rc 0 "log --record MX"
golden "log-record.text"
mx --store st log --record A --format json
assert_rc 0 "log --record A, json"
golden "log-record.json"

mx --store st log example.com --record mx
assert_rc 0 "log DOMAIN --record type (options after the domain, any case)"
assert_grep '^  example\.com example\.com\.: \(none\) -> 10 mx1\.example\.com\., 20 mx2\.example\.com\.$' out "old -> new"
# An empty DOMAIN names no file of the store (its last byte is not read before it).
mx --store st log '' --record MX
assert_rc 0 "log '' --record MX"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "lists nothing"
mx --store st log . --record MX
assert_rc 0 "log . --record MX"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "lists nothing for the root either"
mx --store st timeline example.net
assert_rc 0 "timeline of a domain with no findings"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "lists nothing"

# Bad input: exit 3 with a clear message.
mx --store st diff --format yaml
assert_rc 3 "unknown format"
assert_grep "not text, json, markdown, nagios" err "names the formats"
mx --store st log --record 'M X'
assert_rc 3 "a bad record type"
mx --store st timeline --since 'next tuesday'
assert_rc 3 "a bad time"
assert_grep "^mxaudit: --since: 'next tuesday' is not a time" err "names the option and the time"
assert_eq "$(grep -c 'next tuesday' err)" "1" "says it once"
