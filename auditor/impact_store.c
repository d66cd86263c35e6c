/*
 * impact_store.c - the two snapshots the impact of one stored change
 * needs, read from the store: only the domains whose files changed
 * (findings of a domain depend on that domain alone), or both snapshots
 * whole when a firewall changed or firewalls are configured (firewalls
 * are judged against every MX address and are part of each inbound path). Used by log --record and timeline, which walk many commits.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "impact.h"
#include "snaplayout.h"
#include "store.h"

static int load_domain(struct store *s, const char *id, const char *name, struct snapshot *snap)
{
	char *zpath = snap_path(SNAP_DNS, name, SNAP_ZONE), *spath = snap_path(SNAP_DNS, name, SNAP_STATUS);
	char *zone = NULL, *status = NULL;
	int r;

	if ((r = store_read_file(s, id, zpath, &zone)) >= 0 &&
	    (r = store_read_file(s, id, spath, &status)) >= 0 && (zone || status)) {
		struct domain_snap *d = snapshot_add_domain(snap, name);
		/* A bad line costs that line; d->bad makes it a finding. */
		if (zone)
			dsnap_parse_zone(d, zpath, zone);
		if (status)
			dsnap_parse_status(d, spath, status);
	}
	free(zone);
	free(status);
	free(zpath);
	free(spath);
	return r;
}

int impact_pair_load(struct store *s, const char *from, const char *to, bool whole,
		     struct impact_pair *p)
{
	struct store_change *ch = NULL;
	struct strlist doms = STRLIST_INIT;
	bool fw = false;
	size_t n = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->have_a = from && *from;
	if ((r = store_diff(s, p->have_a ? from : NULL, to, &ch, &n)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char *d = snap_path_name(ch[i].path, SNAP_DNS, NULL), *f;

		if (d)
			sl_push_owned(&doms, d);
		else if ((f = snap_path_name(ch[i].path, SNAP_FW, NULL)))
			fw = true, free(f);
	}
	store_changes_free(ch, n);
	sl_sort_uniq(&doms);
	if (fw || whole) {
		r = (p->have_a && store_read(s, from, &p->a) < 0) || store_read(s, to, &p->b) < 0 ? -1 : 0;
	} else {
		for (size_t i = 0; i < doms.n && r >= 0; i++)
			if ((p->have_a && (r = load_domain(s, from, doms.v[i], &p->a)) < 0) ||
			    (r = load_domain(s, to, doms.v[i], &p->b)) < 0)
				break;
		snapshot_sort(&p->a);
		snapshot_sort(&p->b);
	}
	sl_release(&doms);
	return r < 0 ? -1 : 0;
}

void impact_pair_release(struct impact_pair *p)
{
	snapshot_release(&p->a);
	snapshot_release(&p->b);
}

int impact_of_commit(struct store *s, const char *id, const struct impact_opts *o,
		     struct impact_pair *p, struct impact *out)
{
	char parent[41] = "";
	char *rev = xasprintf("%s~1", id);

	if (store_rev_exists(s, rev, parent))
		parent[0] = '\0';    /* the first snapshot: everything is new */
	free(rev);
	/* Configured firewalls are part of every domain's inbound path: read them too. */
	if (impact_pair_load(s, parent, id, o->cfg && o->cfg->nfirewalls, p) < 0)
		return -1;
	impact_compute(p->have_a ? &p->a : NULL, &p->b, o, out);
	return 0;
}
