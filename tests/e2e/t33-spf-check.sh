# t33-spf-check: the SPF findings of "mxaudit check" on a snapshot of a
# broken SPF setup: lookup count, void lookups, dangling include, +all,
# ptr, and a configured sending address that no longer passes.
. "$TOP/tests/lib.sh"
world_start

# example.com drops ip4:203.0.113.10 (a configured sending IP) and pulls
# in two vendor records: one with 5 void a-lookups and a dead include, one +all.
sed -i 's|^\(\s*IN TXT "v=spf1\) ip4:203\.0\.113\.10 \(.*\)|\1 include:v1.example.net include:v2.example.net ptr \2|' zones/example.com.zone
grep -q 'include:v1.example.net' zones/example.com.zone || { notok "fixture edit failed"; exit 1; }
cat >>zones/example.net.zone <<'Z'
v1	IN TXT "v=spf1 a a a a a include:gone.example.net"
v2	IN TXT "v=spf1 +all"
Z
world_reload

mx init --store st
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot of the broken SPF"
mx --store st --format json check
assert_rc 2 "check is critical"
# Robust to the report's layout: every object with a code, anywhere.
jq -r '.. | objects | select(has("code") and (.code | startswith("spf."))) | "\(.severity) \(.code) \(.subject)"' out | sort >codes
cat >expect <<'E'
critical spf.ip-not-authorized 2001:db8::25
critical spf.ip-not-authorized 203.0.113.10
critical spf.lookup-limit example.com
critical spf.plus-all v2.example.net
critical spf.target-no-record gone.example.net
critical spf.void-limit example.com
warning spf.ptr example.com
E
assert_file_eq expect codes "check reports exactly the SPF findings of the broken setup"
assert_eq "$(jq -r '.. | objects | select(.code? == "spf.lookup-limit") | .message' out)" \
	"SPF needs 12 DNS-querying terms in the worst case, over the limit of 10: permerror" \
	"the worst-case count: mx 1, includes and their terms, a:relay inside _spf.example.net"
assert_grep "decided by 'include:v1\.example\.net' in the record of example\.com: more than 2 void lookups" out \
	"the sending-IP finding names the deciding term and the cause"

# Repair: the clean fixture has no SPF finding at all.
cp "$FIXTURES/zones/example.com.zone" zones/example.com.zone
world_reload
mx --store st --dns-server "$DNS" snapshot
mx --store st --format json check
jq -r '.. | objects | select(has("code") and (.code | startswith("spf."))) | .code' out >codes
assert_eq "$(wc -l <codes | tr -d ' ')" "0" "the repaired SPF has no findings"
