# The store over years: packs stay few, a killed pack write leaves no
# litter, and a store whose branch is lost is not buried under a new
# baseline.
. "$TOP/tests/lib.sh"
world_start_edge
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "baseline"
packs() { ls st/objects/pack/*.pack 2>/dev/null | wc -l | tr -d ' '; }

# 30 snapshots that each change something (a comment in the export).
cp edge.rules edge.orig
for i in $(seq 1 30); do
	{ cat edge.orig; echo "# change $i"; } >edge.rules
	mx --store st --dns-server "$DNS" snapshot
	[ "$rc" = 0 ] || { notok "snapshot $i: exit $rc"; sed 's/^/#   /' err; }
done
assert_eq "$(sgit rev-list --count HEAD)" "31" "31 snapshots committed"
n=$(packs)
if [ "$n" -lt 10 ]; then ok "fewer than 10 packs after 30 changing snapshots ($n)"; else notok "$n packs after 30 snapshots"; fi
if sgit fsck --no-dangling >/dev/null 2>&1; then ok "git fsck: the merged store is whole"; else notok "git fsck fails"; fi
mx --store st log
assert_rc 0 "log reads every snapshot after the merge"
assert_eq "$(grep -c '^[0-9a-f]\{12\} ' out)" "31" "all 31 snapshots are listed"

# A pack write killed half-way leaves temporary files: removed next run.
echo junk >st/objects/pack/pack_git2_4f2a
echo junk >st/objects/pack/tmp_pack_Xy12
{ cat edge.orig; echo "# change 31"; } >edge.rules
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "snapshot over leftovers"
assert_grep "removed '.*pack_git2_4f2a', left by an interrupted run" err "the leftover is removed, and said so"
assert_eq "$(ls st/objects/pack | grep -c 'pack_git2_\|tmp_pack_')" "0" "no temporary pack file is left"

# The branch is lost (a hand edit, a broken disk): no new baseline over history.
head=$(sgit rev-parse HEAD)
sgit update-ref -d refs/heads/main
mx --store st --dns-server "$DNS" snapshot
assert_rc 3 "snapshot refuses a store with history and no branch"
assert_grep "holds snapshots but its branch refs/heads/main is missing" err "says what is wrong"
assert_grep "update-ref refs/heads/main COMMIT" err "and how to recover"
if sgit rev-parse -q --verify refs/heads/main >/dev/null; then notok "a branch was created"; else ok "no new baseline was started"; fi
mx --store st log
assert_rc 3 "log refuses it too"
sgit update-ref refs/heads/main "$head"
mx --store st --dns-server "$DNS" snapshot
assert_rc 0 "after the recovery the store works again"
assert_eq "$(sgit rev-parse HEAD~0)" "$head" "on the same history (nothing changed since)"

# An empty store is still a fresh start.
$MXAUDIT init --store st2 >/dev/null
mx --store st2 --dns-server "$DNS" snapshot
assert_rc 0 "a new store takes its baseline"
