#!/bin/sh
# t51-fw-reach: `mxaudit reach` from the command line - verdicts and exit
# codes, the JSON schema, both iptables forms and nft JSON, unknowns that
# name their rule, ipset members, egress, and errors naming file:line.
. "$TOP/tests/lib.sh"

FX="$FIXTURES/fw"

mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --in eth0 --out eth1 --json
assert_rc 1 "k01: partial"
assert_grep '^  "verdict": "partial",$' out "k01: verdict partial"
assert_grep '^  "reaches": "192.0.2.25:25",$' out "k01: reaches the mail host after DNAT"
assert_grep '^  "blocked_from": \[$' out "k01: blocked_from present"
assert_grep '^    "198.51.100.0/28"$' out "k01: the /28 is blocked"
assert_grep '"198.51.100.16/28",' out "k01: the rest of 198.51.100.0/24 is allowed, as minimal CIDRs"
assert_grep '"filter FORWARD #2: -A FORWARD -s 198.51.100.0/28 -j DROP"' out "k01: names the deciding rule"
assert_grep '"nat PREROUTING #1: -A PREROUTING -i eth0 ' out "k01: names the DNAT rule"

mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --from 203.0.113.0/24 --in eth0 --out eth1
assert_rc 0 "k01 from 203.0.113.0/24: allowed"
assert_grep '^  allowed from every address asked about, reaches 192.0.2.25:25$' out "k01: text names sources and target"
mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_grep '^  allowed from every address but 198.51.100.0/28, reaches 192.0.2.25:25$' out "k01: text says what is missing when that is shorter"

mx --format json reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --from 198.51.100.0/28 --in eth0 --out eth1
assert_rc 2 "k01 from the /28: blocked"
assert_grep '"verdict": "blocked"' out "global --format json gives JSON"

# No --in: the DNAT rule's -i eth0 cannot be decided.
mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --json
assert_rc 3 "unknown interface: unknown"
assert_grep '"why": "it matches incoming interface eth0, and the incoming interface is not known \(--in\)"' out "unknown: says why"
assert_grep '"rule": "nat PREROUTING #1: ' out "unknown: names the rule"

# Replies dropped: the stage says so.
mx reach --firewall "$FX/k04-no-established.rules" --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_rc 1 "k04: partial"
assert_grep 'blocked from .* \(reply\)$' out "k04: blocked at the reply stage"

# The -S form, several tables in one file.
printf '%s\n' '-P INPUT ACCEPT' '-P FORWARD DROP' '-P OUTPUT ACCEPT' \
	'-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' \
	'-A FORWARD -d 192.0.2.25/32 -p tcp -m tcp --dport 25 -j ACCEPT' \
	'-P PREROUTING ACCEPT' '-P INPUT ACCEPT' '-P OUTPUT ACCEPT' '-P POSTROUTING ACCEPT' \
	'-A PREROUTING -p tcp -m tcp --dport 25 -j DNAT --to-destination 192.0.2.25' >s.txt
mx reach --firewall s.txt --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_rc 0 "-S form: allowed"
assert_grep 'reaches 192.0.2.25:25' out "-S form: the nat table was recognised"

# nft JSON: two base chains on the forward hook, goto, a named set.
mx reach --firewall "$FX/k09-two-chains.json" --to 203.0.113.10:587/tcp --in eth0 --out eth1 --json
assert_rc 1 "nft: partial"
assert_grep '"inet second late policy DROP"' out "nft: the second base chain's policy decides after goto/return"
assert_grep '"inet first early #1: -s 198.51.100.0/28 -j DROP"' out "nft: the first base chain's drop is final"

# ipset members.
printf '%s\n' '*filter' ':INPUT DROP [0:0]' '-A INPUT -m state --state ESTABLISHED -j ACCEPT' \
	'-A INPUT -p tcp --dport 25 -m set --match-set relays src -j ACCEPT' 'COMMIT' >set.rules
printf '%s\n' 'create relays hash:net family inet' 'add relays 198.51.100.0/24' >set.ipset
mx reach --firewall set.rules --ipset set.ipset --to 203.0.113.10:25 --in eth0 --from 198.51.100.7/32
assert_rc 0 "ipset: a member is allowed"
mx reach --firewall set.rules --to 203.0.113.10:25 --in eth0 --from 198.51.100.7/32
assert_rc 3 "ipset: without the members, unknown"
assert_grep "members of set 'relays' are not known" out "ipset: says which set"

# Egress from the mail host.
printf '%s\n' '*filter' ':FORWARD DROP [0:0]' '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' \
	'-A FORWARD -i eth1 -o eth0 -s 192.0.2.25/32 -p tcp -m tcp --dport 25 -j ACCEPT' 'COMMIT' >egress.rules
mx reach --firewall egress.rules --from-host 192.0.2.25 --to :25/tcp --in eth1 --out eth0 --json
assert_rc 0 "egress tcp/25: allowed"
assert_grep '"allowed_to": \[' out "egress: answers over destinations"
mx reach --firewall egress.rules --from-host 192.0.2.25 --to :53/udp --in eth1 --out eth0
assert_rc 2 "egress udp/53: blocked"

# Errors name file:line and exit 3.
printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' '-A INPUT -s 300.1.2.3 -j ACCEPT' 'COMMIT' >bad.rules
mx reach --firewall bad.rules --to 203.0.113.10:25/tcp
assert_rc 3 "bad export: exit 3"
assert_grep "bad.rules:3: expected an address or network, not '300.1.2.3'" err "bad export: file:line"
printf '{"nftables": [\n{"chain": }\n]}\n' >bad.json
mx reach --firewall bad.json --to 203.0.113.10:25/tcp
assert_rc 3 "bad JSON: exit 3"
assert_grep "bad.json:2:" err "bad JSON: file:line"
mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10/tcp
assert_rc 3 "bad --to: exit 3"
assert_grep "expected IP:PORT/tcp" err "bad --to: says what is expected"

# --firewall NAME of the configuration: its file, format and interfaces.
cp "$FX/k01-basic.rules" edge.rules
cat >mxaudit.yaml <<EOC
domains:
  - name: example.com
firewalls:
  - name: edge
    format: iptables
    file: edge.rules
    public_ips: [203.0.113.10]
    outside_ifaces: [eth0]
    inside_ifaces: [eth1]
EOC
mx -c mxaudit.yaml reach --firewall edge --to 203.0.113.10:25/tcp --from 198.51.100.0/24
assert_rc 1 "configured firewall: partial, with the configured interfaces"
assert_grep 'blocked from 198.51.100.0/28' out "configured firewall: the /28 is blocked"

# nft payload matches imply their protocol: icmp rules never touch tcp;
# an "ip ttl" match really is unknown for IPv4 and does not apply to IPv6.
mx reach --firewall "$FX/n01-icmp-ttl.json" --to '[2001:db8::1]:25/tcp' --in eth0
assert_rc 0 "nft icmp/icmpv6 rules do not make tcp unknown"
mx reach --firewall "$FX/n01-icmp-ttl.json" --to 203.0.113.10:25/tcp --in eth0
assert_rc 3 "nft ip ttl: unknown for IPv4"
assert_grep '"field":"ttl"' out "nft ip ttl: names the expression"

# Golden JSON answers (regenerate on purpose with `make fw-golden`).
mx reach --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --in eth0 --out eth1 --json
assert_file_eq "$FX/k01-basic.reach.json.ok" out "golden: k01 JSON answer"
mx reach --firewall "$FX/k09-two-chains.json" --to 203.0.113.10:587/tcp --in eth0 --out eth1 --json
assert_file_eq "$FX/k09-two-chains.reach.json.ok" out "golden: k09 nft JSON answer"

# The older --format iptables spelling, passed on after "--".
mx reach -- --format iptables --firewall "$FX/k01-basic.rules" --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_rc 1 "--format iptables after --"

# A big blocklist: the text answer lists 20 blocked parts and counts the
# rest, a line names 8 networks at most; --json lists every part.
sh "$TOP/tests/fixtures/fw/gen-big.sh" 400 >big.rules
mx reach --firewall big.rules --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_rc 1 "big blocklist: partial"
assert_eq "$(grep -c '^  blocked from' out)" 20 "big blocklist: 20 blocked parts are listed"
assert_grep '^  \.\.\. and [0-9]+ more blocked and 0 more unknown parts; --json lists them all$' out \
	"big blocklist: the rest are counted"
assert_grep '^  allowed from every address but ([0-9./]+,){7}[0-9./]+ and [0-9]+ more networks, reaches 192\.0\.2\.25:25$' out \
	"big blocklist: the allowed part names 8 networks and counts the rest"
more=$(sed -n 's/^  \.\.\. and \([0-9]*\) more blocked.*/\1/p' out)
mx reach --firewall big.rules --to 203.0.113.10:25/tcp --in eth0 --out eth1 --json
assert_eq "$(grep -c '"outcome": "blocked"' out)" "$((20 + more))" "big blocklist: --json lists every blocked part"
