#!/bin/sh
# t75-fw-junos: Juniper SRX configuration - destination NAT before the
# policy, policies on the translated address, zone pairs then global then
# the default policy, static NAT both ways, source NAT interface and pool,
# inactive/deactivate, apply-groups, the set form, fragments; snapshots
# that mask secrets and ignore a re-save; check and --proposed-firewall.
# Each expectation has its reason from Juniper's documentation beside it
# (Junos "Understanding the flow of a packet" / "Security Policies
# Overview": static NAT, destination NAT, route and zone lookup, policy
# on the translated destination, source NAT; global policies after
# zone-pair policies; default-policy deny-all).
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw/junos"
good="$FX/j01-srx.conf"
set="$FX/j02-set.conf"

# Destination NAT (rule-set from zone untrust) rewrites 192.0.2.25:25 to
# pool MAIL-SMTP; the policy untrust -> trust names the internal MAIL.
mx reach --firewall "$good" --to 192.0.2.25:25/tcp --from 203.0.113.0/24
assert_rc 0 "destination NAT and a policy on the internal address: allowed"
assert_grep '^  allowed from every address asked about, reaches 10\.0\.0\.25:25$' out "reaches the mail host"
assert_grep '^  interfaces: in ge-0/0/0\.0, out ge-0/0/1\.0 \(both from the export' out "zone untrust's and trust's interfaces"
assert_grep 'nat:  junos destination-nat #1: line [0-9]*: security nat destination rule-set from-internet rule smtp' out "names the NAT rule"
assert_grep 'rule: junos from-untrust-to-trust #1: line [0-9]*: .*policy allow-smtp' out "names the policy"

# Source-restricted: 587 only from PARTNERS (an address-set, and an
# application from an apply-groups group); the rest meets deny-all.
mx reach --firewall "$good" --to 192.0.2.25:587/tcp --from 198.51.100.0/24
assert_rc 1 "source-restricted: partial"
assert_grep '^  allowed from 198\.51\.100\.0/28, reaches 10\.0\.0\.25:587$' out "the partners reach the host"
assert_grep 'rule: junos forward #[0-9]*: default-policy deny-all' out "the default policy decides for the rest"

# The classic mistake: the policy names the public address. The policy
# is matched after destination NAT, on 10.0.0.25: it never matches.
sed 's/destination-address MAIL;/destination-address MAIL-PUBLIC;/' "$good" >public.conf
mx reach --firewall public.conf --to 192.0.2.25:25/tcp
assert_rc 2 "an SRX policy on the public address: blocked"
assert_grep 'default-policy deny-all' out "the default policy decides"

# No permit: policy allow-smtp inactive; deny-all decides.
sed 's/^            policy allow-smtp {/            inactive: policy allow-smtp {/' "$good" >inactive.conf
mx reach --firewall inactive.conf --to 192.0.2.25:25/tcp
assert_rc 2 "an inactive policy: blocked"
# default-policy permit-all lets it through again.
sed 's/^    policies {/    policies {\n        default-policy {\n            permit-all;\n        }/' inactive.conf >permitall.conf
mx reach --firewall permitall.conf --to 192.0.2.25:25/tcp
assert_rc 0 "default-policy permit-all: allowed"

# Wrong host: the pool names another address.
sed 's|address 10\.0\.0\.25/32 port 25;|address 10.0.0.26/32 port 25;|' "$good" >wrong.conf
mx reach --firewall wrong.conf --to 192.0.2.25:25/tcp
assert_rc 2 "the policy for MAIL does not permit the pool's other host"
sed 's/destination-address MAIL;/destination-address any;/' wrong.conf >wrong-any.conf
mx reach --firewall wrong-any.conf --to 192.0.2.25:25/tcp
assert_grep 'reaches 10\.0\.0\.26:25$' out "with a policy to any, the pool leads to the other host"

# A global policy after the zone pair.
sed 's/^        from-zone trust to-zone untrust {/        global {\n            policy g-smtp {\n                match {\n                    source-address any;\n                    destination-address any;\n                    application junos-smtp;\n                }\n                then {\n                    permit;\n                }\n            }\n        }\n&/' public.conf >global.conf
mx reach --firewall global.conf --to 192.0.2.25:25/tcp
assert_rc 0 "a global policy after the zone-pair policies: allowed"
assert_grep 'rule: junos global #1: .*policy g-smtp' out "the global policy decides"

# ---- the set form ----
# Static NAT (before destination NAT) and deactivate.
mx reach --firewall "$set" --to 192.0.2.25:465/tcp
assert_rc 0 "set form, static NAT, [ junos-smtp junos-smtps ]: allowed"
assert_grep 'nat:  junos static-nat #1: ' out "static NAT translates"
{ cat "$set"; echo 'deactivate security policies from-zone untrust to-zone trust policy allow-smtp'; } >deact.conf
mx reach --firewall deact.conf --to 192.0.2.25:25/tcp
assert_rc 2 "deactivate: the policy is not in effect"

# ---- outbound ----
mx reach --firewall "$good" --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_rc 0 "trust to untrust permitted"
assert_grep '^  leaves as: 192\.0\.2\.2 \(after junos source-nat #1: .*source-nat interface' out "source-nat interface: ge-0/0/0.0's address"
mx reach --firewall "$set" --from-host 10.0.0.25 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.25 \(after junos source-nat #1: .*static-nat prefix' out "static NAT works both ways, before source NAT"
mx reach --firewall "$set" --from-host 10.0.0.30 --to 203.0.113.0/24:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.30 \(after junos source-nat #2: .*source-nat pool OUT' out "source NAT pool"

# ---- IPv6 (dual stack; NAT rules name IPv4 addresses, so IPv6 is routed as is) ----
ds="$FX/j03-dual-stack.conf"
# allow-smtp6: source any-ipv6, destination MAIL6 (2001:db8:25::25/128).
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:25/tcp' --from 2001:db8:ff::/48
assert_rc 0 "IPv6: a policy on an IPv6 address-book entry"
assert_grep 'policy allow-smtp6' out "names the IPv6 policy"
# allow-submission: PARTNERS6 is a range-address; MAIL-SERVERS holds MAIL and MAIL6.
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:587/tcp' --from 2001:db8:77::/64
assert_rc 1 "IPv6: a range-address source"
assert_grep '^  allowed from 2001:db8:77::1/128,.*2001:db8:77::80/121, reaches \[2001:db8:25::25\]:587$' out "the range 2001:db8:77::1 to ::ff"
mx reach --firewall "$ds" --routed --to '[2001:db8:25::25]:465/tcp'
assert_rc 2 "IPv6: no policy, default-policy deny-all"
# any-ipv6 is IPv6 only: allow-smtp6 does not open IPv4 (the IPv4 path is the DNAT one).
mx reach --firewall "$ds" --routed --to 10.0.0.25:25/tcp --from 203.0.113.0/24
assert_no_grep 'allow-smtp6' out "any-ipv6 does not match IPv4"
# The source NAT rule names 10.0.0.0/24: IPv6 leaves untranslated.
mx reach --firewall "$ds" --from-host 2001:db8:25::25 --to '[2001:db8:ff::1]:25/tcp'
assert_rc 0 "IPv6 outbound"
assert_grep '^  leaves as: 2001:db8:25::25 \(no source NAT\)' out "no IPv4 NAT on IPv6"
mx reach --firewall "$ds" --from-host 10.0.0.25 --to 203.0.113.1:25/tcp
assert_grep '^  leaves as: 192\.0\.2\.2 ' out "IPv4 takes the interface's IPv4 address, not its IPv6 one"
# A source NAT rule matching IPv6 too: interface NAT of IPv6 is not modelled, unknown.
sed 's|                        source-address 10.0.0.0/24;|                        source-address [ 10.0.0.0/24 2001:db8:25::/64 ];|' "$ds" >nat66.conf
mx reach --firewall nat66.conf --from-host 2001:db8:25::25 --to '[2001:db8:ff::1]:25/tcp'
assert_rc 3 "NAT of IPv6 packets: unknown"
assert_grep 'NAT of IPv6 packets' out "says which"

# Many zone pairs: each is a chain, and adding chains moves the model's
# chains; forward and global must still get their rules (a policy of the
# twelfth pair decides).
{
	echo "set security zones security-zone untrust interfaces ge-0/0/0.0"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "set security zones security-zone z$i interfaces ge-0/0/$i.0"
		p="set security policies from-zone untrust to-zone z$i policy mail$i"
		echo "$p match source-address any"
		echo "$p match destination-address any"
		echo "$p match application junos-smtp"
		echo "$p then permit"
	done
} >pairs.conf
mx reach --firewall pairs.conf --routed --in ge-0/0/0.0 --out ge-0/0/12.0 --to 198.51.100.25:25/tcp
assert_rc 0 "twelve zone pairs: the last pair's policy allows"
assert_grep 'policy mail12' out "names it"
mx reach --firewall pairs.conf --routed --in ge-0/0/0.0 --out ge-0/0/12.0 --to 198.51.100.25:465/tcp
assert_rc 2 "and the default policy still denies the rest"

# ---- fragments and bad input ----
grep 'security policies' "$set" >snippet.conf
mx reach --firewall snippet.conf --to 192.0.2.25:25/tcp
assert_grep '^192\.0\.2\.25:25/tcp: (blocked|unknown)' out "a set snippet of policies only is answered"
printf 'security {\n    policies {\n        default-policy {\n            permit-all;\n        }\n' >bad.conf
mx reach --firewall bad.conf --fw-format junos --to 192.0.2.25:25/tcp
assert_rc 3 "unclosed braces are an error"
assert_grep "bad\.conf:6: expected '}' to close 2 open blocks" err "naming file:line"

# ---- snapshots, check and proposals ----
world_start
cp "$good" edge.conf
cat >>mxaudit.yaml <<YAML
    mail_hosts: [10.0.0.25]
firewalls:
  - name: edge
    format: junos
    file: edge.conf
    public_ips: [192.0.2.25]
YAML
sed -i 's/sending_ips: \[203\.0\.113\.10, 2001:db8::25\]/sending_ips: [192.0.2.2]/' mxaudit.yaml
$MXAUDIT init --store st >/dev/null
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot with an SRX configuration"
assert_live_as_stored "SRX"
for s in rOoTSECRET aDmInSECRET pSkSECRET s3cretcommunity 09:14:31; do
	if sgit grep -q "$s" HEAD -- ; then notok "secret or volatile '$s' reached the store"; else ok "'$s' is not in the store"; fi
done
sgit show HEAD:firewall/edge.export >stored
assert_grep 'encrypted-password "\*\*\*\*\*";' stored "encrypted-password is masked"
mx --store st check --format json
codes=$(grep -o '"code": "[a-z.-]*"' out | grep -E '"(inbound|egress)\.' | sort -u | tr '\n' ' ')
assert_eq "$codes" "" "an intact path through the SRX gives no path finding"
before=$(sgit rev-parse HEAD)
sed 's/^## Last commit: .*/## Last commit: 2026-12-04 11:40:02 UTC by admin/' "$good" >edge.conf
mx --store st --dns-server "$DNS" snapshot
assert_eq "$(sgit rev-parse HEAD)" "$before" "a new '## Last commit' line makes no commit"
mx --store st check --proposed-firewall edge=public.conf --format json
assert_grep '"code": "inbound.blocked"' out "a policy on the public address, proposed: inbound.blocked"
sed 's/^                        source-nat {\n                            interface;/X/' "$good" | sed 's/^                            interface;$/                            pool { OUT; }/; s/^        source {$/        source {\n            pool OUT {\n                address 192.0.2.30\/32;\n            }/' >pool.conf
mx --store st check --proposed-firewall edge=pool.conf --format json
# The pool's address is not the firewall's public address: replies are not routed back.
assert_grep '"code": "outbound.not-translated"' out "a source NAT pool that is not a public address: outbound.not-translated"
