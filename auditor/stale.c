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

#define CNAME_CHAIN_MAX 8

static void push_rr(struct rr **v, size_t *n, size_t *alloc, const struct rr *r)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].owner = xstrdup(r->owner);
	(*v)[*n].ttl = r->ttl;
	(*v)[*n].type = xstrdup(r->type);
	(*v)[*n].rdata = xstrdup(r->rdata);
	(*n)++;
}

size_t dsnap_answer(const struct domain_snap *d, const char *name,
		    const char *type, struct rr **out)
{
	char *owner = xstrdup(name);
	size_t n = 0, alloc = 0;

	*out = NULL;
	for (int hop = 0; hop < CNAME_CHAIN_MAX; hop++) {
		const struct rr *r;
		size_t k = dsnap_find(d, owner, type, &r);

		for (size_t i = 0; i < k; i++)
			push_rr(out, &n, &alloc, &r[i]);
		if (k || !strcmp(type, "CNAME") || !dsnap_find(d, owner, "CNAME", &r))
			break;
		push_rr(out, &n, &alloc, r);
		free(owner);
		owner = name_abs(r->rdata);
	}
	free(owner);
	return n;
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
