# t32-spf-command: "mxaudit spf" live against NSD and from a stored
# snapshot: result words, exit codes, the -v trace, the JSON schema.
. "$TOP/tests/lib.sh"
world_start

cat >>zones/example.net.zone <<'EOF'
soft	IN TXT "v=spf1 ip4:192.0.2.1 ~all"
bad	IN TXT "v=spf1 ip4:192.0.2.1/33 -all"
nospf	IN A 192.0.2.1
two	IN TXT "v=spf1 -all"
two	IN TXT "v=spf1 +all"
deep	IN TXT "v=spf1 include:d1.example.net -all"
d1	IN TXT "v=spf1 include:d2.example.net"
d2	IN TXT "v=spf1 ip4:192.0.2.99 include:gone.example.net"
ctl	IN TXT "v=spf1 a\027[2J -all"
EOF
world_reload

mx --dns-server "$DNS" spf example.com --ip 203.0.113.10
assert_rc 0 "pass exits 0"
assert_eq "$(cat out)" "pass" "without -v only the result word"

mx --dns-server "$DNS" -v spf example.com --ip 198.51.100.5 --sender alice@example.com
assert_rc 0 "pass through the include"
assert_eq "$(head -1 out)" "pass" "first line is the result word"
assert_grep "^reason: 'include:_spf\.example\.net' in the record of example\.com matched$" out "-v names the deciding term"
assert_grep '^lookups: 2 of 10, void lookups: 0 of 2$' out "-v gives the lookup count"
assert_grep '^    _spf\.example\.net: ip4:198\.51\.100\.0/28 -> match' out "-v trace shows the nested term, indented"
assert_grep '^  example\.com: mx \[MX example\.com: 2 records; A mx1\.example\.com: 1 record; A mx2\.example\.com: 1 record\] -> no match \(lookups 1, void 0\)$' out "-v trace shows what mx looked up and the running count"

mx --dns-server "$DNS" --format json spf example.com --ip 192.0.2.200 --helo mail.example.org
assert_rc 2 "fail exits 2"
assert_eq "$(jq -r .result out)" "fail" "json result"
assert_eq "$(jq -r '.term + " @ " + .term_domain' out)" "-all @ example.com" "json names the deciding term"
assert_eq "$(jq -r '.lookups, .void_lookups, .source, .helo' out | tr '\n' ' ')" "3 0 live mail.example.org " "json counts, source and helo"
assert_eq "$(jq -r '[.trace[] | .term] | join(" ")' out)" \
	"(record) ip4:203.0.113.10 ip6:2001:db8::25 mx include:_spf.example.net (record) ip4:198.51.100.0/28 a:relay.example.net ~all -all" \
	"json trace lists every term in evaluation order"
assert_eq "$(jq -r '.trace[] | select(.term == "a:relay.example.net") | "\(.depth) \(.lookups) \(.outcome)"' out)" \
	"1 3 no match" "json trace step has depth, running count and outcome"

mx --dns-server "$DNS" spf soft.example.net --ip 192.0.2.2
assert_rc 1 "softfail exits 1"
assert_eq "$(head -1 out)" "softfail" "softfail"
mx --dns-server "$DNS" spf nospf.example.net --ip 192.0.2.2
assert_rc 1 "none exits 1"
assert_eq "$(head -1 out)" "none" "a domain without SPF gives none"
mx --dns-server "$DNS" -v spf bad.example.net --ip 192.0.2.1
assert_rc 2 "permerror exits 2"
assert_eq "$(head -1 out)" "permerror" "a syntax error gives permerror"
assert_grep '^reason: syntax error at position 8: bad prefix length' out "-v gives the position of the syntax error"
mx --dns-server "$DNS" -v spf ctl.example.net --ip 192.0.2.1
assert_eq "$(head -1 out)" "permerror" "a control character gives permerror"
assert_grep 'a\\x1b\[2J -all' out "-v shows control bytes escaped, never raw"
assert_no_grep "$(printf '\033')" out "no raw escape byte reaches the terminal"
mx --dns-server "$DNS" -v spf two.example.net --ip 192.0.2.1
assert_eq "$(head -1 out)" "permerror" "two SPF records give permerror"
assert_grep 'has 2 SPF records' out "-v says why"
mx --dns-server "$DNS" --format json spf deep.example.net --ip 192.0.2.5
assert_eq "$(jq -r '.result + " " + .term' out)" "permerror include:d1.example.net" \
	"an error deep in includes names the outermost include"
assert_grep '"reason": "include:gone.example.net has no SPF record"' out "and the reason names the inner cause"

# Nobody answers: temperror, exit 3.
dead=$(free_port)
mx --dns-server "127.0.0.1:$dead" --timeout 1 spf example.com --ip 203.0.113.10
assert_rc 3 "temperror exits 3"
assert_eq "$(head -1 out)" "temperror" "an unanswered query gives temperror"

mx --dns-server "$DNS" spf example.com
assert_rc 3 "missing --ip is a usage error"
assert_grep '^usage: mxaudit spf DOMAIN --ip IP' err "usage is printed"
mx --dns-server "$DNS" spf example.com --ip 300.1.2.3
assert_rc 3 "a bad address is refused"
assert_grep "'300\.1\.2\.3' is not an IPv4 or IPv6 address" err "and named"

# --at: the same evaluation from the store, with the DNS server gone.
mx init --store st
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot for --at"
nsd_stop ns
mx --store st --format json spf example.com --ip 198.51.100.20 --at HEAD
assert_rc 0 "--at evaluates the snapshot without DNS"
assert_eq "$(jq -r '.result + " " + .source + " " + .term' out)" "pass snapshot include:_spf.example.net" \
	"--at passes via a: inside the stored include"
assert_eq "$(jq -r '.revision' out)" "$(sgit rev-parse HEAD)" "json names the revision"
mx --store st spf example.com --ip 192.0.2.200 --at HEAD
assert_rc 2 "--at fail"
assert_eq "$(head -1 out)" "fail" "--at fail word"
mx --store st spf example.com --ip 192.0.2.200 --at no-such-tag
assert_rc 3 "--at with an unknown revision cannot run"
mx --store st --format json spf example.com --ip 198.51.100.20 --at '1 minute ago'
assert_rc 3 "--at a time before the first snapshot cannot run"
assert_grep "no snapshot at '1 minute ago'" err "and says so"
mx --store st --format json spf example.com --ip 198.51.100.20 --at now
assert_eq "$(jq -r '.result + " " + .revision' out)" "pass $(sgit rev-parse HEAD)" "--at WHEN takes the last snapshot at or before it"
