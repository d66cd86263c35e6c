/*
 * collect.h - collect the mail DNS of every configured domain.
 */
#ifndef MXAUDIT_COLLECT_H
#define MXAUDIT_COLLECT_H

#include "output.h"
#include "util.h"

struct cmd_ctx;          /* cmd.h: the global options */
#include "config.h"
#include "snapshot.h"

struct collect_stats {
	unsigned long queries;     /* sent, every try to every server */
	unsigned long lookups;     /* distinct name/type pairs asked */
	unsigned long stale;       /* lookups that kept last good data */
	unsigned long disagree;    /* lookups whose servers disagreed */
	double seconds;
};

/* collect.c */
/*
 * Collect every domain of cfg into out (domains only; firewalls are
 * added by the caller). prev is the last stored snapshot or NULL: its
 * data is carried over lookups that fail temporarily. stats may be NULL.
 * Returns 0, or -1 if collection could not run at all.
 */
int collect_snapshot(const struct config *cfg, const struct cmd_ctx *ctx,
		     const struct snapshot *prev, struct snapshot *out);
int collect_snapshot_stats(const struct config *cfg, const struct cmd_ctx *ctx,
			   const struct snapshot *prev, struct snapshot *out,
			   struct collect_stats *stats);

/*
 * Answers the collector takes instead of asking the network (check
 * --proposed-zone: the proposed zones, then what the stored snapshot
 * already holds). answer() fills *res, which the collector then owns,
 * and returns true for a name/type it speaks for; false lets the
 * network answer. A zone whose apex NS it answers is not looked for.
 */
struct lookup_result;
struct collect_overlay {
	bool (*answer)(void *arg, const char *name, const char *type, struct lookup_result *res);
	void *arg;
};
/* collect_snapshot_stats() with answers from overlay (may be NULL) before the network. */
int collect_snapshot_overlay(const struct config *cfg, const struct cmd_ctx *ctx,
			     const struct snapshot *prev, const struct collect_overlay *overlay,
			     struct snapshot *out, struct collect_stats *stats);

#endif
