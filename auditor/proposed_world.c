/*
 * proposed_world.c - the world as it would be with the proposed zones:
 * the answers the collector takes for `check --proposed-zone`. A name
 * at or under a proposed apex is answered from that zone file; a name
 * the stored snapshot already asked is answered as it was then; every
 * other name (a new SPF include, a new MX host, a new report
 * destination) is asked of the network like any live collection.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "proposed.h"
#include "resolver.h"

#define CHAIN_MAX 8   /* CNAME hops followed inside one zone, as the collector does */

/* Is name the apex or a name under it (both absolute, lower case)? */
bool proposed_in_zone(const char *name, const char *apex)
{
	size_t ln = strlen(name), la = strlen(apex);

	return !strcasecmp(name, apex) ||
	       (ln > la && name[ln - la - 1] == '.' && !strcasecmp(name + ln - la, apex));
}

/* The proposed zone holding name: the deepest apex, or NULL. */
struct proposed_zone *proposed_zone_of(const struct proposed_set *set, const char *name)
{
	struct proposed_zone *best = NULL;

	for (size_t i = 0; i < set->n; i++)
		if (proposed_in_zone(name, set->v[i].apex) &&
		    (!best || strlen(set->v[i].apex) > strlen(best->apex)))
			best = &set->v[i];
	return best;
}

static void push_rr(struct lookup_result *res, size_t *alloc, const struct rr *r)
{
	ALLOC_GROW(res->rrs, res->nrr + 1, *alloc);
	res->rrs[res->nrr].owner = xstrdup(r->owner);
	res->rrs[res->nrr].ttl = r->ttl;
	res->rrs[res->nrr].type = xstrdup(r->type);
	res->rrs[res->nrr].rdata = xstrdup(r->rdata);
	res->nrr++;
}

/* Copy the n records at first into res; mark them served when z is given. */
static void push_rrs(struct lookup_result *res, size_t *alloc, const struct rr *first, size_t n,
		     struct proposed_zone *z)
{
	for (size_t i = 0; i < n; i++) {
		push_rr(res, alloc, &first[i]);
		if (z)
			z->used[&first[i] - z->recs.rrs] = true;
	}
}

/* Does the zone hold name, as an owner or an empty non-terminal above one? */
static bool zone_has_name(const struct proposed_zone *z, const char *name)
{
	for (size_t i = 0; i < z->recs.nrr; i++)
		if (proposed_in_zone(z->recs.rrs[i].owner, name))
			return true;
	return false;
}

/*
 * A name the zone does not hold, answered by the wildcard of its closest
 * encloser (RFC 4592) when there is one: the wildcard's records of the
 * type, or its CNAME, owned by name. Returns whether the wildcard exists.
 */
static bool wildcard_answer(struct proposed_zone *z, const char *name, const char *type,
			    struct lookup_result *res, size_t *alloc)
{
	const char *enc = name;
	const struct rr *first;
	char *star;
	size_t n;
	bool found;

	while ((enc = strchr(enc, '.')) && *++enc && proposed_in_zone(enc, z->apex) &&
	       !zone_has_name(z, enc))
		;
	if (!enc || !*enc || !proposed_in_zone(enc, z->apex))
		return false;
	star = xasprintf("*.%s", enc);
	found = dsnap_find(&z->recs, star, "*", &first) > 0;
	if (found && !(n = dsnap_find(&z->recs, star, type, &first)) && strcmp(type, "CNAME"))
		n = dsnap_find(&z->recs, star, "CNAME", &first);
	for (size_t i = 0; found && i < n; i++) {
		struct rr r = first[i];
		r.owner = (char *)name;
		push_rr(res, alloc, &r);
		z->used[&first[i] - z->recs.rrs] = true;
	}
	free(star);
	return found;
}

/*
 * What the zone's server would answer: the records of the type, or the
 * CNAME chain through the zone (a target elsewhere is left for the
 * collector to follow, as it follows a live one), or no data, or no name.
 */
static void zone_answer(struct proposed_zone *z, const char *name, const char *type,
			struct lookup_result *res)
{
	const struct rr *first;
	const char *cur = name;
	size_t n, alloc = 0;

	z->answered++;
	res->servers = xasprintf("proposed:%s", z->file);
	for (int hop = 0; hop <= CHAIN_MAX; hop++) {
		if ((n = dsnap_find(&z->recs, cur, type, &first))) {
			push_rrs(res, &alloc, first, n, z);
			res->state = LK_NOERROR;
			return;
		}
		if (!strcmp(type, "CNAME") || !(n = dsnap_find(&z->recs, cur, "CNAME", &first)))
			break;
		push_rrs(res, &alloc, first, 1, z);
		cur = first->rdata;
		if (!proposed_in_zone(cur, z->apex)) {
			res->state = LK_NOERROR;
			return;
		}
	}
	if (zone_has_name(z, cur) || wildcard_answer(z, cur, type, res, &alloc))
		res->state = res->nrr ? LK_NOERROR : LK_NODATA;
	else
		res->state = LK_NXDOMAIN;
}

/*
 * Which stored domain asked each name/type (the first, in name order):
 * a reverse zone shared by thousands of domains makes as many walks,
 * each of whose questions would otherwise search every domain.
 */
static void stored_index(struct proposed_set *set)
{
	const struct snapshot *s = set->stored;

	if (set->indexed)
		return;
	set->indexed = true;
	for (size_t i = s->n; i-- > 0;)
		for (size_t k = 0; k < s->domains[i].nlk; k++) {
			const struct lookup *l = &s->domains[i].lks[k];
			char *key = xasprintf("%s %s", l->name, l->type);
			strmap_put(&set->asked, key, &s->domains[i]);
			free(key);
		}
}

/*
 * What the stored snapshot's collection got for name/type: its state and
 * records, the CNAME chain followed while its next name was not asked on
 * its own (a chain's far end that was asked separately is asked again,
 * and answered the same way).
 */
static bool stored_answer(struct proposed_set *set, const char *name, const char *type,
			  struct lookup_result *res)
{
	const struct domain_snap *d;
	const struct lookup *l;
	const struct rr *first;
	const char *cur = name;
	char *key = xasprintf("%s %s", name, type);
	size_t n, alloc = 0;

	stored_index(set);
	d = strmap_get(&set->asked, key);
	free(key);
	if (!d || !(l = dsnap_lookup(d, name, type)))
		return false;
	res->state = l->state;
	res->disagree = l->disagree;
	res->servers = xstrdup(l->servers ? l->servers : "-");
	res->detail = l->detail ? xstrdup(l->detail) : NULL;
	for (int hop = 0; hop <= CHAIN_MAX; hop++) {
		if ((n = dsnap_find(d, cur, type, &first))) {
			push_rrs(res, &alloc, first, n, NULL);
			break;
		}
		if (!strcmp(type, "CNAME") || !(n = dsnap_find(d, cur, "CNAME", &first)))
			break;
		push_rrs(res, &alloc, first, 1, NULL);
		cur = first->rdata;
		if (dsnap_lookup(d, cur, type))
			break;
	}
	return true;
}

bool proposed_answer(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct proposed_set *set = arg;
	struct proposed_zone *z = proposed_zone_of(set, name);

	if (z) {
		zone_answer(z, name, type, res);
		return true;
	}
	return set->stored && stored_answer(set, name, type, res);
}
