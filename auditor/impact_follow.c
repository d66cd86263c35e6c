/*
 * impact_follow.c - one change read in the light of the changes before
 * it. impact_compute() compares two snapshots and nothing else, so on
 * its own a fix can read differently from the breakage it fixes: a
 * finding whose severity depends on the runs around it is resolved at
 * another severity than it was raised with, and firewall findings (which
 * exist only as the comparison of two exports) cannot be resolved at
 * all: the rule that reopens tcp/25 reads as "fw.port-opened" while the
 * reader is still waiting for "fw.port-blocked" to go away. Given what
 * is open from earlier changes (drift's open file, or the findings
 * timeline walked so far), the same finding is resolved, at the
 * severity it was raised with.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "impact.h"

static const struct impact_item *find_open(const struct impact_list *open, const char *scope,
					   const char *code, const char *subject)
{
	for (size_t i = 0; i < open->n; i++) {
		const struct impact_item *it = &open->v[i];
		if (!strcmp(it->scope, scope) && !strcmp(it->f.code, code) &&
		    !strcmp(it->f.subject ? it->f.subject : "", subject ? subject : ""))
			return it;
	}
	return NULL;
}

static int sev_cmp(const void *va, const void *vb)
{
	const struct impact_item *a = va, *b = vb;
	int c;

	if (a->f.sev != b->f.sev)
		return a->f.sev > b->f.sev ? -1 : 1;
	if ((c = strcmp(a->scope, b->scope)) || (c = strcmp(a->f.code, b->f.code)))
		return c;
	return strcmp(a->f.subject, b->f.subject);
}

/* The port reopened while its block is open: the block is resolved (it takes the strings). */
static void reopened(struct impact *im, const struct impact_item *it,
		     const struct impact_item *blocked)
{
	struct impact_item *r = impact_list_add(&im->resolved, it->scope);

	free(r->scope);
	*r = *it;             /* takes the strings and the causes */
	free(r->f.code);
	r->f.code = xstrdup("fw.port-blocked");
	r->f.sev = blocked->f.sev;
}

void impact_follow(struct impact *im, const struct impact_list *open)
{
	size_t n = im->introduced.n, k = 0;
	const struct impact_item **blocked = xcalloc(n + 1, sizeof(*blocked));

	for (size_t i = 0; i < im->resolved.n; i++) {
		struct impact_item *it = &im->resolved.v[i];
		const struct impact_item *was = find_open(open, it->scope, it->f.code, it->f.subject);
		if (was)
			it->f.sev = was->f.sev;
	}
	/* First decide, with the list intact; then move. */
	for (size_t i = 0; i < n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		if (!strcmp(it->f.code, "fw.port-opened") &&
		    !find_open(&im->introduced, it->scope, "fw.port-blocked", it->f.subject))
			blocked[i] = find_open(open, it->scope, "fw.port-blocked", it->f.subject);
	}
	for (size_t i = 0; i < n; i++) {
		if (!blocked[i]) {
			im->introduced.v[k++] = im->introduced.v[i];
			continue;
		}
		im->counts[im->introduced.v[i].f.sev]--;
		reopened(im, &im->introduced.v[i], blocked[i]);
	}
	im->introduced.n = k;
	free(blocked);
	if (im->resolved.n)
		qsort(im->resolved.v, im->resolved.n, sizeof(*im->resolved.v), sev_cmp);
}

static void open_copy(struct impact_list *open, const struct impact_item *it)
{
	struct impact_item *c = impact_list_add(open, it->scope);

	c->f.sev = it->f.sev;
	c->f.code = xstrdup(it->f.code);
	c->f.subject = xstrdup(it->f.subject ? it->f.subject : "");
	c->f.message = xstrdup("");
}

void impact_follow_update(struct impact_list *open, const struct impact *im)
{
	size_t k = 0;

	for (size_t i = 0; i < open->n; i++) {
		struct impact_item *it = &open->v[i];

		if (!find_open(&im->resolved, it->scope, it->f.code, it->f.subject)) {
			open->v[k++] = *it;
			continue;
		}
		free(it->scope);
		free(it->f.code);
		free(it->f.subject);
		free(it->f.message);
		free(it->f.evidence);
		sl_release(&it->causes);
		sl_release(&it->reads);
	}
	open->n = k;
	for (size_t i = 0; i < im->introduced.n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		if (!find_open(open, it->scope, it->f.code, it->f.subject))
			open_copy(open, it);
	}
}
