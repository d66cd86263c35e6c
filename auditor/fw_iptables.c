/*
 * fw_iptables.c - iptables-save output and `iptables -S` output into the
 * model. ip6tables forms are the same grammar with IPv6 addresses.
 *
 * The save form names tables with "*table" lines and chains with
 * ":CHAIN POLICY [counters]". The -S form has no table lines: each
 * `iptables -t T -S` prints "-P" lines first, so a run of "-P" lines
 * starts a table, and which built-in chains it names tells which table
 * (nat has PREROUTING and INPUT but no FORWARD, and so on). An explicit
 * "-t T" on a line, or a "*T" line, wins.
 *
 * A match or target this file does not understand is kept as an
 * "unsupported" match or target, never dropped: reachability then says
 * unknown for the traffic it could affect, naming the rule.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"

/*
 * Option names are short and mostly differ early: comparing inline
 * beats a call to strcmp, and a rule's words meet some 25 of these
 * and every table lookup here is a loop of them.
 */
static inline bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

struct builtin {
	const char *table, *chain;
	enum fw_hook hook;
	int prio;
	enum fw_ctype type;
};

static const struct builtin builtins[] = {
	{ "raw", "PREROUTING", FW_HOOK_PREROUTING, -300, FW_CT_FILTER },
	{ "raw", "OUTPUT", FW_HOOK_OUTPUT, -300, FW_CT_FILTER },
	{ "mangle", "PREROUTING", FW_HOOK_PREROUTING, -150, FW_CT_FILTER },
	{ "mangle", "INPUT", FW_HOOK_INPUT, -150, FW_CT_FILTER },
	{ "mangle", "FORWARD", FW_HOOK_FORWARD, -150, FW_CT_FILTER },
	{ "mangle", "OUTPUT", FW_HOOK_OUTPUT, -150, FW_CT_ROUTE },
	{ "mangle", "POSTROUTING", FW_HOOK_POSTROUTING, -150, FW_CT_FILTER },
	{ "nat", "PREROUTING", FW_HOOK_PREROUTING, -100, FW_CT_NAT },
	{ "nat", "INPUT", FW_HOOK_INPUT, 100, FW_CT_NAT },
	{ "nat", "OUTPUT", FW_HOOK_OUTPUT, -100, FW_CT_NAT },
	{ "nat", "POSTROUTING", FW_HOOK_POSTROUTING, 100, FW_CT_NAT },
	{ "filter", "INPUT", FW_HOOK_INPUT, 0, FW_CT_FILTER },
	{ "filter", "FORWARD", FW_HOOK_FORWARD, 0, FW_CT_FILTER },
	{ "filter", "OUTPUT", FW_HOOK_OUTPUT, 0, FW_CT_FILTER },
	{ "security", "INPUT", FW_HOOK_INPUT, 50, FW_CT_FILTER },
	{ "security", "FORWARD", FW_HOOK_FORWARD, 50, FW_CT_FILTER },
	{ "security", "OUTPUT", FW_HOOK_OUTPUT, 50, FW_CT_FILTER },
};

/* Targets that never end evaluation and change nothing we evaluate. */
static const char *const passive_targets[] = {
	"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TCPMSS", "CLASSIFY", "DSCP",
	"TOS", "TTL", "HL", "AUDIT", "TRACE", "CHECKSUM", "CONNSECMARK", "SECMARK",
};

struct toks {
	char **v;
	size_t n, alloc;
	char *buf;                /* the words point into it */
	size_t buf_alloc;
};

struct ipt {
	struct fw_model *m;
	const char *file;
	unsigned line;
	char table[32];           /* current table */
	bool explicit_table;      /* from a "*table" line */
	unsigned open_line;       /* line of the "*table" not yet COMMITted, or 0 */
	struct strlist pend_chain, pend_pol;  /* -P lines of an -S block */
	bool last_was_p;
	int fam;                  /* families seen in addresses */
	size_t last;              /* index of the chain the last rule went to */
	struct toks toks;         /* the current line's words */
};


/* An error at the current line; arg is quoted, shortened and made printable. */
static int perr(struct ipt *p, const char *fmt, const char *arg)
{
	char shown[64];
	size_t n = 0;

	for (; *arg && n + 4 < sizeof(shown); arg++)
		shown[n++] = *arg >= 0x20 && *arg < 0x7f ? *arg : '?';
	if (*arg)
		shown[n++] = '.', shown[n++] = '.', shown[n++] = '.';
	shown[n] = '\0';
	return error("%s:%u: %s '%s'", p->file, p->line, fmt, shown);
}

static const struct builtin *find_builtin(const char *table, const char *chain)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (same(builtins[i].table, table) && same(builtins[i].chain, chain))
			return &builtins[i];
	return NULL;
}

/* isspace() of the C locale, without a call per character. */
static inline bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Characters that end a plain word or need tokenize()'s slow path. */
static const bool special[256] = {
	['\0'] = true, [' '] = true, ['\t'] = true, ['\n'] = true, ['\v'] = true, ['\f'] = true,
	['\r'] = true, ['"'] = true, ['\''] = true, ['\\'] = true,
};

/*
 * Split a line (len bytes, no NUL among them) into words; double and
 * single quotes group, backslash escapes. The words point into one copy
 * of the line, unescaped in place (a word never grows). t's buffers are
 * reused from line to line: a 100,000-rule export would otherwise cost
 * 200,000 allocations here.
 */
static int tokenize(struct ipt *p, const char *line, size_t len, struct toks *t)
{
	char *s, *w;

	ALLOC_GROW(t->buf, len + 1, t->buf_alloc);
	s = memcpy(t->buf, line, len);
	s[len] = '\0';
	t->n = 0;

	while (*s) {
		char q = 0;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		ALLOC_GROW(t->v, t->n + 1, t->alloc);
		t->v[t->n++] = s;
		while (!special[(unsigned char)*s])   /* most words: nothing to unescape */
			s++;
		w = s;
		while (*s && (q || !is_space(*s))) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s++;
			} else if (q && *s == q) {
				q = 0;
				s++;
			} else if (*s == '\\' && s[1] && q != '\'') {
				*w++ = s[1];
				s += 2;
			} else {
				*w++ = *s++;
			}
		}
		if (q)
			return perr(p, "unterminated quote in", "line");
		if (*s)
			s++;   /* the space after the word: *w may be it */
		*w = '\0';
	}
	return 0;
}

static void toks_release(struct toks *t)
{
	free(t->buf);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static struct fw_chain *define_chain(struct ipt *p, const char *table, const char *name,
				     const char *policy)
{
	struct fw_chain *c = fw_model_chain(p->m, table, name);
	const struct builtin *b = find_builtin(table, name);

	if (!c) {
		c = fw_model_add_chain(p->m, table, name);
		c->line = p->line;
		if (b) {
			c->hook = b->hook;
			c->prio = b->prio;
			c->type = b->type;
			c->policy = FW_T_ACCEPT;
		}
	}
	if (b && policy && same(policy, "DROP"))
		c->policy = FW_T_DROP;
	else if (b && policy && same(policy, "ACCEPT"))
		c->policy = FW_T_ACCEPT;
	else if (b && policy) {
		perr(p, "expected policy ACCEPT or DROP, not", policy);
		return NULL;
	}
	return c;
}

/* Which table a run of -P lines belongs to, from the chains it names. */
static const char *table_of_policies(const struct strlist *chains)
{
	bool pre = sl_has(chains, "PREROUTING"), in = sl_has(chains, "INPUT");
	bool fwd = sl_has(chains, "FORWARD"), post = sl_has(chains, "POSTROUTING");

	if (pre && fwd)
		return "mangle";
	if (pre && (in || post))
		return "nat";
	if (pre)
		return "raw";
	return "filter";
}

/* Turn pending -P lines of an -S block into the base chains of its table. */
static int flush_policies(struct ipt *p)
{
	int r = 0;

	if (!p->pend_chain.n)
		return 0;
	snprintf(p->table, sizeof(p->table), "%s", table_of_policies(&p->pend_chain));
	for (size_t i = 0; i < p->pend_chain.n && !r; i++)
		if (!define_chain(p, p->table, p->pend_chain.v[i], p->pend_pol.v[i]))
			r = -1;
	sl_release(&p->pend_chain);
	sl_release(&p->pend_pol);
	return r;
}

/* ---- matches ---- */

static int add_addrs(struct ipt *p, struct fw_rule *r, enum fw_mkind kind, bool neg, const char *list)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);
	/* Most lists are one address: no copy to cut into words. */
	char *copy = strchr(list, ',') ? xstrdup(list) : NULL, *save = NULL;
	int fam = 0;

	for (char *w = copy ? strtok_r(copy, ",", &save) : (char *)list; w;
	     w = copy ? strtok_r(NULL, ",", &save) : NULL) {
		struct fw_range rg;
		int f;

		if (fw_cidr_parse(w, &rg, &f) || (fam && f != fam)) {
			int ret = perr(p, "expected an address or network, not", w);

			free(copy);
			return ret;
		}
		fam = f;
		fw_as_add(&mt->addrs, rg.lo, rg.hi);
	}
	free(copy);
	if (!fam)
		return perr(p, "expected an address, not", list);
	mt->fam = fam;
	p->fam |= fam;
	return 0;
}

/* "a-b" address range (iprange match). */
static int add_range(struct ipt *p, struct fw_rule *r, enum fw_mkind kind, bool neg, const char *s)
{
	const char *dash = strchr(s, '-');
	char a[64], b[64];
	fw_u128 lo, hi;
	int fa, fb;

	if (!dash || (size_t)(dash - s) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return perr(p, "expected an address range A-B, not", s);
	snprintf(a, sizeof(a), "%.*s", (int)(dash - s), s);
	snprintf(b, sizeof(b), "%s", dash + 1);
	if (fw_ip_parse(a, &lo, &fa) || fw_ip_parse(b, &hi, &fb) || fa != fb || lo > hi)
		return perr(p, "expected an address range A-B, not", s);
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);
	mt->fam = fa;
	mt->what = xstrdup(s);
	fw_as_add(&mt->addrs, lo, hi);
	p->fam |= fa;
	return 0;
}

static const struct { const char *name; unsigned port; } services[] = {
	{ "smtp", 25 }, { "submission", 587 }, { "smtps", 465 }, { "submissions", 465 },
	{ "imap", 143 }, { "imaps", 993 }, { "pop3", 110 }, { "pop3s", 995 },
	{ "domain", 53 }, { "http", 80 }, { "https", 443 }, { "ssh", 22 },
};

static int parse_port(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (isdigit((unsigned char)*s)) {
		v = strtoul(s, &end, 10);
		if (*end || v > 65535)
			return -1;
		*out = (unsigned)v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (same(services[i].name, s))
			return *out = services[i].port, 0;
	return -1;
}

/* "25", "1000:2000", or a comma list of those (multiport). */
static int add_ports(struct ipt *p, struct fw_rule *r, enum fw_mkind kind, bool neg, const char *list)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);
	size_t len = strlen(list);
	char buf[64], *copy = len < sizeof(buf) ? memcpy(buf, list, len + 1) : xstrdup(list), *save = NULL;
	int ret = 0;

	mt->what = xstrndup(list, len);
	for (char *w = strtok_r(copy, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(w, ':');
		unsigned lo, hi;

		if (colon)
			*colon = '\0';
		if (colon && !*w)
			lo = 0;
		else if (parse_port(w, &lo))
			ret = -1;
		if (!ret && colon && !colon[1])
			hi = 65535;
		else if (!ret && colon)
			ret = parse_port(colon + 1, &hi);
		else
			hi = lo;
		if (!ret && lo > hi)
			ret = -1;
		if (!ret)
			fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, lo, hi);
	}
	if (copy != buf)
		free(copy);
	if (ret || !mt->nports)
		return perr(p, "expected a port or port range, not", list);
	return 0;
}

static int add_proto(struct ipt *p, struct fw_rule *r, bool neg, const char *s)
{
	static const struct { const char *name; unsigned num; } protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 }, { "ipv6-icmp", 58 },
		{ "sctp", 132 }, { "udplite", 136 }, { "esp", 50 }, { "ah", 51 }, { "gre", 47 },
		{ "ipv6", 41 }, { "igmp", 2 },
	};
	char *end;
	unsigned long num = 256;

	if (same(s, "tcp") || same(s, "udp")) {   /* nearly every rule: no case-blind search */
		num = s[0] == 't' ? 6 : 17;
	} else if (!strcasecmp(s, "all") || same(s, "0")) {
		if (neg)   /* "! -p all" matches nothing */
			fw_rule_add_match(r, FW_M_PROTO, false)->what = xstrdup("! all");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(protos) && num == 256; i++)   /* names in lower case */
		if (!strcasecmp(protos[i].name, s))
			num = protos[i].num;
	if (num == 256 && isdigit((unsigned char)*s))
		num = strtoul(s, &end, 10), num = *end ? 256 : num;
	if (num > 255)
		return perr(p, "expected a protocol, not", s);
	struct fw_match *mt = fw_rule_add_match(r, FW_M_PROTO, neg);
	mt->what = xstrdup(s);
	fw_match_set_proto(mt, (unsigned)num);
	return 0;
}

static int add_ctstate(struct ipt *p, struct fw_rule *r, bool neg, const char *list)
{
	static const struct { const char *name; unsigned bit; } states[] = {
		{ "INVALID", FW_CT_INVALID }, { "NEW", FW_CT_NEW },
		{ "ESTABLISHED", FW_CT_ESTABLISHED }, { "RELATED", FW_CT_RELATED },
		{ "UNTRACKED", FW_CT_UNTRACKED }, { "SNAT", FW_CT_SNAT }, { "DNAT", FW_CT_DNAT },
	};
	struct fw_match *mt = fw_rule_add_match(r, FW_M_CTSTATE, neg);
	char *copy = xstrdup(list), *save = NULL;

	mt->what = xstrdup(list);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0;

		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			if (!strcasecmp(states[i].name, w))
				bit = states[i].bit;
		if (!bit) {
			int ret = perr(p, "expected a conntrack state, not", w);

			free(copy);
			return ret;
		}
		mt->ctstate |= bit;
	}
	free(copy);
	return 0;
}

static void add_unsupported(struct fw_rule *r, bool neg, const char *what)
{
	fw_rule_add_match(r, FW_M_UNSUPPORTED, neg)->what = xstrdup(what);
}

static void add_iface(struct fw_rule *r, enum fw_mkind kind, bool neg, const char *name)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);

	mt->what = xstrdup(name);
	sl_push(&mt->names, name);
}

/* ---- targets ---- */

/* "A", "A:P", "A-B:P-Q", "[V6]:P", ":P" (DNAT, SNAT, REDIRECT --to-ports P). */
static int parse_nat_spec(struct ipt *p, struct fw_rule *r, const char *s, bool ports_only)
{
	char addr[64] = "", *colon;
	const char *port = NULL;
	unsigned pn;

	if (r->nat_has_addr || r->nat_port)
		r->nat_ambiguous = true;   /* several --to options: round robin */
	if (ports_only) {
		port = s;
	} else if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s) > sizeof(addr))
			return perr(p, "expected [ADDRESS]:PORT, not", s);
		snprintf(addr, sizeof(addr), "%.*s", (int)(close - s - 1), s + 1);
		port = close[1] == ':' ? close + 2 : NULL;
	} else {
		snprintf(addr, sizeof(addr), "%s", s);
		/* One colon separates the port from an IPv4 address. */
		if ((colon = strchr(addr, ':')) && !strchr(colon + 1, ':')) {
			*colon = '\0';
			port = s + (colon - addr) + 1;
		}
	}
	if (*addr) {
		if (strchr(addr, '-'))
			r->nat_ambiguous = true;
		else if (fw_ip_parse(addr, &r->nat_addr, &r->nat_fam))
			return perr(p, "expected a NAT address, not", s);
		r->nat_has_addr = true;
	}
	if (port && *port) {
		const char *dash = strchr(port, '-');
		char one[16];

		snprintf(one, sizeof(one), "%.*s", dash ? (int)(dash - port) : (int)strlen(port), port);
		if (parse_port(one, &pn) || !pn)
			return perr(p, "expected a NAT port, not", s);
		if (dash && !same(dash + 1, one))
			r->nat_ambiguous = true;
		r->nat_port = (uint16_t)pn;
	}
	return 0;
}

static bool is_passive(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(passive_targets); i++)
		if (same(passive_targets[i], name))
			return true;
	return false;
}

static void set_target(struct fw_rule *r, const char *name, bool go)
{
	static const struct { const char *name; enum fw_tkind kind; } targets[] = {
		{ "ACCEPT", FW_T_ACCEPT }, { "DROP", FW_T_DROP }, { "REJECT", FW_T_REJECT },
		{ "RETURN", FW_T_RETURN }, { "DNAT", FW_T_DNAT }, { "SNAT", FW_T_SNAT },
		{ "MASQUERADE", FW_T_MASQUERADE }, { "REDIRECT", FW_T_REDIRECT },
	};

	free(r->target_name);
	r->target_name = NULL;
	r->target = go ? FW_T_GOTO : FW_T_JUMP;   /* a user chain, checked after parsing */
	for (size_t i = 0; i < ARRAY_SIZE(targets) && !go; i++)
		if (same(targets[i].name, name)) {
			r->target = targets[i].kind;
			return;   /* built-in targets are named by their kind */
		}
	if (!go && is_passive(name))
		r->target = FW_T_NONE;
	r->target_name = xstrdup(name);
}

/* ---- rules ---- */

/*
 * The options a rule's words are compared against, as ids: a word is
 * looked up once, not compared with some 25 names in turn.
 */
enum opt {
	OPT_NONE,        /* not an option we know (a value, a short option) */
	OPT_LONG,        /* an unknown "--option" */
	OPT_NOT, OPT_MATCH, OPT_JUMP, OPT_GOTO, OPT_COUNTERS, OPT_FRAGMENT,
	OPT_SRC, OPT_DST, OPT_IN, OPT_OUT, OPT_PROTO, OPT_DPORT, OPT_SPORT,
	OPT_TCP_FLAGS, OPT_SYN, OPT_CTSTATE, OPT_SRC_RANGE, OPT_DST_RANGE,
	OPT_COMMENT, OPT_TO, OPT_TO_PORTS, OPT_PKT_TYPE, OPT_DST_TYPE,
	OPT_MATCH_SET,
	OPT_NO_VALUE,    /* target options that take no value (--random, ...) */
};

static const struct { const char *name; enum opt id; } long_opts[] = {
	/* The common ones first. */
	{ "dport", OPT_DPORT }, { "sport", OPT_SPORT }, { "dports", OPT_DPORT },
	{ "sports", OPT_SPORT }, { "ctstate", OPT_CTSTATE }, { "state", OPT_CTSTATE },
	{ "comment", OPT_COMMENT }, { "to-destination", OPT_TO }, { "to-source", OPT_TO },
	{ "to", OPT_TO }, { "to-ports", OPT_TO_PORTS }, { "to-port", OPT_TO_PORTS },
	{ "source", OPT_SRC }, { "src", OPT_SRC }, { "destination", OPT_DST }, { "dst", OPT_DST },
	{ "in-interface", OPT_IN }, { "out-interface", OPT_OUT }, { "protocol", OPT_PROTO },
	{ "destination-port", OPT_DPORT }, { "source-port", OPT_SPORT },
	{ "match", OPT_MATCH }, { "jump", OPT_JUMP }, { "goto", OPT_GOTO },
	{ "set-counters", OPT_COUNTERS }, { "fragment", OPT_FRAGMENT },
	{ "tcp-flags", OPT_TCP_FLAGS }, { "syn", OPT_SYN },
	{ "src-range", OPT_SRC_RANGE }, { "dst-range", OPT_DST_RANGE },
	{ "pkt-type", OPT_PKT_TYPE }, { "dst-type", OPT_DST_TYPE },
	{ "match-set", OPT_MATCH_SET }, { "set", OPT_MATCH_SET },
	{ "log-tcp-sequence", OPT_NO_VALUE }, { "log-tcp-options", OPT_NO_VALUE },
	{ "log-ip-options", OPT_NO_VALUE }, { "log-uid", OPT_NO_VALUE },
	{ "random", OPT_NO_VALUE }, { "persistent", OPT_NO_VALUE },
	{ "fully-random", OPT_NO_VALUE }, { "return-nomatch", OPT_NO_VALUE },
};

static enum opt opt_id(const char *o)
{
	if (o[0] == '!' && !o[1])
		return OPT_NOT;
	if (o[0] != '-' || !o[1])
		return OPT_NONE;
	if (o[1] != '-') {
		if (o[2])
			return OPT_NONE;
		switch (o[1]) {
		case 's': return OPT_SRC;
		case 'd': return OPT_DST;
		case 'i': return OPT_IN;
		case 'o': return OPT_OUT;
		case 'p': return OPT_PROTO;
		case 'm': return OPT_MATCH;
		case 'j': return OPT_JUMP;
		case 'g': return OPT_GOTO;
		case 'c': return OPT_COUNTERS;
		case 'f': return OPT_FRAGMENT;
		default: return OPT_NONE;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(long_opts); i++)
		if (same(long_opts[i].name, o + 2))
			return long_opts[i].id;
	return OPT_LONG;
}

/* Options that start a new match, so an unknown module's words stop there. */
static bool is_boundary(const char *o)
{
	static const char *const b[] = {
		"-m", "--match", "-j", "--jump", "-g", "--goto", "-s", "--source", "--src",
		"-d", "--destination", "--dst", "-i", "--in-interface", "-o", "--out-interface",
		"-p", "--protocol",
	};
	for (size_t i = 0; i < ARRAY_SIZE(b); i++)
		if (same(o, b[i]))
			return true;
	return false;
}

static bool takes_value(const char *next)
{
	return next && (next[0] != '-' || isdigit((unsigned char)next[1])) && !same(next, "!");
}

/* Words of an unknown module "-m NAME ..." up to the next match or target. */
static size_t skip_module(struct toks *t, size_t i, struct strbuf *what)
{
	while (i < t->n) {
		if (is_boundary(t->v[i]) ||
		    (same(t->v[i], "!") && i + 1 < t->n && is_boundary(t->v[i + 1])))
			break;
		sb_addf(what, " %s", t->v[i++]);
	}
	return i;
}

/* "LOCAL,MULTICAST" as FW_AT_* bits; 0 if any type is one we do not model. */
static unsigned addrtypes(const char *list)
{
	static const struct { const char *name; unsigned bit; } types[] = {
		{ "LOCAL", FW_AT_LOCAL }, { "UNICAST", FW_AT_UNICAST },
		{ "MULTICAST", FW_AT_MULTICAST }, { "BROADCAST", FW_AT_BROADCAST },
	};
	char *copy = xstrdup(list), *save = NULL;
	unsigned bits = 0;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0;

		for (size_t i = 0; i < ARRAY_SIZE(types); i++)
			if (!strcasecmp(types[i].name, w))
				bit = types[i].bit;
		if (!bit) {
			bits = 0;
			break;
		}
		bits |= bit;
	}
	free(copy);
	return bits;
}

/* "SYN,ACK", "ALL", "NONE" as flag bits; above 0xff when a name is unknown. */
static unsigned tcp_flags(const char *list)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	char *copy = xstrdup(list), *save = NULL;
	unsigned bits = 0;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0x100;

		if (same(w, "ALL"))
			bit = 0xff;
		else if (same(w, "NONE"))
			bit = 0;
		for (size_t k = 0; k < ARRAY_SIZE(names); k++)
			if (same(names[k], w))
				bit = 1u << k;
		bits |= bit;
	}
	free(copy);
	return bits;
}

static const char *const known_modules[] = {
	"tcp", "udp", "multiport", "conntrack", "state", "comment", "set", "iprange", "addrtype",
	"pkttype",
};

static bool known_module(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_modules); i++)
		if (same(known_modules[i], name))
			return true;
	return false;
}

/* Option o (value v, if any, at t->v[*i + 1]) that this file does not model: kept, it may match or not. */
static int add_other(struct ipt *p, struct fw_rule *r, const char *o, const char *v, size_t *i, bool neg)
{
	bool val;
	char *w;

	if (o[0] != '-' || o[1] != '-')
		return perr(p, "unknown option", o);
	val = takes_value(v);
	w = xasprintf("%s%s%s", o, val ? " " : "", val ? v : "");
	add_unsupported(r, neg, w);
	free(w);
	*i += val ? 2 : 1;
	return 0;
}

/*
 * One option at t->v[*i] (id: opt_id() of it) with negation neg. Returns 0 and advances *i,
 * or -1 after an error naming file:line.
 */
static int parse_option(struct ipt *p, struct fw_rule *r, struct toks *t, size_t *i,
			enum opt id, bool neg)
{
	const char *o = t->v[*i], *v = *i + 1 < t->n ? t->v[*i + 1] : NULL;
	int ret = 0;

	if (v && same(v, "!") && *i + 2 < t->n && o[0] == '-') {
		neg = !neg;   /* old "-s ! ADDR" form */
		(*i)++;
		v = t->v[*i + 1];
	}
	if (id == OPT_TCP_FLAGS && *i + 2 < t->n) {
		struct fw_match *mt;
		unsigned mask = tcp_flags(t->v[*i + 1]), comp = tcp_flags(t->v[*i + 2]);

		if (mask > 0xff || comp > 0xff)
			return perr(p, "expected TCP flags (SYN,ACK,...), not", mask > 0xff ? t->v[*i + 1] : t->v[*i + 2]);
		mt = fw_rule_add_match(r, FW_M_TCPFLAGS, neg);
		mt->tcp_mask = mask;
		mt->tcp_comp = comp;
		mt->what = xasprintf("--tcp-flags %s %s", t->v[*i + 1], t->v[*i + 2]);
		*i += 3;
		return 0;
	}
	if (id == OPT_SYN) {
		fw_rule_add_match(r, FW_M_SYN, neg)->what = xstrdup("--syn");
		(*i)++;
		return 0;
	}
	if (!v && id != OPT_NO_VALUE)
		return perr(p, "option needs a value:", o);
	switch (id) {
	case OPT_SRC:
		ret = add_addrs(p, r, FW_M_SADDR, neg, v);
		break;
	case OPT_DST:
		ret = add_addrs(p, r, FW_M_DADDR, neg, v);
		break;
	case OPT_IN:
		add_iface(r, FW_M_IIF, neg, v);
		break;
	case OPT_OUT:
		add_iface(r, FW_M_OIF, neg, v);
		break;
	case OPT_PROTO:
		ret = add_proto(p, r, neg, v);
		break;
	case OPT_DPORT:
		ret = add_ports(p, r, FW_M_DPORT, neg, v);
		break;
	case OPT_SPORT:
		ret = add_ports(p, r, FW_M_SPORT, neg, v);
		break;
	case OPT_CTSTATE:
		ret = add_ctstate(p, r, neg, v);
		break;
	case OPT_SRC_RANGE:
		ret = add_range(p, r, FW_M_SADDR, neg, v);
		break;
	case OPT_DST_RANGE:
		ret = add_range(p, r, FW_M_DADDR, neg, v);
		break;
	case OPT_COMMENT:
		break;
	case OPT_TO:
		ret = parse_nat_spec(p, r, v, false);
		break;
	case OPT_TO_PORTS:
		ret = parse_nat_spec(p, r, v, true);
		break;
	case OPT_PKT_TYPE:
	case OPT_DST_TYPE:
		if (!addrtypes(v))
			return add_other(p, r, o, v, i, neg);
		/* pkttype: our traffic is unicast: unicast/broadcast/multicast as address types. */
		{
			struct fw_match *mt = fw_rule_add_match(r, FW_M_DST_TYPE, neg);

			mt->addrtypes = addrtypes(v);
			mt->what = xasprintf("%s %s", id == OPT_PKT_TYPE ? "--pkt-type" : "--dst-type", v);
		}
		break;
	case OPT_MATCH_SET: {
		const char *dir = *i + 2 < t->n ? t->v[*i + 2] : "";
		struct fw_match *mt;

		if (!same(dir, "src") && !same(dir, "dst")) {
			char *w = xasprintf("--match-set %s %s", v, dir);
			add_unsupported(r, neg, w);
			free(w);
		} else {
			mt = fw_rule_add_match(r, same(dir, "src") ? FW_M_SADDR : FW_M_DADDR, neg);
			mt->set_name = xstrdup(v);
			mt->what = xasprintf("--match-set %s %s", v, dir);
		}
		*i += *i + 2 < t->n ? 3 : 2;
		return 0;
	}
	default:
		return add_other(p, r, o, v, i, neg);
	}
	*i += 2;
	return ret;
}

static int parse_rule(struct ipt *p, struct fw_chain *c, struct toks *t, size_t i,
		      const char *text, size_t len)
{
	struct fw_rule *r = fw_chain_add_rule(c);
	bool neg = false, after_target = false;

	r->line = p->line;
	r->text = mp_strndup(&p->m->pool, text, len);
	while (i < t->n) {
		const char *o = t->v[i], *v = i + 1 < t->n ? t->v[i + 1] : NULL;
		enum opt id = opt_id(o);

		if (id == OPT_NOT) {
			neg = !neg;
			i++;
			continue;
		}
		if (id == OPT_MATCH || id == OPT_JUMP || id == OPT_GOTO) {
			if (!v)
				return perr(p, "option needs a value:", o);
			if (id != OPT_MATCH) {
				set_target(r, v, id == OPT_GOTO);
				after_target = true;
				i += 2;
			} else if (known_module(v)) {
				i += 2;
			} else {
				struct strbuf w = STRBUF_INIT;

				sb_addf(&w, "-m %s", v);
				i = skip_module(t, i + 2, &w);
				add_unsupported(r, neg, w.buf);
				sb_release(&w);
			}
			neg = false;
			continue;
		}
		if (after_target && o[0] == '-' && o[1] == '-' &&
		    id != OPT_TO && id != OPT_TO_PORTS && id != OPT_COMMENT) {
			i += takes_value(v) ? 2 : 1;   /* target options: --log-prefix, --reject-with */
			continue;
		}
		if (id == OPT_COUNTERS) {
			i += 3;
			continue;
		}
		if (id == OPT_FRAGMENT) {
			add_unsupported(r, neg, "-f");
			i++, neg = false;
			continue;
		}
		if (parse_option(p, r, t, &i, id, neg))
			return -1;
		neg = false;
	}
	fw_rule_seal(p->m, r);
	return 0;
}

/* ---- lines ---- */

/* perr() with an argument of len bytes that need not end in a NUL. */
static int perr_n(struct ipt *p, const char *fmt, const char *arg, size_t len)
{
	char *copy = xstrndup(arg, len);
	int r = perr(p, fmt, copy);

	free(copy);
	return r;
}

/* ":CHAIN POLICY [p:b]" of the save form. */
static int parse_chain_line(struct ipt *p, const char *line)
{
	struct toks *t = &p->toks;

	if (tokenize(p, line + 1, strlen(line + 1), t))
		return -1;
	if (t->n < 2)
		return perr(p, "expected ':CHAIN POLICY', not", line);
	return define_chain(p, p->table, t->v[0], !same(t->v[1], "-") ? t->v[1] : NULL) ? 0 : -1;
}

/* Where a directive's table comes from: "-t T" on the line, else the current one. */
static const char *line_table(struct ipt *p, struct toks *t, size_t *i)
{
	if (*i + 1 < t->n && (same(t->v[*i], "-t") || same(t->v[*i], "--table"))) {
		*i += 2;
		return t->v[*i - 1];
	}
	return p->table;
}

/* The rule as written, without a leading "[pkts:bytes]"; *len is updated. */
static const char *rule_text(const struct toks *t, const char *text, size_t *len)
{
	const char *close, *end = text + *len;

	if (t->n && t->v[0][0] == '[' && *text == '[' && (close = memchr(text, ']', *len)))
		text = close + 1;
	while (text < end && (*text == ' ' || *text == '\t'))
		text++;
	*len = (size_t)(end - text);
	return text;
}

/* A -A, -P or -N line (text: len bytes, its words in t). */
static int parse_directive(struct ipt *p, struct toks *t, const char *text, size_t len)
{
	size_t i = 0;
	const char *table, *cmd, *name;
	struct fw_chain *c;

	/* "[pkts:bytes] -A ..." from iptables-save -c. */
	if (t->n && t->v[0][0] == '[')
		i++;
	table = line_table(p, t, &i);
	if (i + 1 >= t->n)
		return perr_n(p, "expected -A, -P or -N with a chain, not", text, len);
	cmd = t->v[i];
	name = t->v[i + 1];
	if (same(cmd, "-P") || same(cmd, "--policy")) {
		if (i + 2 >= t->n)
			return perr_n(p, "expected -P CHAIN POLICY, not", text, len);
		if (!p->explicit_table && table == p->table) {
			if (!p->last_was_p)
				p->table[0] = '\0';
			sl_push(&p->pend_chain, name);
			sl_push(&p->pend_pol, t->v[i + 2]);
			p->last_was_p = true;
			return 0;
		}
		return define_chain(p, table, name, t->v[i + 2]) ? 0 : -1;
	}
	p->last_was_p = false;
	if (flush_policies(p))
		return -1;
	if (table == p->table && !p->table[0])
		snprintf(p->table, sizeof(p->table), "filter");
	if (same(cmd, "-N") || same(cmd, "--new-chain"))
		return define_chain(p, table, name, NULL) ? 0 : -1;
	if (!same(cmd, "-A") && !same(cmd, "--append"))
		return perr(p, "expected -A, -P or -N, not", cmd);
	/* Exports append to one chain for long runs: try the last one first. */
	c = p->last < p->m->n && same(p->m->chains[p->last].name, name) &&
	    same(p->m->chains[p->last].table, table) ? &p->m->chains[p->last] :
	    fw_model_chain(p->m, table, name);
	if (!c && find_builtin(table, name))
		c = define_chain(p, table, name, NULL);
	if (!c)
		return perr(p, "rule for a chain that was not declared:", name);
	p->last = (size_t)(c - p->m->chains);
	text = rule_text(t, text, &len);
	return parse_rule(p, c, t, i + 2, text, len);
}

/* "*table", ":CHAIN ...", "COMMIT" (line is NUL-terminated). */
static int parse_table_line(struct ipt *p, const char *line)
{
	if (*line == '*') {
		if (flush_policies(p))
			return -1;
		if (p->open_line)
			return error("%s:%u: table '%s' (line %u) has no COMMIT before the next table",
				     p->file, p->line, p->table, p->open_line);
		p->open_line = p->line;
		snprintf(p->table, sizeof(p->table), "%s", line + 1);
		p->table[strcspn(p->table, " \t")] = '\0';
		p->explicit_table = true;
		p->last_was_p = false;
		return 0;
	}
	if (same(line, "COMMIT")) {
		if (!p->open_line)
			return perr(p, "COMMIT outside a table:", line);
		p->open_line = 0;
		return 0;
	}
	if (!p->explicit_table)
		return perr(p, "chain line outside a table:", line);
	return parse_chain_line(p, line);
}

/*
 * One line of len bytes, read where it lies in the export: only the
 * rare table and chain lines are copied to be NUL-terminated.
 */
static int parse_line(struct ipt *p, const char *line, size_t len)
{
	int r;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	if (!len || *line == '#')
		return 0;
	if (*line == '*' || *line == ':' || (len == 6 && !memcmp(line, "COMMIT", 6))) {
		char *copy = xstrndup(line, len);

		r = parse_table_line(p, copy);
		free(copy);
		return r;
	}
	if (tokenize(p, line, len, &p->toks))
		return -1;
	return parse_directive(p, &p->toks, line, len);
}

/* Targets that name no chain of their table are targets we do not model. */
static void check_targets(struct fw_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = 0; j < m->chains[i].n; j++) {
			struct fw_rule *r = &m->chains[i].rules[j];

			if ((r->target == FW_T_JUMP || r->target == FW_T_GOTO) &&
			    !fw_model_chain(m, m->chains[i].table, r->target_name))
				r->target = FW_T_UNSUPPORTED;
		}
}

int fw_parse_iptables(struct fw_model *m, const char *file, const char *text)
{
	struct ipt p = { .m = m, .file = file };
	const char *s = text, *end = text + strlen(text);
	int r = 0;

	if (!m->format)
		m->format = xstrdup("iptables");
	if (!m->file)
		m->file = xstrdup(file);
	if (strstr(text, "# Generated by ip6tables"))
		p.fam = FW_V6;
	while (s < end && !r) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		p.line++;
		r = parse_line(&p, s, len);
		s += len + (nl != NULL);
	}
	if (!r)
		r = flush_policies(&p);
	/* iptables-restore applies nothing of a table without COMMIT: a cut-off export. */
	if (!r && p.open_line)
		r = error("%s:%u: table '%s' has no COMMIT; iptables-restore would reject it "
			  "(was the export cut off?)", file, p.open_line, p.table);
	sl_release(&p.pend_chain);
	sl_release(&p.pend_pol);
	toks_release(&p.toks);
	if (r)
		return r;
	if (p.fam == FW_ANY)
		return error("%s: IPv4 and IPv6 addresses in one iptables export", file);
	m->fam = p.fam ? p.fam : FW_V4;
	for (size_t i = 0; i < m->n; i++)
		m->chains[i].fam = m->fam;
	check_targets(m);
	return 0;
}
