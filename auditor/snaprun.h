/*
 * snaprun.h - one collection run, shared by `snapshot` and `drift`:
 * configuration, the store under its run lock, the last snapshot, the
 * new one (DNS and firewalls), and the commit message that describes
 * the difference.
 */
#ifndef MXAUDIT_SNAPRUN_H
#define MXAUDIT_SNAPRUN_H

#include <stdbool.h>

#include "output.h"
#include "util.h"

struct cmd_ctx;          /* cmd.h: the global options */
#include "collect.h"
#include "config.h"
#include "snapshot.h"
#include "store.h"

struct snaprun {
	struct config cfg;
	bool have_cfg;
	struct store *st;             /* open, locked */
	struct snapshot prev, cur;
	bool have_prev;
	char head[41];                /* prev's commit, when have_prev */
	struct collect_stats stats;
	double t_read, t_collect;     /* seconds, for -v timing */
};

struct change_lines {
	struct strlist lines;   /* one per changed domain or firewall */
	size_t records;         /* records in the new snapshot */
	size_t inputs_recorded; /* domains whose only change: inputs recorded for the first time */
};

/* snaprun.c */
/*
 * Load the configuration, lock the store, read its latest snapshot and
 * collect every domain and firewall into run->cur. Returns 0 or -1
 * (printed); release run in both cases.
 */
int snaprun_collect(struct snaprun *run, const struct cmd_ctx *ctx, const char *cmd);
/*
 * The world as the configuration names it, into out: every domain's DNS
 * (prev, which may be NULL, fills in for lookups that fail), every
 * firewall's export, and the inputs each domain is judged with. What
 * snapshot and drift commit and what check --live judges. stats may be
 * NULL. Returns 0 or -1 (printed); the caller releases out either way.
 */
int snaprun_world(const struct config *cfg, const struct cmd_ctx *ctx, const struct snapshot *prev,
		  struct snapshot *out, struct collect_stats *stats);
void snaprun_release(struct snaprun *run);
/* Per-domain one-line summaries of what changed from prev (may be NULL) to cur. */
void snaprun_changes(const struct snapshot *prev, const struct snapshot *cur,
		     struct change_lines *out);
/*
 * The commit message: first line `first` when given (drift's impact),
 * else the record summary; then note, the per-domain lines, the stale
 * count, and `trailers` (may be NULL) last. The caller frees.
 */
char *snaprun_message(const struct snapshot *prev, const struct snapshot *cur,
		      const struct change_lines *ch, const char *first, const char *note,
		      const struct collect_stats *st, const char *trailers);
double snaprun_seconds(void);
/*
 * Warn that n lookups of cur failed temporarily, naming the first five
 * ("name TYPE (TIMEOUT), ... and N more"); with -v, list every one.
 */
void snaprun_warn_stale(const struct snapshot *cur, unsigned long n);

#endif
