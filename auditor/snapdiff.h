/*
 * snapdiff.h - what changed in one domain between two snapshots, as
 * records and lookup states; and a line diff for firewall rules.
 *
 * Pure functions: no I/O, no store. Used by `mxaudit diff`, the commit
 * summary line of `mxaudit snapshot`, and change-impact analysis.
 */
#ifndef MXAUDIT_SNAPDIFF_H
#define MXAUDIT_SNAPDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

/* The same record (owner, type, rdata) with another TTL. */
struct snapdiff_ttl {
	const struct rr *from, *to;
};

/*
 * A lookup whose outcome changed: state, staleness or server agreement.
 * from is NULL for a lookup that is new in b; lookups that disappeared
 * from b are not listed (their records show as removed, if any).
 */
struct snapdiff_status {
	const struct lookup *from, *to;
};

/*
 * Every pointer borrows from the two domain_snaps given to
 * snapdiff_domain(), which must outlive the snapdiff. Lists are in
 * canonical order (owner, type, rdata; lookups by name, type).
 */
struct snapdiff {
	const struct rr **added;
	size_t nadded, added_alloc;
	const struct rr **removed;       /* never a record of a lookup stale in b */
	size_t nremoved, removed_alloc;
	struct snapdiff_ttl *ttl;
	size_t nttl, ttl_alloc;
	struct snapdiff_status *status;
	size_t nstatus, status_alloc;
};

/* One line of a line diff: '-' removed, '+' added. */
struct snapdiff_line {
	char op;
	const char *text;     /* borrowed from the input; not NUL-terminated */
	size_t len;
};

/* snapdiff.c */
/*
 * Compare a domain's records and lookups in snapshot a (NULL: the domain
 * is new) with snapshot b (NULL: it is gone). out must be zeroed (or
 * released); free it with snapdiff_release(). Returns the number of
 * changes listed.
 */
size_t snapdiff_domain(const struct domain_snap *a, const struct domain_snap *b,
		       struct snapdiff *out);
void snapdiff_release(struct snapdiff *d);
bool snapdiff_empty(const struct snapdiff *d);

/* "mx2.example.com. 3600 IN A 192.0.2.26", the caller frees. */
char *snapdiff_rr_line(const struct rr *r);
/* What a status change means, e.g. "now stale (TIMEOUT), last good data kept". */
char *snapdiff_status_text(const struct snapdiff_status *s);

/*
 * One line for a commit message: "example.com: -A mx2.example.com.,
 * +TXT _dmarc.example.com." with at most a handful of items, then
 * "+N more". NULL when d is empty. The caller frees.
 */
char *snapdiff_summary(const struct snapdiff *d, const char *domain);

/*
 * Line diff of two texts (either may be NULL: empty), in order: the
 * removed and added lines around common ones. *out is the caller's to
 * free(); its text pointers borrow from a and b. Returns the count.
 */
size_t snapdiff_lines(const char *a, const char *b, struct snapdiff_line **out);

#endif
