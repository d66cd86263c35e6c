# Bad configuration: a clear error naming file:line:column, exit 3, nothing stored.
. "$TOP/tests/lib.sh"
$MXAUDIT init --store st >/dev/null

printf 'domains:\n  - name: example.com\n    dkim_selector: [s1]\n' >bad1.yaml
mx -c bad1.yaml --store st snapshot
assert_rc 3 "unknown key"
assert_grep "bad1\.yaml:3:5: unknown key 'dkim_selector' in a domain \(known: name, dkim_selectors, sending_ips, mail_hosts\)" err "names file:line:column and the known keys"

printf 'domains:\n  - name: example.com\n    sending_ips: [203.0.113.300]\n' >bad2.yaml
mx -c bad2.yaml --store st snapshot
assert_rc 3 "bad IP"
assert_grep "bad2\.yaml:3:19: '203\.0\.113\.300' in 'sending_ips' is not an IP address" err "bad address named with position"

printf 'domains:\n  name: example.com\n' >bad3.yaml
mx -c bad3.yaml --store st snapshot
assert_rc 3 "wrong type"
assert_grep "bad3\.yaml:2:3: expected a list for 'domains', found a mapping" err "wrong type named with position"

printf 'domains:\n  - name: [example.com\n' >bad4.yaml
mx -c bad4.yaml --store st snapshot
assert_rc 3 "YAML syntax error"
assert_grep "bad4\.yaml:[0-9]+:[0-9]+: " err "syntax error names a position"

printf 'firewalls:\n  - name: edge\n    format: pf\n    file: x\n' >bad5.yaml
mx -c bad5.yaml --store st snapshot
assert_rc 3 "unknown firewall format"
assert_grep "bad5\.yaml:2:5: firewall 'edge': format 'pf' is not one of" err "unknown format named"

mx -c missing.yaml --store st snapshot
assert_rc 3 "missing config"
assert_grep "cannot open 'missing\.yaml'" err "missing file named"

assert_eq "$(git --git-dir=st rev-list --all --count)" "0" "nothing was committed"

# The minimal documented shape parses as written.
cat >good.yaml <<'YAML'
domains:
  - name: example.com
    dkim_selectors: [s1, s2]
    sending_ips: [203.0.113.10, 2001:db8::25]
firewalls:
  - name: edge
    format: iptables
    file: exports/edge.rules
YAML
mx -c good.yaml --store st --dns-server 127.0.0.1:9 --timeout 1 snapshot
assert_no_grep 'good\.yaml' err "the minimal example config is accepted"

printf 'domains:\n  - name: example.com\n  - name: Example.COM.\n' >dup.yaml
mx -c dup.yaml --store st snapshot
assert_rc 3 "a domain listed twice"
assert_grep "dup\.yaml:3:5: domain 'example\.com' is listed twice" err "the second listing is named with its position"

# Selectors and mail hosts are recorded in snapshot files, a line each.
printf 'domains:\n  - name: example.com\n    dkim_selectors: [s1, "s 2"]\n' >sel.yaml
mx -c sel.yaml --store st snapshot
assert_rc 3 "a DKIM selector with a blank"
assert_grep "sel\.yaml:3:26: 's 2' in 'dkim_selectors' is not a DNS name" err "is named with its position"
printf 'domains:\n  - name: example.com\n    mail_hosts: ["192.0.2.25:25\\tx"]\n' >mh.yaml
mx -c mh.yaml --store st snapshot
assert_rc 3 "a mail host with a tab"
assert_grep "mh\.yaml:3:18: .* in 'mail_hosts' is not IP\[:PORT\] without blanks" err "is named with its position"
