/*
 * stale.c - a failed lookup is never a removal.
 *
 * When a server times out or fails, the new snapshot keeps the last good
 * records of what it could not see, and says so in .status. See
 * dsnap_carry_stale() in snapshot.h for the contract.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"

#define CNAME_CHAIN_MAX 8

/* Copy prev's records answering name/type (following CNAMEs) into cur. */
static void copy_answer(struct domain_snap *cur, const struct domain_snap *prev,
			const char *name, const char *type)
{
	char *owner = xstrdup(name);

	for (int hop = 0; hop < CNAME_CHAIN_MAX; hop++) {
		const struct rr *r;
		size_t n = dsnap_find(prev, owner, type, &r);

		for (size_t i = 0; i < n; i++)
			dsnap_add_rr(cur, r[i].owner, r[i].ttl, r[i].type, r[i].rdata);
		if (n || !strcmp(type, "CNAME") || !dsnap_find(prev, owner, "CNAME", &r))
			break;
		dsnap_add_rr(cur, r->owner, r->ttl, r->type, r->rdata);
		free(owner);
		owner = name_abs(r->rdata);
	}
	free(owner);
}

size_t dsnap_carry_stale(struct domain_snap *cur, const struct domain_snap *prev)
{
	size_t nstale = 0, nlk = cur->nlk;
	bool any_temp = false;

	for (size_t i = 0; i < nlk; i++) {
		struct lookup *l = &cur->lks[i];
		if (!LK_IS_TEMPORARY(l->state))
			continue;
		any_temp = true;
		if (prev)
			copy_answer(cur, prev, l->name, l->type);
		l->stale = true;
		nstale++;
	}
	/*
	 * A lookup that failed may hide the names behind it (a timed-out MX
	 * hides the hosts' addresses). Carry whatever prev knew and cur did
	 * not ask this time.
	 */
	if (any_temp && prev) {
		for (size_t i = 0; i < prev->nlk; i++) {
			const struct lookup *p = &prev->lks[i];
			struct lookup *l;
			bool asked = false;

			for (size_t j = 0; j < nlk && !asked; j++)
				asked = !strcmp(cur->lks[j].name, p->name) &&
					!strcmp(cur->lks[j].type, p->type);
			if (asked)
				continue;
			l = dsnap_add_lookup(cur, p->name, p->type, p->state);
			l->stale = true;
			copy_answer(cur, prev, p->name, p->type);
			nstale++;
		}
	}
	dsnap_sort(cur);
	return nstale;
}
