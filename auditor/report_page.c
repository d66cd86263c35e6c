/*
 * report_page.c - what `mxaudit report` shows, gathered from the store
 * by the judge the other commands use: check's findings of the later
 * snapshot, diff's impact between the two, timeline's events of every
 * stored change in between. The rendering is in render_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report_page.h"

/*
 * The stored changes after from (exclusive; from NULL: from the first)
 * up to to (inclusive), oldest first, each with its impact.
 */
static int load_commits(struct store *s, const struct report_page *p,
			const struct impact_opts *o, struct page_commit **out, size_t *nout)
{
	struct store_commit *c = NULL;
	size_t n = 0, k = 0;
	bool in = false;
	int r = 0;

	if (store_log(s, p->window ? p->since : p->have_from ? p->from.when : 0,
		      p->to.when, NULL, &c, &n) < 0)
		return -1;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n && r >= 0; i++) {           /* newest first */
		struct impact_pair pair;

		in |= !strcmp(c[i].id, p->to.id);
		if (p->have_from && !strcmp(c[i].id, p->from.id))
			break;
		if (!in)
			continue;
		(*out)[k].im = (struct impact)IMPACT_INIT;
		r = impact_of_commit(s, c[i].id, o, &pair, &(*out)[k].im);
		impact_pair_release(&pair);
		(*out)[k].c = c[i];
		memset(&c[i], 0, sizeof(c[i]));
		k++;
	}
	store_commits_free(c, n);
	/* Oldest first, as the timeline reads. */
	for (size_t i = 0; i < k / 2; i++) {
		struct page_commit t = (*out)[i];
		(*out)[i] = (*out)[k - 1 - i];
		(*out)[k - 1 - i] = t;
	}
	*nout = k;
	return r < 0 ? -1 : 0;
}

int report_page_load(struct store *s, const char *from, const char *to,
		     const struct config *cfg, const struct policy_set *ps,
		     struct report_page *p)
{
	struct impact_opts o = { .cfg = cfg, .policies = ps, .now = time(NULL) };

	p->cfg = cfg;
	p->made = o.now;
	p->im = (struct impact)IMPACT_INIT;
	if (store_commit_info(s, to, &p->to) < 0 || store_read(s, p->to.id, &p->b) < 0)
		return -1;
	if (from) {
		if (store_commit_info(s, from, &p->from) < 0 || store_read(s, p->from.id, &p->a) < 0)
			return -1;
		p->have_from = true;
	}
	path_fws_load(cfg, &p->b, &p->fws);
	impact_findings(&p->b, &o, &p->findings);
	if (!p->have_from && !p->window)
		return 0;
	impact_compute(p->have_from ? &p->a : NULL, &p->b, &o, &p->im);
	return load_commits(s, p, &o, &p->commits, &p->ncommits);
}

void report_page_release(struct report_page *p)
{
	store_commit_release(&p->from);
	store_commit_release(&p->to);
	snapshot_release(&p->a);
	snapshot_release(&p->b);
	sl_release(&p->only);
	path_fws_release(&p->fws);
	impact_list_release(&p->findings);
	impact_release(&p->im);
	for (size_t i = 0; i < p->ncommits; i++) {
		store_commit_release(&p->commits[i].c);
		impact_release(&p->commits[i].im);
	}
	free(p->commits);
	p->commits = NULL;
	p->ncommits = 0;
}

bool report_page_shows(const struct report_page *p, const char *domain)
{
	if (!p->only.n)
		return true;
	for (size_t i = 0; i < p->only.n; i++)
		if (!strcasecmp(p->only.v[i], domain))
			return true;
	return false;
}

enum severity report_page_worst(const struct report_page *p, bool *any)
{
	enum severity w = SEV_INFO;

	*any = false;
	for (size_t i = 0; i < p->findings.n; i++) {
		const struct impact_item *it = &p->findings.v[i];
		if (!report_page_shows(p, it->scope))
			continue;
		*any = true;
		if (it->f.sev > w)
			w = it->f.sev;
	}
	return w;
}

const struct finding **report_page_domain_findings(const struct report_page *p, const char *domain,
						  size_t *n)
{
	const struct finding **v = xcalloc(p->findings.n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < p->findings.n; i++)
		if (!strcmp(p->findings.v[i].scope, domain))
			v[(*n)++] = &p->findings.v[i].f;
	return v;
}
