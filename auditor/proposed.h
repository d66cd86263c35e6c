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
#include "strmap.h"

struct lookup_result;

/* One proposed zone file (--proposed-zone APEX=FILE). */
struct proposed_zone {
	char *apex;                /* "example.com.", "2.0.192.in-addr.arpa." */
	char *file;
	struct domain_snap recs;   /* the file's records (sorted), nothing else */
	bool *used;                /* per record of recs: served to the collection */
	size_t answered;           /* lookups it answered */
};

/* Every proposed zone of the run, and the stored snapshot behind them. */
struct proposed_set {
	struct proposed_zone *v;
	size_t n, alloc;
	const struct snapshot *stored;   /* answers names already asked; may be NULL */
	struct strmap asked;       /* "NAME TYPE" -> the stored domain that asked it */
	bool indexed;              /* asked is built */
};

/* proposed.c */
/* Read APEX=FILE (a zone file ldns reads) into set. Errors print; returns 0 or -1. */
int proposed_zone_load(struct proposed_set *set, const char *spec);
/*
 * Collect again, with the proposed zones in place, every domain of s that
 * a proposed zone covers or whose lookups reach one (reverse zones: its
 * PTRs), through ctx's servers for names met for the first time; replace
 * those domains' records and lookups in s. A zone that answers no lookup
 * is an error. *ignored gets how many of the files' records no lookup
 * read (www, the apex A: what mxaudit does not collect); label gets a
 * note per file. cfg may be NULL. Returns 0 or -1 (printed).
 */
int proposed_zones_apply(struct proposed_set *set, struct snapshot *s, const struct config *cfg,
			 const struct cmd_ctx *ctx, struct strbuf *label, size_t *ignored);
void proposed_set_release(struct proposed_set *set);
/*
 * Substitute NAME=FILE (a firewall export) into s; cfg (may be NULL) gives
 * its format and mask: patterns, store_dir the masking key.
 */
int proposed_firewall(struct snapshot *s, const struct config *cfg, const char *store_dir,
		      const char *spec, struct strbuf *label);
/*
 * Print the impact of going from orig to prop in ctx's format, with how
 * many records of the nfiles zone files were ignored; returns
 * the exit code of the worst introduced finding, or -1.
 */
int proposed_report(const struct cmd_ctx *ctx, const struct snapshot *orig,
		    const struct snapshot *prop, const struct config *cfg,
		    const struct policy_set *ps, const char *from, size_t ignored, size_t nfiles);

/* proposed_world.c */
bool proposed_in_zone(const char *name, const char *apex);
struct proposed_zone *proposed_zone_of(const struct proposed_set *set, const char *name);
/* The collector's overlay (collect.h): arg is a struct proposed_set. */
bool proposed_answer(void *arg, const char *name, const char *type, struct lookup_result *res);

#endif
