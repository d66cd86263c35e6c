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
