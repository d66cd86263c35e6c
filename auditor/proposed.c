/*
 * proposed.c - `check --proposed-zone ZONE=FILE` and
 * `--proposed-firewall NAME=FILE`: a stored snapshot with the domains
 * the proposed zones touch collected again in the world those zones
 * would make (proposed_world.c answers for them), a proposed firewall
 * export in place of the stored one, and the impact of the change, so a
 * change ticket sees what it would introduce before anyone applies it.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"
#include "collect.h"
#include "impact.h"
#include "json.h"
#include "proposed.h"
#include "resolver.h"

/*
 * The file speaks for the zone only: a record elsewhere would be merged
 * in unseen. A reverse zone (in-addr.arpa, ip6.arpa) is no domain of the
 * snapshot: it stands in for the PTRs its domains looked up in it.
 */
int proposed_zone_load(struct proposed_set *set, const char *spec)
{
	const char *eq = strchr(spec, '='), *file = eq + 1;
	char *domain = str_lower(xstrndup(spec, (size_t)(eq - spec)));
	char *apex = name_abs(domain);
	struct proposed_zone *z;
	struct rr *rrs = NULL;
	size_t n = 0;
	int r = -1;

	if (!dns_name_valid(apex)) {
		error("--proposed-zone: '%s' is not a zone name", domain);
		goto out;
	}
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].apex, apex)) {
			error("--proposed-zone: '%s' is given twice", domain);
			goto out;
		}
	if (dns_parse_zone_file(file, apex, &rrs, &n) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!proposed_in_zone(rrs[i].owner, apex)) {
			error("%s: %s %s is outside %s; the file may hold the zone's records only",
			      file, rrs[i].owner, rrs[i].type, domain);
			goto out;
		}
	}
	ALLOC_GROW(set->v, set->n + 1, set->alloc);
	z = memset(&set->v[set->n++], 0, sizeof(*z));
	z->apex = apex;
	z->file = xstrdup(file);
	z->recs.name = xstrdup(domain);
	for (size_t i = 0; i < n; i++)
		dsnap_add_rr(&z->recs, rrs[i].owner, rrs[i].ttl, rrs[i].type, rrs[i].rdata);
	dsnap_sort(&z->recs);
	z->used = xcalloc(z->recs.nrr + 1, sizeof(*z->used));
	apex = NULL;
	r = 0;
out:
	rrs_free(rrs, n);
	free(apex);
	free(domain);
	return r;
}

void proposed_set_release(struct proposed_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct proposed_zone *z = &set->v[i];
		free(z->apex);
		free(z->file);
		free(z->used);
		free(z->recs.name);
		rrs_free(z->recs.rrs, z->recs.nrr);
		free(z->recs.lks);
	}
	free(set->v);
	strmap_release(&set->asked);
	memset(set, 0, sizeof(*set));
}

/* Does a proposed zone cover d's apex or any name d looked up? */
static bool domain_reaches(const struct proposed_set *set, const struct domain_snap *d)
{
	char *apex = name_abs(d->name);
	bool hit = proposed_zone_of(set, apex) != NULL;

	free(apex);
	for (size_t i = 0; i < d->nlk && !hit; i++)
		hit = proposed_zone_of(set, d->lks[i].name) != NULL;
	return hit;
}

/*
 * What d is collected with: the configuration as it is now when it names
 * the domain (check judges with it), else the inputs its snapshot
 * recorded, else the bare name. Lists are borrowed.
 */
static void domain_conf_for(const struct domain_snap *d, const struct config *cfg,
			    struct domain_conf *out)
{
	const struct domain_conf *dc = cfg ? config_domain(cfg, d->name) : NULL;

	if (dc) {
		*out = *dc;
		return;
	}
	memset(out, 0, sizeof(*out));
	out->name = d->name;
	if (d->inputs) {
		out->dkim_selectors = d->inputs->dkim_selectors;
		out->sending_ips = d->inputs->sending_ips;
		out->mail_hosts = d->inputs->mail_hosts;
	}
}

/*
 * Lookups the stored snapshot made that the collection did not repeat
 * and no proposed zone speaks for (the PTR of an MX host the proposal
 * drops, a gateway's PTR when no configuration names the gateway): the
 * world there does not change, so they stay as collected rather than
 * read as removed. g is the collected domain, d the stored one.
 */
static void carry_unreached(struct domain_snap *g, const struct domain_snap *d,
			    const struct proposed_set *set)
{
	size_t *carry = xcalloc(d->nlk + 1, sizeof(*carry)), n = 0;

	for (size_t i = 0; i < d->nlk; i++)
		if (!proposed_zone_of(set, d->lks[i].name) &&
		    !dsnap_lookup(g, d->lks[i].name, d->lks[i].type))
			carry[n++] = i;
	for (size_t k = 0; k < n; k++) {
		const struct lookup *l = &d->lks[carry[k]];
		struct lookup *c = dsnap_add_lookup(g, l->name, l->type, l->state);
		struct rr *rrs = NULL;
		size_t nrr = dsnap_answer(d, l->name, l->type, &rrs);

		c->stale = l->stale;
		c->disagree = l->disagree;
		c->cached_ttl = l->cached_ttl;
		free(c->servers);
		c->servers = xstrdup(l->servers ? l->servers : "-");
		c->detail = l->detail ? xstrdup(l->detail) : NULL;
		for (size_t j = 0; j < nrr; j++)
			if (!proposed_zone_of(set, rrs[j].owner))
				dsnap_add_rr(g, rrs[j].owner, rrs[j].ttl, rrs[j].type, rrs[j].rdata);
		rrs_free(rrs, nrr);
	}
	dsnap_sort(g);
	free(carry);
}

/* Move the collected records and lookups of every domain of got into s. */
static void replace_domains(struct snapshot *s, struct snapshot *got,
			    const struct proposed_set *set)
{
	for (size_t i = 0; i < got->n; i++) {
		struct domain_snap *g = &got->domains[i], *d = snapshot_domain(s, g->name);

		carry_unreached(g, d, set);

		rrs_free(d->rrs, d->nrr);
		for (size_t k = 0; k < d->nlk; k++) {
			free(d->lks[k].name);
			free(d->lks[k].type);
			free(d->lks[k].servers);
			free(d->lks[k].detail);
		}
		free(d->lks);
		d->rrs = g->rrs, d->nrr = g->nrr, d->rr_alloc = g->rr_alloc;
		d->lks = g->lks, d->nlk = g->nlk, d->lk_alloc = g->lk_alloc;
		g->rrs = NULL, g->nrr = g->rr_alloc = 0;
		g->lks = NULL, g->nlk = g->lk_alloc = 0;
	}
}

/* The collection itself: a configuration of the domains reached, the overlay in front. */
static int collect_reached(struct proposed_set *set, struct snapshot *s, const struct config *cfg,
			   const struct cmd_ctx *ctx)
{
	struct config run = { 0 };
	struct collect_overlay ov = { proposed_answer, set };
	struct snapshot got = { 0 };
	int r = 0;

	if (cfg)
		run = *cfg;   /* servers, timeouts, firewalls' public_ips: borrowed */
	run.domains = xcalloc(s->n + 1, sizeof(*run.domains));
	run.ndomains = 0;
	for (size_t i = 0; i < s->n; i++)
		if (domain_reaches(set, &s->domains[i]))
			domain_conf_for(&s->domains[i], cfg, &run.domains[run.ndomains++]);
	if (run.ndomains) {
		set->stored = s;
		r = collect_snapshot_overlay(&run, ctx, s, &ov, &got, NULL);
		set->stored = NULL;
	}
	if (!r)
		replace_domains(s, &got, set);
	snapshot_release(&got);
	free(run.domains);
	return r;
}

int proposed_zones_apply(struct proposed_set *set, struct snapshot *s, const struct config *cfg,
			 const struct cmd_ctx *ctx, struct strbuf *label, size_t *ignored)
{
	*ignored = 0;
	if (!set->n)
		return 0;
	if (collect_reached(set, s, cfg, ctx))
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		const struct proposed_zone *z = &set->v[i];

		if (!z->answered)
			return error("--proposed-zone: '%s' is no domain of the snapshot, and no "
				     "lookup of one falls in it", z->recs.name);
		for (size_t k = 0; k < z->recs.nrr; k++)
			*ignored += !z->used[k];
		sb_addf(label, ", %s's zone from %s", z->recs.name, z->file);
	}
	return 0;
}

static struct fw_snap *fw_slot(struct snapshot *s, const char *name)
{
	struct fw_snap *f;

	for (size_t i = 0; i < s->nfw; i++) {
		f = &s->fws[i];
		if (strcmp(f->name, name))
			continue;
		free(f->name);
		free(f->format);
		free(f->export_text);
		free(f->rules_text);
		return memset(f, 0, sizeof(*f));
	}
	ALLOC_GROW(s->fws, s->nfw + 1, s->fw_alloc);
	return memset(&s->fws[s->nfw++], 0, sizeof(*f));
}

/* The export replaces the firewall's stored one; format and ipset come from the configuration. */
int proposed_firewall(struct snapshot *s, const struct config *cfg, const char *store_dir,
		      const char *spec, struct strbuf *label)
{
	const char *eq = strchr(spec, '='), *file = eq + 1;
	char *name = xstrndup(spec, (size_t)(eq - spec));
	const struct firewall_conf *fc = NULL;
	struct fw_snap tmp = { 0 };
	struct fw_mask mask;
	int r = -1;

	for (size_t i = 0; cfg && i < cfg->nfirewalls; i++)
		if (!strcmp(cfg->firewalls[i].name, name))
			fc = &cfg->firewalls[i];
	/* Masked as a snapshot masks it, so a secret that stays the same shows no change. */
	if (fw_mask_init(&mask, store_dir, name, fc ? &fc->mask : NULL) < 0) {
		free(name);
		return -1;
	}
	r = fw_collect(name, fc ? fc->format : NULL, file, fc ? fc->ipset_file : NULL, &mask, &tmp);
	fw_mask_release(&mask);
	if (r == 0) {
		*fw_slot(s, name) = tmp;
		snapshot_sort(s);
		sb_addf(label, ", firewall %s from %s", name, file);
	} else {
		free(tmp.name);
		free(tmp.format);
		free(tmp.export_text);
		free(tmp.rules_text);
	}
	free(name);
	return r;
}

/* What the comparison left out of the zone files, in text, Markdown or JSON. */
static void ignored_note(FILE *out, enum out_format fmt, size_t ignored, size_t nfiles)
{
	if (!ignored || (fmt != FMT_TEXT && fmt != FMT_MARKDOWN))
		return;
	fprintf(out, "\nignored %zu record%s of the zone file%s that mxaudit does not collect\n",
		ignored, ignored == 1 ? "" : "s", nfiles > 1 ? "s" : "");
}

static int print_json(const struct impact *im, const char *from, size_t ignored)
{
	json_t *root = jroot();
	int r;

	jset_str(root, "from", from);
	jset_str(root, "to", "proposed");
	jset_int(root, "ignored_records", (long long)ignored);
	jset(root, "impact", impact_json(im));
	r = jprint(stdout, root);
	jfree(root);
	return r;
}

int proposed_report(const struct cmd_ctx *ctx, const struct snapshot *orig,
		    const struct snapshot *prop, const struct config *cfg,
		    const struct policy_set *ps, const char *from, size_t ignored, size_t nfiles)
{
	struct impact_opts o = { .cfg = cfg, .policies = ps, .now = time(NULL) };
	struct impact im = IMPACT_INIT;
	int r;

	impact_compute(orig, prop, &o, &im);
	if (verbosity >= 0)
		ignored_note(stdout, ctx->format, ignored, nfiles);
	if (ctx->format == FMT_TEXT && verbosity >= 0)
		printf("\nwhat the proposed change would do:");
	if (ctx->format == FMT_JSON)
		r = print_json(&im, from, ignored);
	else
		r = ctx->format == FMT_TEXT && verbosity < 0 ? 0 :
		    impact_print(stdout, &im, ctx->format, from, "proposed", ctx->color);
	if (r == 0)
		r = impact_exit_code(&im);
	impact_release(&im);
	return r;
}
