/*
 * snapquery.c - what analyzers ask of one domain's snapshot beyond a
 * record lookup: evidence strings naming the file and line, CNAME chains
 * followed inside the snapshot, and whether a lookup's failure leaves
 * the answer unknown. Declared in analyze.h.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"

/* Keep hostile records from flooding a report. */
#define EVIDENCE_MAX 300

static void add_clipped(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (n <= EVIDENCE_MAX) {
		sb_add(sb, s, n);
		return;
	}
	sb_add(sb, s, EVIDENCE_MAX);
	sb_addf(sb, "... (%zu more bytes)", n - EVIDENCE_MAX);
}

char *rr_evidence(const struct domain_snap *d, const struct rr *r)
{
	struct strbuf sb = STRBUF_INIT;

	/* Built piecewise: evidence is made for every finding, printf was a tenth of analysis. */
	ALLOC_GROW(sb.buf, strlen(d->name) + strlen(r->owner) + strlen(r->type) +
		   EVIDENCE_MAX + 64, sb.alloc);
	rr_where(&sb, d, r);
	add_clipped(&sb, r->rdata);
	return sb_detach(&sb);
}

char *lookup_evidence(const struct domain_snap *d, const struct lookup *l)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "dns/%s.status: %s %s %s", d->name, l->name, l->type,
		lookup_state_name(l->state));
	if (l->stale)
		sb_adds(&sb, " stale");
	if (l->disagree)
		sb_adds(&sb, " disagree");
	if (l->servers && strcmp(l->servers, "-"))
		sb_addf(&sb, " servers=%s", l->servers);
	if (l->detail) {
		sb_addc(&sb, ' ');
		add_clipped(&sb, l->detail);
	}
	return sb_detach(&sb);
}

static void saw_cname(const struct rr *cname, void *arg)
{
	(void)cname;
	*(bool *)arg = true;
}

size_t dsnap_follow(const struct domain_snap *d, const char *owner,
		    const char *type, const struct rr **first,
		    char **final, bool *cname)
{
	bool seen = false;
	size_t n = dsnap_walk(d, owner, type, first, final, saw_cname, &seen);

	if (cname)
		*cname = seen;
	return n;
}

bool lookup_unknown(const struct domain_snap *d, const char *name, const char *type)
{
	const struct lookup *l = dsnap_lookup(d, name, type);
	const struct rr *r;

	return l && LK_IS_TEMPORARY(l->state) && !dsnap_find(d, name, type, &r);
}

enum lookup_state lookup_state_of(const struct domain_snap *d, const char *name,
				  const char *type)
{
	const struct lookup *l = dsnap_lookup(d, name, type);
	const struct rr *r;

	if (dsnap_find(d, name, type, &r))
		return LK_NOERROR;
	if (l)
		return l->state;
	/* Never asked: the collector did not reach it, as good as absent. */
	return LK_NXDOMAIN;
}
