/*
 * analyze.h - the mail-DNS analyzers: one domain's snapshot in, findings
 * out. Every function here is pure (no I/O, no clock, no network): a
 * check of last week's snapshot and a live check run the same code.
 *
 * Finding codes are documented in docs/check.md; each analyzer lists
 * the codes it emits above its prototype.
 */
#ifndef MXAUDIT_ANALYZE_H
#define MXAUDIT_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "snapshot.h"

/* What analyzers need beyond the snapshot; defaults when no config. */
struct analyze_opts {
	bool lab;                 /* special-use MX addresses allowed */
	unsigned dkim_warn_bits;  /* RSA below this: warning (2048) */
	unsigned dkim_crit_bits;  /* RSA below this: critical (1024) */
	const struct strlist *dkim_selectors;  /* may be NULL */
	const struct strlist *sending_ips;     /* may be NULL */
};

/* ---- analyze.c ------------------------------------------------------ */

/*
 * Run every analyzer for one domain and append to out. dc and cfg may
 * be NULL (defaults: no selectors, no sending IPs, not a lab).
 */
void analyze_domain(const struct domain_snap *d, const struct domain_conf *dc,
		    const struct config *cfg, struct findings *out);
void analyze_opts_init(struct analyze_opts *o, const struct domain_conf *dc,
		       const struct config *cfg);

/* ---- snapquery.c ---------------------------------------------------- */

/*
 * Shared helpers. Evidence strings name the snapshot file and the line
 * in it ("dns/example.com.zone: owner TTL IN TYPE RDATA"); the caller
 * frees them.
 */
char *rr_evidence(const struct domain_snap *d, const struct rr *r);
char *lookup_evidence(const struct domain_snap *d, const struct lookup *l);
/*
 * Records of a type at owner, following CNAMEs present in the snapshot
 * (at most 8). *final (may be NULL; the caller frees it) gets the name
 * where the chain ends; *cname (may be NULL) says whether a CNAME was
 * followed. Returns the count, like dsnap_find().
 */
size_t dsnap_follow(const struct domain_snap *d, const char *owner,
		    const char *type, const struct rr **first,
		    char **final, bool *cname);
/*
 * Did the lookup of name/type fail temporarily, leaving no data? Then
 * an analyzer must say nothing about absence: analyze_status reports it
 * as unknown.
 */
bool lookup_unknown(const struct domain_snap *d, const char *name, const char *type);
/* The lookup state, LK_NOERROR when records exist or nothing is recorded. */
enum lookup_state lookup_state_of(const struct domain_snap *d, const char *name,
				  const char *type);

/* ---- analyze_parked.c ----------------------------------------------- */

/*
 * Is d parked done right: null MX, "v=spf1 -all", DMARC p=reject (or
 * quarantine at 100%), no sending IPs? Then mx.null and an empty p= on
 * the wildcard selector are the profile, reported as info.
 */
bool analyze_parked(const struct domain_snap *d, const struct analyze_opts *o);

/* ---- taglist.c ------------------------------------------------------ */

/* One "name=value" of an RFC 6376 section 3.2 tag-list. */
struct tag {
	char *name;
	char *value;     /* whitespace around it removed */
	size_t pos;      /* 0-based offset of the name in the text */
	size_t vpos;     /* 0-based offset of the value */
};

struct taglist {
	struct tag *v;
	size_t n, alloc;
};
#define TAGLIST_INIT { NULL, 0, 0 }

/*
 * Parse a tag-list. Empty specs (";;", a final ";") are allowed because
 * receivers accept them. Duplicate names are an error (RFC 6376 3.2);
 * names compare case-insensitively when icase. Returns 0, or -1 with
 * *errpos (0-based) and *errmsg (static text) set; out is then empty.
 */
int taglist_parse(const char *text, bool icase, struct taglist *out,
		  size_t *errpos, const char **errmsg);
/*
 * Does txt begin with "v=<version>" as its first tag (whitespace allowed
 * around '=', then ';' or the end)? version compares exactly.
 */
bool taglist_is_version(const char *txt, const char *version);
const struct tag *taglist_get(const struct taglist *tl, const char *name, bool icase);
void taglist_release(struct taglist *tl);

/* ---- analyze_mx.c --------------------------------------------------- */

/*
 * MX: mx.none, mx.implicit, mx.null, mx.null-mixed, mx.no-address,
 * mx.cname, mx.ip-literal, mx.special-address, mx.no-redundancy.
 */
void analyze_mx(const struct domain_snap *d, const struct analyze_opts *o,
		struct findings *out);
/* RFC 6890 special-use range containing the address, or NULL. */
const char *special_use_range(const char *addr);

/* ---- analyze_ptr.c -------------------------------------------------- */

/* ptr.missing, ptr.mismatch, ptr.generic for MX addresses and configured sending IPs. */
void analyze_ptr(const struct domain_snap *d, const struct analyze_opts *o,
		 struct findings *out);
/* "10.2.0.192.in-addr.arpa." for an address; NULL if not an address. */
char *reverse_name(const char *addr);
/*
 * Forward-confirmed reverse DNS of addr from the snapshot: 1 confirmed,
 * 0 no PTR, -1 the PTR names do not resolve back, -2 not collected or
 * unknown. *ptrname gets the first PTR name (caller frees) or NULL.
 */
int ptr_fcrdns(const struct domain_snap *d, const char *addr, char **ptrname);

/* ---- ptr_generic.c -------------------------------------------------- */

/*
 * Does the reverse name of addr look generic (an access provider's name
 * for a pool, not a mail server's)? why gets the reason. Mail
 * providers' own hosts (google.com, outbound.protection.outlook.com,
 * ...) are never generic.
 */
bool ptr_generic(const char *name, const char *addr, char *why, size_t size);

/* ---- analyze_dmarc.c ------------------------------------------------ */

enum dmarc_policy { DP_UNSET = -1, DP_NONE, DP_QUARANTINE, DP_REJECT, DP_INVALID };

/* A problem with one tag's value: the record stays usable. */
struct dmarc_issue {
	size_t pos;        /* 0-based offset in the record */
	char msg[120];
};

struct dmarc_record {
	enum dmarc_policy p, sp, np;
	int pct;                /* -1 when absent */
	char adkim, aspf;       /* 'r', 's'; 0 absent */
	char t;                 /* 'y', 'n'; 0 absent */
	char psd;               /* 'y', 'n', 'u'; 0 absent */
	struct strlist rua, ruf;
	struct dmarc_issue issues[8];
	size_t nissue;
};

const char *dmarc_policy_name(enum dmarc_policy p);
int dmarc_policy_parse(const char *s, enum dmarc_policy *out);
/*
 * Parse a DMARC record (the joined TXT strings). Returns 0 when receivers
 * would use it (bad values of optional tags are listed in out->issues),
 * or -1 with *errpos and *errmsg when it is no DMARC record at all. Release
 * out in both cases.
 */
int dmarc_parse(const char *txt, struct dmarc_record *out, size_t *errpos,
		const char **errmsg);
void dmarc_record_release(struct dmarc_record *r);
/*
 * The effective record of d's _dmarc name: 0 and *out filled when exactly
 * one valid record exists; -1 otherwise (policy checks use it).
 */
int dmarc_effective(const struct domain_snap *d, struct dmarc_record *out);
/*
 * dmarc.missing, dmarc.at-apex, dmarc.multiple, dmarc.syntax,
 * dmarc.policy-none, dmarc.sp-none, dmarc.np-none, dmarc.pct, dmarc.testing,
 * dmarc.psd, dmarc.strict-alignment, dmarc.no-rua, dmarc.bad-uri,
 * dmarc.rua-unauthorized.
 */
void analyze_dmarc(const struct domain_snap *d, const struct analyze_opts *o,
		   struct findings *out);

/* ---- analyze_dkim.c ------------------------------------------------- */

/* The state of one selector after analysis (policy checks use it). */
struct dkim_selector_state {
	bool found;      /* one record with v/k/p usable */
	unsigned bits;   /* key size; 0 when unknown */
	char type[16];   /* "rsa", "ed25519" or "" */
};

/*
 * dkim.no-selectors, dkim.missing, dkim.multiple, dkim.syntax,
 * dkim.version, dkim.key-type, dkim.hash, dkim.service, dkim.revoked,
 * dkim.key-invalid, dkim.key-too-short, dkim.key-weak, dkim.key-too-long,
 * dkim.testing.
 */
void analyze_dkim(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out);
/* Analyze one selector into out (may be NULL) and st (may be NULL). */
void analyze_dkim_selector(const struct domain_snap *d, const char *sel,
			   const struct analyze_opts *o, struct findings *out,
			   struct dkim_selector_state *st);

/* ---- analyze_mtasts.c ----------------------------------------------- */

/*
 * mtasts.multiple, mtasts.syntax; tlsrpt.multiple, tlsrpt.syntax;
 * tlsa.usage, tlsa.syntax; bimi.syntax, bimi.no-dmarc.
 */
void analyze_mtasts(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out);
void analyze_tlsrpt(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out);
void analyze_tlsa(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out);
void analyze_bimi(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out);
/* Is there exactly one valid v=STSv1 record? */
bool mtasts_present(const struct domain_snap *d);

/* ---- analyze_status.c ----------------------------------------------- */

/* dns.disagree, dns.unknown, dns.stale. */
void analyze_status(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out);

/* ---- analyze_ns.c --------------------------------------------------- */

/* dns.lame, dns.ns-unreachable: the domain's own nameservers. */
void analyze_ns(const struct domain_snap *d, const struct analyze_opts *o,
		struct findings *out);

#endif
