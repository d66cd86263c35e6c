# Pre-change checks: check --proposed-zone (a zone file as ldns reads it)
# and --proposed-firewall against the latest snapshot; the report says
# what the change would introduce and exits with its worst finding.
# Nothing is stored. Also check --at (the snapshot in force at a time).
. "$TOP/tests/lib.sh"

world_start_edge
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline snapshot"
before=$(sgit rev-parse HEAD)

# The zone file as the DNS team edits it: $ORIGIN, $TTL, relative names.
cp zones/example.com.zone proposed.zone
mx --store st check --proposed-zone example.com=proposed.zone
assert_rc 0 "an unchanged zone file introduces nothing"
assert_grep '^impact: nothing introduced' out "and says so"

sed -i '/^mx2	IN A/d' proposed.zone
mx --store st check --proposed-zone example.com=proposed.zone
assert_rc 1 "removing mx2's address would introduce a warning"
assert_grep 'what the proposed change would do' out "the report says it is about the proposal"
assert_grep '^  warning +mx\.no-address +mx2\.example\.com\.' out "names the finding"
assert_grep 'because: - mx2\.example\.com\. 3600 IN A 192\.0\.2\.26' out "and the record"
assert_grep "example.com's zone from proposed.zone" out "the label names the file"
assert_eq "$(sgit rev-parse HEAD)" "$before" "nothing is stored"

sed -i '/IN MX/d' proposed.zone
mx --store st --format nagios check --proposed-zone example.com=proposed.zone
assert_rc 2 "removing every MX would be critical"
assert_grep '^MXAUDIT CRITICAL - example\.com mx\.none ' out "nagios names it"

mx --store st --format json check --proposed-zone example.com=proposed.zone
assert_rc 2 "json too"
python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if d["to"]=="proposed" and any(i["code"]=="mx.none" for i in d["impact"]["introduced"]) else 1)' \
	&& ok "json: impact of the proposal" || notok "json: impact of the proposal"

# A firewall export that would close tcp/25 to everyone but one network.
sed 's/-d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/-s 198.51.100.0\/24 -d 192.0.2.25\/32 -p tcp -m tcp --dport 25 -j ACCEPT/' \
	edge.rules >proposed.rules
mx --store st --format markdown check --proposed-firewall edge=proposed.rules
assert_rc 2 "a proposed firewall that closes tcp/25 is critical"
assert_grep '^\| \*\*critical\*\* \| firewall edge \| `fw\.port-blocked` \| `203\.0\.113\.25:25/tcp`' out "markdown row for the ticket"

# Bad input: exit 3 with the reason.
mx --store st check --proposed-zone example.com=nosuch.zone
assert_rc 3 "missing zone file"
assert_grep "nosuch.zone" err "names the file"
printf 'mx1 IN A not-an-address\n' >bad.zone
mx --store st check --proposed-zone example.com=bad.zone
assert_rc 3 "zone file that does not parse"
assert_grep 'bad\.zone:[0-9]+: ' err "file:line"
mx --store st check --proposed-zone other.example=proposed.zone
assert_rc 3 "a domain the snapshot does not have"
mx --store st check --proposed-zone example.com
assert_rc 3 "no =FILE"
mx --store st check --proposed-firewall edge=nosuch.rules
assert_rc 3 "missing firewall export"
mx --store st --dns-server "$DNS" check --live --proposed-zone example.com=proposed.zone
assert_rc 3 "a proposal is checked against a stored snapshot, not --live"

# --at: the snapshot in force at a time.
sleep 1
sed -i '/^mx2	IN A/d' zones/example.com.zone
world_reload
mx --store st --dns-server "$DNS" snapshot
mx --store st check --at "@$(sgit log -1 --format=%ct "$before")"
assert_grep "snapshot ${before%${before#????????????}}" out "--at picks the earlier snapshot"
assert_no_grep 'mx\.no-address' out "as it was then"
