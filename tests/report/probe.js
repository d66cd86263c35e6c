// tests/report/view runs this in a report it loaded (the report itself has
// no script) and keeps what probe() returns: what the rendered page
// measures, its drawn links and what a selection of its text gives.
function probe(doc, win) {
	var r = {}, root = doc.documentElement;
	r.scrollWidth = root.scrollWidth;
	r.clientWidth = root.clientWidth;
	r.innerWidth = win.innerWidth;
	r.bodyScrollWidth = doc.body.scrollWidth;
	r.links = [];
	doc.querySelectorAll('g.link').forEach(function (g) {
		var line = g.querySelector('line');
		r.links.push({ link: g.getAttribute('data-link'), addr: g.getAttribute('data-addr'),
			state: g.getAttribute('data-state'), code: g.getAttribute('data-code'),
			stroke: win.getComputedStyle(line).stroke,
			dash: win.getComputedStyle(line).strokeDasharray,
			title: g.querySelector('title').textContent,
			mark: g.querySelector('text') ? g.querySelector('text').textContent : null });
	});
	r.svgs = doc.querySelectorAll('svg').length;
	r.svgsWithoutTitle = Array.prototype.filter.call(doc.querySelectorAll('svg'),
		function (s) { var t = s.firstElementChild; return !t || t.tagName !== 'title' || !t.textContent; }).length;
	r.spf = Array.prototype.map.call(doc.querySelectorAll('h3 + ul.links li'),
		function (li) { return li.textContent; });
	var cell = doc.querySelector('table.find td[data-h="Message"]');
	r.userSelect = cell ? win.getComputedStyle(cell).userSelect : 'no findings table';
	if (cell) {
		var range = doc.createRange(), sel = win.getSelection();
		range.selectNodeContents(cell);
		sel.removeAllRanges();
		sel.addRange(range);
		r.selected = sel.toString();
		r.message = cell.textContent;
	}
	r.resources = win.performance.getEntriesByType('resource').map(function (e) { return e.name; });
	r.marks = Array.prototype.map.call(doc.querySelectorAll('svg.timeline g.mark'),
		function (m) { return m.getAttribute('class') + '|' + m.lastElementChild.tagName; });
	return r;
}
