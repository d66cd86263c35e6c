# The default DNS mode (no --dns-server) against a delegation tree: a
# root, a TLD, the domains' servers and Unbound as the resolver, in a
# network namespace (tests/tree.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/tree.sh"
tree_start
$MXAUDIT init --store st >/dev/null

# Records of other zones (the provider's SPF includes, MX host and DKIM
# key, the PTRs) are stored with their zone's TTL, not with the
# resolver's cached one that counts down: an unchanged world, seen
# again once the cache's TTLs have moved, makes no commit.
mx --store st -v snapshot
assert_rc 0 "first snapshot through the resolver"
sleep 2
mx --store st -v snapshot
assert_rc 0 "second snapshot"
assert_grep '^no change since [0-9a-f]{12}; no commit made$' out "an unchanged world makes no commit"
assert_eq "$(sgit rev-list --count HEAD)" "1" "one commit for two snapshots"
sgit show HEAD:dns/example.test.zone >zone
assert_grep '^25\.113\.0\.203\.in-addr\.arpa\.	7200	IN	PTR	mx1\.example\.test\.$' zone "a PTR keeps its zone's TTL"
assert_grep '^_spf2\.provider\.test\.	300	IN	TXT	' zone "a nested SPF include keeps its zone's TTL"
assert_grep '^mx\.provider\.test\.	300	IN	A	198\.51\.100\.25$' zone "a provider MX host keeps its zone's TTL"
assert_grep '^s2\.dkim\.provider\.test\.	300	IN	TXT	"v=DKIM1' zone "a DKIM key behind a CNAME keeps its zone's TTL"
assert_grep '^example\.test\._report\._dmarc\.reports\.provider\.test\.	300	IN	TXT' zone "the report authorization keeps its zone's TTL"
assert_grep '^25\.100\.51\.198\.in-addr\.arpa\.	7200	IN	PTR	mx\.provider\.test\.$' zone "the provider MX host's PTR"
sgit show HEAD:dns/example.test.status >status
assert_grep "^_spf\.provider\.test\.	TXT	NOERROR	-	192\.0\.2\.30\$" status "a name of another zone is asked of that zone's server"
assert_grep "^25\.113\.0\.203\.in-addr\.arpa\.	PTR	NOERROR	-	192\.0\.2\.20\$" status "a PTR is asked of its reverse zone's server"

# lame.test lists four servers: its own (192.0.2.41), the TLD's (refers
# back to itself), the provider's (REFUSED) and 192.0.2.44 (answers
# without authority). The lame replies change no data; each gives
# dns.lame. dead.test's second server (192.0.2.43) never answers:
# dns.ns-unreachable. A warning each, while another server answers.
cat >>mxaudit.yaml <<YAML
  - name: lame.test
    dkim_selectors: [s1]
  - name: dead.test
    dkim_selectors: [s1]
YAML
mx --store st --timeout 1 -v snapshot
assert_rc 0 "snapshot with lame and dead nameservers"
assert_grep "^192\.0\.2\.43: [0-9]+ queries, no answer\$" err "the dead server's queries went unanswered"
assert_grep "lame\.test: authoritative servers 192\.0\.2\.2,192\.0\.2\.30,192\.0\.2\.41,192\.0\.2\.44\$" err "all four listed servers of lame.test are asked"
sgit show HEAD:dns/lame.test.zone >lzone
assert_grep '^lame\.test\.	3600	IN	MX	10 mx1\.lame\.test\.$' lzone "the MX is collected despite the lame servers"
assert_grep '^_dmarc\.lame\.test\.	3600	IN	TXT	"v=DMARC1; p=reject"$' lzone "DMARC is collected"
assert_grep '^s1\._domainkey\.lame\.test\.	3600	IN	TXT	"v=DKIM1' lzone "the DKIM key is collected"
sgit show HEAD:dns/lame.test.status >lstatus
assert_grep "^lame\.test\.	MX	NOERROR	-	192\.0\.2\.41	192\.0\.2\.2=LAME,192\.0\.2\.30=LAME,192\.0\.2\.44=LAME\$" lstatus "the referral, the refusal and the answer without authority are lame, not data"
assert_no_grep "^(lame\.test\.	(MX|TXT)|_dmarc\.lame\.test\.	TXT|s1\._domainkey\.lame\.test\.	TXT|mx1\.lame\.test\.	A)	(NODATA|NXDOMAIN|SERVFAIL)	" lstatus "no record of lame.test became NODATA or failed"
assert_no_grep "	(disagree|stale)	" lstatus "a lame reply is neither a disagreement nor a failure"
sgit show HEAD:dns/dead.test.zone >dzone
assert_grep '^dead\.test\.	3600	IN	MX	10 mx1\.dead\.test\.$' dzone "the live server decides dead.test"
mx --store st check --format json
lame=$(jq -r '.domains[] | select(.domain == "lame.test") | .findings[] | select(.code == "dns.lame") | "\(.severity) \(.subject)"' out | sort | tr '\n' ' ')
assert_eq "$lame" "warning 192.0.2.2 warning 192.0.2.30 warning 192.0.2.44 " "dns.lame, a warning, for each lame server of lame.test"
assert_eq "$(jq -r '.domains[] | select(.domain == "dead.test") | .findings[] | select(.code == "dns.ns-unreachable") | "\(.severity) \(.subject)"' out)" \
	"warning 192.0.2.43" "dns.ns-unreachable, a warning, for the dead server of dead.test"
assert_eq "$(jq -r '[.domains[] | select(.domain == "example.test") | .findings[] | select(.code | test("^dns\\."))] | length' out)" "0" "example.test's servers are healthy"
assert_eq "$(jq -r '[.domains[].findings[] | select(.code | test("^(dkim|dmarc|mx)\\.missing$"))] | length' out)" "0" "no record is taken for missing"
mx --store st check
assert_grep "nameserver 192\.0\.2\.30 of lame\.test is lame" out "check's text names the lame server and its domain"
assert_grep "nameserver 192\.0\.2\.43 of dead\.test never answered" out "check's text names the dead server and its domain"

# deleg.test's server refers mail., _domainkey. and _dmarc. to the server
# of those zones: the names are asked there, and a referral down is
# neither data (NODATA) nor lameness.
cat >>mxaudit.yaml <<YAML
  - name: deleg.test
    dkim_selectors: [s1]
YAML
mx --store st -v snapshot
assert_rc 0 "snapshot of a domain with delegated subzones"
# Round trips are measured per server: a lost query would be retried
# after what the server's round trip allows (at least 1 s), not after
# the whole timeout (3 s here).
assert_grep "^192\.0\.2\.46: [0-9]+ queries, [0-9]+ answers, round trip [0-9]+ ms, a lost query retried after 1000 ms\$" err "the retry time comes from the measured round trip"
assert_grep "^192\.0\.2\.53: [0-9]+ queries, [0-9]+ answers, round trip" err "the resolver's round trip is measured too"
assert_grep "mx1\.mail\.deleg\.test\. A: 192\.0\.2\.45 refers to mail\.deleg\.test\." err "the referral to mail.deleg.test is recognised"
sgit show HEAD:dns/deleg.test.zone >gzone
assert_grep '^mx1\.mail\.deleg\.test\.	3600	IN	A	203\.0\.113\.45$' gzone "the MX host is collected from mail.deleg.test's server"
assert_grep '^s1\._domainkey\.deleg\.test\.	3600	IN	TXT	"v=DKIM1' gzone "the DKIM key is collected from _domainkey.deleg.test's server"
assert_grep '^_dmarc\.deleg\.test\.	3600	IN	TXT	"v=DMARC1; p=reject"$' gzone "DMARC is collected from _dmarc.deleg.test's server"
sgit show HEAD:dns/deleg.test.status >gstatus
assert_grep "^mx1\.mail\.deleg\.test\.	A	NOERROR	-	192\.0\.2\.46\$" gstatus "mx1.mail.deleg.test is asked of its own zone's server"
assert_grep "^s1\._domainkey\.deleg\.test\.	TXT	NOERROR	-	192\.0\.2\.46\$" gstatus "the selector is asked of its own zone's server"
mx --store st check --format json
assert_eq "$(jq -r '[.domains[] | select(.domain == "deleg.test") | .findings[] | select(.code | test("^(dkim|dmarc|mx)\\.missing$|^dns\\."))] | length' out)" "0" \
	"no dkim.missing, dmarc.missing or dns finding for deleg.test"

# No server of dead.test answers: that is critical.
tree_stop dead
mx --store st --timeout 1 snapshot
mx --store st check --format json
assert_eq "$(jq -r '.domains[] | select(.domain == "dead.test") | .findings[] | select(.code == "dns.ns-unreachable") | "\(.severity) \(.subject)"' out | sort | tr '\n' ' ')" \
	"critical 192.0.2.42 critical 192.0.2.43 " "dns.ns-unreachable is critical when no server of the domain answers"
