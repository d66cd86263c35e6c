/*
 * snapshot.h - the in-memory snapshot and its canonical text files.
 *
 * A snapshot is what mxaudit saw of the world at one moment: for each
 * domain the DNS records it reached (dns/<domain>.zone) and how each
 * lookup ended (dns/<domain>.status); for each firewall its masked export
 * and normalized rules. Analyzers read only this, never the network.
 */
#ifndef MXAUDIT_SNAPSHOT_H
#define MXAUDIT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * One resource record in canonical presentation form. owner is lower
 * case and absolute ("mx1.example.com."), type a mnemonic ("MX",
 * "TYPE65"), rdata the ldns presentation of the RDATA with names lower
 * cased and TXT strings quoted and escaped ("\"v=spf1 -all\"").
 */
struct rr {
	char *owner;
	unsigned ttl;
	char *type;
	char *rdata;
};

/* How a lookup ended. The order is the on-disk order of severity. */
enum lookup_state {
	LK_NOERROR,   /* answer with data */
	LK_NODATA,    /* name exists, no record of this type */
	LK_NXDOMAIN,  /* name does not exist */
	LK_SERVFAIL,  /* temporary: server failure (or REFUSED, FORMERR) */
	LK_TIMEOUT,   /* temporary: no answer in time */
};
#define LK_IS_TEMPORARY(s) ((s) == LK_SERVFAIL || (s) == LK_TIMEOUT)

struct lookup {
	char *name;       /* absolute, lower case */
	char *type;
	enum lookup_state state;
	bool stale;       /* temporary failure: records are the last good ones */
	bool disagree;    /* the servers asked gave different answers */
	bool cached_ttl;  /* only a resolver answered: TTLs are not the zone's (see collect.c) */
	char *servers;    /* comma-separated servers that answered, or "-" */
	char *detail;     /* for disagreement: "server=STATE/N" of the odd ones; or NULL */
};

/*
 * What a domain was collected and is judged with besides its records:
 * its configured DKIM selectors, sending IPs and mail hosts, and the
 * run's lab flag and DKIM key-size limits. Recorded in the .status file
 * ("; input" lines) so a later diff judges the snapshot as it was taken,
 * without the configuration. Policies and firewall settings stay in the
 * configuration; the flags say whether the run had any.
 */
struct domain_inputs {
	struct strlist dkim_selectors, sending_ips, mail_hosts;
	bool lab;
	unsigned dkim_warn_bits, dkim_crit_bits;
	bool policies, firewalls;     /* the run had policies / firewalls configured */
};

struct domain_snap {
	char *name;               /* as configured, lower case, no final dot */
	struct domain_inputs *inputs;  /* NULL: not recorded (snapshots before 0.2) */
	struct rr *rrs;           /* sorted by owner, type, rdata; unique */
	size_t nrr, rr_alloc;
	struct lookup *lks;       /* sorted by name, type */
	size_t nlk, lk_alloc;
	char *bad;                /* first line of its files that did not parse, "file:line: ..."; or NULL */
};

struct fw_snap {
	char *name;               /* as configured */
	char *format;             /* "iptables", "nft-json", ... */
	char *export_text;        /* masked export: firewall/<name>.export */
	char *rules_text;         /* normalized model: firewall/<name>.rules */
};

struct snapshot {
	struct domain_snap *domains;   /* sorted by name */
	size_t n, alloc;
	struct fw_snap *fws;           /* sorted by name */
	size_t nfw, fw_alloc;
	bool sorted;                   /* domains in name order: lookups bisect */
};

/* snapshot.c */
const char *lookup_state_name(enum lookup_state s);
int lookup_state_parse(const char *s, enum lookup_state *out);

struct domain_snap *snapshot_add_domain(struct snapshot *s, const char *name);
struct domain_snap *snapshot_domain(const struct snapshot *s, const char *name);
void snapshot_sort(struct snapshot *s);
void snapshot_release(struct snapshot *s);

/* Append a record or lookup; strings are copied. Call dsnap_sort() after. */
void dsnap_add_rr(struct domain_snap *d, const char *owner, unsigned ttl,
		  const char *type, const char *rdata);
struct lookup *dsnap_add_lookup(struct domain_snap *d, const char *name,
				const char *type, enum lookup_state state);
/* Canonical record order: owner, type, rdata (TTL aside). */
int rr_cmp_key(const struct rr *a, const struct rr *b);
/* Sort and de-duplicate records and lookups into canonical order. */
void dsnap_sort(struct domain_snap *d);

/*
 * Find records at owner (absolute, lower case) of a type ("*" for any).
 * Returns how many; *first points at the first (records are sorted, so
 * they are adjacent). The pointer is borrowed.
 */
size_t dsnap_find(const struct domain_snap *d, const char *owner,
		  const char *type, const struct rr **first);
const struct lookup *dsnap_lookup(const struct domain_snap *d,
				  const char *name, const char *type);
/*
 * snapchain.c: the one walk of a CNAME chain inside a domain's snapshot: from owner,
 * follow CNAMEs (at most DSNAP_CHAIN_MAX) until records of type are
 * there. each (may be NULL) sees every CNAME followed, in order. Returns
 * the count at the end, *first its first (as dsnap_find()); *end (may be
 * NULL; the caller frees it) the name where the chain stopped.
 */
#define DSNAP_CHAIN_MAX 8
size_t dsnap_walk(const struct domain_snap *d, const char *owner, const char *type,
		  const struct rr **first, char **end,
		  void (*each)(const struct rr *cname, void *arg), void *arg);
/*
 * The start of evidence for r, built without printf (evidence is made for
 * every finding): "dns/<domain>.zone: OWNER TTL IN TYPE " (RDATA to follow).
 */
void rr_where(struct strbuf *sb, const struct domain_snap *d, const struct rr *r);

/* Canonical files. The returned text is the caller's to free. */
char *dsnap_zone_text(const struct domain_snap *d);
char *dsnap_status_text(const struct domain_snap *d);
/*
 * Parse them back (file is for messages only). A line that does not
 * parse is skipped, the rest still read: one bad line costs that line,
 * not the domain nor the run. The first one is kept in d->bad as
 * "file:line: expected ..." and -1 returned; callers reading the store
 * go on (analyze_status() turns d->bad into a finding), callers reading
 * a user's file report it as an error.
 */
int dsnap_parse_zone(struct domain_snap *d, const char *file, const char *text);
int dsnap_parse_status(struct domain_snap *d, const char *file, const char *text);

/*
 * Carry the last good data over temporary failures: for each lookup of
 * cur that failed temporarily (timeout, SERVFAIL), copy prev's records
 * answering that name and type (CNAME chain included) and mark the
 * lookup stale. prev may be NULL. Nothing is ever dropped because a
 * server did not answer. Returns how many lookups are stale.
 */
size_t dsnap_carry_stale(struct domain_snap *cur, const struct domain_snap *prev);
/* Copies of d's records answering name/type, CNAMEs followed; returns the count. */
size_t dsnap_answer(const struct domain_snap *d, const char *name,
		    const char *type, struct rr **out);

/* Record helpers for analyzers. Results are the caller's to free. */
int rr_txt_strings(const struct rr *r, struct strlist *out);  /* decoded */
char *rr_txt_join(const struct rr *r);       /* strings joined, NULL if bad */
int rr_mx(const struct rr *r, unsigned *pref, char **host);    /* host absolute */
char *name_abs(const char *name);            /* lower case, with final dot */
char *addr_reverse_name(const char *ip);     /* "10.2.0.192.in-addr.arpa.", NULL if not an IP */
/*
 * A host name that may be asked and written: labels of letters, digits,
 * '-' and '_', 1 to 63 bytes, 253 at most in all, a final dot optional.
 * Names taken from record content (SPF targets, DMARC hosts) must pass
 * before they are queried: anything else is a finding, never a query.
 */
bool dns_name_valid(const char *name);
/* The host of a "mailto:user@host[!size]" URI, lower case; NULL if not one or not valid. */
char *mailto_host(const char *uri);

/* snapinputs.c */
/* Give d a fresh record of inputs (defaults, empty lists) and return it. */
struct domain_inputs *dsnap_set_inputs(struct domain_snap *d);
void dsnap_inputs_free(struct domain_inputs *in);
/* Whether two records hold the same inputs (NULL: none recorded). */
bool dsnap_inputs_equal(const struct domain_inputs *a, const struct domain_inputs *b);
/* Append the "; input" lines of in (NULL: none) to sb. */
void dsnap_inputs_text(const struct domain_inputs *in, struct strbuf *sb);
/*
 * Append "KEY: OLD -> NEW" to out for each input that differs between a
 * and b ("sending_ips: 192.0.2.1 -> 192.0.2.1 192.0.2.9"; an empty list
 * reads "(none)"). Nothing when either is NULL.
 */
void dsnap_inputs_diff(const struct domain_inputs *a, const struct domain_inputs *b,
		       struct strlist *out);
/*
 * One "; input" line after its "; input<TAB>" (modified in place): sets
 * d->inputs, creating it. Unknown keys are skipped. Returns 0 or -1.
 */
int dsnap_parse_input(struct domain_snap *d, char *line);

#endif
