/*
 * fw.h - firewall exports (iptables, nftables JSON, ipset, RouterOS,
 * pfSense and OPNsense; the formats' table is fw_format.c), the
 * normalized model they parse into, and reachability over address sets.
 *
 * The model is one list of chains. Base chains carry a hook, a priority,
 * a type (filter, nat) and a policy, the way nftables states them;
 * iptables tables become base chains with the kernel's fixed priorities
 * (raw -300, mangle -150, nat -100/100, filter 0, security 50), so one
 * evaluator serves both formats and follows the kernel's order.
 *
 * Addresses live in one 128-bit space: IPv6 as is, IPv4 as ::ffff:a.b.c.d.
 * Reachability is answered for sets of addresses (struct fw_addrset), so
 * "every source but 198.51.100.0/28" is one answer, not 2^32 probes.
 */
#ifndef MXAUDIT_FW_H
#define MXAUDIT_FW_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "finding.h"
#include "snapshot.h"

struct fw_mask;

__extension__ typedef unsigned __int128 fw_u128;

/* Address families as bits, so a chain or match can cover both. */
#define FW_V4  1
#define FW_V6  2
#define FW_ANY 3

/* ---- fw_addrset.c: sets of addresses as sorted disjoint ranges ---- */

struct fw_range {
	fw_u128 lo, hi;
};

struct fw_addrset {
	struct fw_range *v;   /* sorted, disjoint, not adjacent */
	size_t n, alloc;
};
#define FW_ADDRSET_INIT { NULL, 0, 0 }

/* Parse "192.0.2.1" or "2001:db8::1"; *fam gets FW_V4 or FW_V6. */
int fw_ip_parse(const char *s, fw_u128 *out, int *fam);
/* Format an address of family fam into buf (at least 46 bytes). */
void fw_ip_format(fw_u128 ip, int fam, char *buf, size_t len);
/*
 * Parse "ADDR", "ADDR/LEN" or "ADDR/DOTTED-MASK" into a range. Host bits
 * set below the prefix are ignored, as iptables does. Returns -1 on bad
 * input without printing.
 */
int fw_cidr_parse(const char *s, struct fw_range *out, int *fam);
/* The range of every address of one family (FW_V4 or FW_V6). */
struct fw_range fw_universe(int fam);

void fw_as_add(struct fw_addrset *s, fw_u128 lo, fw_u128 hi);
void fw_as_set_universe(struct fw_addrset *s, int fam);
void fw_as_copy(struct fw_addrset *dst, const struct fw_addrset *src);
/* dst = a op b; dst may not alias a or b. dst's old content is dropped. */
void fw_as_union(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b);
void fw_as_intersect(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b);
void fw_as_subtract(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b);
/* In place: a |= b, a &= b, a -= b. */
void fw_as_merge(struct fw_addrset *a, const struct fw_addrset *b);
void fw_as_restrict(struct fw_addrset *a, const struct fw_addrset *b);
void fw_as_remove(struct fw_addrset *a, const struct fw_addrset *b);
bool fw_as_contains(const struct fw_addrset *s, fw_u128 ip);
bool fw_as_equal(const struct fw_addrset *a, const struct fw_addrset *b);
static inline bool fw_as_empty(const struct fw_addrset *s) { return s->n == 0; }
/* Append the minimal CIDR list covering s, formatted for family fam. */
void fw_as_to_cidrs(const struct fw_addrset *s, int fam, struct strlist *out);
/* The CIDR list one block at a time, for answers too big for a list of strings. */
#define FW_CIDR_MAX 64
struct fw_cidr_iter {
	const struct fw_addrset *s;
	int fam;
	size_t i;
	fw_u128 lo, hi;          /* what is left of the current range */
	bool in;
};
void fw_cidr_iter_init(struct fw_cidr_iter *it, const struct fw_addrset *s, int fam);
/* The next block, formatted into buf (FW_CIDR_MAX bytes; NULL: only counted); false at the end. */
bool fw_cidr_next(struct fw_cidr_iter *it, char *buf, size_t len);
/* The same, joined with ",", for messages and rules text; caller frees. */
char *fw_as_join(const struct fw_addrset *s, int fam);
/*
 * Append the first max CIDRs of s to sb, separated by sep; returns how
 * many there are in all, so messages can say "and N more" without
 * formatting the rest (a big blocklist leaves a million).
 */
size_t fw_as_join_some(const struct fw_addrset *s, int fam, const char *sep, size_t max, struct strbuf *sb);
void fw_as_clear(struct fw_addrset *s);
void fw_as_release(struct fw_addrset *s);
/* Append from's ranges unsorted; fw_as_normalize() sorts and merges them after. */
void fw_as_append_raw(struct fw_addrset *s, const struct fw_addrset *from);
void fw_as_add_raw(struct fw_addrset *s, fw_u128 lo, fw_u128 hi);
void fw_as_normalize(struct fw_addrset *s);
/* Sort n elements of size bytes by the fw_u128 they start with (stable for n >= 48). */
void fw_sort_by_lo(void *base, size_t n, size_t size);

/*
 * A set that only shrinks: a base minus removed pieces kept in sorted
 * levels (merged like a binary counter), so taking many small pieces out
 * of a large set costs O(log n) each instead of a copy of the set. What
 * is removed must be inside the set.
 */
struct fw_count {
	fw_u128 lo;
	int carry;
};
struct fw_shrinking {
	struct fw_addrset base;
	struct fw_addrset *lv;        /* sorted levels of removed pieces */
	size_t nlv, lv_alloc;
	struct fw_addrset pend;       /* the newest removals, unsorted, < 64 */
	struct fw_count left;         /* addresses still in the set */
};
void fw_sh_init(struct fw_shrinking *s, struct fw_addrset *base);   /* takes base */
bool fw_sh_empty(const struct fw_shrinking *s);
void fw_sh_query(const struct fw_shrinking *s, const struct fw_addrset *a, struct fw_addrset *out);
void fw_sh_remove(struct fw_shrinking *s, const struct fw_addrset *r);
void fw_sh_current(struct fw_shrinking *s, struct fw_addrset *out);  /* a copy */
/* The set itself, moved into out (whose old content is dropped); s is left empty. */
void fw_sh_take(struct fw_shrinking *s, struct fw_addrset *out);
void fw_sh_release(struct fw_shrinking *s);

/*
 * fw_firstmatch.c: for a run of rules whose peer addresses are the
 * ranges r (k: the rule's index; r is sorted in place), the peers of S
 * each rule matches first. *hit gets S's part that any rule matches;
 * *pieces (caller frees) the parts by rule, sorted by k, then address,
 * labelled with the smallest k whose ranges cover them. Returns their count.
 */
struct fw_lrange {
	fw_u128 lo, hi;
	size_t k;
};
size_t fw_first_match(struct fw_lrange *r, size_t n, const struct fw_shrinking *S,
		      struct fw_addrset *hit, struct fw_lrange **pieces);

/* ---- the model (fw_model.c) ---- */

struct fw_set;

enum fw_hook {
	FW_HOOK_NONE,          /* a user chain: reached by jump or goto only */
	FW_HOOK_PREROUTING,
	FW_HOOK_INPUT,
	FW_HOOK_FORWARD,
	FW_HOOK_OUTPUT,
	FW_HOOK_POSTROUTING,
	FW_HOOK_OTHER,         /* ingress, egress, ...: not evaluated, makes traffic unknown */
};

enum fw_ctype { FW_CT_FILTER, FW_CT_NAT, FW_CT_ROUTE };

/* Conntrack states, as the conntrack/state matches and nft `ct state` name them. */
#define FW_CT_INVALID     0x01
#define FW_CT_NEW         0x02
#define FW_CT_ESTABLISHED 0x04
#define FW_CT_RELATED     0x08
#define FW_CT_UNTRACKED   0x10
#define FW_CT_SNAT        0x20
#define FW_CT_DNAT        0x40

/* Address types of addrtype --dst-type and nft fib daddr type. */
#define FW_AT_LOCAL     0x01
#define FW_AT_UNICAST   0x02
#define FW_AT_MULTICAST 0x04
#define FW_AT_BROADCAST 0x08

enum fw_mkind {
	FW_M_SADDR, FW_M_DADDR,   /* addrs, or a named set (set_name) */
	FW_M_IIF, FW_M_OIF,       /* names; "eth+" (iptables) and "eth*" (nft) are prefixes */
	FW_M_PROTO,               /* protos bitmap */
	FW_M_SPORT, FW_M_DPORT,   /* ports */
	FW_M_CTSTATE,             /* ctstate bits */
	FW_M_SYN,                 /* tcp SYN set, ACK/RST/FIN clear */
	FW_M_TCPFLAGS,            /* (flags & tcp_mask) == tcp_comp */
	FW_M_DST_TYPE,            /* addrtype --dst-type, fib daddr type: addrtypes bits */
	FW_M_NFPROTO,             /* family bits (nft meta nfproto / inet tables) */
	FW_M_RATE,                /* -m limit, nft limit rate: a fresh bucket lets first packets through; neg: "over" */
	FW_M_TCPOPT,              /* --tcp-option N: tcp_option */
	FW_M_UNSUPPORTED,         /* anything else: may or may not match */
};

struct fw_portrange {
	uint16_t lo, hi;
};

/*
 * A match. What it holds depends on its kind (a union: a 100,000-rule
 * export has some 180,000 matches); fw_match_unsupported() turns a match
 * into an unsupported one without leaking what it held.
 */
struct fw_match {
	enum fw_mkind kind;
	bool neg;
	int fam;                      /* SADDR/DADDR: FW_V4 or FW_V6 */
	char *set_name;               /* ipset / nft named set, resolved by fw_model_finish() */
	const struct fw_set *set;     /* NULL when its members are not known */
	char *what;                   /* the match as written, for messages (not kept for plain address lists) */
	union {
		struct fw_addrset addrs;                  /* SADDR, DADDR */
		struct {                                  /* SPORT, DPORT */
			struct fw_portrange *ports;
			size_t nports, ports_alloc;
		};
		struct strlist names;                     /* IIF, OIF */
		uint8_t protos[32];                       /* PROTO */
		unsigned ctstate;                         /* CTSTATE */
		unsigned addrtypes;                       /* DST_TYPE: FW_AT_* */
		unsigned tcp_option;                      /* TCPOPT */
		struct {                                  /* TCPFLAGS: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128 */
			unsigned tcp_mask, tcp_comp;
		};
	};
};

enum fw_tkind {
	FW_T_NONE,        /* no verdict: counter, log, comment, mark; go on */
	FW_T_ACCEPT,
	FW_T_DROP,
	FW_T_REJECT,
	FW_T_RETURN,
	FW_T_JUMP,
	FW_T_GOTO,
	FW_T_DNAT,
	FW_T_REDIRECT,
	FW_T_SNAT,
	FW_T_MASQUERADE,
	FW_T_UNSUPPORTED, /* queue, vmap, unknown target: unknown for what it matches */
};

/* Fields ordered for size: a 100,000-rule export has as many of these. */
struct fw_rule {
	struct fw_match *m;
	size_t nm;
	char *target_name;            /* the jump/goto chain, or the unsupported target */
	char *text;                   /* the rule as written (iptables) or rendered (nft); in the model's pool */
	/* DNAT / SNAT / REDIRECT */
	fw_u128 nat_addr;
	enum fw_tkind target;
	int jump_idx;                 /* chain index after fw_model_finish(), else -1 */
	unsigned line;                /* line in the export (nft JSON: object index) */
	unsigned pos;                 /* 1-based position in its chain */
	int nat_fam;
	unsigned m_alloc;
	uint16_t nat_port;            /* 0: port unchanged */
	bool nat_has_addr;
	bool nat_ambiguous;           /* address or port ranges: the kernel picks one */
	bool sealed;                  /* m and every string and array of it in the model's pool */
	bool set_refs;                /* sealed, and a match names a set */
};

struct fw_chain {
	char *table;
	char *name;
	int fam;                      /* families whose packets traverse it */
	enum fw_hook hook;
	int prio;
	enum fw_ctype type;
	enum fw_tkind policy;         /* ACCEPT or DROP for base chains */
	struct fw_rule *rules;
	size_t n, alloc;
	unsigned line;
};

/* A named set: ipset, or an nft set of addresses. */
struct fw_set {
	char *table;                  /* NULL for ipset */
	char *name;
	int fam;
	bool is_addr;                 /* false: ports or interfaces; matches on it are unsupported */
	struct fw_addrset addrs;
	struct fw_portrange *ports;
	size_t nports, ports_alloc;
};

struct fw_model {
	char *format;                 /* "iptables", "nft-json" */
	char *file;                   /* for messages */
	int fam;                      /* families the export covers */
	struct fw_chain *chains;
	size_t n, alloc;
	struct fw_set *sets;
	size_t nsets, sets_alloc;
	bool ipset_loaded;            /* an ipset save file was given */
	struct mempool pool;          /* the rules' text */
	/*
	 * What an appliance's configuration says of itself (pfSense, OPNsense,
	 * RouterOS); NULL and empty for iptables and nftables. The parser
	 * fills them; --in/--out and the mxaudit configuration override.
	 */
	char *outside_iface, *inside_iface;
	struct fw_addrset self;       /* the firewall's own addresses (interfaces, virtual IPs) */
	struct strlist if_addrs;      /* "IFACE ADDRESS": what a masquerade out of IFACE becomes */
};
#define FW_MODEL_INIT { 0 }

const char *fw_hook_name(enum fw_hook h);
const char *fw_target_name(enum fw_tkind t);
struct fw_chain *fw_model_chain(struct fw_model *m, const char *table, const char *name);
struct fw_chain *fw_model_add_chain(struct fw_model *m, const char *table, const char *name);
struct fw_rule *fw_chain_add_rule(struct fw_chain *c);
struct fw_match *fw_rule_add_match(struct fw_rule *r, enum fw_mkind kind, bool neg);
/*
 * A finished rule's matches, their addresses, ports and strings, and its
 * target name move into the model's pool: a 100,000-rule export is then a
 * few hundred blocks to free, not half a million, and releasing the model
 * does not walk them. A sealed rule must not grow or change its strings.
 */
void fw_rule_seal(struct fw_model *m, struct fw_rule *r);
struct fw_set *fw_model_add_set(struct fw_model *m, const char *table, const char *name);
void fw_ports_add(struct fw_portrange **v, size_t *n, size_t *alloc, unsigned lo, unsigned hi);
void fw_match_set_proto(struct fw_match *mt, unsigned proto);
/* Make mt FW_M_UNSUPPORTED (not negated), dropping what its kind held. */
void fw_match_unsupported(struct fw_match *mt);
/*
 * Resolve jumps and named sets. Errors (a jump to a chain that does not
 * exist) name file:line. Call once after every parser has run.
 */
int fw_model_finish(struct fw_model *m);
/* "filter FORWARD #3: -A FORWARD ..." for messages; caller frees. */
char *fw_rule_label(const struct fw_chain *c, const struct fw_rule *r);
/* The same, in a pool. */
char *fw_rule_label_in(struct mempool *mp, const struct fw_chain *c, const struct fw_rule *r);
/* The normalized one-line form of a rule; caller frees. */
char *fw_rule_render(const struct fw_rule *r);
/* The canonical rules text (firewall/<name>.rules); caller frees. */
char *fw_model_rules_text(const struct fw_model *m);
void fw_model_release(struct fw_model *m);

/* ---- parsers: file is for messages; errors name file:line ---- */

/* fw_iptables.c: iptables-save output, or `iptables -S` (several tables may follow each other). */
int fw_parse_iptables(struct fw_model *m, const char *file, const char *text);
/* fw_nft.c: `nft -j list ruleset`. */
int fw_parse_nft_json(struct fw_model *m, const char *file, const char *text);
/*
 * fw_nft_text.c: `nft list ruleset` text, read as the JSON form of the
 * same ruleset would be (the same model). An include line is a warning.
 */
int fw_parse_nft_text(struct fw_model *m, const char *file, const char *text);
/* Does text look like nft text (its first word table, flush, include, ...)? */
bool fw_nft_text_detect(const char *text);
/*
 * The text as stored: counter values zeroed, handles removed, secrets
 * masked by mask (may be NULL); caller frees.
 */
char *fw_nft_text_clean(const char *text, const struct fw_mask *mask);
/*
 * The export without volatile parts (handles, counter values), one
 * object a line so diffs read well; NULL if text is not JSON. Caller frees.
 */
char *fw_nft_clean(const char *text, const struct fw_mask *mask);
/* The iptables export without counters and timestamps, secrets masked (fw_export.c). Caller frees. */
char *fw_iptables_clean(const char *text, const struct fw_mask *mask);
/* fw_routeros.c: MikroTik RouterOS `/export` (terse or wrapped). */
bool fw_routeros_detect(const char *text);
int fw_parse_routeros(struct fw_model *m, const char *file, const char *text);
/* One logical line a line, the date header out, secrets and /user masked. Caller frees. */
char *fw_routeros_clean(const char *text, const struct fw_mask *mask);
/* fw_pfsense.c: pfSense config.xml. */
bool fw_pfsense_detect(const char *text);
int fw_parse_pfsense(struct fw_model *m, const char *file, const char *text);
/* The config.xml without <revision>, <created>, <updated>; secrets masked. Caller frees. */
char *fw_pfsense_clean(const char *text, const struct fw_mask *mask);
/* fw_opnsense.c: OPNsense config.xml, legacy and MVC sections. */
bool fw_opnsense_detect(const char *text);
int fw_parse_opnsense(struct fw_model *m, const char *file, const char *text);
char *fw_opnsense_clean(const char *text, const struct fw_mask *mask);
/* fw_fortios.c: FortiGate `show` / `show full-configuration` / backup. */
bool fw_fortios_detect(const char *text);
int fw_parse_fortios(struct fw_model *m, const char *file, const char *text);
/* The configuration without #conf_file_ver and uuids, secrets masked. Caller frees. */
char *fw_fortios_clean(const char *text, const struct fw_mask *mask);
/* fw_asa.c: Cisco ASA `show running-config` (8.3 and later; 8.2 static/global/nat). */
bool fw_asa_detect(const char *text);
int fw_parse_asa(struct fw_model *m, const char *file, const char *text);
/* The configuration without ": Written by" and the checksum, secrets masked. Caller frees. */
char *fw_asa_clean(const char *text, const struct fw_mask *mask);
/* fw_junos.c: Juniper SRX `show configuration` (braces) or `| display set`. */
bool fw_junos_detect(const char *text);
int fw_parse_junos(struct fw_model *m, const char *file, const char *text);
/* The configuration without "## Last commit", secrets masked. Caller frees. */
char *fw_junos_clean(const char *text, const struct fw_mask *mask);
/* fw_panos.c: Palo Alto PAN-OS XML configuration. */
bool fw_panos_detect(const char *text);
int fw_parse_panos(struct fw_model *m, const char *file, const char *text);
/* The XML with phash, keys and passwords masked, save stamps (time, dirtyId, admin) out. Caller frees. */
char *fw_panos_clean(const char *text, const struct fw_mask *mask);
/* The line prefix of ipset members carried at the end of a stored iptables export. */
#define FW_IPSET_PREFIX "#ipset "

/* fw_ipset.c: `ipset save` output; adds the sets' members to the model. */
int fw_parse_ipset(struct fw_model *m, const char *file, const char *text);

/* ---- fw_format.c: the formats mxaudit reads, one row each ---- */

struct fw_format {
	const char *name;             /* as in mxaudit.yaml's format: and reach --fw-format */
	const char *what;             /* the export it reads, for help text */
	/* Is text (leading blanks skipped) of this format? */
	bool (*detect)(const char *text);
	/* Parse into m (not finished); errors name file:line. */
	int (*parse)(struct fw_model *m, const char *file, const char *text);
	/* The export as stored: volatile parts left out, secrets masked; NULL if unreadable. */
	char *(*clean)(const char *text, const struct fw_mask *mask);
	bool ipset;                   /* members of its named sets come from an ipset save file */
	/* Where the outside and inside interfaces come from when --in/--out do not say. */
	const char *ifaces;
};

const struct fw_format *fw_format_find(const char *name);
/* The format the text is in, or NULL. */
const struct fw_format *fw_format_detect(const char *text);
/* The i-th row, or NULL past the end (for help text and tests). */
const struct fw_format *fw_format_at(size_t i);
/* "iptables, nft-json, ..." for messages. */
const char *fw_format_names(void);

/* ---- fw_reach.c: reachability ---- */

struct fw_query {
	int fam;                          /* FW_V4 or FW_V6 */
	unsigned proto;                   /* 6 or 17 */
	fw_u128 to;                       /* inbound: the address asked about */
	uint16_t port;                    /* destination port */
	const struct fw_addrset *from;    /* inbound sources; NULL: every address */
	const char *in_iface;             /* where traffic arrives; NULL: unknown */
	const char *out_iface;            /* where it leaves; NULL: unknown */
	const struct fw_addrset *local;   /* the firewall's own addresses; NULL: none */
	bool to_local;                    /* `to` is the firewall's own address */
	/* Egress: from one host to a set of destinations (to/from ignored). */
	bool egress;
	fw_u128 host;
	bool host_local;                  /* the host is the firewall itself */
	const struct fw_addrset *dests;   /* NULL: every address */
	/*
	 * Egress through the firewall: its public addresses, the only
	 * sources replies are routed back to (a connection that leaves with
	 * another source, translated or not, is blocked at the reply
	 * stage). NULL: not asked, any source comes back.
	 */
	const struct fw_addrset *public;
};

enum fw_outcome { FW_ALLOWED, FW_BLOCKED, FW_UNKNOWN };

enum fw_stage {
	FW_STAGE_REQUEST,       /* first packet: NAT and filter */
	FW_STAGE_REPLY,         /* replies, back through conntrack */
	FW_STAGE_ESTABLISHED,   /* later packets of the connection, original direction */
};

/* One piece of the answer: these peers, this outcome, this rule. */
struct fw_part {
	enum fw_outcome outcome;
	enum fw_stage stage;
	struct fw_addrset peers;      /* sources (inbound) or destinations (egress) */
	bool nat;                     /* destination was translated */
	int to_fam;
	fw_u128 to;                   /* where the request goes after NAT */
	uint16_t to_port;
	/*
	 * The deciding rule, "filter FORWARD #3: -A FORWARD ..." or "filter
	 * FORWARD policy DROP": read it with fw_part_rule(), which formats a
	 * rule's label on first use (answers over big exports have 100,000
	 * parts and show few). Strings of parts live in the verdict's pool.
	 */
	const struct fw_chain *rule_chain;
	const struct fw_rule *rule_at;
	char *label;
	char *nat_rule;               /* the DNAT rule, if any */
	char *why;                    /* unknown: the reason */
	/* Egress: the source the connection leaves with, after SNAT/MASQUERADE. */
	bool snat;                    /* translated by snat_rule */
	bool src_known;               /* src is that address (no MASQUERADE, no range) */
	bool no_return;               /* blocked: replies to src cannot come back */
	fw_u128 src;
	char *snat_rule;
};

enum fw_verdict_kind { FW_VERDICT_ALLOWED, FW_VERDICT_BLOCKED, FW_VERDICT_PARTIAL, FW_VERDICT_UNKNOWN };

struct fw_verdict {
	enum fw_verdict_kind verdict;
	int fam;
	struct fw_part *parts;
	size_t n, alloc;
	struct fw_addrset allowed, blocked, unknown;   /* unions over the parts */
	struct mempool pool;          /* the parts' rule, nat_rule and why */
	char *why;                    /* a reason the whole answer is unknown, or NULL */
};
#define FW_VERDICT_INIT { 0 }

/*
 * Answer q against model m: a pure function of its arguments. Every peer
 * of the query ends in exactly one of allowed, blocked and unknown.
 */
void fw_reach(const struct fw_model *m, const struct fw_query *q, struct fw_verdict *out);
/* Part p's deciding rule (see struct fw_part), or NULL. The model must still be loaded. */
const char *fw_part_rule(struct fw_verdict *v, struct fw_part *p);
/* Rules in a row that fw_reach() evaluates at once rather than one by one (default 16). */
extern size_t fw_run_min;
const char *fw_verdict_name(enum fw_verdict_kind v);
const char *fw_outcome_name(enum fw_outcome o);
const char *fw_stage_name(enum fw_stage s);
void fw_verdict_release(struct fw_verdict *v);

/* ---- fw_findings.c: the firewall links of the mail path, as findings ---- */

/*
 * Inbound: does q (q->to, q->port, q->proto; sources q->from or all)
 * reach expect ("IP" or "IP:PORT", port defaulting to q->port) from every
 * source? Adds one finding per broken part, naming the link (inbound.no-dnat,
 * inbound.dnat-wrong-target, inbound.blocked, inbound.reply-blocked,
 * inbound.unknown), the sources, the deciding rule as evidence and the
 * snapshot file firewall/<fw_name>.rules. Nothing is added when all is well.
 * Returns -1 only when expect is not an address.
 */
int fw_check_inbound(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     const char *expect, struct findings *out);
/*
 * How an inbound.blocklist finding is judged: a warning when the list
 * covers more than warn_ppm millionths of the family's addresses, or any
 * address of must_reach; info otherwise.
 */
#define FW_LIST_WARN_PPM 10000   /* the default: 1% */
struct fw_list_policy {
	long warn_ppm;
	struct fw_addrset must_reach[2];   /* by family: FW_V4 - 1, FW_V6 - 1 */
	char *share_from;                  /* where warn_ppm was set ("file:line:col"), or NULL */
	char *reach_from;                  /* where must_reach was set, or NULL */
};
void fw_list_policy_init(struct fw_list_policy *lp);
void fw_list_policy_release(struct fw_list_policy *lp);
/*
 * The same for several mail hosts: traffic is right when it reaches any
 * of expect[0..n) (another family's entries are an error). When reached
 * is not NULL (n sets), reached[i] gets the sources whose whole
 * connection reaches expect[i], for the next link of the path. lp judges
 * blocklists (NULL: the defaults).
 */
int fw_check_inbound_any(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
			 const char *const *expect, size_t n, struct fw_addrset *reached,
			 const struct fw_list_policy *lp, struct findings *out);
/*
 * Egress from q->host (q->fam, q->in_iface/out_iface, q->host_local;
 * destinations q->dests or all): tcp/25, udp/53 and tcp/53 out. Adds
 * egress.smtp-blocked, egress.dns-blocked or egress.unknown findings.
 */
void fw_check_egress(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     struct findings *out);
/*
 * The same for several hosts through one firewall, as one path: h[i]'s
 * destinations per service (tcp/25, udp/53, tcp/53; NULL: every address)
 * are those the firewalls before this one let through, and h[i].passed
 * gets those this one does not block (allowed or unknown), for the next.
 * Parts with one root cause (outcome, stage, deciding rule) are one
 * finding whichever hosts and services they cover (subject "FW: tcp/25,
 * udp/53 from A, B"). h[i].public overrides base->public.
 */
#define FW_EGRESS_NSVC 3
struct fw_egress_host {
	fw_u128 host;
	const struct fw_addrset *dests[FW_EGRESS_NSVC];
	const struct fw_addrset *public;
	struct fw_addrset passed[FW_EGRESS_NSVC];   /* out; the caller releases */
};
void fw_check_egress_hosts(const struct fw_model *m, const char *fw_name, const struct fw_query *base,
			   struct fw_egress_host *h, size_t n, struct findings *out);

/* ---- fw_identity.c: the address mail leaves with ---- */

enum fw_id_kind {
	FW_ID_NONE,        /* no source NAT: the host's own address */
	FW_ID_SNAT,        /* translated to addr */
	FW_ID_MASQUERADE,  /* the outside interface's address, not stated in the export */
	FW_ID_UNKNOWN,     /* a rule that may apply cannot be decided (why) */
};

struct fw_identity {
	enum fw_id_kind kind;
	fw_u128 addr;
	int fam;
	char *rule;        /* the deciding NAT rule's label, or NULL */
	char *why;         /* FW_ID_UNKNOWN: the reason */
};

/*
 * The source address new tcp/q->port from q->host leaves with through
 * q->out_iface (pure). Release with fw_identity_release().
 */
void fw_outbound_identity(const struct fw_model *m, const struct fw_query *q, struct fw_identity *out);
void fw_identity_release(struct fw_identity *id);

/* ---- fw_exposure.c ---- */

/*
 * inbound.default-accept when ports no mail host offers (3389, 445, 22,
 * ...) to q->to reach host as well, allowed by a chain's default accept
 * (RouterOS has no implicit deny).
 */
void fw_check_exposure(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		       fw_u128 host, struct findings *out);

/* ---- fw_mask.c: secrets out of stored exports ---- */

struct fw_mask {
	unsigned char key[32];     /* the store's masking key */
	bool keyed;                /* false: no key to be had, markers are plain "<masked>" */
	regex_t *re;               /* the firewall's own `mask:` patterns */
	size_t nre;
};
/*
 * Ready mk for a firewall's export: the store's key from store_dir
 * (created on first use; NULL: none) and the `mask:` patterns (extended
 * regexes; one that does not compile is an error naming fw_name).
 */
int fw_mask_init(struct fw_mask *mk, const char *store_dir, const char *fw_name,
		 const struct strlist *patterns);
void fw_mask_release(struct fw_mask *mk);
/* Is name (n bytes) one whose value format's table says is a secret? */
bool fw_mask_is_secret(const char *format, const char *name, size_t n);
/* Append the marker for value (n bytes), "<masked:12 hex digits>". mk may be NULL. */
void fw_mask_marker(const struct fw_mask *mk, const char *value, size_t n, struct strbuf *out);
/*
 * Append s (len bytes, one line or string) to out with the values of the
 * format's secret names masked: "NAME VALUE" (blanks: spaces or tabs;
 * a quoted value whole) and "NAME=VALUE".
 */
void fw_mask_words(const struct fw_mask *mk, const char *format, const char *s, size_t len,
		   struct strbuf *out);
/* A copy of text with what the `mask:` patterns match masked (group 1 if any). */
char *fw_mask_site(const struct fw_mask *mk, const char *text);

/* ---- fw_command.c: a firewall's export command ---- */

/*
 * Run command under /bin/sh in its own process group, its stdout into
 * *out (NUL-terminated, *len bytes; the caller frees), for timeout_s
 * seconds at most (0: 60); then the group is killed. Errors (timeout,
 * failure, more than INPUT_MAX_EXPORT, a NUL byte) name the firewall.
 */
int fw_command_run(const char *name, const char *command, unsigned timeout_s,
		   char **out, size_t *len);

/*
 * The sources tcp/25 from q->host leaves with, after source NAT, over
 * the destinations it may reach (each distinct source once; known false:
 * a MASQUERADE or an address range, the kernel picks). *out: caller
 * frees with fw_leaves_free(). With q->public, a connection that cannot
 * get its replies back is not among them.
 */
struct fw_leave {
	fw_u128 src;
	bool known;
	char *rule;                   /* the SNAT/MASQUERADE rule; NULL: not translated */
};
size_t fw_egress_sources(const struct fw_model *m, const struct fw_query *q, struct fw_leave **out);
void fw_leaves_free(struct fw_leave *v, size_t n);

/* ---- fw_export.c: snapshot files ---- */

/*
 * Read an export (and optional ipset save file) and fill out: the masked
 * export text without volatile lines (counters, timestamps, handles) and
 * the normalized rules text. format: "iptables" or "nft-json".
 */
int fw_collect(const char *name, const char *format, const char *file,
	       const char *ipset_file, const struct fw_mask *mask, struct fw_snap *out);
/* The same for an export already in memory; label names it in errors. */
int fw_collect_text(const char *name, const char *format, const char *label, const char *text,
		    const char *ipset_file, const struct fw_mask *mask, struct fw_snap *out);
/*
 * The export text as stored, masked (format's table, then mask's
 * patterns; mask may be NULL) and without volatile parts; caller frees.
 */
char *fw_export_clean(const char *format, const char *text, const struct fw_mask *mask);
/*
 * Rebuild the model from a stored snapshot by parsing its export text
 * again (the export is the source of truth; the rules text is for
 * people and diffs). ipset members are stored after the export, see
 * docs/firewall.md.
 */
int fw_model_from_snap(const struct fw_snap *fs, struct fw_model *out);
/* Parse text of a format into m and finish it. */
int fw_model_parse(struct fw_model *m, const char *format, const char *file,
		   const char *text, const char *ipset_file, const char *ipset_text);
/* The name of the format of the text (fw_format_detect()), or NULL. */
const char *fw_detect_format(const char *text);

#endif
