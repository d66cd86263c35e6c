/*
 * spf_snapdns.c - the SPF evaluator's lookup callback answering from a
 * snapshot (offline): a check of last week's snapshot evaluates SPF as
 * the world was then. The live one is spf_livedns.c.
 */
#include <stdlib.h>
#include <string.h>

#include "spf.h"

/* CNAME chains longer than this are treated as broken. */
#define MAX_CNAME 8

/*
 * A name from macro expansion may hold any byte (even spaces); records
 * and queries use the presentation form, so escape it as ldns prints
 * owner names (ldns_rdf2buffer_str_dname).
 */
char *spf_present_name(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			sb_addf(&sb, "\\%03u", *p);
		else if (strchr(";()\\", *p))
			sb_addf(&sb, "\\%c", *p);
		else
			sb_addc(&sb, (char)*p);
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

/*
 * Answer name/type from one domain's records. Returns true if the
 * domain knows anything about the name (records or a recorded lookup).
 */
static bool snap_answer(const struct domain_snap *d, const char *name, const char *type,
			enum lookup_state *st, const struct rr **rrs, size_t *n)
{
	const struct lookup *lk;
	const struct rr *any;

	*n = dsnap_find(d, name, type, rrs);
	if (*n) {
		*st = LK_NOERROR;
		return true;
	}
	if ((lk = dsnap_lookup(d, name, type))) {
		*st = lk->state == LK_NOERROR ? LK_NODATA : lk->state;
		return true;
	}
	if (dsnap_find(d, name, "*", &any)) {
		*st = LK_NODATA;
		return true;
	}
	return false;
}

static bool snap_any(const struct spf_snapdns *s, const char *name, const char *type,
		     enum lookup_state *st, const struct rr **rrs, size_t *n)
{
	if (s->d && snap_answer(s->d, name, type, st, rrs, n))
		return true;
	for (size_t i = 0; s->snap && i < s->snap->n; i++)
		if (&s->snap->domains[i] != s->d &&
		    snap_answer(&s->snap->domains[i], name, type, st, rrs, n))
			return true;
	return false;
}

static enum lookup_state snap_lookup(void *ctx, const char *name, const char *type,
				     const struct rr **rrs, size_t *n)
{
	struct spf_snapdns *s = ctx;
	enum lookup_state st = LK_NXDOMAIN;

	char *pn = spf_present_name(name);

	free(s->name);
	s->name = name_abs(pn);
	free(pn);
	*rrs = NULL;
	*n = 0;
	for (int hop = 0; hop <= MAX_CNAME; hop++) {
		const struct rr *cname;
		size_t nc;

		/* A lookup the collector never made: the name is unknown to us. */
		if (!snap_any(s, s->name, type, &st, rrs, n))
			return LK_NXDOMAIN;
		if (*n || strcmp(type, "CNAME") == 0 ||
		    !snap_any(s, s->name, "CNAME", &st, &cname, &nc) || !nc)
			return st == LK_NOERROR && !*n ? LK_NODATA : st;
		free(s->name);
		s->name = name_abs(cname->rdata);
	}
	return LK_SERVFAIL;   /* a CNAME loop */
}

void spf_snapdns_init(struct spf_snapdns *s, const struct snapshot *snap,
		      const struct domain_snap *d, struct spf_dns *dns)
{
	s->d = d;
	s->snap = snap;
	s->name = NULL;
	dns->lookup = snap_lookup;
	dns->ctx = s;
}

void spf_snapdns_release(struct spf_snapdns *s)
{
	free(s->name);
	s->name = NULL;
}
