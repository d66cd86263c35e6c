# The finding-code table of README.md as C initializers { "code", "what to do" },
# so the report's findings table says what to do in the words the manual uses.
/^\| `[a-z0-9]+\.[a-z0-9.-]+` \|/ {
	n = split($0, f, / \| /)
	code = f[1]; sub(/^\| /, "", code); gsub(/`/, "", code)
	todo = f[n]; sub(/ *\|$/, "", todo); gsub(/`/, "", todo)
	gsub(/\\/, "\\\\", todo); gsub(/"/, "\\\"", todo)
	printf "\t{ \"%s\", \"%s\" },\n", code, todo
}
