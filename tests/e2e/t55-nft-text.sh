# nft text (`nft list ruleset`, format nft) against the JSON form of the
# same ruleset. Each nft fixture is loaded into a network namespace of its
# own and exported both ways; both exports must give the same model
# (firewall/NAME.rules of a snapshot, but for its format line) and the
# same answers. Reading the text needs no root; loading it does.
. "$TOP/tests/lib.sh"

FX="$FIXTURES"
NFT_FIXTURES="fw/k09-two-chains.nft fw/k17-nft-host.nft fw/k18-nft-firewalld.nft fw/k20-nft-flags.nft
	fw/k21-nft-natmap.nft fw/k23-nft-fw4.nft fw/k24-nft-docker.nft path/host.nft outbound/host.nft"

# Every nft text fixture takes part in the round trip below.
missing=
for f in $(cd "$FX" && find . -name '*.nft' | sed 's|^\./||' | sort); do
	case " $(echo $NFT_FIXTURES) " in *" $f "*) ;; *) missing="$missing $f" ;; esac
done
assert_eq "$missing" "" "every nft fixture is in the round trip"

# Without root: the text fixtures themselves, read directly.
mx reach --firewall "$FX/fw/k23-nft-fw4.nft" --to 203.0.113.10:25/tcp --in eth0 --out eth1
assert_rc 0 "fw4 text: the port-forward reaches the mail host"
assert_grep 'inet fw4 forward_wan #1: --ctstate DNAT -j ACCEPT' out "fw4 text: accepted by ct status dnat"
mx reach --firewall "$FX/fw/k24-nft-docker.nft" --fw-format nft --to 203.0.113.10:25/tcp --from 198.51.100.0/28 --in eth0 --out eth1
assert_rc 2 "docker text: DOCKER-USER drops the /28"
mx reach --firewall "$FX/path/host.nft" --to 10.20.0.25:25/tcp --in eth0
assert_rc 0 "hand-written inet filter: tcp/25 open"
mx reach --firewall "$FX/path/host.nft" --to 10.20.0.25:22/tcp --from 198.51.100.0/24 --in eth0
assert_rc 2 "hand-written inet filter: ssh only from inside"
printf 'table inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport $SMTP accept\n\t}\n}\n' >var.nft
mx reach --firewall var.nft --to 192.0.2.1:25/tcp
assert_rc 3 "a variable is an error"
assert_grep 'var\.nft:4: variables are not supported' err "naming file:line"
printf 'include "/etc/nftables.d/*.nft"\ntable inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 25 accept\n\t}\n}\n' >inc.nft
mx reach --firewall inc.nft --to 192.0.2.1:25/tcp
assert_rc 0 "an include: the rest is answered"
assert_grep 'inc\.nft:1: include "/etc/nftables\.d/\*\.nft": the rules it adds are not read' err "and a warning names the file"

if ! is_root; then
	echo "SKIP: nft text against nft -j (needs root)"
	exit 0
fi
if ! command -v nft >/dev/null 2>&1; then
	echo "SKIP: nft text against nft -j (nft missing; run scripts/deps)"
	exit 0
fi

NS=mxnt$$
at_exit 'ip netns del $NS 2>/dev/null'
netns_usable $NS || { echo "SKIP: nft text against nft -j (cannot run commands in a network namespace here)"; exit 0; }

# same_answers NAME TEXT JSON: tcp/25, 465, 587 from a few sources, inbound and to the firewall itself.
same_answers() {
	for to in 203.0.113.10 192.0.2.25 10.20.0.25; do
		for port in 25 465 587; do
			for from in 198.51.100.1/32 198.51.100.14/32 203.0.113.50/32 10.20.0.7/32; do
				$MXAUDIT reach --firewall "$2" --fw-format nft --to $to:$port/tcp --from $from --in eth0 --out eth1 --json >a.text 2>&1
				$MXAUDIT reach --firewall "$3" --to $to:$port/tcp --from $from --in eth0 --out eth1 --json >a.json 2>&1
				if ! cmp -s a.text a.json; then
					notok "$1: $to:$port from $from: text and JSON answer differently"
					diff a.json a.text | head -10 | sed 's/^/#   /'
					return
				fi
			done
		done
	done
	ok "$1: text and JSON give the same answers (36 questions)"
}

mkdir exports
for f in $NFT_FIXTURES; do
	name=$(basename "$f" .nft)
	ip netns exec $NS nft flush ruleset
	if ! ip netns exec $NS nft -f "$FX/$f"; then
		notok "$name: nft -f failed"
		continue
	fi
	ip netns exec $NS nft list ruleset >"exports/$name.nft"
	ip netns exec $NS nft -j list ruleset >"exports/$name.json"
	cat >mxaudit.yaml <<YAML
firewalls:
  - name: text
    format: nft
    file: exports/$name.nft
  - name: json
    format: nft-json
    file: exports/$name.json
YAML
	rm -rf st
	$MXAUDIT init --store st >/dev/null
	mx --store st snapshot
	assert_rc 0 "$name: both forms snapshot"
	sgit show HEAD:firewall/text.rules | sed 1d >text.rules
	sgit show HEAD:firewall/json.rules | sed 1d >json.rules
	assert_file_eq json.rules text.rules "$name: nft text and nft -j give the same model"
	same_answers "$name" "exports/$name.nft" "exports/$name.json"
done
