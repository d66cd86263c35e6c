/*
 * spf_snapdns.c - the SPF evaluator's lookup callbacks: one answering
 * from a snapshot (offline), one asking a DNS server (live).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolver.h"
#include "spf.h"

/* CNAME chains longer than this are treated as broken. */
#define MAX_CNAME 8

/*
 * A name from macro expansion may hold any byte (even spaces); records
 * and queries use the presentation form, so escape it as ldns prints
 * owner names (ldns_rdf2buffer_str_dname).
 */
static char *present_name(const char *name)
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

	char *pn = present_name(name);

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

static double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum lookup_state live_lookup(void *ctx, const char *name, const char *type,
				     const struct rr **rrs, size_t *n)
{
	struct spf_livedns *l = ctx;
	struct lookup_result res;
	enum lookup_state st;
	char *pn;

	rrs_free(l->rrs, l->nrr);
	l->rrs = NULL;
	l->nrr = 0;
	*rrs = NULL;
	*n = 0;
	if (now_monotonic() > l->deadline)
		return LK_TIMEOUT;
	l->queries++;
	pn = present_name(name);
	if (resolve_one(l->srv, l->opts, pn, type, &res) < 0) {
		free(pn);
		lookup_result_release(&res);
		return LK_SERVFAIL;
	}
	free(pn);
	st = res.state;
	l->rrs = res.rrs;
	l->nrr = res.nrr;
	res.rrs = NULL;
	res.nrr = 0;
	lookup_result_release(&res);
	*rrs = l->rrs;
	*n = l->nrr;
	return st;
}

void spf_livedns_init(struct spf_livedns *l, const struct server *srv,
		      const struct resolver_opts *opts, struct spf_dns *dns)
{
	memset(l, 0, sizeof(*l));
	l->srv = srv;
	l->opts = opts;
	l->deadline = now_monotonic() + SPF_TIME_LIMIT;
	dns->lookup = live_lookup;
	dns->ctx = l;
}

void spf_livedns_release(struct spf_livedns *l)
{
	rrs_free(l->rrs, l->nrr);
	l->rrs = NULL;
	l->nrr = 0;
}
