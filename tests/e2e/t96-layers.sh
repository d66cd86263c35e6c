# The layering of auditor/ as scripts/layers reads it from gcc -MM: no
# header below the commands includes cmd.h, no include circle; and the
# check can fail (a copy of the headers with both faults).
. "$TOP/tests/lib.sh"
if "$TOP/scripts/layers" >layers.out 2>&1; then ok "auditor/ has no include circle and cmd.h on top"
else notok "auditor/ layering"; sed 's/^/#   /' layers.out; fi

mkdir bad
cp "$TOP"/auditor/*.h bad/
printf '#include "cmd.h"\n' >>bad/fw.h
printf '#include "b.h"\n' >bad/a.h
printf '#include "a.h"\n' >bad/b.h
"$TOP/scripts/layers" bad >layers.out 2>&1 && notok "a broken copy passes" || ok "a broken copy fails"
assert_grep '^layers: fw\.h includes cmd\.h' layers.out "names the header that includes cmd.h"
assert_grep '^layers: include circle: a\.h <-> b\.h$' layers.out "names the circle"

# Calls run downhill too: scripts/calls reads the object files' symbols
# and names every set of files that call each other; and it can fail (two
# files built here that call each other through a third).
if "$TOP/scripts/calls" >calls.out 2>&1; then ok "auditor/ has no call circle"
else notok "auditor/ call circle"; sed 's/^/#   /' calls.out; fi
assert_grep '^calls: [0-9][0-9]* files, no call circle$' calls.out "says how many files it read"
mkdir objs
printf 'int b(void); int a(void) { return b(); }\n' >objs/a.c
printf 'int c(void); int b(void) { return c(); }\n' >objs/b.c
printf 'int a(void); int c(void) { return a(); }\nint d(void) { return 0; }\n' >objs/c.c
printf 'int d(void); int e(void) { return d(); }\n' >objs/e.c
for f in a b c e; do cc -c -o objs/$f.o objs/$f.c; done
"$TOP/scripts/calls" objs >calls.out 2>&1 && notok "a circle passes" || ok "a circle of three files fails"
assert_grep '^calls: circle: a\.c b\.c c\.c$' calls.out "names the files of the circle"
assert_grep '^  c\.c -> a\.c \(a\)$' calls.out "and the call that closes it"
assert_no_grep 'e\.c' calls.out "a file that only calls down is not in it"
