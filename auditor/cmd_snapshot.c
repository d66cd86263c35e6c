/*
 * cmd_snapshot.c - collect every configured domain and commit what changed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cmd.h"
#include "json.h"
#include "snaprun.h"

#define SHOW_MAX 10   /* changed domains listed by name */

static int print_result(const struct cmd_ctx *ctx, bool changed, const char *id,
			const char *message, const struct change_lines *ch,
			const struct collect_stats *st, const char *tag)
{
	const char *nl = strchr(message, '\n');
	int sumlen = nl ? (int)(nl - message) : (int)strlen(message);

	if (ctx->format == FMT_JSON) {
		json_t *o = jroot(), *a = jarr();
		char *summary = xstrndup(message, (size_t)sumlen);
		jset_str(o, "commit", id);
		jset_bool(o, "changed", changed);
		jset_str(o, "summary", changed ? summary : NULL);
		for (size_t i = 0; changed && i < ch->lines.n; i++)
			jpush_str(a, ch->lines.v[i]);
		jset(o, "changes", a);
		jset_int(o, "stale_lookups", (long long)st->stale);
		jset_int(o, "queries", (long long)st->queries);
		jset_int(o, "lookups", (long long)st->lookups);
		jset_int(o, "collect_ms", (long long)(st->seconds * 1000));
		jset_str(o, "tag", tag);
		free(summary);
		jprint(stdout, o);
		jfree(o);
		return 0;
	}
	if (verbosity < 0)
		return 0;
	if (!changed) {
		printf("no change since %.12s; no commit made\n", id);
	} else {
		printf("committed %.12s: %.*s\n", id, sumlen, message);
		/* Thousands of domains change at once on a baseline: show a few. */
		for (size_t i = 0; ch->lines.n > 1 && i < ch->lines.n && i < SHOW_MAX; i++)
			printf("  %s\n", ch->lines.v[i]);
		if (ch->lines.n > SHOW_MAX)
			printf("  ... and %zu more domains ('mxaudit diff' lists them)\n",
			       ch->lines.n - SHOW_MAX);
	}
	if (tag)
		printf("tagged %.12s as '%s'\n", id, tag);
	return 0;
}

static int parse_options(int argc, char **argv, const char **tag, const char **note)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "t:m:", opts, NULL)) != -1) {
		if (c == 't')
			*tag = optarg;
		else if (c == 'm')
			*note = optarg;
		else
			return usage_error("snapshot", "unknown option");
	}
	if (optind < argc)
		return usage_error("snapshot", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_snapshot(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct snaprun run = { 0 };
	struct change_lines ch = { STRLIST_INIT, 0, 0 };
	const char *tag = NULL, *note = NULL;
	const struct snapshot *prev;
	char id[41];
	char *message = NULL;
	bool changed = false;
	double t3, t4;
	int r = -1;

	if (parse_options(argc, argv, &tag, &note) || snaprun_collect(&run, ctx, "snapshot"))
		goto out;
	prev = run.have_prev ? &run.prev : NULL;
	t3 = snaprun_seconds();
	snaprun_changes(prev, &run.cur, &ch);
	message = snaprun_message(prev, &run.cur, &ch, NULL, note, &run.stats, NULL);
	t3 = snaprun_seconds() - t3;
	t4 = snaprun_seconds();
	if (store_commit(run.st, &run.cur, message, &changed, id) < 0 ||
	    (tag && store_tag(run.st, tag, id) < 0))
		goto out;
	verbose("timing: read last snapshot %.2fs, collect %.2fs, compare %.2fs, store %.2fs",
		run.t_read, run.t_collect, t3, snaprun_seconds() - t4);
	print_result(ctx, changed, id, message, &ch, &run.stats, tag);
	if (run.stats.stale)
		snaprun_warn_stale(&run.cur, run.stats.stale);
	r = run.stats.stale ? EXIT_WARNING : EXIT_OK;
out:
	free(message);
	sl_release(&ch.lines);
	snaprun_release(&run);
	return r;
}
