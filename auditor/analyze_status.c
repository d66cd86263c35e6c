/*
 * analyze_status.c - how the collection went. A lookup that timed out
 * or got SERVFAIL tells nothing about the record: it is reported as
 * unknown (or as stale, when the last good data was carried over), never
 * as "record removed". Servers that disagree mean some senders see
 * different data than others.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "readlog.h"

#define LIST_MAX 6   /* names spelled out in a grouped finding */

/*
 * Stale means old records stand in for the failed lookup. A failure with
 * nothing to carry over (flagged stale or not) leaves the data unknown.
 */
static bool has_old_data(const struct domain_snap *d, const struct lookup *l)
{
	const struct rr *r;

	return l->stale && dsnap_follow(d, l->name, l->type, &r, NULL, NULL) > 0;
}

static void grouped(const struct domain_snap *d, bool stale, struct findings *out)
{
	struct strbuf names = STRBUF_INIT;
	const struct lookup *first = NULL;
	size_t n = 0;
	char *ev, *apex;

	for (size_t i = 0; i < d->nlk; i++) {
		const struct lookup *l = &d->lks[i];
		if (!LK_IS_TEMPORARY(l->state) || has_old_data(d, l) != stale)
			continue;
		readlog_note(l->name, l->type);
		if (!n++)
			first = l;
		if (n <= LIST_MAX)
			sb_addf(&names, "%s%s %s (%s)", n > 1 ? ", " : "", l->name,
				l->type, lookup_state_name(l->state));
	}
	if (!n)
		return;
	if (n > LIST_MAX)
		sb_addf(&names, " and %zu more", n - LIST_MAX);
	ev = lookup_evidence(d, first);
	apex = name_abs(d->name);
	if (stale)
		findings_add(out, SEV_WARNING, "dns.stale", n == 1 ? first->name : apex, ev,
			     "%zu lookup%s failed temporarily, so the last known records "
			     "are shown and checked instead: %s; unknown whether they "
			     "still hold", n, n == 1 ? "" : "s", names.buf);
	else
		findings_add(out, SEV_WARNING, "dns.unknown", n == 1 ? first->name : apex, ev,
			     "%zu lookup%s failed temporarily and no earlier data exists: "
			     "%s; these records are unknown, not absent; check the "
			     "authoritative servers", n, n == 1 ? "" : "s", names.buf);
	free(apex);
	free(ev);
	sb_release(&names);
}

void analyze_status(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out)
{
	for (size_t i = 0; i < d->nlk; i++) {
		const struct lookup *l = &d->lks[i];
		char *ev;

		if (!l->disagree)
			continue;
		readlog_note(l->name, l->type);   /* the status lines are read without a lookup */
		ev = lookup_evidence(d, l);
		findings_add(out, SEV_WARNING, "dns.disagree", l->name, ev,
			     "authoritative servers give different answers for %s %s%s%s%s: "
			     "senders see one or the other; make every server serve the "
			     "same zone", l->name, l->type, l->detail ? " (" : "",
			     l->detail ? l->detail : "", l->detail ? ")" : "");
		readlog_stage(out);      /* each disagreement read its own lookup alone */
		free(ev);
	}
	grouped(d, false, out);
	grouped(d, true, out);
	if (d->bad) {
		char *apex = name_abs(d->name);
		findings_add(out, SEV_WARNING, "store.bad-line", apex, d->bad,
			     "a stored snapshot file of this domain has a line that does not "
			     "parse (%s); the line is skipped and the domain judged without it; "
			     "the next snapshot writes the file anew", d->bad);
		free(apex);
	}
}
