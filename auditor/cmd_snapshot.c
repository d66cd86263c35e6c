/*
 * cmd_snapshot.c - collect every configured domain and commit what changed.
 */
#include <getopt.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "config.h"
#include "collect.h"
#include "json.h"
#include "snapdiff.h"
#include "store.h"
#include "fw.h"

#define SUMMARY_MAX 160   /* keep `git log --oneline` readable */

struct change_lines {
	struct strlist lines;   /* one per changed domain: snapdiff_summary() */
	size_t records;         /* records in the new snapshot */
};

/* Per-domain one-line summaries of what changed from prev to cur. */
static void summarize(const struct snapshot *prev, const struct snapshot *cur,
		      struct change_lines *out)
{
	for (size_t i = 0; i < cur->n; i++) {
		const struct domain_snap *b = &cur->domains[i];
		struct snapdiff d = { 0 };
		char *line;

		out->records += b->nrr;
		snapdiff_domain(prev ? snapshot_domain(prev, b->name) : NULL, b, &d);
		if ((line = snapdiff_summary(&d, b->name)))
			sl_push_owned(&out->lines, line);
		snapdiff_release(&d);
	}
	for (size_t i = 0; prev && i < prev->n; i++)
		if (!snapshot_domain(cur, prev->domains[i].name))
			sl_push_owned(&out->lines, xasprintf("%s: no longer watched",
							      prev->domains[i].name));
	for (size_t i = 0; i < cur->nfw; i++) {
		const struct fw_snap *b = &cur->fws[i], *a = NULL;
		for (size_t j = 0; prev && j < prev->nfw && !a; j++)
			if (!strcmp(prev->fws[j].name, b->name))
				a = &prev->fws[j];
		if (!a)
			sl_push_owned(&out->lines, xasprintf("firewall %s: new", b->name));
		else if (strcmp(a->rules_text ? a->rules_text : "", b->rules_text ? b->rules_text : ""))
			sl_push_owned(&out->lines, xasprintf("firewall %s: rules changed", b->name));
	}
}

/* The commit message: an impact summary line first, so `git log` alone reads well. */
static char *commit_message(const struct snapshot *prev, const struct snapshot *cur,
			    const struct change_lines *ch, const char *note,
			    const struct collect_stats *st)
{
	struct strbuf sb = STRBUF_INIT;

	if (!prev)
		sb_addf(&sb, "baseline: %zu domain%s, %zu records", cur->n,
			cur->n == 1 ? "" : "s", ch->records);
	else if (ch->lines.n == 1 && strlen(ch->lines.v[0]) <= SUMMARY_MAX)
		sb_adds(&sb, ch->lines.v[0]);
	else if (ch->lines.n == 0)
		sb_adds(&sb, "no record changed; lookup details changed (servers, agreement)");
	else {
		sb_addf(&sb, "%zu domains changed:", ch->lines.n);
		for (size_t i = 0; i < ch->lines.n; i++) {
			const char *colon = strchr(ch->lines.v[i], ':');
			int len = colon ? (int)(colon - ch->lines.v[i]) : (int)strlen(ch->lines.v[i]);
			if (sb.len + (size_t)len > SUMMARY_MAX) {
				sb_addf(&sb, " +%zu more", ch->lines.n - i);
				break;
			}
			sb_addf(&sb, "%s %.*s", i ? "," : "", len, ch->lines.v[i]);
		}
	}
	sb_adds(&sb, "\n\n");
	if (note)
		sb_addf(&sb, "%s\n\n", note);
	for (size_t i = 0; i < ch->lines.n; i++)
		sb_addf(&sb, "%s\n", ch->lines.v[i]);
	if (st->stale)
		sb_addf(&sb, "%s%lu lookups failed temporarily; last good data kept (stale)\n",
			ch->lines.n ? "\n" : "", st->stale);
	return sb_detach(&sb);
}

static int print_result(const struct cmd_ctx *ctx, bool changed, const char *id,
			const char *message, const struct change_lines *ch,
			const struct collect_stats *st, const char *tag)
{
	const char *nl = strchr(message, '\n');
	int sumlen = nl ? (int)(nl - message) : (int)strlen(message);

	if (ctx->format == FMT_JSON) {
		json_t *o = jobj(), *a = jarr();
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
		for (size_t i = 0; ch->lines.n > 1 && i < ch->lines.n; i++)
			printf("  %s\n", ch->lines.v[i]);
	}
	if (tag)
		printf("tagged %.12s as '%s'\n", id, tag);
	return 0;
}

/* Run a firewall's export command into a temporary file; the caller unlinks *path. */
static int run_export_command(const struct firewall_conf *f, char **path)
{
	char tmpl[] = "/tmp/mxaudit-export-XXXXXX";
	int fd = mkstemp(tmpl), rc;
	char *cmd;

	if (fd < 0)
		return error("firewall '%s': cannot create a temporary file", f->name);
	close(fd);
	cmd = xasprintf("(%s) > '%s'", f->command, tmpl);
	rc = system(cmd);
	free(cmd);
	*path = xstrdup(tmpl);
	if (rc != 0)
		return error("firewall '%s': command '%s' failed (status %d)", f->name, f->command, rc);
	return 0;
}

static int collect_firewalls(const struct config *cfg, struct snapshot *snap)
{
	for (size_t i = 0; i < cfg->nfirewalls; i++) {
		const struct firewall_conf *f = &cfg->firewalls[i];
		char *tmp = NULL;
		struct fw_snap *fs;
		int r;

		if (f->command && run_export_command(f, &tmp)) {
			if (tmp)
				unlink(tmp);
			free(tmp);
			return -1;
		}
		ALLOC_GROW(snap->fws, snap->nfw + 1, snap->fw_alloc);
		fs = &snap->fws[snap->nfw];
		memset(fs, 0, sizeof(*fs));
		r = fw_collect(f->name, f->format, tmp ? tmp : f->file, f->ipset_file, fs);
		if (tmp)
			unlink(tmp);
		free(tmp);
		if (r)
			return error("firewall '%s': export not stored; nothing was committed", f->name);
		snap->nfw++;
	}
	snapshot_sort(snap);
	return 0;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	struct config cfg;
	struct store *st = NULL;
	struct snapshot prev = { 0 }, cur = { 0 };
	struct collect_stats stats = { 0 };
	struct change_lines ch = { STRLIST_INIT, 0 };
	const char *tag = NULL, *note = NULL;
	char head[41], id[41];
	char *message = NULL;
	bool have_prev = false, changed = false;
	double t0 = seconds(), t1, t2, t3;
	int r = -1;

	if (parse_options(argc, argv, &tag, &note) || config_load(ctx->config, &cfg))
		return -1;
	if (!cfg.ndomains && !cfg.nfirewalls) {
		error("%s: nothing to watch: add 'domains' or 'firewalls'", ctx->config);
		goto out;
	}
	if (store_open(ctx->store, true, &st) < 0)
		goto out;
	if ((r = store_resolve(st, "HEAD", head)) < 0)
		goto out;
	if (r == 0) {
		if (store_read(st, head, &prev) < 0)
			goto fail;
		have_prev = true;
	}
	r = -1;
	t1 = seconds();
	if (collect_snapshot_stats(&cfg, ctx, have_prev ? &prev : NULL, &cur, &stats) ||
	    collect_firewalls(&cfg, &cur))
		goto out;
	t2 = seconds();
	summarize(have_prev ? &prev : NULL, &cur, &ch);
	message = commit_message(have_prev ? &prev : NULL, &cur, &ch, note, &stats);
	t3 = seconds();
	if (store_commit(st, &cur, message, &changed, id) < 0 ||
	    (tag && store_tag(st, tag, id) < 0))
		goto out;
	verbose("timing: read last snapshot %.2fs, collect %.2fs, compare %.2fs, store %.2fs",
		t1 - t0, t2 - t1, t3 - t2, seconds() - t3);
	print_result(ctx, changed, id, message, &ch, &stats, tag);
	if (stats.stale)
		warning("%lu lookups failed (timeout or server failure); their last good data is kept and marked stale",
			stats.stale);
	r = stats.stale ? EXIT_WARNING : EXIT_OK;
	goto out;
fail:
	r = -1;
out:
	free(message);
	sl_release(&ch.lines);
	snapshot_release(&prev);
	snapshot_release(&cur);
	store_close(st);
	config_release(&cfg);
	return r;
}
