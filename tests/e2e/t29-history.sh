# The store and the history commands: init, log, show, diff, and the
# store read with plain git.
. "$TOP/tests/lib.sh"

# json_check FILE PYTHON-EXPR DESCRIPTION : the expression, on d = the JSON, is true.
json_check() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>pyerr
	then ok "$3"; else notok "$3"; sed 's/^/#   /' "$1" pyerr | head -30; fi
}

# --- init ------------------------------------------------------------
mx init --store deep/er/st
assert_rc 0 "init creates the store and its parents"
assert_grep '^initialized empty mxaudit store in deep/er/st$' out "init says what it made"
assert_eq "$(git --git-dir=deep/er/st rev-parse --is-bare-repository)" "true" "the store is a bare repository"
assert_eq "$(git --git-dir=deep/er/st symbolic-ref HEAD)" "refs/heads/main" "HEAD is main"
mx init --store deep/er/st
assert_rc 0 "init on a store"
assert_grep 'is already an mxaudit store' out "init says it is already a store"
mkdir notastore && echo hi >notastore/file
mx init --store notastore
assert_rc 3 "init refuses a non-empty directory"
assert_grep "not an mxaudit store" err "and says why"
assert_eq "$(ls notastore)" "file" "and leaves it alone"
mx init --store st extra
assert_rc 3 "init takes no arguments"
assert_grep '^usage: mxaudit init' err "bad usage prints the usage"

# --- no store, empty store --------------------------------------------
for c in log show diff; do
	mx --store nowhere $c
	assert_rc 3 "$c without a store"
	assert_grep "no mxaudit store at 'nowhere'.*mxaudit init" err "$c says to run mxaudit init"
done
mx --store notastore log
assert_rc 3 "log on a directory that is not a store"
assert_grep "'notastore' is not an mxaudit store" err "names the path"
MXAUDIT_STORE=deep/er/st $MXAUDIT log >out 2>err; rc=$?
assert_rc 0 "log of an empty store (store from \$MXAUDIT_STORE)"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "lists nothing"
mx --store deep/er/st show
assert_rc 3 "show of an empty store"
assert_grep 'no snapshots yet' err "says there are no snapshots"

# --- two domains, a first snapshot ---------------------------------------
world_start
cat >>mxaudit.yaml <<-YAML
  - name: example.net
YAML
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot --tag base
assert_rc 0 "first snapshot"
mx --store st diff
# Against nothing every finding is introduced; the fixture has critical ones.
assert_rc 2 "diff with one snapshot"
assert_grep '^snapshot \(none\) -> [0-9a-f]{12}$' out "compares against nothing"
assert_grep '^example\.com \(new\)$' out "every domain is new"
assert_no_grep '^  - ' out "and nothing is removed"
mx --store st diff --format json
json_check out 'd["from"] is None and len(d["domains"]) == 2 and all(x["added"] for x in d["domains"])' \
	"json: from null, every record added"

mx --store st show example.net
assert_rc 0 "show DOMAIN (one argument that is not a revision)"
assert_grep '^== dns/example\.net\.zone ==$' out "zone header"
assert_grep '^== dns/example\.net\.status ==$' out "status header"
assert_no_grep 'example\.com\.zone' out "only that domain"
mx --store st show base
assert_rc 0 "show REV (a tag)"
assert_eq "$(grep -c '^== dns/' out)" "4" "every domain's two files"
mx --store st show --format json
json_check out 'len(d["commit"]) == 40 and [x["domain"] for x in d["domains"]] == ["example.com", "example.net"] and "IN\tMX\t10 mx1.example.com." in d["domains"][0]["zone"] and d["domains"][0]["status"].startswith(";") and d["firewalls"] == []' \
	"show json has the commit, domains, zone and status texts"
json_check out '[x for x in d["domains"][0]["records"] if x["type"] == "MX"][0] == {"name": "example.com.", "type": "MX", "ttl": 3600, "rdata": "10 mx1.example.com.", "line": "example.com. 3600 IN MX 10 mx1.example.com."} and len(d["domains"][0]["records"]) == len([l for l in d["domains"][0]["zone"].splitlines() if l and not l.startswith(";")])' \
	"show json: every record of the zone text as an object"
git --git-dir=st show HEAD:dns/example.com.zone >gitzone
mx --store st show HEAD example.com
sed -n '/^== dns\/example.com.zone ==$/,/^== dns\/example.com.status ==$/p' out | sed '1d;$d' >showzone
assert_file_eq gitzone showzone "show prints the file as git stores it"
mx --store st show HEAD nosuch.example
assert_rc 3 "show of a domain not in the snapshot"
assert_grep "its domains: example\.com, example\.net" err "names the domains it has"

# --- a change in one domain: TTL, removal, addition ----------------------
sed -i 's/^mx1	IN A 192.0.2.25/mx1	300	IN A 192.0.2.25/' zones/example.com.zone
sed -i '/^mx2	IN A/d' zones/example.com.zone
world_reload
mx --store st --dns-server "$DNS" snapshot --tag after
assert_rc 0 "second snapshot"
mx --store st diff base after
assert_rc 1 "diff of two tags (mx2 lost its address: warning introduced)"
assert_grep '^  ~ mx1\.example\.com\. A 192\.0\.2\.25: TTL 3600 -> 300$' out "a TTL change is one ~ line"
assert_grep '^  - mx2\.example\.com\. 3600 IN A 192\.0\.2\.26$' out "the removed address"
assert_no_grep '^example\.net' out "the unchanged domain is not listed"
assert_grep '^1 domain changed: 0 records added, [0-9]+ removed$' out "footer counts"
mx --store st diff base after --format json
json_check out '[x["domain"] for x in d["domains"]] == ["example.com"] and d["domains"][0]["ttl_changed"][0]["from"] == 3600 and d["domains"][0]["ttl_changed"][0]["to"] == 300 and {"name": "mx2.example.com.", "type": "A", "ttl": 3600, "rdata": "192.0.2.26", "line": "mx2.example.com. 3600 IN A 192.0.2.26"} in d["domains"][0]["removed"] and any(s["name"] == "mx2.example.com." and s["to"] == "NXDOMAIN" for s in d["domains"][0]["status"])' \
	"json diff: ttl_changed, removed, status"
mx --store st diff HEAD HEAD
assert_rc 0 "diff of a snapshot with itself"
assert_grep '^no changes$' out "says no changes"
mx --store st diff nosuch
assert_rc 3 "diff of an unknown revision"
assert_grep "unknown revision 'nosuch'" err "names it"

# --- log -----------------------------------------------------------------
mx --store st log
assert_eq "$(wc -l <out | tr -d ' ')" "2" "log lists both snapshots"
assert_grep '^[0-9a-f]{12} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \[after\] example\.com: ' out \
	"id, date, tag and summary"
mx --store st log example.net
assert_eq "$(wc -l <out | tr -d ' ')" "1" "log DOMAIN: only snapshots that changed it"
assert_grep '\[base\]' out "which is the first"
mx --store st log EXAMPLE.COM.
assert_eq "$(wc -l <out | tr -d ' ')" "2" "log DOMAIN ignores case and a final dot"
mx --store st log --since "$(date -d '1 hour ago' '+%Y-%m-%d %H:%M')" --until now
assert_eq "$(wc -l <out | tr -d ' ')" "2" "log --since TIME --until now"
mx --store st log --since '@4102444800'
assert_eq "$(wc -l <out | tr -d ' ')" "0" "log --since in the future lists nothing"
mx --store st log --since 'last tuesday'
assert_rc 3 "log with a time it cannot read"
assert_grep "YYYY-MM-DD.*ago.*@EPOCH" err "the error lists the accepted forms"
mx --store st log --format json
json_check out 'len(d["commits"]) == 2 and d["commits"][0]["tags"] == ["after"] and d["commits"][1]["tags"] == ["base"] and d["commits"][0]["date"][10] == "T" and d["commits"][0]["summary"].startswith("example.com: ")' \
	"log json: commits newest first with tags and dates"

# --- plain git reads it well ------------------------------------------------
git --git-dir=st log -p >gitlog
assert_grep '^-mx2\.example\.com\.	3600	IN	A	192\.0\.2\.26$' gitlog "git log -p shows the removed record"
assert_eq "$(git --git-dir=st log --format='%an <%ae>' | sort -u)" "mxaudit <mxaudit@localhost>" "git sees mxaudit as the author"
assert_eq "$(git --git-dir=st fsck 2>&1 | grep -vc '^dangling\|^Checking' | tr -d ' ')" "0" "git fsck finds nothing wrong"
