# The changes people make on a realistic estate (self-hosted behind a
# firewall, M365-style, Google-style with nested includes, parked), each
# of which must raise its finding, on a world that is otherwise silent:
# an MX preference swap (mx.primary-changed), a PTR turned into the
# access provider's generic name (ptr.generic), an SPF mx term whose host
# lost its address (spf.mx-void-hosts), and a parked domain that is only
# quiet while it is parked right (mx.null).
. "$TOP/tests/lib.sh"

estate_start
drift() { mx --store st --dns-server "$DNS" --timeout 1 drift "$@"; }
Z=zones/example.com.zone
NEW='mx\.primary-changed|ptr\.generic|spf\.mx-void-hosts'

# --- the healthy estate: nothing above info --------------------------------------
mx --store st --dns-server "$DNS" --timeout 1 check --live --format json
assert_rc 0 "healthy estate: check --live is ok"
assert_eq "$(jq -r '[.summary.critical, .summary.warning] | join(" ")' out)" "0 0" "no critical, no warning"
assert_no_grep "$NEW" out "none of the new findings on the healthy estate"
assert_eq "$(jq -r '.domains[] | select(.domain == "parked.example") | .findings[] | select(.code == "mx.null" or .code == "dkim.revoked") | "\(.code) \(.severity)"' out | sort | tr '\n' ' ')" \
	"dkim.revoked info mx.null info " "parked done right: null MX and the revoked wildcard selector are info"
drift >/dev/null
assert_rc 0 "drift baseline of the healthy estate: ok"

# introduced CODE SEVERITY WHAT : the last drift's JSON introduced CODE at SEVERITY.
introduced() {
	got=$(jq -r --arg c "$1" '.impact.introduced[] | select(.code == $c) | .severity' out | sort -u | tr '\n' ' ')
	assert_eq "$got" "$2 " "$3: $1 introduced as $2"
}
# scenario WHAT CODE SEVERITY : after the caller changed the world.
scenario() {
	world_reload
	drift --format json
	introduced "$2" "$3" "$1"
	cp out "$2.json"
	mx --store st diff HEAD~1 HEAD
	assert_grep "^  $3 +$2 " out "$1: diff lists $2 among the introduced findings"
	cp out "$2.diff"
	cp "$FIXTURES/estate/zones/"*.zone zones/
	world_reload
	drift >/dev/null
	assert_rc 0 "$1: restored, the state is ok again"
}

# --- an MX preference swap: the backup becomes the primary -----------------------
sed -i 's/IN MX 10 mx1.example.com./IN MX 20 mx1.example.com./; s/IN MX 20 mx2.example.com./IN MX 10 mx2.example.com./' $Z
scenario "MX preferences swapped" mx.primary-changed warning
assert_grep 'from mx1\.example\.com\. \(10\) to mx2\.example\.com\. \(10\)' mx.primary-changed.json "the finding names the old and the new primary"
assert_eq "$(jq -r '.impact.introduced[] | select(.code == "mx.primary-changed") | .scope + " " + .subject' mx.primary-changed.json)" \
	"example.com example.com. MX" "scope and subject: the domain's MX"
sed -i 's/IN MX 20 mx2.example.com./IN MX 30 mx2.example.com./' $Z
world_reload
drift --format json
assert_no_grep 'mx\.primary-changed' out "a backup's preference changing is no primary change"
cp "$FIXTURES/estate/zones/"*.zone zones/
world_reload
drift >/dev/null

# --- a PTR changed to the ISP's generic name, which resolves back ------------------
sed -i 's/^10	IN PTR out.example.com./10	IN PTR static-203-0-113-10.customer.isp.example./' zones/113.0.203.in-addr.arpa.zone
scenario "sending IP's PTR now generic" ptr.generic warning
assert_no_grep 'ptr\.mismatch' ptr.generic.json "the generic name resolves back: no mismatch"
assert_grep "static-203-0-113-10\.customer\.isp\.example\." ptr.generic.diff "the diff names the generic name"

# --- SPF mx whose host has no address: several void lookups elsewhere ---------------
sed -i '/^mx2	IN A/d' $Z
scenario "an MX host of the SPF mx term lost its address" spf.mx-void-hosts warning
assert_grep "mx2\.example\.com\." spf.mx-void-hosts.json "the finding names the host"

# --- the parked domain, parked wrong ---------------------------------------------
# (mx.null keeps its code and subject, so a change of its severity alone is
# not introduced; the state counts it.)
parked_null() {
	mx --store st --dns-server "$DNS" --timeout 1 check --live --format json
	assert_eq "$(jq -r '.domains[] | select(.domain == "parked.example") | .findings[] | select(.code == "mx.null") | .severity' out)" \
		"warning" "$1: the null MX is a warning again"
	assert_eq "$(jq -r .state.status out)" "warning" "$1: the state is warning"
}
sed -i 's/p=reject/p=none/' zones/parked.example.zone
world_reload
parked_null "parked domain with DMARC p=none"
sed -i 's/p=none/p=reject/; s/v=spf1 -all/v=spf1 ~all/' zones/parked.example.zone
world_reload
parked_null "parked domain with ~all"
