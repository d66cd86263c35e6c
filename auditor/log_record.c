/*
 * log_record.c - `mxaudit log --record TYPE`: the semantic history of
 * one record type. For each stored change that touched records of TYPE:
 * old -> new for every owner, and the findings the change introduced
 * that these records explain, with their severity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "impact.h"
#include "json.h"
#include "log_record.h"
#include "snapdiff.h"

/* "10 mx1.example.com., 20 mx2.example.com." or "(none)"; caller frees. */
static char *rrset(const struct domain_snap *d, const char *owner, const char *type)
{
	struct strbuf sb = STRBUF_INIT;
	const struct rr *r;
	size_t n = d ? dsnap_find(d, owner, type, &r) : 0;

	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", r[i].rdata);
	return n ? sb_detach(&sb) : xstrdup("(none)");
}

static void owners_of(const struct rr *const *v, size_t n, const char *type, struct strlist *out)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i]->type, type))
			sl_push(out, v[i]->owner);
}

/* Owners whose TYPE records changed in one domain, each "owner: old -> new". */
static void domain_changes(const struct domain_snap *a, const struct domain_snap *b,
			   const char *type, struct strlist *out)
{
	struct snapdiff d = { 0 };
	struct strlist owners = STRLIST_INIT;

	snapdiff_domain(a, b, &d);
	owners_of(d.added, d.nadded, type, &owners);
	owners_of(d.removed, d.nremoved, type, &owners);
	for (size_t i = 0; i < d.nttl; i++)
		if (!strcasecmp(d.ttl[i].to->type, type))
			sl_push(&owners, d.ttl[i].to->owner);
	sl_sort_uniq(&owners);
	for (size_t i = 0; i < owners.n; i++) {
		char *was = rrset(a, owners.v[i], type), *now = rrset(b, owners.v[i], type);
		const char *dom = b ? b->name : a->name;
		sl_push_owned(out, !strcmp(was, now) ?
			      xasprintf("%s %s: %s (TTL changed)", dom, owners.v[i], now) :
			      xasprintf("%s %s: %s -> %s", dom, owners.v[i], was, now));
		free(was);
		free(now);
	}
	sl_release(&owners);
	snapdiff_release(&d);
}

/* Does one of the finding's causes change a record of TYPE? */
static bool caused_by(const struct impact_item *it, const char *type)
{
	char *needle = xasprintf(" IN %s ", type);
	bool hit = false;

	for (size_t i = 0; i < it->causes.n && !hit; i++)
		hit = strcasestr(it->causes.v[i], needle) != NULL;
	free(needle);
	return hit;
}

int log_record_commit(const struct impact_pair *p, const struct impact *im, const char *type,
		      const char *domain, struct strlist *changes, struct impact_list *found)
{
	struct strlist names = STRLIST_INIT;

	for (size_t i = 0; i < p->a.n; i++)
		sl_push(&names, p->a.domains[i].name);
	for (size_t i = 0; i < p->b.n; i++)
		sl_push(&names, p->b.domains[i].name);
	sl_sort_uniq(&names);
	for (size_t i = 0; i < names.n; i++)
		if (!domain || !strcasecmp(domain, names.v[i]))
			domain_changes(snapshot_domain(&p->a, names.v[i]),
				       snapshot_domain(&p->b, names.v[i]), type, changes);
	sl_release(&names);
	for (size_t i = 0; i < im->introduced.n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		if (caused_by(it, type) && (!domain || !strcasecmp(domain, it->scope))) {
			struct impact_item *c = impact_list_add(found, it->scope);
			c->f.sev = it->f.sev;
			c->f.code = xstrdup(it->f.code);
			c->f.subject = xstrdup(it->f.subject);
			c->f.message = xstrdup(it->f.message);
		}
	}
	return (int)changes->n;
}
