# mxaudit check against NSD fixture zones: every built-in finding code of
# the mail-DNS analyzers, on the domain that carries it, with its severity.
. "$TOP/tests/lib.sh"
PORT=$(free_port)
cp -r "$FIXTURES/check/zones" zones
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
cp "$FIXTURES/check/mxaudit.yaml" .
$MXAUDIT init --store st >/dev/null

mx check --store st
assert_rc 3 "check on an empty store cannot run"
assert_grep "has no snapshots yet" err "and says why"

mx --store st --dns-server "127.0.0.1:$PORT" snapshot
assert_rc 1 "snapshot (some names are deliberately unserved)"

mx --store st check
assert_rc 2 "critical findings give exit 2"
cp out check.txt

# has SEV CODE SUBJECT: a text-report finding line.
has() {
	assert_grep "^  $1 +$(echo "$2" | sed 's/\./\\./g')  $(echo "$3" | sed 's/\./\\./g')\$" check.txt "$2 ($1) on $3"
}

has critical mx.none dead.example.
has critical mx.null-mixed null.example.
has warning mx.null parked.example.
has warning mx.no-address noaddr.bad.example.
has warning mx.cname mail.bad.example.
has warning mx.ip-literal 192.0.2.99.
has warning mx.special-address zero.bad.example.
has info mx.no-redundancy single.example.
has warning ptr.missing 192.0.2.10
has critical ptr.mismatch 192.0.2.11
has critical dmarc.missing _dmarc.nomx.example.
has warning dmarc.at-apex nomx.example.
has critical dmarc.multiple _dmarc.null.example.
has critical dmarc.syntax _dmarc.parked.example.
has warning dmarc.syntax _dmarc.bad.example.
has warning dmarc.policy-none _dmarc.dead.example.
has warning dmarc.sp-none _dmarc.bad.example.
has warning dmarc.np-none _dmarc.bad.example.
has warning dmarc.pct _dmarc.bad.example.
has warning dmarc.testing _dmarc.bad.example.
has warning dmarc.psd _dmarc.bad.example.
has info dmarc.strict-alignment _dmarc.bad.example.
has info dmarc.no-rua _dmarc.dead.example.
has warning dmarc.bad-uri https://x.example.net/
has warning dmarc.rua-unauthorized mailto:d@reports.example.net
has info dkim.no-selectors nomx.example.
has critical dkim.missing missing._domainkey.bad.example.
has critical dkim.missing dangling._domainkey.bad.example.
has warning dkim.multiple multi._domainkey.bad.example.
has critical dkim.syntax syntax._domainkey.bad.example.
has critical dkim.version version._domainkey.bad.example.
has critical dkim.key-type ktype._domainkey.bad.example.
has critical dkim.hash hash._domainkey.bad.example.
has critical dkim.service service._domainkey.bad.example.
has critical dkim.revoked revoked._domainkey.bad.example.
has critical dkim.key-invalid invalid._domainkey.bad.example.
has critical dkim.key-too-short short._domainkey.bad.example.
has warning dkim.key-weak weak._domainkey.bad.example.
has warning dkim.key-too-long long._domainkey.bad.example.
has info dkim.testing testing._domainkey.bad.example.
has warning mtasts.multiple _mta-sts.bad.example.
has warning mtasts.syntax _mta-sts.parked.example.
has info tlsrpt.missing _smtp._tls.dead.example.
has info tlsrpt.multiple _smtp._tls.nomx.example.
has info tlsrpt.syntax _smtp._tls.bad.example.
has warning tlsa.usage _25._tcp.mx1.bad.example.
has warning tlsa.syntax _25._tcp.mx1.bad.example.
has warning tlsa.unusable _25._tcp.mx1.bad.example.
has info bimi.syntax default._bimi.bad.example.
has info bimi.no-dmarc default._bimi.parked.example.
has warning dns.unknown lame.example.

# A name that could not be queried is unknown, never "missing".
assert_no_grep "mx\.no-address +mx\.unserved" check.txt "an unanswered MX host is not called address-less"
assert_grep "^good\.example: OK" check.txt "the clean domain is OK"
assert_grep "^bad\.example: [0-9]+ critical" check.txt "worst domain comes first"
assert_grep "^8 domains checked in snapshot [0-9a-f]{12}: " check.txt "summary line names the snapshot"
assert_grep "^           in dns/bad\.example\.zone: _dmarc\.bad\.example\. 3600 IN TXT " check.txt "evidence names the zone file and record"

# JSON: the documented schema.
mx --store st check --format json
assert_rc 2 "json: same exit code"
assert_grep '^  "domains": \[' out "json has domains"
assert_grep '"severity": "critical",' out "json findings carry severity"
assert_grep '"evidence": null' out "evidence may be null"
assert_grep '^  "summary": \{' out "json has a summary"
python3 - out <<'PY' && ok "json parses and matches the schema" || notok "json schema"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"schema_version", "mxaudit_version", "commit", "domains", "summary"}
assert len(d["commit"]) == 40
assert set(d["summary"]) == {"critical", "warning", "info"}
n = 0
for dom in d["domains"]:
    assert set(dom) == {"domain", "findings"}
    for f in dom["findings"]:
        assert set(f) == {"severity", "code", "subject", "message", "evidence"}
        n += 1
assert n == sum(d["summary"].values())
PY

mx --store st check --format markdown
assert_grep '^## mxaudit check: [0-9]+ critical' out "markdown heading"
assert_grep '^\| \*\*critical\*\* \| `dkim\.hash` \|' out "markdown table rows"

# Exit codes and --fail-on.
printf 'lab: true\ndomains:\n  - name: single.example\n' >single.yaml
mx -c single.yaml --store st --dns-server "127.0.0.1:$PORT" snapshot
mx -c single.yaml --store st check
assert_rc 1 "warnings only give exit 1"
mx -c single.yaml --store st check --fail-on critical
assert_rc 0 "--fail-on critical: warnings pass"
mx -c single.yaml --store st check -q
assert_eq "$(cat out)" "" "-q prints nothing"
assert_rc 1 "-q keeps the exit code"
mx --store st check --fail-on sometimes
assert_rc 3 "bad --fail-on"
mx --store st check HEAD~1 extra
assert_rc 3 "extra argument"

# What would a change break? Proposed records for one domain, in the
# canonical zone syntax of the snapshot files.
git --git-dir=st show HEAD:dns/single.example.zone | grep -v '	MX	' >proposed.zone
mx -c single.yaml --store st check --zone single.example=proposed.zone
assert_rc 2 "--zone: removing the MX is critical"
assert_grep "^  critical +mx\.none  single\.example\.$" out "the proposed records are judged"
assert_grep "with single\.example's records from proposed\.zone" out "the report says which records were swapped in"
mx -c single.yaml --store st check --zone nosuch.example=proposed.zone
assert_rc 3 "--zone for a domain not in the snapshot"
printf 'garbage\n' >bad.zone
mx -c single.yaml --store st check --zone single.example=bad.zone
assert_rc 3 "--zone with a malformed file"
assert_grep "bad\.zone:1: " err "names file:line"
mx -c single.yaml --store st check --zone proposed.zone
assert_rc 3 "--zone needs DOMAIN=FILE"

# An older snapshot by revision, and --live.
mx --store st check HEAD~1
assert_rc 2 "REV checks an older snapshot"
assert_grep "^8 domains checked" out "HEAD~1 is the eight-domain snapshot"
mx --store st check --at "1 hour ago"
assert_rc 3 "--at before the first snapshot"
mx --store st check --at "@$(($(date +%s) + 60))"
assert_rc 1 "--at now finds the latest"
mx -c single.yaml --store st --dns-server "127.0.0.1:$PORT" check --live
assert_rc 1 "--live checks without storing"
assert_grep "in live collection" out "the report says it was live"
assert_eq "$(git --git-dir=st rev-list --count HEAD)" "2" "--live made no commit"
