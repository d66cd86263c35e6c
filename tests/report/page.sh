# tests/report/page.sh - sourced by the report tests after tests/lib.sh:
# the checks every rendered report gets, and reading its drawn links.
R="$TOP/tests/report"
RED="rgb(207, 34, 46)" GREEN="rgb(26, 127, 55)" GREY="rgb(110, 119, 129)"

# page WORLD FILE: tidy, no reference outside the file, screenshots
# (WORLD.png 1280 wide with Chromium's network log, WORLD-390.png a
# phone's), no request, no sideways scrolling at a real viewport of 1280
# and of 390 CSS pixels, titled drawings, selectable text. Leaves what
# Chromium measured in WORLD-1280.json and WORLD-390.json.
page() {
	w=$1 f=$2
	tidy -errors -q "$f" >tidy.out 2>&1
	assert_eq "$?" 0 "$w: the page passes tidy -errors"
	# Nothing in the file points elsewhere: no script, no external reference.
	grep -Eio '<script|<link|<img|<iframe|<object|<embed|src=|@import|url\(|https?:|ftp:|//[a-z0-9]' "$f" >refs || true
	assert_eq "$(cat refs)" "" "$w: no script and no reference outside the file"
	grep -o 'href="[^"]*"' "$f" | grep -v '^href="#' >hrefs || true
	assert_eq "$(cat hrefs)" "" "$w: every link points inside the page"
	"$R/shot" "$f" "$w.png" "$w.netlog" && ok "$w: screenshot $w.png" || notok "$w: no screenshot"
	"$R/netcheck" "$w.netlog" >requests
	assert_eq "$?$(cat requests)" 0 "$w: no request leaves the file (Chromium's network log)"
	for width in 1280 390; do
		# A phone's screenshot; the one 1280 wide is $w.png, the whole page.
		"$R/view" "$f" $width "$w-$width.json" $([ $width = 390 ] && echo "$w-390.png") ||
			notok "$w: not rendered at $width"
		# The page itself is that wide (not a frame in a wider one): its viewport is the width asked.
		assert_eq "$(jq .clientWidth "$w-$width.json")" "$width" "$w: rendered in a viewport $width px wide"
		jq -e '.scrollWidth <= .clientWidth' "$w-$width.json" >/dev/null
		assert_eq "$?" 0 "$w: fits $width px without sideways scrolling ($(jq -c '[.scrollWidth, .clientWidth]' "$w-$width.json"))"
		assert_eq "$(jq -c '.requests + .resources' "$w-$width.json")" "[]" "$w: at $width px the page asked for nothing (DevTools network events)"
	done
	[ -s "$w-390.png" ] && ok "$w: phone screenshot $w-390.png" || notok "$w: no phone screenshot"
	j="$w-1280.json"
	assert_eq "$(jq '.svgsWithoutTitle' "$j")" 0 "$w: every drawing has a title ($(jq .svgs "$j") drawings)"
	[ "$(jq .svgs "$j")" -gt 0 ] && ok "$w: the page has drawings" || notok "$w: no drawing"
	if jq -e '.message' "$j" >/dev/null; then
		assert_eq "$(jq -r '.userSelect' "$j")" auto "$w: findings text is selectable"
		# A selection turns the <br> before the rule into a line break: compare without white space.
		assert_eq "$(jq -r '.selected | gsub("\\s"; "")' "$j")" "$(jq -r '.message | gsub("\\s"; "")' "$j")" \
			"$w: selecting a message gives its text"
	fi
}

# link JSON NAME ADDR: "state stroke code" of the first drawn link NAME of ADDR.
link() {
	jq -r --arg l "$2" --arg a "$3" '.links[] | select(.link == $l and .addr == $a) |
		"\(.state) \(.stroke) \(.code)"' "$1" | head -1
}

# link_title JSON NAME ADDR: its hover text.
link_title() {
	jq -r --arg l "$2" --arg a "$3" '.links[] | select(.link == $l and .addr == $a) | .title' "$1" | head -1
}

# link_signs JSON NAME ADDR: "mark|dash" of the link: what tells its state without colour.
link_signs() {
	jq -r --arg l "$2" --arg a "$3" '.links[] | select(.link == $l and .addr == $a) | "\(.mark)|\(.dash)"' "$1" | head -1
}
