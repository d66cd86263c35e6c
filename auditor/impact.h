/*
 * impact.h - what a change between two snapshots does to mail flow.
 *
 * The analyzers (and policies) run on both snapshots; findings are
 * matched by scope (domain or firewall), code and subject. What B has
 * and A has not was introduced by the change, what A has and B has not
 * was resolved by it, and every record or rule change that explains no
 * finding is listed as info. Firewall changes are compared by what they
 * allow: for each mail port (25, 465, 587) of each mail address, the
 * sources that reach it before and after.
 *
 * impact_compute() is pure: no I/O, no clock (the time for policy
 * expiry is passed in). impact_report.c prints the result.
 */
#ifndef MXAUDIT_IMPACT_H
#define MXAUDIT_IMPACT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "output.h"
#include "util.h"

struct cmd_ctx;          /* cmd.h: the global options */
#include "config.h"
#include "finding.h"
#include "path.h"
#include "policy.h"
#include "snapshot.h"

struct impact_opts {
	const struct config *cfg;          /* may be NULL: no selectors, IPs, lab */
	const struct policy_set *policies; /* may be NULL */
	time_t now;                        /* for policy ignore expiry */
	/*
	 * Runs a failure must last before drift reports it (shown in the
	 * dns.unresolvable message); 0 when unknown (diff of two snapshots).
	 */
	unsigned stale_runs;
	/*
	 * b is one live collection, not stored (check --live): a failure in
	 * it is one failed run, not yet what drift would store and report,
	 * so the failed MX lookup is a warning there. Every stored failure
	 * (diff, drift, timeline, report) is critical, whoever stored it.
	 */
	bool live;
};

/* A finding introduced or resolved by the change. */
struct impact_item {
	char *scope;               /* "example.com" or "firewall edge" */
	struct finding f;
	struct strlist causes;     /* the changes that explain it: "- OWNER TTL IN TYPE RDATA" */
	struct strlist reads;      /* what its analyzer read: "name\ttype" (readlog.h) */
};

struct impact_list {
	struct impact_item *v;
	size_t n, alloc;
};

/* A record, lookup or rule change that explains no finding: info. */
struct impact_change {
	char *scope;
	char op;                   /* '-' removed, '+' added, '~' TTL, '!' lookup result */
	char *text;
};

/* One mail port of one address behind one firewall, before and after. */
struct impact_reach {
	char *firewall;
	char *to;                  /* "203.0.113.25:25/tcp" */
	char *before, *after;      /* sources allowed: "every source", "no source", CIDRs */
	char *before_cidrs, *after_cidrs;  /* the same sets as "a/n,b/m" ("" for none) */
	char *nat_before, *nat_after;  /* where it is forwarded, or NULL */
};

struct impact {
	struct impact_list introduced, resolved;
	struct impact_change *changes;
	size_t nchanges, changes_alloc;
	struct impact_reach *reach;
	size_t nreach, reach_alloc;
	size_t counts[3];          /* introduced findings per severity */
	size_t nscopes;            /* domains and firewalls that changed */
};
#define IMPACT_INIT { { NULL, 0, 0 }, { NULL, 0, 0 }, NULL, 0, 0, NULL, 0, 0, { 0, 0, 0 }, 0 }

/* impact.c */
/*
 * Every finding of snapshot s (analyzers, policies, stale lookups as
 * dns.unresolvable), per domain, appended to out with scope set; the
 * caller releases out with impact_list_release().
 */
void impact_findings(const struct snapshot *s, const struct impact_opts *o,
		     struct impact_list *out);
/*
 * The impact of going from a (NULL: nothing, everything is new) to b.
 * out must be IMPACT_INIT; release it with impact_release().
 */
void impact_compute(const struct snapshot *a, const struct snapshot *b,
		    const struct impact_opts *o, struct impact *out);
/* Worst introduced severity; *any says whether anything was introduced. */
enum severity impact_worst(const struct impact *im, bool *any);
/* Monitoring exit code of the worst introduced finding: 0, 1 or 2. */
int impact_exit_code(const struct impact *im);
/*
 * One line for a commit message: the worst introduced findings,
 * "example.com: mx.no-address mx2.example.com. [critical], +1 more",
 * at most max bytes. NULL when nothing was introduced. Caller frees.
 */
char *impact_summary(const struct impact *im, size_t max);
/* impact_list.c: append an empty item (scope copied) to l. */
struct impact_item *impact_list_add(struct impact_list *l, const char *scope);
void impact_list_release(struct impact_list *l);
/* Free the items, keep the array (for reuse with n = 0). */
void impact_list_release_items(struct impact_list *l);
void impact_release(struct impact *im);

/* impact_fw.c */
/*
 * Compare firewall a (NULL: new) and b (NULL: removed) by what they
 * allow to each mail address and port; appends reach entries and
 * fw.* findings (introduced) to out. Addresses are the configured
 * firewall's public_ips, else every MX address of snapshot s. The
 * models come from the sides' loaded firewalls (fwa, fwb: what judging
 * each side parsed; NULL or not there: parsed here).
 */
void impact_firewall(const struct fw_snap *a, const struct fw_snap *b,
		     const struct snapshot *s, const struct impact_opts *o,
		     const struct path_fws *fwa, const struct path_fws *fwb,
		     struct impact *out);

/* impact_mx.c */
/*
 * mx.primary-changed (introduced, warning) when the most-preferred MX
 * hosts of domain a (NULL: new) differ in b (NULL: gone).
 */
void impact_mx_primary(const struct domain_snap *a, const struct domain_snap *b,
		       struct impact *out);

/* impact_follow.c */
/*
 * Read im in the light of what earlier changes left open (items with
 * scope, code, subject and severity): a resolved finding takes the
 * severity it was open with, and fw.port-opened on a port whose
 * fw.port-blocked is open becomes that finding, resolved.
 */
void impact_follow(struct impact *im, const struct impact_list *open);
/* Carry open forward past im: drop what it resolved, add what it introduced. */
void impact_follow_update(struct impact_list *open, const struct impact *im);

/* impact_report.c */
/*
 * Print the impact in a format. from/to label the snapshots ("1a2b3c4d5e6f",
 * "live"); the text form is the impact section printed after `diff`'s
 * record list. Returns 0 or -1 (JSON could not be written).
 */
int impact_print(FILE *out, const struct impact *im, enum out_format fmt,
		 const char *from, const char *to, bool color);
/* The two snapshots compared: ids, and the names given for them (tags, HEAD~2; NULL: none). */
struct impact_ends {
	const char *from, *to;
	const char *from_name, *to_name;
};
/* impact_print() with the names Markdown shows beside the ids. */
int impact_print_ends(FILE *out, const struct impact *im, enum out_format fmt,
		      const struct impact_ends *e, bool color);
/* The nagios status line: "MXAUDIT CRITICAL - ... | critical=1;;;0 ...". */
void impact_nagios(FILE *out, const struct impact *im);
/* The impact as a JSON object (for embedding in diff's and drift's output). */
struct json_t *impact_json(const struct impact *im);

/* impact_store.c */
struct store;
/* The two sides of a stored change, holding what its impact needs. */
struct impact_pair {
	struct snapshot a, b;
	bool have_a;               /* false: b is the first snapshot */
};
/*
 * Load from -> to (from NULL or "": nothing before); whole reads both
 * snapshots entirely, not only the changed domains. Release p in any case.
 */
int impact_pair_load(struct store *s, const char *from, const char *to, bool whole,
		     struct impact_pair *p);
void impact_pair_release(struct impact_pair *p);
/* The impact of commit id against its parent; p keeps the two sides. */
int impact_of_commit(struct store *s, const char *id, const struct impact_opts *o,
		     struct impact_pair *p, struct impact *out);

/* impact_load.c */
/*
 * Load the configuration: always when required or given with -c, else
 * only if the default file exists (*have says which). Errors print.
 */
int impact_load_config(const struct cmd_ctx *ctx, bool required, struct config *cfg,
		       bool *have);
/* The configuration's policy files (cfg may be NULL: none). */
int impact_load_policies(const struct config *cfg, struct policy_set *ps);

#endif
