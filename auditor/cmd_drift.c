/*
 * cmd_drift.c - `mxaudit drift [--notify WHEN] [--exec CMD] [--push
 * REMOTE]`, for cron: collect, compare with the latest snapshot, commit
 * only when something changed (first line: the impact; trailers:
 * introduced findings per severity), exit with the state (the worst
 * finding open now, drift_state.c). Text output and the hook follow
 * --notify: the change only (silent when nothing changed), the state
 * every run, or both. A lookup that fails must fail stale_runs runs in
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

/* When text output and the hook speak: on a change, every run with the state, both. */
enum notify { NOTIFY_CHANGED, NOTIFY_STATE, NOTIFY_BOTH };

struct drift_opts {
	const char *exec, *push, *push_branch;
	enum notify notify;
};

static int parse_notify(const char *s, enum notify *out)
{
	if (!strcmp(s, "changed"))
		*out = NOTIFY_CHANGED;
	else if (!strcmp(s, "state"))
		*out = NOTIFY_STATE;
	else if (!strcmp(s, "both"))
		*out = NOTIFY_BOTH;
	else
		return usage_error("drift", "drift: --notify: '%s' is not changed, state or both", s);
	return 0;
}

static int parse_options(int argc, char **argv, struct drift_opts *o)
{
	static const struct option opts[] = {
		{ "exec", required_argument, NULL, 'e' },
		{ "push", required_argument, NULL, 'p' },
		{ "push-branch", required_argument, NULL, 'b' },
		{ "notify", required_argument, NULL, 'n' },
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
		else if (c == 'n') {
			if (parse_notify(optarg, &o->notify))
				return -1;
		} else
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

/*
 * What text output and the hook say: the change report when there was a
 * change (unless only the state is asked for), then the state when asked.
 */
static char *render(const struct impact *im, const struct drift_state *st,
		    const struct drift_opts *o, enum out_format fmt, const char *from,
		    const char *to, const char *first)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (first && o->notify != NOTIFY_STATE) {
		if (fmt == FMT_TEXT)
			fprintf(f, "committed %.12s: %s\n", to, first);
		impact_print(f, im, fmt, from, to, false);
	}
	if (o->notify != NOTIFY_CHANGED) {
		if (!first)
			fprintf(f, "no change since %.12s\n", to);
		drift_state_text(f, st);
	}
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

/* Standard output, every run: monitoring formats always, text per --notify. */
static void print_run(const struct snaprun *run, const struct cmd_ctx *ctx,
		      const struct drift_opts *o, const struct impact *im,
		      const struct drift_state *state, const char *id, const char *first,
		      const char *report)
{
	if (ctx->format == FMT_JSON)
		print_json(im, state, first != NULL, id, first);
	else if (ctx->format == FMT_NAGIOS) {   /* a monitoring check always says something */
		char *change = first ? xstrdup(first) : xasprintf("no change since %.12s", id);
		drift_state_nagios(stdout, state, change);
		free(change);
	} else if (ctx->format == FMT_PROMETHEUS)   /* a dashboard wants the level every run */
		prom_snapshot(stdout, &run->cur, &run->cfg, time(NULL));
	else if (verbosity >= 0 && *report)
		fputs(report, stdout);
	else if (verbosity > 0 && !first)
		printf("no change since %.12s; no commit made\n", id);
}

/* The hook: after a commit, or every run when the state is asked for. */
static int run_hook(struct snaprun *run, const struct drift_opts *o, const struct impact *im,
		    const struct drift_state *state, const char *id, bool changed,
		    const char *report)
{
	bool any;
	enum severity worst = impact_worst(im, &any);
	const char *sev = any ? severity_name(worst) : "ok";
	char *html = NULL;
	int st, r = 0;

	if (!o->exec || (!changed && o->notify == NOTIFY_CHANGED))
		return 0;
	/* The hook gets the change as a page too; without it, the hook still runs. */
	if (changed && report_page_tempfile(run->st, run->have_prev ? run->head : NULL, id,
					    &run->cfg, &html) == 0)
		setenv("MXAUDIT_REPORT_HTML", html, 1);
	setenv("MXAUDIT_STATE", drift_state_name(state), 1);
	setenv("MXAUDIT_CHANGE_SEVERITY", sev, 1);
	setenv("MXAUDIT_CHANGED", changed ? "yes" : "no", 1);
	if ((st = drift_exec(o->exec, report, id, sev))) {
		if (st > 0)
			error("--exec: '%s' exited with status %d", o->exec, st);
		r = -1;
	}
	if (html) {
		unsetenv("MXAUDIT_REPORT_HTML");
		unlink(html);
		free(html);
	}
	return r;
}

/* Report, hook, push. first is NULL when nothing changed. Returns -1 if the hook or push failed. */
static int notify(struct snaprun *run, const struct cmd_ctx *ctx, const struct drift_opts *o,
		  const struct impact *im, const struct drift_state *state, const char *id,
		  const char *first)
{
	const char *from = run->have_prev ? run->head : NULL;
	enum out_format fmt = ctx->format == FMT_JSON ? FMT_TEXT : ctx->format;
	char *report = render(im, state, o, fmt, from, id, first);
	int r = 0;

	print_run(run, ctx, o, im, state, id, first, report);
	if (run_hook(run, o, im, state, id, first != NULL, report))
		r = -1;
	if (first && o->push && store_push(run->st, o->push, o->push_branch) < 0)
		r = -1;
	else if (first && o->push)
		verbose("pushed to '%s'", o->push);
	free(report);
	return r;
}

int cmd_drift(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct drift_opts o = { 0 };
	struct snaprun run = { 0 };
	struct impact im = IMPACT_INIT;
	struct drift_state state = { 0 };
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
	if (notify(&run, ctx, &o, &im, &state, id, changed ? first : NULL) == 0)
		r = drift_state_exit(&state);   /* the exit status is the level, in every format */
out:
	drift_state_release(&state);
	free(first);
	free(body);
	free(trail);
	free(message);
	sl_release(&ch.lines);
	impact_release(&im);
	snaprun_release(&run);
	return r;
}
