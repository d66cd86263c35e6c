/*
 * cmd_check.c - `mxaudit check [REV] [--live] [--at WHEN] [--policy FILE]...
 * [--zone DOMAIN=FILE]... [--fail-on warning|critical]`: the findings of
 * one snapshot (default the latest; --live collects into memory and
 * commits nothing), after policies, grouped by domain. --zone swaps in
 * proposed records to ask "what would this change break?"; with
 * --proposed-zone / --proposed-firewall (proposed.c) the report adds what
 * the change would introduce, and the exit code is its worst finding.
 * Exit 0 OK, 1 warning, 2 critical, 3 could not run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "analyze.h"
#include "cmd.h"
#include "collect.h"
#include "config.h"
#include "drift.h"
#include "impact.h"
#include "judge.h"
#include "policy.h"
#include "proposed.h"
#include "report.h"
#include "resolver.h"
#include "snaprun.h"
#include "store.h"
#include "path.h"
#include "prom.h"

struct check_opts {
	const char *rev;
	const char *at;
	bool live;
	enum severity fail_on;
	struct strlist policy_files;
	struct strlist zones;      /* "DOMAIN=FILE" */
	struct strlist proposed_zones, proposed_fws;   /* "DOMAIN=FILE", "NAME=FILE" */
};

static int parse_options(int argc, char **argv, struct cmd_ctx *ctx, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "live", no_argument, NULL, 'l' },
		{ "at", required_argument, NULL, 'a' },
		{ "policy", required_argument, NULL, 'p' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "zone", required_argument, NULL, 'z' },
		{ "proposed-zone", required_argument, NULL, 'Z' },
		{ "proposed-firewall", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'l')
			o->live = true;
		else if (c == 'a')
			o->at = optarg;
		else if (c == 'p')
			sl_push(&o->policy_files, optarg);
		else if (c == 'z' && strchr(optarg, '=') > optarg)
			sl_push(&o->zones, optarg);
		else if (c == 'z')
			return usage_error("check", "--zone: expected DOMAIN=FILE, got '%s'", optarg);
		else if ((c == 'Z' || c == 'F') && strchr(optarg, '=') > optarg && strchr(optarg, '=')[1])
			sl_push(c == 'Z' ? &o->proposed_zones : &o->proposed_fws, optarg);
		else if (c == 'Z' || c == 'F')
			return usage_error("check", "--proposed-%s: expected %s=FILE, got '%s'",
					   c == 'Z' ? "zone" : "firewall", c == 'Z' ? "DOMAIN" : "NAME", optarg);
		else if (c == 'f' && !strcmp(optarg, "warning"))
			o->fail_on = SEV_WARNING;
		else if (c == 'f' && !strcmp(optarg, "critical"))
			o->fail_on = SEV_CRITICAL;
		else if (c == 'f')
			return usage_error("check", "--fail-on: '%s' is not warning or critical", optarg);
		else
			return usage_error("check", "unknown option");
	}
	if (optind < argc)
		o->rev = argv[optind++];
	if (optind < argc)
		return usage_error("check", "unexpected argument '%s'", argv[optind]);
	if (o->live && (o->rev || o->at))
		return usage_error("check", "--live checks the world now; it takes no REV or --at");
	if (o->rev && o->at)
		return usage_error("check", "give REV or --at, not both");
	if (o->live && (o->proposed_zones.n || o->proposed_fws.n))
		return usage_error("check", "a proposed change is checked against a stored snapshot, not --live");
	if (ctx->format == FMT_PROMETHEUS && (o->proposed_zones.n || o->proposed_fws.n))
		return usage_error("check", "--format prometheus gives the metrics of a snapshot, not of a proposed change");
	return 0;
}

/* The configuration is optional for a stored snapshot, required live. */
static int load_config(const struct cmd_ctx *ctx, bool live, struct config *cfg, bool *have)
{
	*have = false;
	if (!ctx->config_given && !live && access(ctx->config, F_OK))
		return 0;
	if (config_load(ctx->config, cfg))
		return -1;
	*have = true;
	return 0;
}

static int load_policies(const struct config *cfg, const struct check_opts *o,
			 struct policy_set *ps)
{
	for (size_t i = 0; cfg && i < cfg->policies.n; i++)
		if (policy_load_file(cfg->policies.v[i], ps))
			return -1;
	for (size_t i = 0; i < o->policy_files.n; i++)
		if (policy_load_file(o->policy_files.v[i], ps))
			return -1;
	return 0;
}

/* commit (may be NULL) gets the full id of the snapshot read. */
static int stored_snapshot(const struct cmd_ctx *ctx, const struct check_opts *o,
			   struct snapshot *snap, char **label, time_t *taken, char *commit)
{
	struct store *s = NULL;
	struct store_commit info;
	char id[41];
	time_t when;
	int r;

	if ((r = store_open(ctx->store, false, &s)) < 0)
		return r;
	if (o->at) {
		if ((r = when_parse("--at", o->at, time(NULL), &when)) == 0 &&
		    (r = store_at(s, when, id)) > 0)
			r = error("no snapshot at or before '%s' in '%s'", o->at, ctx->store);
	} else if ((r = store_resolve(s, o->rev ? o->rev : "HEAD", id)) > 0) {
		r = error("the store '%s' has no snapshots yet; run 'mxaudit snapshot' "
			  "or use 'check --live'", ctx->store);
	}
	if (!r && (r = store_read(s, id, snap)) == 0) {
		*label = xasprintf("snapshot %.12s", id);
		if (commit)
			memcpy(commit, id, sizeof(id));
	}
	if (!r && taken && (r = store_commit_info(s, id, &info)) == 0) {
		*taken = info.when;
		store_commit_release(&info);
	}
	store_close(s);
	return r < 0 ? -1 : 0;
}

/*
 * Collect into memory, firewalls included. The last stored snapshot,
 * when there is one, fills in for lookups that fail now, exactly as
 * `snapshot` would: check --live judges what snapshot would store.
 */
static int live_snapshot(const struct cmd_ctx *ctx, const struct config *cfg,
			 struct snapshot *snap, char **label, struct snapshot *prev,
			 bool *have_prev)
{
	struct store *s = NULL;
	char id[41];
	int r;

	if (!access(ctx->store, F_OK) && store_open(ctx->store, false, &s) == 0) {
		if (store_resolve(s, "HEAD", id) == 0 && store_read(s, id, prev) == 0)
			*have_prev = true;
		store_close(s);
	}
	r = snaprun_world(cfg, ctx, *have_prev ? prev : NULL, snap, NULL);
	if (!r)
		*label = xstrdup("live collection (not stored)");
	return r;
}

/*
 * What drift would report open now: every finding of the live world
 * plus the firewall findings drift keeps open (<store>/mxaudit-drift.open)
 * until a change touches their port, the change being the one from the
 * latest snapshot to the live world. One live run is one failed run, so
 * a failed MX lookup counts as a warning here: drift would hold it back.
 */
static int live_state(const struct cmd_ctx *ctx, const struct config *cfg,
		      const struct policy_set *ps, const struct snapshot *prev,
		      const struct snapshot *snap, time_t now, struct drift_state *st)
{
	struct impact_opts io = { .cfg = cfg, .policies = ps, .now = now, .live = true };
	struct impact im = IMPACT_INIT;
	char *path = xasprintf("%s/mxaudit-drift.open", ctx->store);
	int r;

	impact_compute(prev, snap, &io, &im);
	r = drift_state_peek(path, snap, &io, &im, st);
	impact_release(&im);
	free(path);
	return r;
}

/*
 * Replace a domain's records with a proposed set in canonical zone syntax
 * (absolute names, one record a line, as in dns/<domain>.zone). How each
 * lookup ended is kept: a record dropped from the file then reads as
 * answered with no data, which is what the change would do.
 */
static int apply_zone(struct snapshot *snap, const char *spec, char **label)
{
	const char *eq = strchr(spec, '='), *file = eq + 1;
	char *domain = str_lower(xstrndup(spec, (size_t)(eq - spec)));
	struct domain_snap *d = snapshot_domain(snap, domain), tmp = { 0 };
	char *text = NULL, *l;
	int r = -1;

	if (!d)
		error("--zone: '%s' is not a domain of the snapshot", domain);
	else if (!read_file_max(file, INPUT_MAX_TEXT, &text, NULL) && dsnap_parse_zone(&tmp, file, text))
		error("%s", tmp.bad);
	else if (text) {
		rrs_free(d->rrs, d->nrr);
		d->rrs = tmp.rrs, d->nrr = tmp.nrr, d->rr_alloc = tmp.rr_alloc;
		tmp.rrs = NULL, tmp.nrr = 0;
		l = xasprintf("%s, with %s's records from %s", *label, domain, file);
		free(*label);
		*label = l;
		r = 0;
	}
	rrs_free(tmp.rrs, tmp.nrr);
	free(tmp.lks);
	free(tmp.bad);
	free(text);
	free(domain);
	return r;
}

/*
 * The stored snapshot once more, as it was (orig, for the impact), and
 * the world of the proposed zone files and firewall exports in snap;
 * *nignored gets how many zone-file records no lookup read.
 */
static int apply_proposed(const struct cmd_ctx *ctx, const struct check_opts *o,
			  const struct config *cfg, struct snapshot *snap,
			  struct snapshot *orig, char **label, char **orig_id, size_t *nignored)
{
	struct strbuf sb = STRBUF_INIT;
	struct proposed_set set = { 0 };
	char *ignored = NULL;
	int r = -1;

	sb_adds(&sb, *label);
	if (stored_snapshot(ctx, o, orig, &ignored, NULL, NULL))
		goto out;
	*orig_id = xstrdup(strncmp(ignored, "snapshot ", 9) ? ignored : ignored + 9);
	for (size_t i = 0; i < o->proposed_zones.n; i++)
		if (proposed_zone_load(&set, o->proposed_zones.v[i]))
			goto out;
	if (proposed_zones_apply(&set, snap, cfg, ctx, &sb, nignored))
		goto out;
	for (size_t i = 0; i < o->proposed_fws.n; i++)
		if (proposed_firewall(snap, cfg, ctx->store, o->proposed_fws.v[i], &sb))
			goto out;
	free(*label);
	*label = sb_detach(&sb);
	r = 0;
out:
	proposed_set_release(&set);
	free(ignored);
	sb_release(&sb);
	return r;
}

/*
 * Findings for one domain. check judges with the configuration as it is
 * now (a sending IP added since the snapshot is ptr.not-collected, not
 * silently left out); diff and drift judge with the inputs recorded in
 * each snapshot (judge_inputs()), so history reads as it was.
 */
static void check_domain(const struct domain_snap *d, const struct config *cfg,
			 const struct policy_set *ps, const struct path_fws *fws,
			 time_t now, struct domain_report *dr)
{
	const struct domain_conf *dc = cfg ? config_domain(cfg, d->name) : NULL;

	judge_find(d, dc, cfg, ps, fws, &dr->fs);
	judge_apply(d, ps, now, &dr->fs, &dr->nignored);
}

static void warn_uncovered(const struct policy_set *ps, const struct snapshot *snap)
{
	for (size_t i = 0; i < ps->n; i++)
		for (size_t k = 0; k < ps->v[i].domains.n; k++)
			if (!snapshot_domain(snap, ps->v[i].domains.v[k]))
				warning("%s: domain '%s' is not in the snapshot; its policy "
					"was not checked", ps->v[i].file, ps->v[i].domains.v[k]);
}

/* st: the live state (NULL for a stored snapshot), reported as drift reports it. */
static int print_report(const struct cmd_ctx *ctx, const struct check_report *rep,
			int status, const struct drift_state *st)
{
	switch (ctx->format) {
	case FMT_PROMETHEUS:   /* written by check_prometheus(), which needs the snapshot */
		return 0;
	case FMT_NAGIOS:
		if (st)
			drift_state_nagios(stdout, st, "live check, not stored");
		else
			report_nagios(stdout, rep, status);
		return 0;
	case FMT_JSON:
		return report_json(stdout, rep);
	case FMT_MARKDOWN:
		report_markdown(stdout, rep);
		return 0;
	case FMT_TEXT:
		if (verbosity >= 0)
			report_text(stdout, rep, ctx->color);
		if (verbosity >= 0 && st) {
			putchar('\n');
			drift_state_text(stdout, st);
		}
		return 0;
	}
	return 0;
}

/* The metrics of the check (prom.h). */
static void check_prometheus(const struct check_report *rep, const struct snapshot *snap,
			     const struct config *cfg, const struct path_fws *fws, time_t taken,
			     int state)
{
	struct prom_input in = { snap, cfg, fws, NULL, NULL, 0, taken, state };
	const struct finding **fs;
	const char **scopes;
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		n += rep->v[i].fs.n;
	fs = xcalloc(n + 1, sizeof(*fs));
	scopes = xcalloc(n + 1, sizeof(*scopes));
	for (size_t i = 0; i < rep->n; i++)
		for (size_t k = 0; k < rep->v[i].fs.n; k++, in.n++) {
			fs[in.n] = &rep->v[i].fs.v[k];
			scopes[in.n] = rep->v[i].domain;
		}
	in.fs = fs;
	in.scopes = scopes;
	prom_write(stdout, &in);
	free(fs);
	free(scopes);
}

static int exit_code(const struct check_report *rep, enum severity fail_on,
		     const struct drift_state *st)
{
	enum severity worst = report_worst(rep);

	if (st && st->open[SEV_CRITICAL])
		worst = SEV_CRITICAL;
	else if (st && st->open[SEV_WARNING] && worst < SEV_WARNING)
		worst = SEV_WARNING;

	if (worst == SEV_CRITICAL)
		return EXIT_CRITICAL;
	if (worst == SEV_WARNING && fail_on == SEV_WARNING)
		return EXIT_WARNING;
	return EXIT_OK;
}

int cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct check_opts o = { .fail_on = SEV_WARNING };
	struct config cfg;
	struct policy_set ps = POLICY_SET_INIT;
	struct snapshot snap = { 0 };
	struct check_report rep = CHECK_REPORT_INIT;
	struct snapshot orig = { 0 }, prev = { 0 };
	struct path_fws fws = { 0 };
	struct drift_state state = { 0 };
	char *orig_id = NULL;
	size_t nignored = 0;
	bool have_cfg = false, proposed = false, have_prev = false;
	time_t now = time(NULL), taken = now;
	int r = -1;

	if (parse_options(argc, argv, ctx, &o) ||
	    load_config(ctx, o.live, &cfg, &have_cfg) ||
	    load_policies(have_cfg ? &cfg : NULL, &o, &ps))
		goto out;
	if (o.live ? live_snapshot(ctx, &cfg, &snap, &rep.label, &prev, &have_prev)
		   : stored_snapshot(ctx, &o, &snap, &rep.label, &taken, rep.commit))
		goto out;
	for (size_t i = 0; i < o.zones.n; i++)
		if (apply_zone(&snap, o.zones.v[i], &rep.label))
			goto out;
	if ((proposed = o.proposed_zones.n || o.proposed_fws.n) &&
	    apply_proposed(ctx, &o, have_cfg ? &cfg : NULL, &snap, &orig, &rep.label, &orig_id,
			   &nignored))
		goto out;
	warn_uncovered(&ps, &snap);
	path_fws_load(have_cfg ? &cfg : NULL, &snap, &fws);
	for (size_t i = 0; i < snap.n; i++)
		check_domain(&snap.domains[i], have_cfg ? &cfg : NULL, &ps, &fws, now,
			     report_add(&rep, snap.domains[i].name));
	report_sort(&rep);
	if (o.live && !o.zones.n) {
		if (live_state(ctx, have_cfg ? &cfg : NULL, &ps, have_prev ? &prev : NULL, &snap,
			       now, &state))
			goto out;
		rep.state = drift_state_json(&state);
	}
	if (proposed) {
		if ((ctx->format == FMT_TEXT || ctx->format == FMT_MARKDOWN) &&
		    print_report(ctx, &rep, 0, NULL) < 0)
			goto out;
		r = proposed_report(ctx, &orig, &snap, have_cfg ? &cfg : NULL, &ps, orig_id,
				    nignored, o.proposed_zones.n);
		goto out;
	}
	r = exit_code(&rep, o.fail_on, rep.state ? &state : NULL);
	if (ctx->format == FMT_PROMETHEUS)
		check_prometheus(&rep, &snap, have_cfg ? &cfg : NULL, &fws, taken, r);
	else if (print_report(ctx, &rep, r, rep.state ? &state : NULL) < 0)
		r = -1;
out:
	drift_state_release(&state);
	snapshot_release(&prev);
	path_fws_release(&fws);
	free(orig_id);
	snapshot_release(&orig);
	sl_release(&o.proposed_zones);
	sl_release(&o.proposed_fws);
	report_release(&rep);
	snapshot_release(&snap);
	policy_set_release(&ps);
	sl_release(&o.policy_files);
	sl_release(&o.zones);
	if (have_cfg)
		config_release(&cfg);
	return r;
}
