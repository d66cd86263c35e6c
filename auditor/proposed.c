/*
 * proposed.c - `check --proposed-zone DOMAIN=FILE` and
 * `--proposed-firewall NAME=FILE`: a stored snapshot with a proposed
 * zone file or firewall export in place of what was collected, and the
 * impact of that substitution, so a change ticket sees what the change
 * would introduce before anyone applies it.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"
#include "impact.h"
#include "proposed.h"
#include "resolver.h"

/* Is owner the domain apex ("example.com.") or a name under it? */
static bool in_zone(const char *owner, const char *apex)
{
	size_t lo = strlen(owner), la = strlen(apex);

	return !strcasecmp(owner, apex) ||
	       (lo > la && owner[lo - la - 1] == '.' && !strcasecmp(owner + lo - la, apex));
}

/*
 * The zone file replaces every record at or under the domain; records
 * the domain reaches elsewhere (a vendor's SPF include, PTRs in reverse
 * zones) stay as collected, since the file cannot speak for them. How
 * each lookup ended is kept, so a record dropped from the file reads as
 * answered with no data, which is what the change would do.
 */
int proposed_zone(struct snapshot *s, const char *spec, struct strbuf *label)
{
	const char *eq = strchr(spec, '='), *file = eq + 1;
	char *domain = str_lower(xstrndup(spec, (size_t)(eq - spec)));
	char *apex = name_abs(domain);
	struct domain_snap *d = snapshot_domain(s, domain);
	struct rr *rrs = NULL;
	size_t n = 0, k = 0;
	int r = -1;

	if (!d) {
		error("--proposed-zone: '%s' is not a domain of the snapshot", domain);
		goto out;
	}
	if (dns_parse_zone_file(file, apex, &rrs, &n) < 0)
		goto out;
	/* The file speaks for the domain only: a record elsewhere would be merged in unseen. */
	for (size_t i = 0; i < n; i++) {
		if (!in_zone(rrs[i].owner, apex)) {
			error("%s: %s %s is outside %s; the file may hold the domain's records only",
			      file, rrs[i].owner, rrs[i].type, domain);
			goto out;
		}
	}
	for (size_t i = 0; i < d->nrr; i++) {
		if (in_zone(d->rrs[i].owner, apex))
			rr_release(&d->rrs[i]);
		else
			d->rrs[k++] = d->rrs[i];
	}
	d->nrr = k;
	for (size_t i = 0; i < n; i++)
		dsnap_add_rr(d, rrs[i].owner, rrs[i].ttl, rrs[i].type, rrs[i].rdata);
	dsnap_sort(d);
	sb_addf(label, ", %s's zone from %s", domain, file);
	r = 0;
out:
	rrs_free(rrs, n);
	free(apex);
	free(domain);
	return r;
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

int proposed_report(const struct cmd_ctx *ctx, const struct snapshot *orig,
		    const struct snapshot *prop, const struct config *cfg,
		    const struct policy_set *ps, const char *from)
{
	struct impact_opts o = { .cfg = cfg, .policies = ps, .now = time(NULL) };
	struct impact im = IMPACT_INIT;
	int r;

	impact_compute(orig, prop, &o, &im);
	if (ctx->format == FMT_TEXT && verbosity >= 0)
		printf("\nwhat the proposed change would do:");
	r = ctx->format == FMT_TEXT && verbosity < 0 ? 0 :
	    impact_print(stdout, &im, ctx->format, from, "proposed", ctx->color);
	if (r == 0)
		r = impact_exit_code(&im);
	impact_release(&im);
	return r;
}
