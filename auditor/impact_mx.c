/*
 * impact_mx.c - a change of where mail goes first. Swapping MX
 * preferences (the backup becomes the primary) leaves every MX record
 * valid, so no analyzer of one snapshot sees it; between two snapshots
 * it is a warning: senders now deliver to another host first, which must
 * accept mail for the domain and be reachable through the firewall.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "impact.h"

/* The most-preferred MX hosts, sorted; false when unknown or not comparable. */
static bool primary(const struct domain_snap *d, struct strlist *out, unsigned *pref)
{
	char *apex = name_abs(d->name);
	const struct lookup *lk = dsnap_lookup(d, apex, "MX");
	const struct rr *r;
	size_t n = dsnap_find(d, apex, "MX", &r);
	bool ok = true;

	*pref = ~0u;
	if (lk && LK_IS_TEMPORARY(lk->state))
		ok = false;     /* carried over: the change is unknown */
	for (size_t i = 0; ok && i < n; i++) {
		unsigned p;
		char *host;

		if (rr_mx(&r[i], &p, &host))
			continue;
		if (!strcmp(host, "."))
			ok = false;   /* a null MX is judged on its own (mx.null) */
		else if (p < *pref) {
			sl_release(out);
			*pref = p;
		}
		if (ok && p == *pref)
			sl_push(out, host);
		free(host);
	}
	sl_sort_uniq(out);
	free(apex);
	return ok && out->n;
}

static bool same_set(const struct strlist *x, const struct strlist *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i], y->v[i]))
			return false;
	return true;
}

static char *joined(const struct strlist *l)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", l->v[i]);
	return sb_detach(&sb);
}

void impact_mx_primary(const struct domain_snap *a, const struct domain_snap *b,
		       struct impact *out)
{
	struct strlist pa = STRLIST_INIT, pb = STRLIST_INIT;
	unsigned prefa, prefb;

	if (a && b && primary(a, &pa, &prefa) && primary(b, &pb, &prefb) && !same_set(&pa, &pb)) {
		struct impact_item *it = impact_list_add(&out->introduced, b->name);
		char *was = joined(&pa), *now = joined(&pb), *apex = name_abs(b->name);

		it->f.sev = SEV_WARNING;
		it->f.code = xstrdup("mx.primary-changed");
		it->f.subject = xasprintf("%s MX", apex);
		it->f.message = xasprintf("the most-preferred MX changed from %s (%u) to %s (%u): "
					  "senders now deliver there first; check that it accepts "
					  "mail for the domain and is reachable on tcp/25",
					  was, prefa, now, prefb);
		/* it reads the MX records alone: their change is its cause */
		sl_push_owned(&it->reads, xasprintf("%s\tMX", apex));
		free(was);
		free(now);
		free(apex);
	}
	sl_release(&pa);
	sl_release(&pb);
}
