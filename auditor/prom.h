/*
 * prom.h - `--format prometheus` for check and drift: the node-exporter
 * textfile-collector format (docs/report.md has the metrics and a
 * systemd timer that writes them into the collector's folder).
 */
#ifndef MXAUDIT_PROM_H
#define MXAUDIT_PROM_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "finding.h"
#include "path.h"
#include "snapshot.h"

/* What the metrics are made of; every pointer is borrowed. */
struct prom_input {
	const struct snapshot *snap;
	const struct config *cfg;          /* may be NULL */
	const struct path_fws *fws;
	const struct finding *const *fs;   /* the findings, after policies */
	const char *const *scopes;         /* the domain (or firewall) of each */
	size_t n;
	time_t taken;                      /* when the snapshot was taken */
	int state;                         /* the command's exit code, 0-3 */
};

/* prom.c */
void prom_write(FILE *out, const struct prom_input *in);
struct policy_set;
/*
 * The metrics of snapshot s judged as the other commands judge it (cfg's
 * policies and firewalls; cfg may be NULL); mxaudit_state is the worst
 * finding's level: 0, 1 or 2. For drift.
 */
void prom_snapshot(FILE *out, const struct snapshot *s, const struct config *cfg, time_t taken);

#endif
