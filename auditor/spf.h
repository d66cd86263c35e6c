/*
 * spf.h - SPF (RFC 7208): record parser, macro expander, check_host()
 * and static analysis.
 *
 * The evaluator never touches the network itself: it asks a lookup
 * callback (struct spf_dns), which answers from a snapshot
 * (spf_snapdns.c) or from the live resolver. So a check of last week's
 * snapshot and a live check run the same code.
 */
#ifndef MXAUDIT_SPF_H
#define MXAUDIT_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "finding.h"
#include "snapshot.h"
#include "util.h"

enum spf_result {
	SPF_NONE,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR,
};

/* RFC 7208 limits (section 4.6.4). */
#define SPF_MAX_LOOKUPS 10   /* include a mx ptr exists redirect */
#define SPF_MAX_VOIDS 2      /* NXDOMAIN or NODATA answers */
#define SPF_MAX_MX_NAMES 10  /* exchanges one mx term may resolve */
#define SPF_MAX_PTR_NAMES 10 /* PTR names looked at; the rest ignored */
#define SPF_MAX_RECORD 450   /* advice of 3.4: a record that fits UDP */
#define SPF_MAX_STRING 255   /* one character-string */

/* ---- spf_parse.c ---------------------------------------------------- */

enum spf_kind {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT,   /* modifiers from here on */
	SPF_EXP,
	SPF_UNKNOWN_MOD,
};
#define SPF_IS_MODIFIER(k) ((k) >= SPF_REDIRECT)

struct spf_term {
	enum spf_kind kind;
	char qualifier;       /* '+', '-', '~' or '?'; '+' for modifiers */
	char *text;           /* the term as written */
	char *domain;         /* domain-spec or modifier value; NULL if absent */
	uint8_t addr[16];     /* ip4 (first 4 bytes) or ip6 network */
	int cidr4, cidr6;     /* prefix lengths; 32/128 when not given */
	size_t pos;           /* byte offset of the term in the record */
};

struct spf_record {
	struct spf_term *terms;
	size_t n, alloc;
	int redirect, exp;    /* index into terms, or -1 */
	bool has_all;         /* an "all" anywhere cancels redirect */
};

struct spf_error {
	size_t pos;           /* byte offset in the record */
	char msg[160];
};

const char *spf_result_name(enum spf_result r);
int spf_result_parse(const char *s, enum spf_result *out);
const char *spf_kind_name(enum spf_kind k);
/* Does this TXT string select as an SPF record ("v=spf1" then SP or end)? */
bool spf_is_record(const char *txt, size_t len);
/*
 * Parse a whole record (version included) of len bytes; it need not be
 * NUL-terminated. On a syntax error returns -1 with err filled (no
 * message printed) and *out released. *out is the caller's to release.
 */
int spf_parse(const char *rec, size_t len, struct spf_record *out,
	      struct spf_error *err);
void spf_record_release(struct spf_record *r);
/* Does a domain name follow RFC 1035 rules as check_host() needs (4.3)? */
bool spf_domain_valid(const char *name);

/* ---- spf_macro.c ---------------------------------------------------- */

struct spf_macro_vars {
	const char *sender;     /* full sender "l@o"; local part "postmaster" if none */
	const char *local;      /* %{l} */
	const char *sender_dom; /* %{o} */
	const char *domain;     /* %{d}: the current domain */
	const char *helo;       /* %{h} */
	const char *receiver;   /* %{r}, exp only */
	int family;             /* 4 or 6 */
	uint8_t ip[16];         /* the client address (4 bytes for IPv4) */
	time_t now;             /* %{t}, exp only */
	/* %{p}: the validated name; called at most once per expansion. */
	char *(*get_p)(void *arg);   /* returns an allocated string */
	void *p_arg;
};

/*
 * Check macro-string syntax only (exp says whether the exp-only letters
 * c, r and t are allowed). Returns 0, or -1 with err filled; err->pos is
 * relative to s. *ends_macro (may be NULL) says whether s ends with a
 * macro-expand, which a domain-spec may end with instead of a toplabel.
 */
int spf_macro_check(const char *s, size_t len, bool exp, bool *ends_macro,
		    struct spf_error *err);
/*
 * Expand a macro-string into out (appended). domain_spec asks for the
 * 253-character truncation of section 7.3. Returns 0 or -1 with err.
 */
int spf_macro_expand(const char *s, size_t len, const struct spf_macro_vars *v,
		     bool exp, bool domain_spec, struct strbuf *out,
		     struct spf_error *err);

/* ---- spf_eval.c ----------------------------------------------------- */

/*
 * The lookup callback. name is absolute or not (the callback decides),
 * type a mnemonic ("TXT", "A", "AAAA", "MX", "PTR"). *rrs may hold any
 * records (CNAMEs too): the evaluator keeps those of the type asked. The
 * records are borrowed and stay valid until the next call.
 */
struct spf_dns {
	enum lookup_state (*lookup)(void *ctx, const char *name, const char *type,
				    const struct rr **rrs, size_t *n);
	void *ctx;
};

struct spf_query {
	const char *ip;        /* client address, IPv4 or IPv6 text */
	const char *sender;    /* MAIL FROM; "" or NULL uses postmaster@helo */
	const char *helo;      /* HELO/EHLO name; may be NULL */
	const char *domain;    /* the domain to check (MAIL FROM's or HELO's) */
	const char *receiver;  /* %{r}; NULL gives "unknown" */
	time_t now;            /* %{t}; 0 means time(NULL) */
	bool result_only;      /* no step trace: for callers that judge the result alone */
};

/* One step of the trace: a term evaluated, or a record fetched. */
struct spf_step {
	unsigned depth;        /* 0 for the top record, +1 per include/redirect */
	char *domain;          /* whose record */
	char *term;            /* the term as written; "(record)" for the fetch */
	char *lookup;          /* what it looked up and how that ended; or NULL */
	unsigned lookups;      /* running count of lookup terms */
	unsigned voids;        /* running count of void lookups */
	char *outcome;         /* "match", "no match", a result word, ... */
};

struct spf_eval {
	enum spf_result result;
	char *reason;          /* one line: why this result */
	char *term;            /* the deciding term as written, or NULL */
	char *term_domain;     /* whose record it is in */
	char *explanation;     /* fail only: the exp= text, or NULL */
	unsigned lookups, voids;
	struct spf_step *steps;
	size_t nstep, step_alloc;
};

/*
 * Run check_host() for q against the DNS behind dns. Always fills *out
 * (the caller releases it). Returns 0, or -1 if the query itself is
 * unusable (bad IP address; an error is printed).
 */
int spf_check_host(const struct spf_dns *dns, const struct spf_query *q,
		   struct spf_eval *out);
void spf_eval_release(struct spf_eval *e);
/* Parse an IPv4 or IPv6 address; IPv4-mapped IPv6 becomes IPv4. */
int spf_parse_ip(const char *s, int *family, uint8_t ip[16]);

/* ---- spf_snapdns.c -------------------------------------------------- */

/*
 * Answer lookups from one domain's snapshot: records present give
 * NOERROR (CNAMEs followed); otherwise the recorded lookup state; a
 * lookup the collector never made answers NXDOMAIN. d is borrowed.
 */
struct spf_snapdns {
	const struct domain_snap *d;   /* searched first; may be NULL */
	const struct snapshot *snap;   /* optional: then every domain of it */
	char *name;                    /* scratch: the absolute name asked */
};
void spf_snapdns_init(struct spf_snapdns *s, const struct snapshot *snap,
		      const struct domain_snap *d, struct spf_dns *dns);
void spf_snapdns_release(struct spf_snapdns *s);
/* A name as asked (any byte, from macro expansion) in presentation form. */
char *spf_present_name(const char *name);

/* ---- spf_livedns.c -------------------------------------------------- */

struct server;
struct resolver_opts;
/*
 * Answer lookups live through resolve_one() to one server. After
 * SPF_TIME_LIMIT seconds every further lookup answers LK_TIMEOUT, so a
 * slow server ends the evaluation in temperror (RFC 7208 4.6.4).
 */
#define SPF_TIME_LIMIT 20
struct spf_livedns {
	const struct server *srv;
	const struct resolver_opts *opts;
	struct rr *rrs;
	size_t nrr;
	unsigned queries;
	double deadline;     /* CLOCK_MONOTONIC seconds */
};
void spf_livedns_init(struct spf_livedns *l, const struct server *srv,
		      const struct resolver_opts *opts, struct spf_dns *dns);
void spf_livedns_release(struct spf_livedns *l);

/* ---- spf_check.c ---------------------------------------------------- */

/*
 * Static analysis of the SPF of d->name from the snapshot, with no
 * policy: syntax, multiple records, worst-case lookup count, void
 * lookups, dangling include/redirect, loops, +all/?all, ptr, length,
 * the SPF RR type. Findings are appended to fs. Pure: no I/O.
 */
void spf_analyze(const struct domain_snap *d, struct findings *fs);
/*
 * Policy: each address in ips must get pass for d->name. Every other
 * result is a critical "spf.ip-not-authorized" naming the deciding term.
 */
void spf_check_ips(const struct domain_snap *d, const struct strlist *ips,
		   struct findings *fs);

#endif
