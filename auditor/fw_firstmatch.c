/*
 * fw_firstmatch.c - which rule of a run first matches each peer, for a
 * whole run of rules at once.
 *
 * Exports with tens of thousands of rules are mostly long runs of the
 * same shape ("-s X -j DROP", one rule per blocked host). Taking each
 * rule's addresses out of the remaining peers one rule at a time costs
 * a set operation per rule; here every rule's ranges are sorted once and
 * swept with a heap of the ranges that cover the sweep point, ordered by
 * rule: the smallest rule index alive owns the segment. The result is
 * the same as rule-by-rule evaluation (tests/unit/test_fw_reach.c checks
 * that on random runs), in O(n log n) for n ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

#define U128_MAX (~(fw_u128)0)

/* A binary min-heap of indices into the sorted ranges, keyed by rule. */
struct heap {
	size_t *v, n, alloc;
	const struct fw_lrange *r;
};

static bool heap_less(const struct heap *h, size_t a, size_t b)
{
	return h->r[h->v[a]].k < h->r[h->v[b]].k;
}

static void heap_swap(struct heap *h, size_t a, size_t b)
{
	size_t t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
}

static void heap_push(struct heap *h, size_t idx)
{
	size_t i = h->n;

	ALLOC_GROW(h->v, h->n + 1, h->alloc);
	h->v[h->n++] = idx;
	while (i && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct heap *h)
{
	size_t i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (l + 1 < h->n && heap_less(h, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

static void push_owned(struct fw_lrange **out, size_t *n, size_t *alloc, fw_u128 lo, fw_u128 hi, size_t k)
{
	if (*n && (*out)[*n - 1].k == k && (*out)[*n - 1].hi + 1 == lo) {
		(*out)[*n - 1].hi = hi;
		return;
	}
	ALLOC_GROW(*out, *n + 1, *alloc);
	(*out)[*n].lo = lo;
	(*out)[*n].hi = hi;
	(*out)[*n].k = k;
	(*n)++;
}

/*
 * Sort r and sweep it: *own gets disjoint segments sorted by address,
 * each labelled with the smallest k of the ranges covering it.
 */
static size_t owners(struct fw_lrange *r, size_t n, struct fw_lrange **own)
{
	struct heap h = { .r = r };
	size_t i = 0, no = 0, alloc = n;   /* as many segments as ranges, mostly */
	fw_u128 x = 0;

	*own = xmalloc(n * sizeof(**own));
	fw_sort_by_lo(r, n, sizeof(*r));   /* ties need no order: they enter the heap together */
	while (i < n || h.n) {
		const struct fw_lrange *top;
		fw_u128 end;

		if (!h.n)
			x = r[i].lo;
		while (i < n && r[i].lo <= x)
			heap_push(&h, i++);
		while (h.n && r[h.v[0]].hi < x)
			heap_pop(&h);   /* ended before x: gone for good */
		if (!h.n)
			continue;
		top = &r[h.v[0]];
		end = top->hi;
		if (i < n && r[i].lo - 1 < end)
			end = r[i].lo - 1;   /* a range starting there may belong to an earlier rule */
		push_owned(own, &no, &alloc, x, end, top->k);
		if (end == U128_MAX)
			break;
		x = end + 1;
	}
	free(h.v);
	return no;
}

/* Stable counting sort of pieces by k, k in [kmin, kmax]: p is freed, the sorted copy returned. */
static struct fw_lrange *sort_by_rule(struct fw_lrange *p, size_t n, size_t kmin, size_t kmax)
{
	size_t nk = kmax - kmin + 2, *at = xcalloc(nk, sizeof(*at));
	struct fw_lrange *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));

	for (size_t i = 0; i < n; i++)
		at[p[i].k - kmin + 1]++;
	for (size_t k = 1; k < nk; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < n; i++)
		sorted[at[p[i].k - kmin]++] = p[i];
	free(p);
	free(at);
	return sorted;
}

/* The owners' segments that lie in hit, cut to it, labelled as their segment. */
static size_t cut_to(const struct fw_lrange *own, size_t no, const struct fw_addrset *hit,
		     struct fw_lrange **pieces)
{
	size_t np = 0, alloc = 0, j = 0;

	*pieces = NULL;
	for (size_t i = 0; i < hit->n; i++) {
		fw_u128 lo = hit->v[i].lo, hi = hit->v[i].hi;

		while (j < no && own[j].hi < lo)
			j++;
		for (size_t s = j; s < no && own[s].lo <= hi; s++) {
			fw_u128 l = own[s].lo > lo ? own[s].lo : lo, h = own[s].hi < hi ? own[s].hi : hi;

			push_owned(pieces, &np, &alloc, l, h, own[s].k);
		}
	}
	return np;
}

size_t fw_first_match(struct fw_lrange *r, size_t n, const struct fw_shrinking *S,
		      struct fw_addrset *hit, struct fw_lrange **pieces)
{
	struct fw_lrange *own;
	struct fw_addrset cover = FW_ADDRSET_INIT;
	size_t no, np, kmin = SIZE_MAX, kmax = 0;

	*pieces = NULL;
	fw_as_clear(hit);
	if (!n)
		return 0;
	no = owners(r, n, &own);
	cover.v = xmalloc(no * sizeof(*cover.v));
	cover.alloc = no;
	for (size_t i = 0; i < no; i++)
		fw_as_add(&cover, own[i].lo, own[i].hi);   /* in order: appends */
	fw_sh_query(S, &cover, hit);
	/* Label each piece of S's part with the owner of the segment it lies in. */
	if (fw_as_equal(hit, &cover)) {   /* all of it (a run over every peer): the segments as they are */
		*pieces = own;
		np = no;
	} else {
		np = cut_to(own, no, hit, pieces);
		free(own);
	}
	fw_as_release(&cover);
	for (size_t i = 0; i < np; i++) {
		kmin = (*pieces)[i].k < kmin ? (*pieces)[i].k : kmin;
		kmax = (*pieces)[i].k > kmax ? (*pieces)[i].k : kmax;
	}
	if (np)
		*pieces = sort_by_rule(*pieces, np, kmin, kmax);
	return np;
}
