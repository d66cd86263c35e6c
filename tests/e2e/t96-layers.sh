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
