/*
 * analyze_ns.c - the health of a domain's nameservers, from how its own
 * names' lookups ended (.status): the servers that answered are in the
 * servers column; a listed server that answered without authority is
 * "server=LAME" in the detail, one that did not answer "server=TIMEOUT".
 * A lame or dead server costs no data while another answers, but
 * resolvers that pick it fail or wait: a warning, critical only when no
 * server of the domain answered at all.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"

/* One server named in the domain's lookups. */
struct nsinfo {
	char *name;
	bool answered;
	size_t lame, timeouts;     /* lookups it failed that way */
	const struct lookup *first;  /* the first of them, for evidence */
};

struct nslist {
	struct nsinfo *v;
	size_t n, alloc;
};

static struct nsinfo *ns_get(struct nslist *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i].name) == len && !strncmp(l->v[i].name, name, len))
			return &l->v[i];
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].name = xstrndup(name, len);
	return &l->v[l->n++];
}

static bool own_name(const char *name, const char *apex)
{
	size_t n = strlen(name), a = strlen(apex);

	return !strcmp(name, apex) || (n > a && name[n - a - 1] == '.' && !strcmp(name + n - a, apex));
}

/* Note the servers of one lookup: answered (servers column), LAME and TIMEOUT (detail). */
static void note_lookup(struct nslist *l, const struct lookup *lk)
{
	const char *p, *end;

	for (p = lk->servers; p && *p && strcmp(p, "-"); p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		ns_get(l, p, (size_t)(end - p))->answered = true;
	}
	for (p = lk->detail; p && *p; p = *end ? end + 1 : end) {
		const char *eq;
		struct nsinfo *ns;
		bool lame;

		end = p + strcspn(p, ",");
		if (!(eq = memchr(p, '=', (size_t)(end - p))))
			continue;
		lame = !strncmp(eq + 1, "LAME", (size_t)(end - eq - 1)) && end - eq - 1 == 4;
		if (!lame && !(end - eq - 1 == 7 && !strncmp(eq + 1, "TIMEOUT", 7)))
			continue;
		ns = ns_get(l, p, (size_t)(eq - p));
		if (!ns->first)
			ns->first = lk;
		if (lame)
			ns->lame++;
		else
			ns->timeouts++;
	}
}

void analyze_ns(const struct domain_snap *d, const struct analyze_opts *o,
		struct findings *out)
{
	struct nslist l = { 0 };
	char *apex = name_abs(d->name);
	bool any_answer = false;

	for (size_t i = 0; i < d->nlk; i++)
		if (own_name(d->lks[i].name, apex))
			note_lookup(&l, &d->lks[i]);
	for (size_t i = 0; i < l.n; i++)
		any_answer |= l.v[i].answered;
	for (size_t i = 0; i < l.n; i++) {
		struct nsinfo *ns = &l.v[i];
		enum severity sev = any_answer ? SEV_WARNING : SEV_CRITICAL;
		char *ev;

		if (!ns->lame && (ns->answered || !ns->timeouts))
			continue;
		ev = lookup_evidence(d, ns->first);
		if (ns->lame)
			findings_add(out, sev, "dns.lame", ns->name, ev,
				     "nameserver %s of %s is lame: it refuses, refers elsewhere or "
				     "answers without authority (%zu lookup%s); its replies are not "
				     "data, %s; serve the zone on it or remove it from the NS records",
				     ns->name, d->name, ns->lame, ns->lame == 1 ? "" : "s",
				     any_answer ? "the other servers decided" : "and no server of the domain answered");
		else
			findings_add(out, sev, "dns.ns-unreachable", ns->name, ev,
				     "nameserver %s of %s never answered during the run (%zu "
				     "lookup%s); resolvers that try it wait or fail, %s; bring it "
				     "back or remove it from the NS records", ns->name, d->name,
				     ns->timeouts, ns->timeouts == 1 ? "" : "s",
				     any_answer ? "the other servers decided" : "and no server of the domain answered");
		free(ev);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	free(apex);
}
