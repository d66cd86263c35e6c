# Configuration and policy text that used to be half-read: a second YAML
# document, a severity override for a code that does not exist.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"

cp mxaudit.yaml good.yaml
{ cat good.yaml; printf -- '---\ndomains:\n  - name: evil.example\n'; } >mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a configuration with a second YAML document"
assert_grep "mxaudit\.yaml: holds 2 YAML documents" err "says so, naming the file"

cat >p.yaml <<'YAML'
domain: example.com
severity:
  dmarc.polcy-none: info
YAML
{ cat good.yaml; echo "policies: [p.yaml]"; } >mxaudit.yaml
mx --store st check
assert_rc 3 "a severity override of an unknown code"
assert_grep "p\.yaml:3:[0-9]+: 'dmarc\.polcy-none' is not a finding code mxaudit reports" err "names file, line and code"
sed -i 's/dmarc.polcy-none/dmarc.policy-none/' p.yaml
mx --store st check
if [ "$rc" -ne 3 ]; then ok "the known code is accepted (exit $rc)"; else notok "known code refused"; sed 's/^/#   /' err; fi
printf 'domain: example.com\nseverity:\n  dmarcx.*: info\n' >p.yaml
mx --store st check
assert_rc 3 "an unknown area"
printf 'domain: example.com\n---\ndomain: example.net\n' >p.yaml
mx --store st check
assert_rc 3 "a policy with a second document"
assert_grep "p\.yaml: holds 2 YAML documents" err "says so"

# The codes a policy may name are the README's finding table.
sed -n '/^## Finding codes/,/^## The snapshot store/p' "$TOP/README.md" | grep -o '^| `[a-z0-9.-]*`' | tr -d '|` ' | sort -u >readme.codes
grep -o '^	"[a-z0-9.-]*",$' "$TOP/auditor/finding_codes.c" | tr -d '\t",' | sort -u >known.codes
assert_file_eq readme.codes known.codes "the known codes are the README's table"
