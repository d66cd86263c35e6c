#!/bin/sh
# fuzz/store_seed.sh STORE [COMMITS] - a seed for fuzz_store_read from a
# real store (one an e2e test wrote): its last COMMITS (default 3)
# commits, oldest first, in the target's sections: the files of the first
# in full, then what each commit changed, its message, its list of
# changed files and its time; the tags on them last. Prints to stdout.
set -eu
store=$1 n=${2:-3}
g() { git --git-dir="$store" "$@"; }
prev=
for c in $(g rev-list --reverse -n "$n" HEAD); do
	if [ -z "$prev" ]; then
		files=$(g ls-tree -r --name-only "$c")
	else
		files=$(g diff-tree -r --name-only --no-commit-id "$prev" "$c")
	fi
	for f in $files; do
		if g cat-file -e "$c:$f" 2>/dev/null; then
			printf '%%%%%% FILE %s\n' "$f"
			g cat-file blob "$c:$f"
			echo
		else
			printf '%%%%%% DELETE %s\n' "$f"
		fi
	done
	printf '%%%%%% MESSAGE\n'
	g log -1 --format=%B "$c"
	changes=$(g cat-file commit "$c" | awk '/^$/ { exit }
		/^mxaudit-changes / { on = 1; print substr($0, 17); next }
		on && /^ / { print substr($0, 2); next } { on = 0 }')
	if [ -n "$changes" ]; then
		printf '%%%%%% CHANGES\n%s\n' "$changes"
	fi
	printf '%%%%%% COMMIT %s\n' "$(g log -1 --format=%ct "$c")"
	for t in $(g tag --points-at "$c"); do
		printf '%%%%%% TAG %s\n' "$t"
	done
	prev=$c
done
