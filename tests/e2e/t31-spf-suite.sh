#!/bin/sh
# t31-spf-suite: the RFC 7208 conformance suite (openspf 2014.04, 203 tests)
# through the real "mxaudit spf" binary, against tests/spf/spfdns.py serving
# each suite document's zonedata on its own loopback port.
. "$TOP/tests/lib.sh"

SUITE="$TOP/tests/spf/rfc7208-tests.yml"
SERVER="$TOP/tests/spf/spfdns.py"
: "${MXAUDIT_SPF_BIN:=$MXAUDIT}"

if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "SKIP: python3-yaml is not installed (make deps)"
	exit 0
fi

# Sixteen documents need sixteen consecutive free ports: if one of them
# is taken the server cannot bind and exits, so try another base.
for _try in 1 2 3 4 5; do
	base=$(free_port)
	while [ "$base" -gt 64000 ]; do base=$(free_port); done
	rm -f "$SCRATCH/spfdns.pid"
	/usr/bin/python3 "$SERVER" "$SUITE" --serve "$base" --pidfile "$SCRATCH/spfdns.pid" 2>spfdns.err &
	spid=$!
	_i=0
	while [ $_i -lt 100 ] && [ ! -s "$SCRATCH/spfdns.pid" ] && kill -0 $spid 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -s "$SCRATCH/spfdns.pid" ] && break
done
[ -s "$SCRATCH/spfdns.pid" ] || { notok "spfdns did not start"; cat spfdns.err; exit 1; }
at_exit 'kill $(cat "$SCRATCH/spfdns.pid" 2>/dev/null) 2>/dev/null'

/usr/bin/python3 "$SERVER" "$SUITE" --list >tests.tsv
# Unit separators, not tabs: empty fields (MAIL FROM "") must not collapse.
tr '\t' '\037' <tests.tsv >tests.usv
total=0 passed=0 exps=0 exp_passed=0
us=$(printf '\037')
while IFS="$us" read -r doc name helo host mailfrom results explanation; do
	total=$((total + 1))
	# The identity checked: MAIL FROM's domain, else the HELO name (RFC 7208 2.3, 2.4).
	case "$mailfrom" in
	*@*) domain=${mailfrom##*@} ;;
	"") domain=$helo ;;
	*) domain=$mailfrom ;;
	esac
	$MXAUDIT_SPF_BIN --timeout 1 --dns-server "127.0.0.1:$((base + doc))" -v \
		spf "--ip=$host" "--sender=$mailfrom" "--helo=$helo" -- "$domain" \
		>out 2>err </dev/null
	got=$(head -1 out)
	# The same case for spf --batch, one process per document (an empty
	# MAIL FROM has no batch spelling: the sender is the line's second word).
	case "$mailfrom" in
	""|*[[:space:]]*) ;;
	*) echo "$host $mailfrom $helo" >>"batch.$doc"; echo "${got:-nothing}" >>"want.$doc" ;;
	esac
	case ",$results," in
	*",$got,"*) ok "spf suite: $name ($got)"; passed=$((passed + 1)) ;;
	*) notok "spf suite: $name: got '${got:-nothing}', expected $results"
	   sed 's/^/#   /' err | head -5 ;;
	esac
	# The exp= text, where the suite gives one ("DEFAULT" is the receiver's own).
	case "$explanation" in ""|DEFAULT) continue ;; esac
	exps=$((exps + 1))
	got=$(sed -n 's/^explanation: //p' out)
	lc() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }
	if [ "$got" = "$explanation" ]; then
		ok "spf suite: $name explanation"; exp_passed=$((exp_passed + 1))
	elif [ "$(lc "$got")" = "$(lc "$explanation")" ]; then
		# v-macro-ip6 expects upper-case nibbles; RFC 7208 7.4's own example
		# of %{ir} for IPv6 is lower case, which is what mxaudit writes.
		ok "spf suite: $name explanation (differs only in letter case)"
		exp_passed=$((exp_passed + 1))
	else
		notok "spf suite: $name explanation: got '$got', expected '$explanation'"
	fi
done <tests.usv
echo "# spf suite: $passed of $total passed; explanations: $exp_passed of $exps"
bn=0
for f in batch.*; do
	doc=${f#batch.}
	$MXAUDIT_SPF_BIN --timeout 1 --dns-server "127.0.0.1:$((base + doc))" spf --batch \
		<"$f" >"got.$doc" 2>"berr.$doc"
	bn=$((bn + $(wc -l <"$f")))
	if diff "want.$doc" "got.$doc" >/dev/null; then
		ok "spf --batch: document $doc, $(wc -l <"$f" | tr -d ' ') lines, results equal one process each"
	else
		notok "spf --batch: document $doc differs from one process each"
		diff "want.$doc" "got.$doc" | sed 's/^/#   /' | head -10
	fi
done
[ "$bn" -gt 150 ] && ok "spf --batch compared on $bn suite cases" || notok "spf --batch compared only $bn cases"
[ "$total" = 203 ] && ok "spf suite has 203 tests" || notok "spf suite has $total tests, expected 203"
