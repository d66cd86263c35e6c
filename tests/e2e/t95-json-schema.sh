# Every JSON golden file matches its command's schema in docs/schema/, and
# the checker rejects a document that breaks the contract. (Every JSON
# output of the other scripts is validated by mx() in tests/lib.sh.)
. "$TOP/tests/lib.sh"
check() {  # schema file description
	if "$TOP/scripts/jsonschema-check" "$TOP/docs/schema/$1.json" "$2" 2>schema.err; then
		ok "$3"
	else
		notok "$3"; sed 's/^/#   /' schema.err
	fi
}
check check "$FIXTURES/check/golden.json" "check golden matches check.json"
check diff "$FIXTURES/impact/diff.json.ok" "diff golden matches diff.json"
check drift "$FIXTURES/impact/drift.json.ok" "drift golden matches drift.json"
check log "$FIXTURES/impact/log-record.json.ok" "log --record golden matches log.json"
check reach "$FIXTURES/fw/k01-basic.reach.json.ok" "reach golden k01 matches reach.json"
check reach "$FIXTURES/fw/k09-two-chains.reach.json.ok" "reach golden k09 matches reach.json"
n=$(ls "$FIXTURES"/check/*.json "$FIXTURES"/impact/*.json.ok "$FIXTURES"/fw/*.json.ok | wc -l)
assert_eq "$n" 6 "every JSON golden file is checked above"

for s in "$TOP"/docs/schema/*.json; do
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$s" &&
		ok "$(basename "$s") is JSON" || notok "$(basename "$s") is not JSON"
done

# The contract can fail: no schema_version, a time without the colon.
python3 - "$FIXTURES/impact/drift.json.ok" <<'PY' >nover.json
import json, sys
d = json.load(open(sys.argv[1])); del d["schema_version"]; print(json.dumps(d))
PY
if "$TOP/scripts/jsonschema-check" "$TOP/docs/schema/drift.json" nover.json 2>schema.err; then
	notok "a document without schema_version is rejected"
else
	assert_grep "schema_version" schema.err "a document without schema_version is rejected"
fi
cat >badtime.json <<'JSON'
{"schema_version": 1, "mxaudit_version": "0.1.0", "events": [{"commit": "<commit>",
 "date": "2026-12-04T14:52:10+0000", "event": "introduced", "severity": "info",
 "scope": "a", "code": "b", "subject": "c", "message": "d"}]}
JSON
if "$TOP/scripts/jsonschema-check" "$TOP/docs/schema/timeline.json" badtime.json 2>schema.err; then
	notok "a time offset without its colon is rejected"
else
	ok "a time offset without its colon is rejected"
fi

# check --proposed-*: the impact with the count of zone-file records not compared.
python3 - "$FIXTURES/impact/diff.json.ok" <<'PY' >proposed.json
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({"schema_version": d["schema_version"], "mxaudit_version": d["mxaudit_version"],
                  "from": d["from"], "to": "proposed", "ignored_records": 5, "impact": d["impact"]}))
PY
check check proposed.json "a proposed change's report matches check.json"
python3 -c 'import json; d = json.load(open("proposed.json")); del d["ignored_records"]; print(json.dumps(d))' >noignored.json
if "$TOP/scripts/jsonschema-check" "$TOP/docs/schema/check.json" noignored.json 2>schema.err; then
	notok "a proposed change's report without ignored_records is rejected"
else
	ok "a proposed change's report without ignored_records is rejected"
fi
