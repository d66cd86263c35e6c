/*
 * drift_stale.c - a lookup that fails (timeout, SERVFAIL) must fail in
 * stale_runs consecutive drift runs before drift reports it.
 *
 * Why a state file and not the store: drift commits only when the tree
 * changes, so runs that see the same failure leave no trace in history
 * to count; and counting inside .status would make every run of an
 * outage a commit. So the count lives in <store>/mxaudit-drift.state,
 * next to the store's lock and written under it, one line per failing
 * lookup: "domain<TAB>name<TAB>type<TAB>runs". Losing the file only
 * restarts the counts.
 *
 * Below the threshold a failed lookup is held back: the new snapshot
 * gets the previous snapshot's lookup line (its records were already
 * carried over as stale data), so the tree, and so the store, does not
 * change. At the threshold the stale lookup goes in, and impact reports
 * it as dns.unresolvable ("cannot resolve"), never as a removal. Past
 * the threshold, a lookup the last snapshot already holds as failed
 * keeps that line when only the kind of failure changes (a server that
 * flips between timing out and SERVFAIL), so an outage is one commit
 * when confirmed and one when it ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "drift.h"

static unsigned state_runs(const struct strlist *keys, const unsigned *runs, const char *key)
{
	for (size_t i = 0; i < keys->n; i++)
		if (!strcmp(keys->v[i], key))
			return runs[i];
	return 0;
}

int stale_state_load(const char *path, struct stale_state *st)
{
	char *text = NULL, *line, *save = NULL;
	FILE *f = fopen(path, "r");

	if (!f)
		return errno == ENOENT ? 0 : error("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (read_file(path, &text, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strrchr(line, '\t'), *end;
		unsigned long n;

		if (!tab || (n = strtoul(tab + 1, &end, 10)) == 0 || *end)
			continue;     /* a damaged line only restarts its count */
		*tab = '\0';
		ALLOC_GROW(st->runs, st->keys.n + 1, st->alloc);
		st->runs[st->keys.n] = (unsigned)n;
		sl_push(&st->keys, line);
	}
	free(text);
	return 0;
}

int stale_state_save(const char *path, const struct stale_state *st)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int r = 0;

	if (!f) {
		r = error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < st->keys.n; i++)
		fprintf(f, "%s\t%u\n", st->keys.v[i], st->runs[i]);
	if (fclose(f) || rename(tmp, path))
		r = error("cannot write '%s': %s", path, strerror(errno));
out:
	free(tmp);
	return r;
}

void stale_state_release(struct stale_state *st)
{
	sl_release(&st->keys);
	free(st->runs);
	memset(st, 0, sizeof(*st));
}

static void lookup_assign(struct lookup *dst, const struct lookup *src)
{
	free(dst->servers);
	free(dst->detail);
	dst->state = src->state;
	dst->stale = src->stale;
	dst->disagree = src->disagree;
	dst->servers = src->servers ? xstrdup(src->servers) : NULL;
	dst->detail = src->detail ? xstrdup(src->detail) : NULL;
}

static void lookup_remove(struct domain_snap *d, size_t i)
{
	struct lookup *l = &d->lks[i];

	free(l->name);
	free(l->type);
	free(l->servers);
	free(l->detail);
	memmove(l, l + 1, (d->nlk - i - 1) * sizeof(*l));
	d->nlk--;
}

/* Count and hold back the failed lookups of one domain. */
static size_t hold_domain(struct domain_snap *d, const struct domain_snap *p,
			  const struct stale_state *old, struct stale_state *now,
			  unsigned need)
{
	size_t held = 0;

	for (size_t i = 0; i < d->nlk;) {
		struct lookup *l = &d->lks[i];
		char *key;
		unsigned runs;
		const struct lookup *was;

		if (!LK_IS_TEMPORARY(l->state)) {
			i++;
			continue;
		}
		key = xasprintf("%s\t%s\t%s", d->name, l->name, l->type);
		runs = state_runs(&old->keys, old->runs, key) + 1;
		ALLOC_GROW(now->runs, now->keys.n + 1, now->alloc);
		now->runs[now->keys.n] = runs;
		sl_push_owned(&now->keys, key);
		if (runs >= need) {
			/*
			 * Reported already (the last snapshot has it failed too): a
			 * failure that only changes kind, SERVFAIL <-> timeout, is no
			 * news and no commit; the stored line stays.
			 */
			was = p ? dsnap_lookup(p, l->name, l->type) : NULL;
			if (was && LK_IS_TEMPORARY(was->state) && was->state != l->state)
				lookup_assign(l, was);
			i++;
			continue;
		}
		held++;
		if ((was = p ? dsnap_lookup(p, l->name, l->type) : NULL)) {
			lookup_assign(l, was);
			i++;
		} else {
			lookup_remove(d, i);
		}
	}
	return held;
}

size_t stale_hold_back(struct snapshot *cur, const struct snapshot *prev,
		       const struct stale_state *old, struct stale_state *now,
		       unsigned need)
{
	size_t held = 0;

	for (size_t i = 0; i < cur->n; i++) {
		struct domain_snap *d = &cur->domains[i];
		held += hold_domain(d, prev ? snapshot_domain(prev, d->name) : NULL, old, now, need);
	}
	return held;
}
