# Without --dns-server: find the zone's authoritative servers and ask each.
# Two NSDs on 127.0.0.1 and 127.0.0.2 are example.com's NS; the second
# serves an older copy of the zone, which must show as disagreement.
. "$TOP/tests/lib.sh"
world_start
nsd_stop ns
PORT=$(free_port)
sed -i 's/^ns1	IN A 192\.0\.2\.53/ns1	IN A 127.0.0.1/; s/^ns2	IN A 198\.51\.100\.53/ns2	IN A 127.0.0.2/' zones/example.com.zone
# example.net, the zone of the SPF include and the DKIM key, is served there too.
sed -i 's/^ns1	IN A 198\.51\.100\.53/ns1	IN A 127.0.0.1/' zones/example.net.zone
mkdir zones2
cp zones/* zones2/
sed -i 's/p=reject/p=none/' zones2/example.com.zone
nsd_start ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
nsd_start ns2 127.0.0.2 "$PORT" "$SCRATCH/zones2"
$MXAUDIT init --store st >/dev/null

mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" -v snapshot
assert_rc 0 "snapshot with discovery"
assert_grep "example\.com: authoritative servers 127\.0\.0\.1:$PORT,127\.0\.0\.2:$PORT" err "both authoritative servers are found from the NS records"
sgit show HEAD:dns/example.com.status >status
assert_grep "^mx1\.example\.com\.	A	NOERROR	-	127\.0\.0\.1:$PORT,127\.0\.0\.2:$PORT\$" status "names in the zone are asked of every authoritative server"
assert_grep "^_dmarc\.example\.com\.	TXT	NOERROR	disagree	127\.0\.0\.1:$PORT,127\.0\.0\.2:$PORT	127\.0\.0\.2:$PORT=NOERROR/1\$" status "the server with the old zone disagrees"
assert_grep "^_spf\.example\.net\.	TXT	NOERROR	-	127\.0\.0\.1:$PORT\$" status "names of another zone are asked of that zone's server"
assert_grep "zone example\.net\.: servers 127\.0\.0\.1:$PORT" err "the other zone's server is found through the resolver"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^_dmarc\.example\.com\..*p=reject' zone "the first server's answer is kept"

# A listed NS that only holds the parent zone answers with a referral
# (no AA, empty answer): that is not "no such record". It is lame; the
# server that is authoritative decides every name.
nsd_stop ns2
mkdir zones3
printf '%s\n' '$TTL 3600' '@ IN SOA ns.com. h.com. 1 3600 600 86400 300' '@ IN NS ns.com.' \
	'ns IN A 127.0.0.2' 'example IN NS ns1.example.com.' 'ns1.example IN A 127.0.0.1' >zones3/com.zone
nsd_start ns2 127.0.0.2 "$PORT" "$SCRATCH/zones3"
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" -v snapshot
assert_rc 0 "snapshot with a lame NS"
assert_grep "127\.0\.0\.2:$PORT answered without authority \(lame\)" err "the referral is recognised as lame"
sgit show HEAD:dns/example.com.status >status
assert_grep "^mx1\.example\.com\.	A	NOERROR	-	127\.0\.0\.1:$PORT	127\.0\.0\.2:$PORT=LAME\$" status "the referral is not data: only the authoritative server answered, the other is lame"
assert_no_grep "^(mx1\.example\.com\.	A|_dmarc\.example\.com\.	TXT|s1\._domainkey\.example\.com\.	TXT)	NODATA" status "no name became NODATA from the referral"
assert_no_grep "	disagree	" status "a referral is no disagreement"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^_dmarc\.example\.com\..*p=reject' zone "records stay those of the authoritative server"

# A listed NS that never answers is marked down after it let lookups go
# unanswered: the last step of the chain (the MX hosts' TLSA) is not
# sent to it, and the run waits for it fewer times than it has lookups.
nsd_stop ns2
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" --timeout 1 -v snapshot
assert_rc 0 "snapshot with a dead NS"
assert_grep "127\.0\.0\.2:$PORT: no answer [0-9]+ times in a row, marked down" err "the dead server is marked down"
assert_no_grep "^_25\._tcp\.mx[12]\.example\.com\. TLSA: no answer from 127\.0\.0\.2" err "the last step does not wait for it"
grep -c "no answer from 127\.0\.0\.2:$PORT" err >waits
sgit show HEAD:dns/example.com.status >status
total=$(grep -c "127\.0\.0\.2:$PORT=TIMEOUT" status)
assert_eq "$([ "$(cat waits)" -lt "$total" ] && echo fewer)" fewer "fewer waits ($(cat waits)) than lookups it is listed for ($total)"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^_dmarc\.example\.com\..*p=reject' zone "the live server decides the records"
assert_grep '^mx1\.example\.com\.	[0-9]+	IN	A	' zone "the MX host's address is collected"
mx --store st check --format json
assert_eq "$(jq -r '.domains[].findings[] | select(.code == "dns.ns-unreachable") | "\(.severity) \(.subject)"' out)" \
	"warning 127.0.0.2:$PORT" "the dead server is dns.ns-unreachable, a warning while the other answers"

# A name whose zone has no servers the resolver knows (no NS anywhere
# above it) is answered by the resolver itself. Its TTL is then a
# cache's: the lookup is flagged cached-ttl, and an unchanged record
# keeps the TTL it was first stored with, so a resolver's countdown (here
# a changed TTL) makes no commit.
printf '%s\n' '$ORIGIN nons.example.' '$TTL 3600' \
	'@ IN SOA ns.nons.example. h.nons.example. 1 3600 600 86400 300' \
	'_spf IN TXT "v=spf1 ip4:198.51.100.7 -all"' >zones/nons.example.zone
sed -i 's/include:_spf\.example\.net -all/include:_spf.example.net include:_spf.nons.example -all/' zones/example.com.zone
nsd_restart ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" --timeout 1 snapshot
assert_rc 0 "snapshot with a name of a zone without servers"
sgit show HEAD:dns/example.com.status >status
assert_grep "^_spf\.nons\.example\.	TXT	NOERROR	cached-ttl	127\.0\.0\.1:$PORT\$" status "the resolver's answer is flagged cached-ttl"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^_spf\.nons\.example\.	3600	IN	TXT	"v=spf1 ip4:198\.51\.100\.7 -all"$' zone "the record is stored"
sed -i 's/^\$TTL 3600$/$TTL 1200/' zones/nons.example.zone
nsd_restart ns 127.0.0.1 "$PORT" "$SCRATCH/zones"
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" --timeout 1 snapshot
assert_grep '^no change since [0-9a-f]{12}; no commit made$' out "a cached TTL that moved makes no commit"
