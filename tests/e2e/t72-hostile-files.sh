# Files and commands that would hang, flood or leak: a FIFO, /dev/zero,
# oversized files, NUL bytes, an export cut off before COMMIT, a command
# that never ends, secrets in an export. Each is an error naming the
# file or firewall (exit 3) and commits nothing; secrets never reach git.
. "$TOP/tests/lib.sh"
world_start_edge
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
commits() { sgit rev-list --count HEAD; }
base=$(commits)
cp mxaudit.yaml good.yaml

# A FIFO where the configuration or an export is expected does not block.
mkfifo fifo
mx --store st --dns-server "$DNS" -c fifo snapshot
assert_rc 3 "a FIFO as configuration"
assert_grep "'fifo' is not a regular file" err "the FIFO is named"
sed 's|file: edge.rules|file: fifo|' good.yaml >mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a FIFO as export"
assert_grep "fifo' is not a regular file" err "the FIFO export is named"
sed 's|file: edge.rules|file: /dev/zero|' good.yaml >mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "/dev/zero as export"
assert_grep "'/dev/zero' is not a regular file" err "/dev/zero is named"

# Sizes: a sparse 300 MiB export, a 17 MiB configuration and policy.
truncate -s 300M huge.rules
sed 's|file: edge.rules|file: huge.rules|' good.yaml >mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a 300 MiB export"
assert_grep "huge\.rules' is larger than 256 MiB" err "the oversized export is named with the limit"
cp good.yaml big.yaml
truncate -s 17M big.yaml
mx --store st --dns-server "$DNS" -c big.yaml snapshot
assert_rc 3 "a 17 MiB configuration"
assert_grep "'big\.yaml' is larger than 16 MiB" err "the oversized configuration is named"
truncate -s 17M big-policy.yaml
{ cat good.yaml; echo "policies: [big-policy.yaml]"; } >mxaudit.yaml
mx --store st check
assert_rc 3 "a 17 MiB policy"
assert_grep "big-policy\.yaml' is larger than 16 MiB" err "the oversized policy is named"

# NUL bytes: an error naming file and line, not a text cut short.
cp good.yaml mxaudit.yaml
cp edge.rules edge.good
sed '14s/$/~/' edge.good | tr '~' '\000' >edge.rules
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a NUL byte in the export"
assert_grep "edge\.rules:14: a NUL byte; expected text" err "the export's line is named"
cp edge.good edge.rules
{ cat good.yaml; printf '# \0\n'; } >nul.yaml
mx --store st --dns-server "$DNS" -c nul.yaml snapshot
assert_rc 3 "a NUL byte in the configuration"
assert_grep "nul\.yaml:[0-9]+: a NUL byte" err "the configuration is named"
printf 'domain: example.com\n\0\n' >nul-policy.yaml
{ cat good.yaml; echo "policies: [nul-policy.yaml]"; } >mxaudit.yaml
mx --store st check
assert_rc 3 "a NUL byte in a policy"
assert_grep "nul-policy\.yaml:2: a NUL byte" err "the policy is named"
cp good.yaml mxaudit.yaml

# An iptables-save export cut off before its last COMMIT.
sed '$d' edge.good >edge.rules
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "an export without its last COMMIT"
assert_grep "edge\.rules:[0-9]+: table 'filter' has no COMMIT" err "the table is named"
cp edge.good edge.rules
assert_eq "$(commits)" "$base" "none of these committed anything"

# A command that never ends: killed with its children after command_timeout.
tag=$(( $(od -An -N2 -tu2 /dev/urandom) + 70000 ))
sed "s|file: edge.rules|command: \"sleep $tag \& sleep $tag\"\n    command_timeout: 1|" good.yaml >mxaudit.yaml
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "a command that hangs"
assert_grep "firewall 'edge': command 'sleep $tag & sleep $tag' did not finish in 1 seconds" err "the firewall and the timeout are named"
sleep 0.2
assert_eq "$(pgrep -fc "sleep $tag")" "0" "the command and its background child are gone"
assert_eq "$(commits)" "$base" "nothing committed"

# mxaudit killed while the command runs: the command goes with it.
sed "s|file: edge.rules|command: \"sleep $((tag + 1))\"|" good.yaml >mxaudit.yaml
$MXAUDIT --store st --dns-server "$DNS" snapshot >/dev/null 2>&1 &
mxpid=$!
for _i in $(seq 1 50); do pgrep -f "sleep $((tag + 1))" >/dev/null && break; sleep 0.1; done
kill -TERM "$mxpid"
wait "$mxpid" 2>/dev/null
sleep 0.2
assert_eq "$(pgrep -fc "sleep $((tag + 1))")" "0" "a TERM to mxaudit ends the command"

# Secrets: the command's output is masked before it is stored, and
# nothing of it is left on disk.
sed 's/^-A FORWARD -s 198.51.100.0\/28 -j DROP/-A FORWARD -s 198.51.100.0\/28 -m comment --comment "radius-key Zz9secret" -j DROP/' edge.good >edge.secret
sed "s|file: edge.rules|command: \"cat edge.secret\"\n    mask: ['radius-key ([^ \\\\\"]+)']|" good.yaml >mxaudit.yaml
ls /tmp/mxaudit-export-* 2>/dev/null >tmp.before
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "a command's export with a secret"
sgit show HEAD:firewall/edge.export >export
assert_no_grep 'Zz9secret' export "the secret is not in the stored export"
assert_grep 'radius-key <masked:[0-9a-f]{12}>' export "a keyed marker stands in its place"
assert_eq "$(sgit log -p --all | grep -c Zz9secret)" "0" "nor anywhere in the store's history"
ls /tmp/mxaudit-export-* 2>/dev/null >tmp.after
assert_file_eq tmp.before tmp.after "no export file left in /tmp"
assert_eq "$(stat -c %a st/mxaudit-mask.key)" "600" "the masking key is private, in the store's git directory"
assert_eq "$(sgit ls-tree -r HEAD --name-only | grep -c mask)" "0" "and not in the snapshot tree"
marker=$(grep -o '<masked:[0-9a-f]*>' export)
sed -i 's/Zz9secret/Zz9other/' edge.secret
mx --store st --dns-server "$DNS" snapshot
sgit show HEAD:firewall/edge.export >export2
assert_eq "$(grep -c "$marker" export2)" "0" "a changed secret gets a new marker: the diff shows it changed"
assert_no_grep 'Zz9other' export2 "and not what it is"

# A proposed zone: bounded, regular, and no value ldns would wrap or merge.
cp good.yaml mxaudit.yaml
zone_err() {  # file pattern description
	mx --store st check --proposed-zone "example.com=$1"
	assert_rc 3 "$3"
	assert_grep "$2" err "$3: said so"
}
zone_err /dev/zero "'/dev/zero' is not a regular file" "--proposed-zone /dev/zero"
zone_err fifo "'fifo' is not a regular file" "--proposed-zone a FIFO"
cp zones/example.com.zone p.zone
echo 'big	99999999999	IN A 192.0.2.9' >>p.zone
zone_err p.zone "p\.zone:[0-9]+: TTL 99999999999 is larger than 2147483647" "a TTL that would wrap"
cp zones/example.com.zone p.zone
echo '@	IN MX 65536 mx1.example.com.' >>p.zone
zone_err p.zone "p\.zone:[0-9]+: MX preference 65536 is larger than 65535" "an MX preference that would wrap"
cp zones/example.com.zone p.zone
printf '$ORIGIN evil.example.\n@\tIN TXT "v=spf1 +all"\n' >>p.zone
zone_err p.zone "p\.zone:[0-9]+: \\\$ORIGIN evil\.example\. is outside example\.com\." "\$ORIGIN outside the domain"
cp zones/example.com.zone p.zone
echo 'www.evil.example.	IN A 192.0.2.9' >>p.zone
zone_err p.zone "p\.zone: www\.evil\.example\. A is outside example\.com" "a record outside the domain"
cp zones/example.com.zone p.zone
echo 'open	IN TXT "v=spf1 -all' >>p.zone
zone_err p.zone "p\.zone:[0-9]+: a quoted string is not closed on its line" "an unterminated quote"
cp zones/example.com.zone p.zone
mx --store st check --proposed-zone example.com=p.zone
assert_rc 0 "the unchanged zone still passes"
