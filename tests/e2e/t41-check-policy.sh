# mxaudit check with policies: every policy.* code, severity overrides,
# ignore rules and their expiry, policies from the configuration, and
# policy errors that name file:line:column.
. "$TOP/tests/lib.sh"
PORT=$(free_port)
cp -r "$FIXTURES/check/zones" zones
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
cp "$FIXTURES/check/mxaudit.yaml" .
cp -r "$FIXTURES/check/policies" policies
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "127.0.0.1:$PORT" snapshot

mx --store st check --policy policies/good.yaml --policy policies/others.yaml
assert_rc 2 "policy violations"
cp out check.txt
has() {
	assert_grep "^  $1 +$(echo "$2" | sed 's/\./\\./g')  $(echo "$3" | sed 's/\./\\./g')\$" check.txt "$2 ($1) on $3"
}
has critical policy.mx-missing mx3.good.example.
has info policy.mx-unexpected mx2.good.example.
has critical spf.ip-not-authorized 203.0.113.99
has warning policy.dkim-key-bits sel._domainkey.good.example.
has warning policy.dkim-not-collected other._domainkey.good.example.
has warning policy.dmarc-rua _dmarc.good.example.
has info policy.ignore-expired policy.dkim-not-collected
has warning policy.dmarc-policy _dmarc.single.example.
has critical policy.dmarc-policy _dmarc.nomx.example.
has warning policy.mtasts _mta-sts.single.example.
has critical mx.no-redundancy single.example.
# Ignore rules apply to the policy's domains only.
awk '/^nomx\.example:/,/^$/' check.txt >nomx.txt
awk '/^bad\.example:/,/^$/' check.txt >bad.txt
assert_no_grep "spf\.missing" nomx.txt "ignored codes are not reported"
assert_grep "spf\.missing" check.txt "other domains still get them"
assert_grep "tlsa\.usage" bad.txt "a policy for one domain leaves the others alone"
assert_grep "^nomx\.example: [0-9]+ critical, [0-9]+ warnings?, [0-9]+ info \(1 ignored by policy\)" check.txt "ignored findings are counted"
assert_grep "in policies/good\.yaml:4:10" check.txt "policy evidence names file:line:col"
assert_grep "policies/others\.yaml: domain 'nowhere\.example' is not in the snapshot" err "a policy domain missing from the snapshot is reported"

# Policies listed in the configuration (relative to its directory).
mkdir cfg
sed 's/^lab: true$/lab: true\npolicies: [..\/policies\/others.yaml]/' mxaudit.yaml >cfg/mxaudit.yaml
mx -c cfg/mxaudit.yaml --store st check
assert_grep "^  warning +policy\.mtasts  _mta-sts\.single\.example\.$" out "policies: from the configuration are applied"

# --format json keeps the ignore rules' effect.
mx --store st check --policy policies/others.yaml --format json
python3 - out <<'PY' && ok "json omits ignored findings" || notok "json omits ignored findings"
import json, sys
d = {x["domain"]: x for x in json.load(open(sys.argv[1]))["domains"]}
assert not [f for f in d["nomx.example"]["findings"] if f["code"].startswith("spf.")]
assert [f for f in d["dead.example"]["findings"] if f["code"].startswith("spf.")]
PY

# Errors stop the check: exit 3 and file:line:col.
printf 'domain: good.example\ndmarc:\n  min_policy: strict\n' >bad.yaml
mx --store st check --policy bad.yaml
assert_rc 3 "a bad policy cannot run"
assert_grep "bad\.yaml:3:15: expected none, quarantine or reject for 'dmarc\.min_policy', found 'strict'" err "the error names file:line:col"
printf 'domain: good.example\nignore:\n  - code: mx.cname\n' >bad2.yaml
mx --store st check --policy bad2.yaml
assert_rc 3 "an ignore rule without a reason"
assert_grep "bad2\.yaml:3:5: an ignore rule needs 'code' and 'reason'" err "names the rule"
mx --store st check --policy missing.yaml
assert_rc 3 "a missing policy file"

# The worked example in policies/ loads (its domain is not in this snapshot).
mx --store st check --policy "$TOP/policies/example.com.yaml"
assert_grep "example\.com\.yaml: domain 'example\.com' is not in the snapshot" err "policies/example.com.yaml loads"
