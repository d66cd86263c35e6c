# The command line a new user meets: usage without a command, each
# command's --help against the man page and the options its code takes,
# the man page itself, make install / uninstall and the systemd units.
. "$TOP/tests/lib.sh"
MAN="$TOP/docs/mxaudit.1"

# Long option names in help text: the words in the option column only.
help_opts() { sed -n '/^Options:/,/^$/p' | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u; }
# Long option names of one man page section (.Ss "mxaudit CMD ..." up to the next .Ss/.Sh).
man_opts() {
	awk -v cmd="$1" '$1 == ".Ss" && $2 == "mxaudit" { on = ($3 == cmd); next }
		$1 == ".Sh" { on = 0 } on && $1 == ".It" { print }' "$MAN" |
		grep -oE 'Fl \\-[a-z-]+' | sed 's/Fl \\-/--/' | sort -u
}
# The long options a command's code passes to getopt_long (--format is global).
src_opts() {
	grep -oE '^[[:space:]]*\{ "[a-z-]+", (required|no|optional)_argument' "$TOP/auditor/cmd_$1.c" |
		sed 's/.*{ "\([a-z-]*\)".*/--\1/' | grep -vx -- '--format' | sort -u
}

$MXAUDIT >out 2>err
rc=$?
assert_rc 3 "no command: exit 3"
assert_eq "$(wc -c <out | tr -d ' ')" "0" "no command: nothing on stdout"
nlines=$(wc -l <err | tr -d ' ')
if [ "$nlines" -le 24 ] && [ "$nlines" -ge 5 ]; then ok "no command: a short usage ($nlines lines)"
else notok "no command: usage of $nlines lines, want 5..24"; fi
assert_grep "mxaudit\(1\)" err "no command: says where the manual is"
cp err usage.err

mx --help
assert_rc 0 "--help"
cmds=$(sed -n '/^Commands:/,/^$/p' out | awk 'NF > 1 { print $1 }')
assert_eq "$(echo "$cmds" | wc -l | tr -d ' ')" "10" "--help lists ten commands"
lacking=$(for c in $cmds; do grep -q "^  $c " usage.err || echo "$c"; done | tr '\n' ' ')
assert_eq "$lacking" "" "the short usage lists every command"

# Global options: --help's block and the man page's GLOBAL OPTIONS agree.
sed -n '/^Global options/,/^$/p' out | grep -oE '^  (-[a-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u >global.help
awk '$1 == ".Sh" { on = ($2 == "GLOBAL") ; next } on && $1 == ".It"' "$MAN" |
	grep -oE 'Fl \\-[a-z-]+' | sed 's/Fl \\-/--/' | sort -u >global.man
assert_file_eq global.man global.help "global options: --help and the man page name the same"

for c in $cmds; do
	mx "$c" --help
	assert_rc 0 "$c --help"
	assert_grep "^usage: mxaudit $c" out "$c --help: usage line"
	help_opts <out >"$c.help"
	man_opts "$c" >"$c.man"
	assert_file_eq "$c.man" "$c.help" "$c: --help and the man page name the same options"
	src_opts "$c" >"$c.src"
	missing=$(comm -23 "$c.src" "$c.help" | tr '\n' ' ')
	assert_eq "$missing" "" "$c: --help names every option the code takes"
	if grep -q '^Global options (before' out; then notok "$c --help repeats the global block"
	else ok "$c --help points to the global options instead of repeating them"; fi
done
# The extraction itself finds options (a broken sed would pass the comparisons empty).
assert_eq "$(wc -l <check.src | tr -d ' ')" "7" "check's code has seven options"
assert_eq "$(wc -l <reach.man | tr -d ' ')" "12" "reach's man section has twelve options"

mx --format iptables --version
assert_rc 0 "the older --format iptables still parses"
assert_grep "deprecated; use --fw-format" err "and says it is deprecated"

# The man page renders without a warning.
if command -v man >/dev/null; then
	man --warnings -E UTF-8 -l -Tutf8 -Z "$MAN" >man.out 2>man.err
	rc=$?
	assert_rc 0 "man page renders"
	assert_eq "$(wc -c <man.err | tr -d ' ')" "0" "man --warnings says nothing"
	for s in NAME SYNOPSIS COMMANDS CONFIGURATION "EXIT STATUS" FILES ENVIRONMENT EXAMPLES "SEE ALSO"; do
		grep -q "^\.Sh $s\$" "$MAN" || notok "man page lacks section $s"
	done
	ok "man page has every section"
else
	notok "man is not installed (scripts/deps installs man-db)"
fi

# make install and uninstall into a staging directory.
dest="$SCRATCH/dest"
make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr >install.out 2>&1
rc=$?
assert_rc 0 "make install DESTDIR PREFIX=/usr"
for f in usr/bin/mxaudit usr/share/man/man1/mxaudit.1 usr/share/doc/mxaudit/mxaudit.yaml \
	usr/share/doc/mxaudit/policies/example.com.yaml usr/share/doc/mxaudit/mxaudit-drift.service \
	usr/share/doc/mxaudit/mxaudit-drift.timer; do
	[ -f "$dest/$f" ] || notok "install: $f missing"
done
ok "install wrote the program, the man page, the example and the units"
[ -x "$dest/usr/bin/mxaudit" ] && ok "the program is executable" || notok "the program is not executable"
assert_grep '^ExecStart=/usr/bin/mxaudit -c /etc/mxaudit/mxaudit.yaml drift$' \
	"$dest/usr/share/doc/mxaudit/mxaudit-drift.service" "the unit runs the installed program"
assert_grep '^DynamicUser=yes$' "$dest/usr/share/doc/mxaudit/mxaudit-drift.service" "as an unprivileged user"
assert_grep '^Environment=MXAUDIT_STORE=/var/lib/mxaudit/store$' \
	"$dest/usr/share/doc/mxaudit/mxaudit-drift.service" "with its store under /var/lib/mxaudit"
assert_grep '^OnUnitActiveSec=5min$' "$dest/usr/share/doc/mxaudit/mxaudit-drift.timer" "every five minutes"

# The units as systemd reads them, pointed at the staged program.
if command -v systemd-analyze >/dev/null; then
	mkdir units
	sed "s|/usr/bin/mxaudit|$dest/usr/bin/mxaudit|g" "$dest/usr/share/doc/mxaudit/mxaudit-drift.service" \
		>units/mxaudit-drift.service
	cp "$dest/usr/share/doc/mxaudit/mxaudit-drift.timer" units/
	(cd units && systemd-analyze verify --man=no ./mxaudit-drift.service ./mxaudit-drift.timer) >verify.out 2>&1
	rc=$?
	assert_rc 0 "systemd-analyze verify accepts the units"
	assert_eq "$(grep -v '^$' verify.out | head -5)" "" "and says nothing about them"
	sed 's/^ExecStart=/ExecStrat=/' units/mxaudit-drift.service >units/broken.service
	(cd units && systemd-analyze verify --man=no ./broken.service) >verify.out 2>&1
	rc=$?
	[ "$rc" -ne 0 ] && ok "systemd-analyze verify refuses a broken unit (the check can fail)" ||
		notok "systemd-analyze accepted a unit without ExecStart"
else
	notok "systemd-analyze is not installed (scripts/deps installs systemd)"
fi

# The installed example configuration is one mxaudit reads.
$dest/usr/bin/mxaudit -c "$dest/usr/share/doc/mxaudit/mxaudit.yaml" --store st init >/dev/null
mx -c "$dest/usr/share/doc/mxaudit/mxaudit.yaml" --store st --dns-server 127.0.0.1:9 --timeout 1 check --live
assert_no_grep 'mxaudit\.yaml:[0-9]' err "the example configuration parses"

make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/usr >uninstall.out 2>&1
rc=$?
assert_rc 0 "make uninstall"
assert_eq "$(find "$dest" -type f | wc -l | tr -d ' ')" "0" "uninstall removes every file install wrote"
