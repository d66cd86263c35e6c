/*
 * snapchain.c - the walk of a CNAME chain inside one domain's snapshot;
 * see dsnap_walk() in snapshot.h. Above the snapshot's records
 * (snapshot.c) and names (snapshot_parse.c), below everything that
 * follows a chain.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"

size_t dsnap_walk(const struct domain_snap *d, const char *owner, const char *type,
		  const struct rr **first, char **end,
		  void (*each)(const struct rr *cname, void *arg), void *arg)
{
	const char *cur = owner;
	char *hop_name = NULL;      /* cur, once a CNAME was followed */
	bool want_cname = !strcmp(type, "CNAME");
	const struct rr *dummy;
	size_t n = 0;

	first = first ? first : &dummy;
	for (int hop = 0; hop <= DSNAP_CHAIN_MAX; hop++) {
		const struct rr *c;

		if ((n = dsnap_find(d, cur, type, first)) || want_cname)
			break;
		if (hop == DSNAP_CHAIN_MAX || !dsnap_find(d, cur, "CNAME", &c))
			break;
		if (each)
			each(c, arg);
		free(hop_name);
		cur = hop_name = name_abs(c->rdata);
	}
	if (end)
		*end = hop_name ? hop_name : xstrdup(owner);
	else
		free(hop_name);
	return n;
}
