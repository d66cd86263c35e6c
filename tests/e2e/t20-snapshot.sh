# init, a first snapshot, and a second one that changes nothing.
. "$TOP/tests/lib.sh"
world_start

mx init --store st
assert_rc 0 "init creates the store"
assert_eq "$(git --git-dir=st rev-parse --is-bare-repository)" "true" "the store is a bare git repository"

mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "first snapshot"
assert_grep '^committed [0-9a-f]{12}: baseline: 1 domain, [0-9]+ records' out "snapshot prints the commit and a summary"
assert_eq "$(sgit rev-list --count HEAD)" "1" "one commit"
assert_eq "$(sgit log -1 --format='%an <%ae>|%cn')" "mxaudit <mxaudit@localhost>|mxaudit" "author and committer are mxaudit"
assert_eq "$(sgit ls-tree -r --name-only HEAD | tr '\n' ' ')" "dns/example.com.status dns/example.com.zone " "the tree holds the zone and status files"

sgit show HEAD:dns/example.com.zone >zone
# What the collector must have reached from the domain.
assert_grep '^example\.com\.	3600	IN	MX	10 mx1\.example\.com\.$' zone "MX, canonical tab-separated line"
assert_grep '^mx1\.example\.com\.	3600	IN	AAAA	2001:db8::25$' zone "AAAA of an MX host"
assert_grep '^25\.2\.0\.192\.in-addr\.arpa\.	3600	IN	PTR	mx1\.example\.com\.$' zone "PTR of an MX address"
assert_grep '^10\.113\.0\.203\.in-addr\.arpa\.	.*PTR	out\.example\.com\.$' zone "PTR of a sending IP"
assert_grep '^5\.2\.0\.0\..*ip6\.arpa\.	.*PTR	mx1\.example\.com\.$' zone "PTR of an IPv6 address"
assert_grep '^_spf\.example\.net\.	.*"v=spf1 ip4:198\.51\.100\.0/28 a:relay\.example\.net ~all"$' zone "SPF include target"
assert_grep '^relay\.example\.net\.	.*	A	198\.51\.100\.20$' zone "address named by an a: term inside an include"
assert_grep '^_25\._tcp\.mx1\.example\.com\.	.*TLSA	3 1 1 ' zone "TLSA of an MX host"
assert_grep '^s2\._domainkey\.example\.com\.	.*CNAME	s2\.dkim\.example\.net\.$' zone "DKIM selector CNAME"
assert_grep '^s2\.dkim\.example\.net\.	.*"v=DKIM1; k=ed25519' zone "DKIM key behind the CNAME"
assert_grep '^example\.com\._report\._dmarc\.example\.net\.	.*TXT' zone "external rua authorization record"
assert_grep '^_mta-sts\.example\.com\..*"v=STSv1; id=20261129"' zone "MTA-STS TXT"
assert_grep '^_smtp\._tls\.example\.com\..*TLSRPTv1' zone "TLS-RPT TXT"
LC_ALL=C sort -c zone; assert_eq "$?" "0" "zone file is sorted"

sgit show HEAD:dns/example.com.status >status
assert_grep "^_25\._tcp\.mx2\.example\.com\.	TLSA	NXDOMAIN	-	$DNS\$" status "status records NXDOMAIN and the server that answered"
assert_grep "^mx2\.example\.com\.	AAAA	NODATA	-	" status "status records NODATA"
assert_grep "^example\.com\.	SPF	NODATA	" status "the deprecated SPF type is asked"

# Same world, same bytes: no commit, and not one object or file written.
objects() { sgit count-objects -v | awk '/^(count|in-pack|packs):/ { printf "%s ", $0 }'; find "$SCRATCH/st/objects" -type f | wc -l; }
before=$(objects)
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "second snapshot"
assert_grep '^no change since [0-9a-f]{12}; no commit made$' out "an unchanged world makes no commit"
assert_eq "$(sgit rev-list --count HEAD)" "1" "still one commit"
assert_eq "$(objects)" "$before" "an unchanged world writes no object and no pack"

# Global options after the command name; --format json.
mx snapshot --dns-server "$DNS" --store st --format json
assert_rc 0 "global options accepted after the command"
assert_grep '"changed": false' out "json says nothing changed"

# --tag on an unchanged snapshot tags the current commit.
mx --store st --dns-server "$DNS" snapshot --tag CHG-42-pre
assert_eq "$(sgit rev-parse CHG-42-pre)" "$(sgit rev-parse HEAD)" "--tag tags the snapshot"

# A file of the last snapshot lost from the store (objects unpacked, one
# removed by hand): named in an error or written back, never "removed".
zone_id=$(sgit rev-parse HEAD:dns/example.com.zone)
mkdir packs.saved && mv "$SCRATCH"/st/objects/pack/pack-* packs.saved/
for p in packs.saved/*.pack; do sgit unpack-objects -q <"$p"; done
rm -f "$SCRATCH/st/objects/$(echo "$zone_id" | cut -c1-2)/$(echo "$zone_id" | cut -c3-)"
sgit cat-file -e "$zone_id" 2>/dev/null; assert_eq "$?" "1" "the zone file is gone from the store"
head0=$(sgit rev-parse HEAD)
mx --store st --dns-server "$DNS" snapshot
# Either an error naming the file (exit 3) or the file written back.
if [ "$rc" = 3 ]; then
	assert_grep "dns/example\.com\.zone" err "the error names the lost file"
else
	assert_rc 0 "snapshot over a store missing a file of the last snapshot"
	assert_grep 'missing from .* written again' err "the repair is reported"
	sgit cat-file -e "$zone_id"; assert_eq "$?" "0" "the lost zone file is in the store again"
fi
assert_no_grep 'removed' out "nothing is reported removed"
assert_eq "$(sgit rev-parse HEAD)" "$head0" "no commit over the lost file"
