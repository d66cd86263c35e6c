/*
 * cmd_drift.c - `mxaudit drift [--exec CMD] [--push REMOTE]`, for cron:
 * collect, compare with the latest snapshot, commit only when something
 * changed (first line: the impact; trailers: introduced findings per
 * severity), say nothing when nothing changed, exit with the worst
 * introduced finding. A lookup that fails must fail stale_runs runs in
 * a row before it counts (drift_stale.c), and then as "cannot resolve".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "drift.h"
#include "impact.h"
#include "json.h"
#include "prom.h"
#include "report_page.h"
#include "snaprun.h"

#define SUMMARY_MAX 160

struct drift_opts {
	const char *exec, *push, *push_branch;
};

static int parse_options(int argc, char **argv, struct drift_opts *o)
{
	static const struct option opts[] = {
		{ "exec", required_argument, NULL, 'e' },
		{ "push", required_argument, NULL, 'p' },
		{ "push-branch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c == 'e')
			o->exec = optarg;
		else if (c == 'p')
			o->push = optarg;
		else if (c == 'b')
			o->push_branch = optarg;
		else
			return usage_error("drift", "drift: %s '%s'", c == ':' ?
					   "missing value for" : "unknown option", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("drift", "drift: unexpected argument '%s'", argv[optind]);
	if (o->push_branch && !o->push)
		return usage_error("drift", "drift: --push-branch needs --push");
	return 0;
}

/* "Mxaudit-Critical: 1" ...: git interpret-trailers and log --format=%(trailers) read them. */
static char *trailers(const struct impact *im)
{
	return xasprintf("Mxaudit-Critical: %zu\nMxaudit-Warning: %zu\nMxaudit-Info: %zu\n"
			 "Mxaudit-Resolved: %zu\n", im->counts[SEV_CRITICAL],
			 im->counts[SEV_WARNING], im->counts[SEV_INFO], im->resolved.n);
}

/* The introduced and resolved findings, for the commit body. */
static char *impact_body(const struct impact *im)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < im->introduced.n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		sb_addf(&sb, "%s %s: %s %s: %s\n", severity_name(it->f.sev), it->scope,
			it->f.code, it->f.subject, it->f.message);
	}
	for (size_t i = 0; i < im->resolved.n; i++) {
		const struct impact_item *it = &im->resolved.v[i];
		sb_addf(&sb, "resolved %s: %s %s\n", it->scope, it->f.code, it->f.subject);
	}
	if (sb.len)
		sb.buf[--sb.len] = '\0';    /* snaprun_message adds the blank line */
	return sb.len ? sb_detach(&sb) : NULL;
}

/*
 * A recovery's headline names what it resolved ("resolved example.com:
 * fw.port-blocked 203.0.113.25:25/tcp [critical]"), worst first, so the
 * run that fixes a critical does not read like any other change.
 */
static char *resolved_summary(const struct impact *im, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		for (size_t i = 0; i < im->resolved.n; i++) {
			const struct impact_item *it = &im->resolved.v[i];
			size_t before = sb.len;

			if ((int)it->f.sev != sev)
				continue;
			sb_addf(&sb, "%s%s: %s %s [%s]", sb.len ? ", " : "resolved ", it->scope,
				it->f.code, it->f.subject, severity_name(it->f.sev));
			if (sb.len > max) {
				sb.len = before;
				sb.buf[sb.len] = '\0';
				sb_addf(&sb, ", +more");
				return sb_detach(&sb);
			}
		}
	return sb.len ? sb_detach(&sb) : NULL;
}

/* Carry over what held-back failures would otherwise change, then compare. */
static int judge(struct snaprun *run, const struct cmd_ctx *ctx, struct impact *im,
		 struct drift_state *state)
{
	char *path = xasprintf("%s/mxaudit-drift.state", ctx->store);
	char *open_path = xasprintf("%s/mxaudit-drift.open", ctx->store);
	struct stale_state old = { 0 }, now = { 0 };
	struct policy_set ps = POLICY_SET_INIT;
	struct impact_opts o = { .cfg = &run->cfg, .policies = &ps, .now = time(NULL),
				 .stale_runs = run->cfg.stale_runs };
	size_t held;
	int r = -1;

	if (!run->cfg.stale_runs) {
		error("%s: stale_runs must be at least 1", ctx->config);
		goto out;
	}
	if (stale_state_load(path, &old) || impact_load_policies(&run->cfg, &ps))
		goto out;
	held = stale_hold_back(&run->cur, run->have_prev ? &run->prev : NULL, &old, &now,
			       run->cfg.stale_runs);
	if (held)
		verbose("%zu failed lookups held back until they fail %u runs in a row",
			held, run->cfg.stale_runs);
	/* Held back is as if answered: the commit message must not count them stale. */
	run->stats.stale -= held <= run->stats.stale ? held : run->stats.stale;
	if (stale_state_save(path, &now))
		goto out;
	impact_compute(run->have_prev ? &run->prev : NULL, &run->cur, &o, im);
	/* The level, not only the edge: what is open now, whatever changed. */
	r = drift_state_update(open_path, &run->cur, &o, im, state);
out:
	free(open_path);
	stale_state_release(&old);
	stale_state_release(&now);
	policy_set_release(&ps);
	free(path);
	return r;
}

static char *render(const struct impact *im, enum out_format fmt, const char *from,
		    const char *to, const char *first)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (fmt == FMT_TEXT)
		fprintf(f, "committed %.12s: %s\n", to, first);
	impact_print(f, im, fmt, from, to, false);
	fclose(f);
	return buf;
}

static void print_json(const struct impact *im, const struct drift_state *st,
		       bool changed, const char *id, const char *first)
{
	json_t *o = jroot();

	jset(o, "state", drift_state_json(st));
	jset_str(o, "commit", id);
	jset_bool(o, "changed", changed);
	jset_str(o, "summary", changed ? first : NULL);
	jset(o, "impact", impact_json(im));
	jprint(stdout, o);
	jfree(o);
}

/* After a commit: report, hook, push. Returns -1 if the hook or push failed. */
static int after_commit(struct snaprun *run, const struct cmd_ctx *ctx,
			const struct drift_opts *o, const struct impact *im,
			const struct drift_state *state, const char *id, const char *first)
{
	const char *from = run->have_prev ? run->head : NULL;
	enum out_format fmt = ctx->format == FMT_JSON ? FMT_TEXT : ctx->format;
	char *report = render(im, fmt, from, id, first);
	bool any;
	enum severity worst = impact_worst(im, &any);
	int r = 0, st;

	char *html = NULL;

	if (ctx->format == FMT_JSON)
		print_json(im, state, true, id, first);
	else if (ctx->format == FMT_NAGIOS)
		drift_state_nagios(stdout, state, first);
	else if (ctx->format == FMT_PROMETHEUS)
		prom_snapshot(stdout, &run->cur, &run->cfg, time(NULL));
	else if (verbosity >= 0 || ctx->format == FMT_NAGIOS)
		fputs(report, stdout);
	/* The hook gets the change as a page too; without it, the hook still runs. */
	if (o->exec && report_page_tempfile(run->st, from, id, &run->cfg, &html) == 0)
		setenv("MXAUDIT_REPORT_HTML", html, 1);
	setenv("MXAUDIT_STATE", drift_state_name(state), 1);
	setenv("MXAUDIT_CHANGE_SEVERITY", any ? severity_name(worst) : "ok", 1);
	if (o->exec && (st = drift_exec(o->exec, report, id, any ? severity_name(worst) : "ok"))) {
		if (st > 0)
			error("--exec: '%s' exited with status %d", o->exec, st);
		r = -1;
	}
	if (html) {
		unsetenv("MXAUDIT_REPORT_HTML");
		unlink(html);
		free(html);
	}
	if (o->push && store_push(run->st, o->push, o->push_branch) < 0)
		r = -1;
	else if (o->push)
		verbose("pushed to '%s'", o->push);
	free(report);
	return r;
}

static void no_change(const struct snaprun *run, const struct cmd_ctx *ctx,
		      const struct impact *im, const struct drift_state *state, const char *id)
{
	if (ctx->format == FMT_PROMETHEUS)      /* a dashboard wants the level every run */
		prom_snapshot(stdout, &run->cur, &run->cfg, time(NULL));
	else if (ctx->format == FMT_JSON)
		print_json(im, state, false, id, NULL);
	else if (ctx->format == FMT_NAGIOS) {   /* a monitoring check always says something */
		char *change = xasprintf("no change since %.12s", id);
		drift_state_nagios(stdout, state, change);
		free(change);
	}
	else if (verbosity > 0)
		printf("no change since %.12s; no commit made\n", id);
}

int cmd_drift(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct drift_opts o = { 0 };
	struct snaprun run = { 0 };
	struct impact im = IMPACT_INIT;
	struct drift_state state;
	struct change_lines ch = { STRLIST_INIT, 0, 0 };
	char *first = NULL, *body = NULL, *trail = NULL, *message = NULL, id[41];
	bool changed = false;
	int r = -1;

	if (parse_options(argc, argv, &o) || snaprun_collect(&run, ctx, "drift") ||
	    judge(&run, ctx, &im, &state))
		goto out;
	snaprun_changes(run.have_prev ? &run.prev : NULL, &run.cur, &ch);
	first = impact_summary(&im, SUMMARY_MAX);
	if (!first)
		first = resolved_summary(&im, SUMMARY_MAX);
	body = impact_body(&im);
	trail = trailers(&im);
	message = snaprun_message(run.have_prev ? &run.prev : NULL, &run.cur, &ch, first,
				  body, &run.stats, trail);
	if (store_commit(run.st, &run.cur, message, &changed, id) < 0)
		goto out;
	free(first);
	first = xstrndup(message, strcspn(message, "\n"));
	if (!changed) {
		no_change(&run, ctx, &im, &state, id);
		r = drift_state_exit(&state);
	} else if (after_commit(&run, ctx, &o, &im, &state, id, first) == 0) {
		r = drift_state_exit(&state);   /* the exit status is the level, in every format */
	}
out:
	free(first);
	free(body);
	free(trail);
	free(message);
	sl_release(&ch.lines);
	impact_release(&im);
	snaprun_release(&run);
	return r;
}
