/*
 * drift.h - `mxaudit drift`'s parts that are not the command itself:
 * the count of consecutive failed runs per lookup (drift_stale.c) and
 * the hook run on change (drift_exec.c).
 */
#ifndef MXAUDIT_DRIFT_H
#define MXAUDIT_DRIFT_H

#include <stddef.h>

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "impact.h"
#include "json.h"
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
 * MXAUDIT_COMMIT and MXAUDIT_SEVERITY in its environment (the caller
 * sets the others). Returns its exit status (0 success), or -1 if it
 * could not be started.
 */
int drift_exec(const char *cmd, const char *report, const char *commit,
	       const char *severity);

/* drift_state.c */
/* What is open now, whatever this run changed. */
struct drift_state {
	size_t open[3];            /* open findings per severity (info not counted) */
	enum severity worst;
	bool any;
	time_t oldest;             /* first seen: oldest open finding of the worst severity */
	time_t oldest_age;         /* seconds since then */
	/* "critical firewall edge: fw.port-blocked 203.0.113.25:25/tcp, open 3h", worst first */
	struct strlist lines;
};
/*
 * Judge cur as a whole (plus firewall findings kept open until a change
 * touches their port), carry first-seen times over in the file at path
 * and write it back. im, this run's change, is first read in the light
 * of what was open (impact_follow). Returns 0 or -1.
 */
int drift_state_update(const char *path, const struct snapshot *cur,
		       const struct impact_opts *o, struct impact *im,
		       struct drift_state *st);
/* The same, for check --live: the file is read, not written. */
int drift_state_peek(const char *path, const struct snapshot *cur,
		     const struct impact_opts *o, struct impact *im,
		     struct drift_state *st);
/* Monitoring exit code of the state: 0, 1 or 2. */
int drift_state_exit(const struct drift_state *st);
/* "ok", "warning" or "critical". */
const char *drift_state_name(const struct drift_state *st);
/* "MXAUDIT CRITICAL - 2 critical open (oldest 3h); <change> | perfdata". */
void drift_state_nagios(FILE *out, const struct drift_state *st, const char *change);
json_t *drift_state_json(const struct drift_state *st);
/* "state: critical, 1 critical and 2 warnings open (oldest 3h)" and the open findings. */
void drift_state_text(FILE *out, const struct drift_state *st);
void drift_state_release(struct drift_state *st);

#endif
