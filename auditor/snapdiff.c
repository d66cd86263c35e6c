/*
 * snapdiff.c - record-level and lookup-level differences of one domain
 * between two snapshots, and a line diff for firewall rules.
 *
 * A record of a lookup that is stale in the newer snapshot is never a
 * removal: the server did not answer, which says nothing about the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapdiff.h"

#define SUMMARY_ITEMS 4
#define SUMMARY_WIDTH 150
#define LCS_MAX_CELLS (1u << 22)

static int lk_key_cmp(const struct lookup *a, const struct lookup *b)
{
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->type, b->type);
}

/* Is r (a record of the older snapshot) covered by a lookup stale in b? */
static bool stale_in(const struct domain_snap *b, const struct rr *r)
{
	const struct lookup *l;

	if (!b)
		return false;
	if ((l = dsnap_lookup(b, r->owner, r->type)))
		return l->stale;
	/* A CNAME answers a lookup of another type at its owner. */
	for (size_t i = 0; i < b->nlk; i++)
		if (!strcmp(b->lks[i].name, r->owner) && b->lks[i].stale)
			return true;
	return false;
}

static void push_rr(const struct rr ***v, size_t *n, size_t *alloc, const struct rr *r)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = r;
}

static void diff_records(const struct domain_snap *a, const struct domain_snap *b,
			 struct snapdiff *out)
{
	size_t na = a ? a->nrr : 0, nb = b ? b->nrr : 0, i = 0, j = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : rr_cmp_key(&a->rrs[i], &b->rrs[j]);

		if (c < 0) {
			if (!stale_in(b, &a->rrs[i]))
				push_rr(&out->removed, &out->nremoved, &out->removed_alloc, &a->rrs[i]);
			i++;
		} else if (c > 0) {
			push_rr(&out->added, &out->nadded, &out->added_alloc, &b->rrs[j++]);
		} else {
			if (a->rrs[i].ttl != b->rrs[j].ttl) {
				ALLOC_GROW(out->ttl, out->nttl + 1, out->ttl_alloc);
				out->ttl[out->nttl].from = &a->rrs[i];
				out->ttl[out->nttl++].to = &b->rrs[j];
			}
			i++, j++;
		}
	}
}

static bool interesting_new(const struct lookup *l)
{
	return LK_IS_TEMPORARY(l->state) || l->stale || l->disagree;
}

static void push_status(struct snapdiff *out, const struct lookup *from, const struct lookup *to)
{
	ALLOC_GROW(out->status, out->nstatus + 1, out->status_alloc);
	out->status[out->nstatus].from = from;
	out->status[out->nstatus++].to = to;
}

static void diff_lookups(const struct domain_snap *a, const struct domain_snap *b,
			 struct snapdiff *out)
{
	size_t na = a ? a->nlk : 0, nb = b ? b->nlk : 0, i = 0, j = 0;

	while (j < nb) {
		int c = i == na ? 1 : lk_key_cmp(&a->lks[i], &b->lks[j]);
		const struct lookup *x = i < na ? &a->lks[i] : NULL, *y = &b->lks[j];

		if (c < 0) {
			i++;
		} else if (c > 0) {
			if (interesting_new(y))
				push_status(out, NULL, y);
			j++;
		} else {
			if (x->state != y->state || x->stale != y->stale || x->disagree != y->disagree)
				push_status(out, x, y);
			i++, j++;
		}
	}
}

size_t snapdiff_domain(const struct domain_snap *a, const struct domain_snap *b,
		       struct snapdiff *out)
{
	diff_records(a, b, out);
	diff_lookups(a, b, out);
	return out->nadded + out->nremoved + out->nttl + out->nstatus;
}

void snapdiff_release(struct snapdiff *d)
{
	free(d->added);
	free(d->removed);
	free(d->ttl);
	free(d->status);
	memset(d, 0, sizeof(*d));
}

bool snapdiff_empty(const struct snapdiff *d)
{
	return !(d->nadded || d->nremoved || d->nttl || d->nstatus);
}

char *snapdiff_rr_line(const struct rr *r)
{
	return xasprintf("%s %u IN %s %s", r->owner, r->ttl, r->type, r->rdata);
}

static void status_change_text(const struct lookup *f, const struct lookup *t, struct strbuf *sb)
{
	const char *fs = lookup_state_name(f->state), *ts = lookup_state_name(t->state);

	if (t->stale && !f->stale)
		sb_addf(sb, "now stale (%s), last good data kept", ts);
	else if (!t->stale && f->stale)
		sb_addf(sb, "no longer stale: %s", ts);
	else if (f->state != t->state)
		sb_addf(sb, "%s -> %s%s", fs, ts, t->stale ? " (still stale)" : "");
	if (t->disagree != f->disagree) {
		if (sb->len)
			sb_adds(sb, "; ");
		sb_adds(sb, t->disagree ? "servers now disagree" : "servers agree again");
		if (t->disagree && t->detail)
			sb_addf(sb, " (%s)", t->detail);
	}
}

char *snapdiff_status_text(const struct snapdiff_status *s)
{
	struct strbuf sb = STRBUF_INIT;
	const struct lookup *t = s->to;

	if (s->from) {
		status_change_text(s->from, t, &sb);
		return sb_detach(&sb);
	}
	sb_addf(&sb, "new lookup: %s", lookup_state_name(t->state));
	if (t->stale)
		sb_adds(&sb, ", stale");
	if (t->disagree)
		sb_addf(&sb, ", servers disagree%s%s%s", t->detail ? " (" : "",
			t->detail ? t->detail : "", t->detail ? ")" : "");
	return sb_detach(&sb);
}

static void push_item(struct strlist *items, char *s)
{
	if (items->n && !strcmp(items->v[items->n - 1], s))
		free(s);   /* several records of one RRset: say it once */
	else
		sl_push_owned(items, s);
}

/* Only what the records do not already say: failures and disagreement. */
static char *status_item(const struct lookup *l)
{
	if (l->stale)
		return xasprintf("!%s %s stale", l->type, l->name);
	if (l->disagree)
		return xasprintf("!%s %s disagree", l->type, l->name);
	if (LK_IS_TEMPORARY(l->state))
		return xasprintf("!%s %s %s", l->type, l->name, lookup_state_name(l->state));
	return NULL;
}

static bool same_rrset(const struct rr *a, const struct rr *b)
{
	return !strcmp(a->owner, b->owner) && !strcmp(a->type, b->type);
}

/* Is there a record of r's RRset in v? v is in canonical order. */
static bool has_rrset(const struct rr *const *v, size_t n, const struct rr *r)
{
	for (size_t i = 0; i < n; i++)
		if (same_rrset(v[i], r))
			return true;
	return false;
}

/* Items for removed, then changed (both), then added RRsets. */
static void rrset_items(const struct snapdiff *d, struct strlist *items)
{
	for (size_t i = 0; i < d->nremoved; i++)
		if (!has_rrset(d->added, d->nadded, d->removed[i]))
			push_item(items, xasprintf("-%s %s", d->removed[i]->type, d->removed[i]->owner));
	for (size_t i = 0; i < d->nremoved; i++)
		if (has_rrset(d->added, d->nadded, d->removed[i]))
			push_item(items, xasprintf("~%s %s", d->removed[i]->type, d->removed[i]->owner));
	for (size_t i = 0; i < d->nadded; i++)
		if (!has_rrset(d->removed, d->nremoved, d->added[i]))
			push_item(items, xasprintf("+%s %s", d->added[i]->type, d->added[i]->owner));
}

char *snapdiff_summary(const struct snapdiff *d, const char *domain)
{
	struct strlist items = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t shown = 0;
	char *item;

	if (snapdiff_empty(d))
		return NULL;
	rrset_items(d, &items);
	for (size_t i = 0; i < d->nttl; i++)
		push_item(&items, xasprintf("~%s %s TTL", d->ttl[i].to->type, d->ttl[i].to->owner));
	for (size_t i = 0; i < d->nstatus; i++)
		if ((item = status_item(d->status[i].to)))
			push_item(&items, item);
	if (!items.n)
		sl_push(&items, "lookup results changed");
	sb_addf(&sb, "%s:", domain);
	for (; shown < items.n && shown < SUMMARY_ITEMS; shown++) {
		if (shown && sb.len + strlen(items.v[shown]) > SUMMARY_WIDTH)
			break;
		sb_addf(&sb, "%s %s", shown ? "," : "", items.v[shown]);
	}
	if (shown < items.n)
		sb_addf(&sb, ", +%zu more", items.n - shown);
	sl_release(&items);
	return sb_detach(&sb);
}

struct lines {
	const char **p;
	size_t *len;
	size_t n, alloc, len_alloc;
};

static void split_lines(const char *s, struct lines *l)
{
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		ALLOC_GROW(l->p, l->n + 1, l->alloc);
		ALLOC_GROW(l->len, l->n + 1, l->len_alloc);
		l->p[l->n] = s;
		l->len[l->n++] = len;
		s += len + (nl ? 1 : 0);
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->p[i], b->p[j], a->len[i]);
}

static void push_line(struct snapdiff_line **out, size_t *n, size_t *alloc,
		      char op, const struct lines *l, size_t i)
{
	ALLOC_GROW(*out, *n + 1, *alloc);
	(*out)[*n].op = op;
	(*out)[*n].text = l->p[i];
	(*out)[(*n)++].len = l->len[i];
}

/*
 * The middle of a line diff, a[lo..ha) against b[lo..hb): a longest
 * common subsequence by dynamic programming; when that table would be
 * too big, everything old is removed and everything new added.
 */
static void diff_middle(const struct lines *a, size_t lo, size_t ha,
			const struct lines *b, size_t hb,
			struct snapdiff_line **out, size_t *n, size_t *alloc)
{
	size_t na = ha - lo, nb = hb - lo, w = nb + 1, i = 0, j = 0;
	uint32_t *L = NULL;

	if (na && nb && (na + 1) * w <= LCS_MAX_CELLS) {
		L = xcalloc((na + 1) * w, sizeof(*L));
		for (size_t x = na; x-- > 0;)
			for (size_t y = nb; y-- > 0;)
				L[x * w + y] = line_eq(a, lo + x, b, lo + y) ? L[(x + 1) * w + y + 1] + 1 :
					L[(x + 1) * w + y] >= L[x * w + y + 1] ? L[(x + 1) * w + y] :
					L[x * w + y + 1];
	}
	while (L && i < na && j < nb) {
		if (line_eq(a, lo + i, b, lo + j))
			i++, j++;
		else if (L[(i + 1) * w + j] >= L[i * w + j + 1])
			push_line(out, n, alloc, '-', a, lo + i++);
		else
			push_line(out, n, alloc, '+', b, lo + j++);
	}
	for (; i < na; i++)
		push_line(out, n, alloc, '-', a, lo + i);
	for (; j < nb; j++)
		push_line(out, n, alloc, '+', b, lo + j);
	free(L);
}

size_t snapdiff_lines(const char *a, const char *b, struct snapdiff_line **out)
{
	struct lines la = { 0 }, lb = { 0 };
	size_t lo = 0, ha, hb, n = 0, alloc = 0;

	*out = NULL;
	split_lines(a, &la);
	split_lines(b, &lb);
	while (lo < la.n && lo < lb.n && line_eq(&la, lo, &lb, lo))
		lo++;
	ha = la.n;
	hb = lb.n;
	while (ha > lo && hb > lo && line_eq(&la, ha - 1, &lb, hb - 1))
		ha--, hb--;
	diff_middle(&la, lo, ha, &lb, hb, out, &n, &alloc);
	free(la.p);
	free(la.len);
	free(lb.p);
	free(lb.len);
	return n;
}
