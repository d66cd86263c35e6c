# Recorded inputs: each domain's .status records what it was collected
# with (DKIM selectors, sending IPs, mail hosts, lab, DKIM limits), and
# diff judges each snapshot with what it recorded, not with today's
# configuration, which it does not need. Snapshots from before inputs
# were recorded are still judged with the configuration.
. "$TOP/tests/lib.sh"

world_start
$MXAUDIT init --store st >/dev/null
snap() { mx --store st --dns-server "$DNS" --timeout 1 snapshot; }
snap
assert_rc 0 "baseline snapshot"
sgit show HEAD:dns/example.com.status >status
assert_grep "^; input	sending_ips	203.0.113.10 2001:db8::25\$" status "the .status records the sending IPs"
assert_grep "^; input	dkim_selectors	s1 s2\$" status "and the DKIM selectors"
assert_grep "^; input	lab	yes\$" status "and the lab flag"
head -1 status | grep -q '^; input' && ok "inputs come first" || notok "inputs come first"

# A sending IP SPF does not authorize: a change of input only.
sed -i 's/sending_ips: \[203.0.113.10, 2001:db8::25\]/sending_ips: [203.0.113.10, 2001:db8::25, 192.0.2.77]/' mxaudit.yaml
snap
assert_rc 0 "snapshot after adding a sending IP"
assert_eq "$(sgit rev-list --count HEAD)" "2" "a changed input is a new snapshot"

# diff without any configuration: the snapshots say what to judge with.
mv mxaudit.yaml away.yaml
mx --store st diff HEAD~1 HEAD
assert_rc 2 "diff with no mxaudit.yaml judges by the recorded inputs"
assert_grep "^  \* sending_ips: 203.0.113.10 2001:db8::25 -> 203.0.113.10 2001:db8::25 192.0.2.77\$" out \
	"the changed input is listed"
assert_grep "critical spf.ip-not-authorized  *192.0.2.77" out "and the finding it introduced"
assert_no_grep "no record or result changed" out "not called a lookup detail"

# Today's configuration does not rewrite history.
sed 's/, 192.0.2.77//; s/lab: true/lab: false/' away.yaml >mxaudit.yaml
mx --store st diff HEAD~1 HEAD
assert_rc 2 "the same diff with another configuration present"
assert_grep "critical spf.ip-not-authorized  *192.0.2.77" out "still judged as recorded"
mx --store st diff HEAD~1 HEAD --format json
python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if any(c["op"]=="*" and c["change"].startswith("sending_ips: ") for c in d["impact"]["changes"]) else 1)' \
	&& ok "json: the input change is an impact change with op '*'" \
	|| { notok "json: input change"; head -40 out | sed 's/^/#   /'; }

# A snapshot from before inputs were recorded: rewrite HEAD~1's .status
# without them, as an older mxaudit wrote it, and commit it on top.
old=$(sgit show HEAD~1:dns/example.com.status | grep -v '^; input' | sgit hash-object -w --stdin)
GIT_INDEX_FILE=$SCRATCH/idx sgit read-tree HEAD~1
GIT_INDEX_FILE=$SCRATCH/idx sgit update-index --cacheinfo "100644,$old,dns/example.com.status"
tree=$(GIT_INDEX_FILE=$SCRATCH/idx sgit write-tree)
oldc=$(echo "old style" | sgit commit-tree "$tree" -p HEAD)
sgit tag old-style "$oldc"
# The old side is judged with the configuration: it has the IP SPF fails.
cp away.yaml mxaudit.yaml
mx --store st diff old-style HEAD~1
assert_rc 0 "diff from an old-style snapshot"
assert_grep "the configuration it is judged with is recorded from this snapshot on" out \
	"the first snapshot with inputs says so"
assert_grep "spf.ip-not-authorized  *192.0.2.77" out \
	"the old side was judged with mxaudit.yaml (its sending IP resolved)"
rm mxaudit.yaml
mx --store st diff old-style HEAD~1
assert_rc 2 "without a configuration the old side is judged with nothing"
assert_no_grep "192.0.2.77" out "so nothing names the IP only the configuration had"
assert_grep "critical ptr.mismatch  *203.0.113.10" out \
	"and the recorded sending IP of the new side is checked (introduced)"

# Commit messages: a change of inputs alone is named as one, and the
# first run that records inputs on a store without them says so.
cp away.yaml mxaudit.yaml
sed -i 's/^\(    sending_ips: .*\)$/\1\n    mail_hosts: [192.0.2.25:25]/' mxaudit.yaml
snap
assert_rc 0 "snapshot after adding a mail host"
assert_eq "$(sgit log -1 --format=%s)" "example.com: inputs changed (mail_hosts)" \
	"the commit names the input that changed"
sgit update-ref refs/heads/main old-style
sed 's/, 192.0.2.77//' away.yaml >mxaudit.yaml
snap
assert_rc 0 "the first snapshot on top of one without inputs"
assert_eq "$(sgit log -1 --format=%s)" "recorded the inputs each domain is judged with (1 domain)" \
	"says it only recorded the inputs"
assert_eq "$(sgit rev-parse HEAD^{tree})" "$(sgit rev-parse 'old-style~2^{tree}')" \
	"and its tree is what a recording run wrote before"
