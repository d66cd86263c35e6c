/*
 * stale.c - a failed lookup is never a removal.
 *
 * When a server times out or fails, the new snapshot keeps the last good
 * records of what it could not see, and says so in .status. The
 * collector also walks on from those records (a timed-out MX still
 * leads to its hosts' addresses), so nothing behind a failure is lost.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"

static void push_rr(struct rr **v, size_t *n, size_t *alloc, const struct rr *r)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].owner = xstrdup(r->owner);
	(*v)[*n].ttl = r->ttl;
	(*v)[*n].type = xstrdup(r->type);
	(*v)[*n].rdata = xstrdup(r->rdata);
	(*n)++;
}

struct answer {
	struct rr *v;
	size_t n, alloc;
};

static void push_cname(const struct rr *cname, void *arg)
{
	struct answer *a = arg;

	push_rr(&a->v, &a->n, &a->alloc, cname);
}

size_t dsnap_answer(const struct domain_snap *d, const char *name,
		    const char *type, struct rr **out)
{
	struct answer a = { 0 };
	const struct rr *r = NULL;
	size_t k = dsnap_walk(d, name, type, &r, NULL, push_cname, &a);

	for (size_t i = 0; i < k; i++)
		push_rr(&a.v, &a.n, &a.alloc, &r[i]);
	*out = a.v;
	return a.n;
}

size_t dsnap_carry_stale(struct domain_snap *cur, const struct domain_snap *prev)
{
	size_t nstale = 0, nlk = cur->nlk;

	for (size_t i = 0; i < nlk; i++) {
		struct lookup *l = &cur->lks[i];
		struct rr *rrs;
		size_t n;

		if (!LK_IS_TEMPORARY(l->state))
			continue;
		l->stale = true;
		nstale++;
		if (!prev)
			continue;
		n = dsnap_answer(prev, l->name, l->type, &rrs);
		for (size_t j = 0; j < n; j++) {
			dsnap_add_rr(cur, rrs[j].owner, rrs[j].ttl, rrs[j].type, rrs[j].rdata);
			free(rrs[j].owner);
			free(rrs[j].type);
			free(rrs[j].rdata);
		}
		free(rrs);
	}
	dsnap_sort(cur);
	return nstale;
}
