# A change in DNS: diff, log and show tell what changed.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot -m "CHG-7 before"
assert_rc 0 "baseline"

sed -i '/^mx2	IN A/d' zones/example.com.zone
sed -i 's/p=reject/p=quarantine/' zones/example.com.zone
world_reload
mx --store st --dns-server "$DNS" snapshot --tag CHG-7-post
assert_rc 0 "snapshot after the change"
assert_grep '^committed [0-9a-f]{12}: example\.com: ' out "summary names the domain"
assert_eq "$(sgit rev-list --count HEAD)" "2" "two commits"
sgit log -1 --format=%s >subject
assert_grep 'example\.com: .*-A mx2\.example\.com\.' subject "commit subject names the removed record"

mx --store st diff
assert_rc 1 "diff exits with the worst introduced finding: mx2 lost its address (warning)"
assert_grep '^example\.com$' out "diff groups by domain"
assert_grep '^  - mx2\.example\.com\. 3600 IN A 192\.0\.2\.26$' out "diff shows the removed address"
assert_grep '^  - _dmarc\.example\.com\. .*p=reject' out "diff shows the old DMARC record"
assert_grep '^  \+ _dmarc\.example\.com\. .*p=quarantine' out "diff shows the new DMARC record"
assert_no_grep 'mx1\.example\.com\. 3600 IN A' out "unchanged records are not listed"

mx --store st diff HEAD~1 CHG-7-post --format json
assert_rc 1 "diff by tag, json (worst introduced: warning)"
assert_grep '"removed"' out "json diff lists removals"

mx --store st log
assert_rc 0 "log"
assert_eq "$(wc -l <out | tr -d ' ')" "2" "log lists both snapshots"
head -1 out >first
assert_grep 'CHG-7-post' first "newest first, with its tag"
mx --store st log --since '1 hour ago' example.com
assert_eq "$(wc -l <out | tr -d ' ')" "2" "log --since and DOMAIN filter"
mx --store st log --until '2000-01-01'
assert_eq "$(wc -l <out | tr -d ' ')" "0" "log --until before everything lists nothing"

mx --store st show HEAD~1 example.com
assert_rc 0 "show an older snapshot"
assert_grep 'mx2\.example\.com\.	3600	IN	A	192\.0\.2\.26' out "show prints the old zone"
mx --store st show HEAD nosuch.example
assert_rc 3 "show of a domain not in the snapshot"
