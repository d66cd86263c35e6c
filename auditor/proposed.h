/*
 * proposed.h - check a proposed zone file or firewall export against a
 * stored snapshot (check --proposed-zone, --proposed-firewall).
 */
#ifndef MXAUDIT_PROPOSED_H
#define MXAUDIT_PROPOSED_H

#include "output.h"
#include "util.h"

struct cmd_ctx;          /* cmd.h: the global options */
#include "config.h"
#include "policy.h"
#include "snapshot.h"

/* proposed.c */
/* Substitute DOMAIN=FILE (a zone file ldns reads) into s; label gets a note. */
int proposed_zone(struct snapshot *s, const char *spec, struct strbuf *label);
/*
 * Substitute NAME=FILE (a firewall export) into s; cfg (may be NULL) gives
 * its format and mask: patterns, store_dir the masking key.
 */
int proposed_firewall(struct snapshot *s, const struct config *cfg, const char *store_dir,
		      const char *spec, struct strbuf *label);
/*
 * Print the impact of going from orig to prop in ctx's format; returns
 * the exit code of the worst introduced finding, or -1.
 */
int proposed_report(const struct cmd_ctx *ctx, const struct snapshot *orig,
		    const struct snapshot *prop, const struct config *cfg,
		    const struct policy_set *ps, const char *from);

#endif
