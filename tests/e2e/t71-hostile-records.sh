# Records whose content is hostile: control and high bytes in names taken
# from TXT, a huge TXT, 1000 MX, CNAME and include loops. One bad record
# is a finding on that record; every later command still runs.
. "$TOP/tests/lib.sh"
world_start
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
sgit show HEAD:dns/example.com.zone >base.zone

# DMARC report hosts and SPF targets with a newline, CR, ESC and a raw
# high byte (NSD serves the bytes written \DDD).
sed -i 's/^_dmarc.*/_dmarc	IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com, mailto:a@evil.example\\010x, mailto:b@evil\\027[31m.example, mailto:c@h\\200igh.example, mailto:d@cr\\013.example"/' zones/example.com.zone
sed -i 's/^_spf.*/_spf	IN TXT "v=spf1 ip4:198.51.100.0\/28 a:relay.example.net include:x\\010y.example.org a:\\027[31m.example.org mx:h\\200.example.org ~all"/' zones/example.net.zone
world_reload
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with control bytes in TXT-derived names"
sgit show HEAD:dns/example.com.status >status
assert_no_grep 'evil|igh\.example|example\.org' status "no lookup of a name that is not a host name"
assert_eq "$(tr -d '\t\n -~' <status | wc -c | tr -d ' ')" "0" "the status file holds printable bytes only"
sgit show HEAD:dns/example.com.zone >zone
assert_grep '^_dmarc\.example\.com\..*evil\.example\\010x' zone "the DMARC record is stored, its bytes escaped"
sgit log -1 --format=%B >msg
assert_eq "$(tr -d '\t\n -~' <msg | wc -c | tr -d ' ')" "0" "the commit message holds no raw control byte"

mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "the next snapshot reads the store and runs"
mx --store st check
assert_grep 'dmarc\.syntax  _dmarc\.example\.com' out "check: the DMARC record with control bytes is dmarc.syntax"
assert_grep 'spf\.syntax' out "check: the bad SPF targets are spf.syntax"
assert_eq "$(tr -d '\t\n -~' <out | wc -c | tr -d ' ')" "0" "check prints no raw control byte"
for cmd in "diff" "log" "timeline" "show"; do
	mx --store st $cmd
	if [ "$rc" -ne 3 ]; then ok "$cmd runs (exit $rc)"; else notok "$cmd exits 3"; sed 's/^/#   /' err; fi
	assert_eq "$(tr -d '\t\n -~' <out | wc -c | tr -d ' ')" "0" "$cmd prints no raw control byte"
done
mx --store st log --record TXT example.com
assert_rc 0 "log --record of the DMARC record"
cp "$FIXTURES/zones/example.com.zone" "$FIXTURES/zones/example.net.zone" zones/

# A store written by an older version: a raw newline split a status line.
# That one line costs itself (a finding), not the domain or the run.
world_reload
sgit show HEAD:dns/example.com.status >st.status
printf 'x.example\n_report._dmarc.evil.example.\tTXT\tNXDOMAIN\t-\t127.0.0.1\n' >>st.status
blob=$(sgit hash-object -w --stdin <st.status)
sgit read-tree HEAD
sgit update-index --cacheinfo "100644,$blob,dns/example.com.status"
tree=$(sgit write-tree)
commit=$(printf 'older \033[31mversion\n' | sgit commit-tree "$tree" -p HEAD)
sgit update-ref refs/heads/main "$commit"
mx --store st log
assert_grep 'older \\027\[31mversion' out "log shows an old subject's ESC escaped"
assert_eq "$(tr -d '\t\n -~' <out | wc -c | tr -d ' ')" "0" "log prints no raw control byte"
mx --store st check
assert_grep 'store\.bad-line' out "check: the bad line is a store.bad-line finding"
assert_grep 'dns/example\.com\.status:[0-9]+: expected' out "the finding names the file and line"
mx --store st --dns-server "$DNS" snapshot
if [ "$rc" -ne 3 ]; then ok "snapshot over the bad line runs (exit $rc)"; else notok "snapshot exits 3"; sed 's/^/#   /' err; fi
mx --store st check
assert_no_grep 'store\.bad-line' out "the next snapshot wrote the file anew"
sgit show HEAD:dns/example.com.zone >zone
assert_file_eq base.zone zone "the zone is the baseline's again"

# A huge TXT (200 strings, 50,000 bytes), 1000 MX, a CNAME loop, an include loop.
huge=$(awk 'BEGIN { for (i = 0; i < 200; i++) { printf "\""; for (j = 0; j < 250; j++) printf "%c", 97 + (i + j) % 26; printf "\" " } }')
echo "huge	IN TXT $huge" >>zones/example.com.zone
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "@\tIN MX %d m%d.example.com.\n", i + 30, i }' >>zones/example.com.zone
printf 'loop1\tIN CNAME loop2.example.com.\nloop2\tIN CNAME loop1.example.com.\n' >>zones/example.com.zone
sed -i 's/^s1\._domainkey/huge._domainkey\tIN CNAME huge.example.com.\nlp._domainkey\tIN CNAME loop1.example.com.\ns1._domainkey/' zones/example.com.zone
sed -i 's/^_spf.*/_spf	IN TXT "v=spf1 include:_spf.example.net a:relay.example.net ~all"/' zones/example.net.zone
sed -i 's/dkim_selectors: \[s1, s2\]/dkim_selectors: [s1, s2, huge, lp]/' mxaudit.yaml
world_reload
mx --store st --dns-server "$DNS" --timeout 2 snapshot
if [ "$rc" -ne 3 ]; then ok "snapshot of the huge, the many and the loops ends (exit $rc)"; else notok "snapshot exits 3"; sed 's/^/#   /' err; fi
sgit show HEAD:dns/example.com.zone >zone
assert_eq "$(grep -c '^example\.com\.	3600	IN	MX' zone)" "1002" "all 1002 MX are stored"
grep '^huge\.example\.com\.' zone >hugeline
assert_eq "$(grep -o '"[a-z]*"' hugeline | wc -l | tr -d ' ')" "200" "all 200 strings of the huge TXT are stored"
assert_grep '^loop1\.example\.com\.	3600	IN	CNAME	loop2' zone "the CNAME loop's records are stored"
grep -v '^_spf\.example\.net\.' base.zone >base-but-spf.zone
no_record_removed base-but-spf.zone HEAD "no record of the previous snapshot is removed (but the changed SPF)"
mx --store st check
assert_grep 'spf\.loop' out "check: the include loop is spf.loop"
