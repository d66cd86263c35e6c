# check --proposed-zone judges the world as it would be: names that first
# appear in the proposed zone (an SPF include, an MX host, a DMARC report
# destination) are asked of the DNS or of another proposed zone, never
# taken as absent; a reverse zone can be proposed for its PTRs; records
# mxaudit does not collect (www, the apex A) are counted, not compared.
. "$TOP/tests/lib.sh"

world_start_edge
# A mail vendor's zone on the same server: SPF that covers the sending
# IP 203.0.113.10, SPF that does not, an MX host, report authorization.
cat >zones/sendgrid.example.net.zone <<'ZONE'
$ORIGIN sendgrid.example.net.
$TTL 3600
@	IN SOA ns1.example.net. hostmaster.example.net. 2026112901 7200 900 1209600 300
	IN NS ns1.example.net.
@	IN TXT "v=spf1 ip4:203.0.113.0/28 -all"
partial	IN TXT "v=spf1 ip4:198.51.100.64/28 -all"
mx	IN A 198.51.100.70
example.com._report._dmarc.reports	IN TXT "v=DMARC1"
ZONE
# A host that resolves to the sending IP, for a PTR that would fix it.
printf 'mta\tIN A 203.0.113.10\n' >>zones/example.net.zone
world_reload
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline snapshot"
mx --store st check
assert_grep '^  critical ptr\.mismatch +203\.0\.113\.10' out "baseline: the sending IP's PTR does not resolve back"

# proposed.zone with SPF: the sending IP moved from ip4: to the include given.
spf_with() {
	sed "s|IN TXT \"v=spf1 .*|IN TXT \"v=spf1 ip6:2001:db8::25 mx include:_spf.example.net $1 -all\"|" \
		zones/example.com.zone >proposed.zone
}
propose() { mx --store st --dns-server "$DNS" "$@"; }

# 1. An include that publishes SPF covering the sending IP: nothing breaks.
spf_with include:sendgrid.example.net
propose check --proposed-zone example.com=proposed.zone
assert_rc 0 "an include that publishes SPF for the sending IP introduces nothing"
assert_no_grep 'spf\.target-no-record|spf\.ip-not-authorized' out "no invented missing record, the IP passes"
assert_grep '^impact: nothing introduced' out "impact: nothing introduced"
assert_grep '\+ sendgrid\.example\.net\. 3600 IN TXT "v=spf1 ip4:203\.0\.113\.0/28 -all"' out \
	"the include's record was asked live and shown"

# 2. An include that publishes SPF without the sending IP: the real consequence.
spf_with include:partial.sendgrid.example.net
propose check --proposed-zone example.com=proposed.zone
assert_rc 2 "an include that does not cover the sending IP is critical"
assert_grep '^  critical spf\.ip-not-authorized +203\.0\.113\.10' out "the sending IP would fail SPF"
assert_grep "decided by '-all'" out "decided by -all, not by an invented permerror"
assert_no_grep 'spf\.target-no-record' out "no spf.target-no-record for an include that has SPF"

# 3. An include that really has no record.
spf_with include:nospf.example.net
propose check --proposed-zone example.com=proposed.zone
assert_rc 2 "an include with no record is critical"
assert_grep '^  critical spf\.target-no-record +nospf\.example\.net .*\[example\.com\]' out \
	"spf.target-no-record for a name that does not exist"
assert_grep 'has no SPF record \(NXDOMAIN\)' out "which the DNS answered NXDOMAIN"

# 4. An include whose lookup fails live (the server refuses the zone): unknown, not absent.
spf_with include:_spf.elsewhere.example.org
propose check --proposed-zone example.com=proposed.zone
assert_grep 'spf\.lookup-failed +_spf\.elsewhere\.example\.org' out "a failed live lookup is spf.lookup-failed"
assert_grep 'dns\.unresolvable .*_spf\.elsewhere\.example\.org\. TXT \(SERVFAIL\)|_spf\.elsewhere\.example\.org\. TXT \(SERVFAIL\)' out \
	"and counted as a lookup that could not be resolved"
assert_no_grep 'spf\.target-no-record|NXDOMAIN' out "never an invented NXDOMAIN"

# 5. A new MX host: its address is asked, from the DNS or from another proposed zone.
cp zones/example.com.zone proposed.zone
printf '@\tIN MX 30 mx.sendgrid.example.net.\n' >>proposed.zone
propose check --proposed-zone example.com=proposed.zone
assert_grep '\+ mx\.sendgrid\.example\.net\. 3600 IN A 198\.51\.100\.70' out "the new MX host's address was resolved live"
assert_no_grep 'mx\.no-address' out "no mx.no-address for it"
sed 's/^mx\tIN A .*/mx\tIN A 198.51.100.71/' zones/sendgrid.example.net.zone >vendor.zone
propose check --proposed-zone example.com=proposed.zone --proposed-zone sendgrid.example.net=vendor.zone
assert_grep '\+ mx\.sendgrid\.example\.net\. 3600 IN A 198\.51\.100\.71' out "another proposed zone answers for its names"
assert_no_grep '198\.51\.100\.70' out "before the DNS does"
assert_grep "sendgrid.example.net's zone from vendor.zone" out "the label names both files"

# 6. DMARC reports to a new destination: its authorization is asked.
sed 's|mailto:reports@example.net|mailto:d@reports.sendgrid.example.net|' zones/example.com.zone >proposed.zone
propose check --proposed-zone example.com=proposed.zone
assert_no_grep 'dmarc\.rua-unauthorized' out "an authorized report destination is not flagged"
sed 's|mailto:reports@example.net|mailto:d@other.sendgrid.example.net|' zones/example.com.zone >proposed.zone
propose check --proposed-zone example.com=proposed.zone
assert_grep 'dmarc\.rua-unauthorized' out "an unauthorized one is"

# 7. A reverse zone: removing the sending IP's PTR, then fixing it.
sed '/^10\t/d' zones/113.0.203.in-addr.arpa.zone >reverse.zone
propose check --proposed-zone 113.0.203.in-addr.arpa=reverse.zone
assert_rc 2 "removing the sending IP's PTR is critical"
assert_grep '^  critical ptr\.missing +203\.0\.113\.10 +\[example\.com\]' out "ptr.missing introduced"
assert_grep "113.0.203.in-addr.arpa's zone from reverse.zone" out "the label names the reverse zone"
sed 's/out\.example\.com\./mta.example.net./' zones/113.0.203.in-addr.arpa.zone >reverse.zone
propose check --proposed-zone 113.0.203.in-addr.arpa=reverse.zone
assert_rc 0 "a PTR that resolves back introduces nothing"
assert_grep '^resolved:' out "and resolves something"
assert_grep '^  critical ptr\.mismatch +203\.0\.113\.10 +\[example\.com\]' out "ptr.mismatch resolved"
assert_grep '\+ mta\.example\.net\. 3600 IN A 203\.0\.113\.10' out "the PTR's new name was resolved live"
sed '/IN PTR/d' zones/8.b.d.0.1.0.0.2.ip6.arpa.zone >reverse6.zone
propose check --proposed-zone 8.b.d.0.1.0.0.2.ip6.arpa=reverse6.zone
assert_grep '^  critical ptr\.missing +2001:db8::25 +\[example\.com\]' out "an ip6.arpa zone stands in for IPv6 PTRs"
printf '$ORIGIN 100.51.198.in-addr.arpa.\n99\t3600 IN PTR mx9.example.com.\n' >unused.zone
propose check --proposed-zone 100.51.198.in-addr.arpa=unused.zone
assert_rc 3 "a reverse zone no lookup falls in"
assert_grep 'no lookup of one falls in it' err "says so"

# A wildcard answers for the names it covers, as the zone's server would.
sed 's/^mx2\tIN A/*\tIN A/' zones/example.com.zone >proposed.zone
propose check --proposed-zone example.com=proposed.zone
assert_no_grep 'mx\.no-address|- mx2\.example\.com\. 3600 IN A' out "mx2's address comes from the wildcard"
assert_grep '^ignored 2 records ' out "the wildcard record is read, not ignored (only ns1's and ns2's addresses are)"

# 8. Records mxaudit does not collect are counted, not compared.
cp zones/example.com.zone proposed.zone
printf 'www\tIN A 192.0.2.80\nautodiscover\tIN CNAME mx1\n@\tIN A 192.0.2.80\n' >>proposed.zone
propose check --proposed-zone example.com=proposed.zone
assert_rc 0 "a zone file with www, autodiscover and the apex A introduces nothing"
# ns1 and ns2's addresses, www, autodiscover, the apex A.
assert_grep '^ignored 5 records of the zone file that mxaudit does not collect$' out "the count of ignored records"
assert_grep '^impact: nothing introduced; 0 resolved; 0 other changes' out "and no other changes"
assert_no_grep 'www|autodiscover|192\.0\.2\.80' out "none of them is compared"
propose --format json check --proposed-zone example.com=proposed.zone
python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if d["ignored_records"]==5 and d["impact"]["changes"]==[] else 1)' \
	&& ok "json: ignored_records 5, no changes" || notok "json: ignored_records 5, no changes"

# Without a configuration the domain is walked with the inputs its snapshot recorded.
mv mxaudit.yaml mxaudit.yaml.off
spf_with include:partial.sendgrid.example.net
propose check --proposed-zone example.com=proposed.zone
assert_rc 2 "without a configuration"
assert_grep '^  critical spf\.ip-not-authorized +203\.0\.113\.10' out "the recorded sending IP is checked"
sed -n '/^what the proposed change would do/,$p' out >impact
assert_grep '^impact: 1 critical, 0 warnings, 0 info introduced; 0 resolved; 0 other changes' impact \
	"and nothing else changes: the recorded selectors and PTRs are walked as before"
mv mxaudit.yaml.off mxaudit.yaml

# Bad input: exit 3 with the reason.
propose check --proposed-zone example.com=proposed.zone --proposed-zone EXAMPLE.com=proposed.zone
assert_rc 3 "the same zone twice"
assert_grep "'example.com' is given twice" err "says so"
propose check --proposed-zone 'bad zone=proposed.zone'
assert_rc 3 "a zone name that is no name"
assert_grep "'bad zone' is not a zone name" err "says so"
