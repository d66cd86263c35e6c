/*
 * policy.h - what must hold for a domain, from policies/NAME.yaml (see
 * policies/README.md), and how findings are then adjusted: severity
 * overrides and ignore rules with a reason and an optional expiry.
 *
 * Loading reads files (through yamltree); checking and applying are pure.
 */
#ifndef MXAUDIT_POLICY_H
#define MXAUDIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "analyze.h"
#include "finding.h"
#include "snapshot.h"
#include "util.h"

enum mtasts_mode { MTS_UNSET = -1, MTS_NONE, MTS_TESTING, MTS_ENFORCE };

/* Where a rule was written, for evidence and messages. */
struct policy_pos {
	unsigned line, col;
};

struct policy_selector {
	char *name;
	unsigned min_bits;           /* 0: the dkim min_bits, else none */
	struct policy_pos at;
};

struct policy_override {
	char *code;                  /* exact, or "prefix.*" */
	enum severity sev;
	struct policy_pos at;
};

struct policy_ignore {
	char *code;                  /* exact, or "prefix.*" */
	char *subject;               /* NULL: any subject */
	char *reason;
	char until[11];              /* "YYYY-MM-DD", or "" for no expiry */
	time_t until_end;            /* first second after that day (UTC); 0 if none */
	struct policy_pos at;
};

struct policy {
	char *file;
	struct strlist domains;      /* lower case, no final dot */
	struct policy_pos at;        /* of the domain key */

	struct strlist mx;           /* absolute host names */
	bool mx_exact;               /* the set must match, not just include */
	struct policy_pos mx_at;
	struct strlist spf_pass;     /* addresses that must get SPF pass */
	struct policy_pos spf_at;
	struct policy_selector *sels;
	size_t nsel, sel_alloc;
	unsigned dkim_min_bits;
	int dmarc_min;               /* enum dmarc_policy; DP_UNSET: no rule */
	struct strlist dmarc_rua;    /* report addresses that must be listed */
	struct policy_pos dmarc_at;
	int mtasts_mode;             /* enum mtasts_mode */
	struct policy_pos mtasts_at;
	/* firewall: how the mail path's blocklist findings are judged */
	long blocklist_ppm;          /* warn past this share of a family's addresses, in millionths; -1: unset */
	struct policy_pos blocklist_at;
	struct strlist must_reach;   /* networks (CIDR) that must reach the mail hosts */
	struct policy_pos must_reach_at;

	struct policy_override *ovr;
	size_t novr, ovr_alloc;
	struct policy_ignore *ign;
	size_t nign, ign_alloc;
};

struct policy_set {
	struct policy *v;
	size_t n, alloc;
};
#define POLICY_SET_INIT { NULL, 0, 0 }

/* policy.c */
/*
 * Load one policy file (or buffer; name is for messages) and append it
 * to set. Every error is printed as "file:line:col: ..." and returns -1;
 * set is then unchanged.
 */
int policy_load_file(const char *path, struct policy_set *set);
int policy_load_buffer(const char *name, const char *buf, size_t len,
		       struct policy_set *set);
void policy_set_release(struct policy_set *set);
bool policy_covers(const struct policy *p, const char *domain);

/*
 * Check d against p and append policy.* findings (SPF must-pass through
 * the SPF area's spf_check_ips). o gives the configured selectors and
 * DKIM thresholds. Pure.
 */
void policy_check(const struct policy *p, const struct domain_snap *d,
		  const struct analyze_opts *o, struct findings *out);
/*
 * Apply p's severity overrides and ignore rules to fs (for one domain).
 * Ignored findings are removed and counted in *nignored (may be NULL);
 * an expired ignore rule adds a policy.ignore-expired finding. now is
 * passed in so the function stays pure.
 */
void policy_apply(const struct policy *p, time_t now, struct findings *fs,
		  size_t *nignored);

#endif
