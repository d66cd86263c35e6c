/*
 * drift.h - `mxaudit drift`'s parts that are not the command itself:
 * the count of consecutive failed runs per lookup (drift_stale.c) and
 * the hook run on change (drift_exec.c).
 */
#ifndef MXAUDIT_DRIFT_H
#define MXAUDIT_DRIFT_H

#include <stddef.h>

#include "snapshot.h"
#include "util.h"

/* "domain<TAB>name<TAB>type" -> consecutive failed runs. */
struct stale_state {
	struct strlist keys;
	unsigned *runs;
	size_t alloc;
};

/* drift_stale.c */
/* Read the state file; a missing file is an empty state. */
int stale_state_load(const char *path, struct stale_state *st);
/* Write it atomically (temporary file, then rename). */
int stale_state_save(const char *path, const struct stale_state *st);
void stale_state_release(struct stale_state *st);
/*
 * Count this run's failed lookups of cur into now (from old's counts),
 * and hold back those that have failed fewer than `need` runs in a row:
 * they get prev's lookup line back, or are dropped when prev has none.
 * Returns how many were held back.
 */
size_t stale_hold_back(struct snapshot *cur, const struct snapshot *prev,
		       const struct stale_state *old, struct stale_state *now,
		       unsigned need);

/* drift_exec.c */
/*
 * Run cmd through /bin/sh with report on its standard input and
 * MXAUDIT_COMMIT and MXAUDIT_SEVERITY in its environment. Returns its
 * exit status (0 success), or -1 if it could not be started.
 */
int drift_exec(const char *cmd, const char *report, const char *commit,
	       const char *severity);

#endif
