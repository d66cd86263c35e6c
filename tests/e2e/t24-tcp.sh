# An answer too big for UDP falls back to TCP.
. "$TOP/tests/lib.sh"
world_start
big=$(awk 'BEGIN { for (i = 0; i < 12; i++) { printf "\""; for (j = 0; j < 250; j++) printf "%c", 97 + (i + j) % 26; printf "\" " } }')
echo "big	IN TXT $big" >>zones/example.com.zone
sed -i 's/dkim_selectors: \[s1, s2\]/dkim_selectors: [s1, s2, big]/' mxaudit.yaml
sed -i 's/^s1\._domainkey/big._domainkey	IN CNAME big.example.com.\ns1._domainkey/' zones/example.com.zone
world_reload
$MXAUDIT init --store st >/dev/null

mx --store st --dns-server "$DNS" -v snapshot
assert_rc 0 "snapshot"
assert_grep 'truncated over UDP, retrying over TCP' err "the truncated answer is retried over TCP"
sgit show HEAD:dns/example.com.zone >zone
grep '^big\.example\.com\.' zone >bigline
assert_eq "$(grep -o '"[a-z]*"' bigline | wc -l | tr -d ' ')" "12" "all 12 strings of the 3000-byte TXT are stored"
assert_eq "$(grep -c 'big' zone)" "2" "the CNAME and its big target"
