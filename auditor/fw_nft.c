/*
 * fw_nft.c - `nft -j list ruleset` into the model. The one file that
 * reads JSON with jansson.
 *
 * Tables are namespaces; base chains keep their hook, priority, type
 * and policy. Rule expressions become matches where the model has them
 * (addresses, ports, interfaces, protocols, ct state, fib daddr local)
 * and "unsupported" matches otherwise, carrying the expression's JSON so
 * an unknown verdict can say what it did not understand.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fw.h"

struct nft {
	struct fw_model *m;
	const char *file;
	const char *text;
	unsigned index;          /* position in the nftables array, for messages */
};

/*
 * The line where element index of the top-level "nftables" array starts.
 * jansson keeps no positions, so errors found after parsing scan the
 * text again: strings skipped, depth counted. Only called for errors.
 */
static unsigned object_line(const char *text, unsigned index)
{
	unsigned line = 1, seen = 0;
	int depth = 0;
	bool in_str = false, want = false;

	for (const char *s = text; *s; s++) {
		if (*s == '\n')
			line++;
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		if (want && depth == 2 && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
			if (seen++ == index)
				return line;
			want = false;
		}
		if (*s == '"')
			in_str = true;
		else if (*s == '{' || *s == '[')
			want = ++depth == 2 && *s == '[';
		else if (*s == '}' || *s == ']')
			depth--;
		else if (*s == ',' && depth == 2)
			want = true;
	}
	return line;
}

static int nerr(struct nft *p, const char *what)
{
	return error("%s:%u: nftables object %u: %s", p->file, object_line(p->text, p->index),
		     p->index, what);
}

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r = xstrdup(s ? s : "?");

	free(s);
	return r;
}

static int family_bits(const char *fam)
{
	if (!strcmp(fam, "ip"))
		return FW_V4;
	if (!strcmp(fam, "ip6"))
		return FW_V6;
	if (!strcmp(fam, "inet"))
		return FW_ANY;
	return 0;   /* arp, bridge, netdev */
}

static enum fw_hook hook_of(const char *h)
{
	static const struct { const char *name; enum fw_hook hook; } hooks[] = {
		{ "prerouting", FW_HOOK_PREROUTING }, { "input", FW_HOOK_INPUT },
		{ "forward", FW_HOOK_FORWARD }, { "output", FW_HOOK_OUTPUT },
		{ "postrouting", FW_HOOK_POSTROUTING },
	};
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hooks[i].name, h))
			return hooks[i].hook;
	return FW_HOOK_OTHER;
}

/* Tables are namespaces per family: "inet filter" and "ip filter" differ. */
static char *table_key(const char *family, const char *table)
{
	return xasprintf("%s %s", family, table);
}

static const char *jstr_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int add_chain(struct nft *p, const json_t *o)
{
	const char *fam = jstr_of(o, "family"), *hook = jstr_of(o, "hook");
	char *tk = table_key(fam, jstr_of(o, "table"));
	struct fw_chain *c;

	if (!*jstr_of(o, "name") || !*jstr_of(o, "table")) {
		free(tk);
		return nerr(p, "chain without a name or table");
	}
	if (!family_bits(fam) && strcmp(fam, "netdev")) {
		free(tk);
		return 0;   /* arp and bridge tables never see routed IP traffic */
	}
	c = fw_model_chain(p->m, tk, jstr_of(o, "name"));
	if (!c)
		c = fw_model_add_chain(p->m, tk, jstr_of(o, "name"));
	free(tk);
	c->line = p->index;
	c->fam = family_bits(fam) ? family_bits(fam) : FW_ANY;
	if (*hook) {
		const char *type = jstr_of(o, "type");

		c->hook = strcmp(fam, "netdev") ? hook_of(hook) : FW_HOOK_OTHER;
		c->prio = (int)json_integer_value(json_object_get(o, "prio"));
		c->type = !strcmp(type, "nat") ? FW_CT_NAT : !strcmp(type, "route") ? FW_CT_ROUTE : FW_CT_FILTER;
		c->policy = !strcmp(jstr_of(o, "policy"), "drop") ? FW_T_DROP : FW_T_ACCEPT;
	}
	return 0;
}

/* ---- values ---- */

/* Add one address value (string, prefix, range) to as; fam gets its family. */
static int add_addr_value(const json_t *v, struct fw_addrset *as, int *fam)
{
	struct fw_range r;
	const json_t *x;
	int f, f2;

	if (json_is_object(v) && (x = json_object_get(v, "elem")))
		v = json_object_get(x, "val");
	if (json_is_string(v)) {
		if (fw_cidr_parse(json_string_value(v), &r, &f))
			return -1;
	} else if ((x = json_object_get(v, "prefix"))) {
		char *s = xasprintf("%s/%lld", jstr_of(x, "addr"),
				    (long long)json_integer_value(json_object_get(x, "len")));
		int bad = fw_cidr_parse(s, &r, &f);

		free(s);
		if (bad)
			return -1;
	} else if (json_is_array(x = json_object_get(v, "range")) && json_array_size(x) == 2) {
		if (!json_is_string(json_array_get(x, 0)) || !json_is_string(json_array_get(x, 1)) ||
		    fw_ip_parse(json_string_value(json_array_get(x, 0)), &r.lo, &f) ||
		    fw_ip_parse(json_string_value(json_array_get(x, 1)), &r.hi, &f2) || f != f2 || r.lo > r.hi)
			return -1;
	} else {
		return -1;
	}
	if (*fam && *fam != f)
		return -1;
	*fam = f;
	fw_as_add(as, r.lo, r.hi);
	return 0;
}

/* Port values: number, {"range":[a,b]}, or a set of those. */
static int add_port_value(const json_t *v, struct fw_portrange **pv, size_t *n, size_t *alloc)
{
	const json_t *x;
	json_int_t lo, hi;

	if (json_is_object(v) && (x = json_object_get(v, "elem")))
		v = json_object_get(x, "val");
	if (json_is_integer(v)) {
		lo = hi = json_integer_value(v);
	} else if (json_is_array(x = json_object_get(v, "range")) && json_array_size(x) == 2 &&
		   json_is_integer(json_array_get(x, 0)) && json_is_integer(json_array_get(x, 1))) {
		lo = json_integer_value(json_array_get(x, 0));
		hi = json_integer_value(json_array_get(x, 1));
	} else {
		return -1;
	}
	if (lo < 0 || hi > 65535 || lo > hi)
		return -1;
	fw_ports_add(pv, n, alloc, (unsigned)lo, (unsigned)hi);
	return 0;
}

/*
 * Call fn for each element of a right-hand side: a set {"set":[...]}, a
 * list, or one value. Returns the first failure.
 */
static int each_elem(const json_t *right, int (*fn)(const json_t *v, void *ctx), void *ctx)
{
	const json_t *set = json_is_object(right) ? json_object_get(right, "set") : NULL;
	const json_t *arr = set && json_is_array(set) ? set : json_is_array(right) ? right : NULL;
	size_t i;
	const json_t *v;

	if (!arr)
		return fn(set ? set : right, ctx);
	if (!json_array_size(arr))
		return -1;
	json_array_foreach(arr, i, v)
		if (fn(v, ctx))
			return -1;
	return 0;
}

/* ---- matches ---- */

struct addr_ctx {
	struct fw_addrset *as;
	int fam;
};

static int addr_cb(const json_t *v, void *ctx)
{
	struct addr_ctx *a = ctx;
	return add_addr_value(v, a->as, &a->fam);
}

struct port_ctx {
	struct fw_match *mt;
};

static int port_cb(const json_t *v, void *ctx)
{
	struct fw_match *mt = ((struct port_ctx *)ctx)->mt;
	return add_port_value(v, &mt->ports, &mt->nports, &mt->ports_alloc);
}

static int proto_cb(const json_t *v, void *ctx)
{
	struct fw_match *mt = ctx;
	const char *s = json_string_value(v);

	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 256)
		fw_match_set_proto(mt, (unsigned)json_integer_value(v));
	else if (s && !strcmp(s, "tcp"))
		fw_match_set_proto(mt, 6);
	else if (s && !strcmp(s, "udp"))
		fw_match_set_proto(mt, 17);
	else if (s && !strcmp(s, "icmp"))
		fw_match_set_proto(mt, 1);
	else if (s && (!strcmp(s, "ipv6-icmp") || !strcmp(s, "icmpv6")))
		fw_match_set_proto(mt, 58);
	else if (s && !strcmp(s, "sctp"))
		fw_match_set_proto(mt, 132);
	else
		return -1;
	return 0;
}

static int iface_cb(const json_t *v, void *ctx)
{
	struct fw_match *mt = ctx;

	if (!json_is_string(v))
		return -1;
	sl_push(&mt->names, json_string_value(v));
	return 0;
}

static int ct_cb(const json_t *v, void *ctx)
{
	static const struct { const char *name; unsigned bit; } states[] = {
		{ "invalid", FW_CT_INVALID }, { "new", FW_CT_NEW }, { "established", FW_CT_ESTABLISHED },
		{ "related", FW_CT_RELATED }, { "untracked", FW_CT_UNTRACKED },
	};
	struct fw_match *mt = ctx;
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < ARRAY_SIZE(states); i++)
		if (!strcmp(states[i].name, s))
			return mt->ctstate |= states[i].bit, 0;
	return -1;
}

/* ct status: only the NAT bits are modelled (the packet's DNAT/SNAT virtual states). */
static int ct_status_cb(const json_t *v, void *ctx)
{
	struct fw_match *mt = ctx;
	const char *s = json_string_value(v);

	if (s && !strcmp(s, "dnat"))
		mt->ctstate |= FW_CT_DNAT;
	else if (s && !strcmp(s, "snat"))
		mt->ctstate |= FW_CT_SNAT;
	else
		return -1;
	return 0;
}

/* fib daddr type and meta pkttype values as FW_AT_* bits. */
static int addrtype_cb(const json_t *v, void *ctx)
{
	static const struct { const char *name; unsigned bit; } types[] = {
		{ "local", FW_AT_LOCAL }, { "unicast", FW_AT_UNICAST }, { "host", FW_AT_UNICAST },
		{ "multicast", FW_AT_MULTICAST }, { "broadcast", FW_AT_BROADCAST },
	};
	struct fw_match *mt = ctx;
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].name, s))
			return mt->addrtypes |= types[i].bit, 0;
	return -1;
}

static const char *set_ref(const json_t *right)
{
	const char *s = json_string_value(right);
	return s && *s == '@' ? s + 1 : NULL;
}

static void unsupported(struct fw_rule *r, const json_t *e)
{
	fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = dump(e);
}

/* A match with a list of values (ports, interfaces, protocols, states). */
static void values_match(struct fw_rule *r, enum fw_mkind kind, bool neg, const json_t *right,
			 const json_t *e, int (*cb)(const json_t *, void *), bool by_match)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);
	struct port_ctx pc = { mt };

	mt->what = dump(e);
	/* Named sets are resolved for addresses and ports only (addr_match, port_match). */
	if (set_ref(right) || each_elem(right, cb, by_match ? (void *)mt : (void *)&pc))
		fw_match_unsupported(mt);
}

static void addr_match(struct fw_rule *r, enum fw_mkind kind, int fam, bool neg,
		       const json_t *right, const json_t *e)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);
	struct addr_ctx a = { &mt->addrs, 0 };

	mt->what = dump(e);
	mt->fam = fam;
	if (set_ref(right)) {
		mt->set_name = xstrdup(set_ref(right));
	} else if (each_elem(right, addr_cb, &a) || (a.fam && a.fam != fam)) {
		fw_match_unsupported(mt);
	}
}

static void port_match(struct fw_rule *r, enum fw_mkind kind, bool neg, const json_t *right, const json_t *e)
{
	if (set_ref(right)) {
		struct fw_match *mt = fw_rule_add_match(r, kind, neg);
		mt->what = dump(e);
		mt->set_name = xstrdup(set_ref(right));
		return;
	}
	values_match(r, kind, neg, right, e, port_cb, false);
}

/*
 * A payload match implies its protocol, as nft adds the dependency
 * itself: "icmp type echo-request" never matches a tcp packet, so it
 * must not make tcp traffic unknown.
 */
static void implied_dependency(struct fw_rule *r, const char *proto)
{
	static const struct { const char *name; unsigned num; int fam; } deps[] = {
		{ "tcp", 6, 0 }, { "udp", 17, 0 }, { "icmp", 1, FW_V4 }, { "icmpv6", 58, FW_V6 },
		{ "sctp", 132, 0 }, { "dccp", 33, 0 }, { "udplite", 136, 0 }, { "esp", 50, 0 },
		{ "ah", 51, 0 }, { "comp", 108, 0 }, { "igmp", 2, FW_V4 },
	};

	if (!strcmp(proto, "ip") || !strcmp(proto, "ip6")) {
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = proto[2] ? FW_V6 : FW_V4;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(deps); i++)
		if (!strcmp(deps[i].name, proto)) {
			struct fw_match *mt = fw_rule_add_match(r, FW_M_PROTO, false);

			fw_match_set_proto(mt, deps[i].num);
			mt->what = xstrdup(proto);
			if (deps[i].fam)
				fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = deps[i].fam;
		}
}

static void payload_match(struct fw_rule *r, const json_t *pl, bool neg, const json_t *right, const json_t *e)
{
	const char *proto = jstr_of(pl, "protocol"), *field = jstr_of(pl, "field");
	int fam = !strcmp(proto, "ip") ? FW_V4 : !strcmp(proto, "ip6") ? FW_V6 : 0;

	if (fam && (!strcmp(field, "saddr") || !strcmp(field, "daddr"))) {
		addr_match(r, field[0] == 's' ? FW_M_SADDR : FW_M_DADDR, fam, neg, right, e);
	} else if (fam && (!strcmp(field, "protocol") || !strcmp(field, "nexthdr"))) {
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = fam;
		values_match(r, FW_M_PROTO, neg, right, e, proto_cb, true);
	} else if ((!strcmp(proto, "tcp") || !strcmp(proto, "udp") || !strcmp(proto, "th")) &&
		   (!strcmp(field, "dport") || !strcmp(field, "sport"))) {
		if (strcmp(proto, "th"))   /* "tcp dport" holds only for tcp packets */
			fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), proto[0] == 't' ? 6 : 17);
		port_match(r, field[0] == 'd' ? FW_M_DPORT : FW_M_SPORT, neg, right, e);
	} else {
		implied_dependency(r, proto);
		unsupported(r, e);
	}
}

static void meta_match(struct fw_rule *r, const char *key, bool neg, const json_t *right, const json_t *e)
{
	if (!strcmp(key, "iifname") || !strcmp(key, "iif"))
		values_match(r, FW_M_IIF, neg, right, e, iface_cb, true);
	else if (!strcmp(key, "oifname") || !strcmp(key, "oif"))
		values_match(r, FW_M_OIF, neg, right, e, iface_cb, true);
	else if (!strcmp(key, "l4proto"))
		values_match(r, FW_M_PROTO, neg, right, e, proto_cb, true);
	else if (!strcmp(key, "pkttype"))   /* our traffic is unicast: "host" */
		values_match(r, FW_M_DST_TYPE, neg, right, e, addrtype_cb, true);
	else if (!strcmp(key, "nfproto") && json_is_string(right)) {
		struct fw_match *mt = fw_rule_add_match(r, FW_M_NFPROTO, neg);
		mt->fam = !strcmp(json_string_value(right), "ipv4") ? FW_V4 :
			  !strcmp(json_string_value(right), "ipv6") ? FW_V6 : FW_ANY;
		mt->what = dump(e);
	} else
		unsupported(r, e);
}

/* TCP flag names as bits; above 0xff for anything else. */
static unsigned flag_bits(const json_t *v)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr" };
	const json_t *x;
	unsigned bits = 0;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			bits |= flag_bits(x);
		return bits;
	}
	if (json_is_object(v) && json_is_array(x = json_object_get(v, "|"))) {
		json_array_foreach(x, i, v)
			bits |= flag_bits(v);
		return bits;
	}
	for (size_t k = 0; json_is_string(v) && k < ARRAY_SIZE(names); k++)
		if (!strcmp(names[k], json_string_value(v)))
			return 1u << k;
	return 0x100;
}

/* "tcp flags & (fin|syn|rst|ack) == syn": {"&": [tcp flags, MASK]} == COMP. */
static bool tcp_flags_expr(struct fw_rule *r, const json_t *and, bool neg, const char *op,
			   const json_t *right, const json_t *e)
{
	const json_t *pl = json_object_get(json_array_get(and, 0), "payload");
	unsigned mask = flag_bits(json_array_get(and, 1)), comp = flag_bits(right);
	struct fw_match *mt;

	if (json_array_size(and) != 2 || !pl || strcmp(jstr_of(pl, "protocol"), "tcp") ||
	    strcmp(jstr_of(pl, "field"), "flags") || mask > 0xff || comp > 0xff || !strcmp(op, "in"))
		return false;
	fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), 6);
	mt = fw_rule_add_match(r, FW_M_TCPFLAGS, neg);
	mt->tcp_mask = mask;
	mt->tcp_comp = comp;
	mt->what = dump(e);
	return true;
}

static void match_expr(struct fw_rule *r, const json_t *mt)
{
	const char *op = jstr_of(mt, "op");
	const json_t *left = json_object_get(mt, "left"), *right = json_object_get(mt, "right"), *x;
	bool neg = !strcmp(op, "!=");

	if ((*op && strcmp(op, "==") && strcmp(op, "!=") && strcmp(op, "in")) || !left || !right) {
		unsupported(r, mt);
	} else if ((x = json_object_get(left, "&")) && tcp_flags_expr(r, x, neg, op, right, mt)) {
		;
	} else if ((x = json_object_get(left, "payload"))) {
		payload_match(r, x, neg, right, mt);
	} else if ((x = json_object_get(left, "meta"))) {
		meta_match(r, jstr_of(x, "key"), neg, right, mt);
	} else if ((x = json_object_get(left, "ct")) && !strcmp(jstr_of(x, "key"), "state") &&
		   !json_object_get(x, "dir")) {
		values_match(r, FW_M_CTSTATE, neg, right, mt, ct_cb, true);
	} else if ((x = json_object_get(left, "ct")) && !strcmp(jstr_of(x, "key"), "status") &&
		   !json_object_get(x, "dir")) {
		values_match(r, FW_M_CTSTATE, neg, right, mt, ct_status_cb, true);
	} else if ((x = json_object_get(left, "fib")) && !strcmp(jstr_of(x, "result"), "type") &&
		   json_array_size(json_object_get(x, "flags")) == 1 &&
		   !strcmp(json_string_value(json_array_get(json_object_get(x, "flags"), 0)) ?: "", "daddr")) {
		values_match(r, FW_M_DST_TYPE, neg, right, mt, addrtype_cb, true);
	} else {
		unsupported(r, mt);
	}
}

/* ---- statements ---- */

static void nat_stmt(struct fw_rule *r, enum fw_tkind kind, const json_t *v)
{
	const json_t *addr = json_object_get(v, "addr"), *port = json_object_get(v, "port");

	r->target = kind;
	free(r->target_name);
	r->target_name = xstrdup(fw_target_name(kind));
	r->nat_has_addr = false;
	r->nat_port = 0;
	if (json_is_string(addr)) {
		if (fw_ip_parse(json_string_value(addr), &r->nat_addr, &r->nat_fam))
			r->target = FW_T_UNSUPPORTED;   /* a map or expression: not modelled */
		r->nat_has_addr = true;
	} else if (addr) {
		r->nat_ambiguous = true;
		if (!json_object_get(addr, "range") && !json_object_get(addr, "prefix"))
			r->target = FW_T_UNSUPPORTED;
	}
	if (json_is_integer(port) && json_integer_value(port) > 0 && json_integer_value(port) < 65536)
		r->nat_port = (uint16_t)json_integer_value(port);
	else if (port)
		r->nat_ambiguous = true;
}

static void verdict(struct fw_rule *r, enum fw_tkind kind, const char *target)
{
	r->target = kind;
	free(r->target_name);
	r->target_name = target ? xstrdup(target) : NULL;
}

/* Statements that neither match nor decide: they change nothing we evaluate. */
static bool passive(const char *key)
{
	static const char *const keys[] = {
		"counter", "log", "mangle", "comment", "dup", "set", "meter_passive", "ct helper",
		"continue",
	};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static void statement(struct fw_rule *r, const json_t *e)
{
	const char *key;
	const json_t *v;
	void *it = json_is_object(e) ? json_object_iter((json_t *)e) : NULL;

	if (!it || json_object_size(e) != 1) {
		unsupported(r, e);
		return;
	}
	key = json_object_iter_key(it);
	v = json_object_iter_value(it);
	if (!strcmp(key, "match"))
		match_expr(r, v);
	else if (!strcmp(key, "accept"))
		verdict(r, FW_T_ACCEPT, NULL);
	else if (!strcmp(key, "drop"))
		verdict(r, FW_T_DROP, NULL);
	else if (!strcmp(key, "reject"))
		verdict(r, FW_T_REJECT, NULL);
	else if (!strcmp(key, "return"))
		verdict(r, FW_T_RETURN, NULL);
	else if ((!strcmp(key, "jump") || !strcmp(key, "goto")) && json_is_string(json_object_get(v, "target")))
		verdict(r, key[0] == 'j' ? FW_T_JUMP : FW_T_GOTO, jstr_of(v, "target"));
	else if (!strcmp(key, "dnat"))
		nat_stmt(r, FW_T_DNAT, v);
	else if (!strcmp(key, "snat"))
		nat_stmt(r, FW_T_SNAT, v);
	else if (!strcmp(key, "masquerade"))
		nat_stmt(r, FW_T_MASQUERADE, v);
	else if (!strcmp(key, "redirect"))
		nat_stmt(r, FW_T_REDIRECT, v);
	else if (passive(key))
		;
	else if (!strcmp(key, "limit") || !strcmp(key, "quota") || !strcmp(key, "xt"))
		unsupported(r, e);   /* these decide whether the rule matches */
	else {
		char *d = dump(e);
		verdict(r, FW_T_UNSUPPORTED, d);   /* vmap, queue, notrack, tproxy, ... */
		free(d);
	}
}

/*
 * The anonymous map of a rule's statements, if it has one: a verdict map
 * {"vmap":{"key":K,"data":{"set":[...]}}}, or a NAT map
 * {"dnat":{"addr":{"map":{"key":K,"data":{"set":[...]}}}}}. *nat gets the
 * NAT statement's name ("dnat", "snat") for the latter.
 */
static const json_t *anon_map(const json_t *expr, size_t *at, const char **nat)
{
	static const char *const nats[] = { "dnat", "snat" };
	const json_t *e, *map;
	size_t i;

	json_array_foreach(expr, i, e) {
		map = json_object_get(e, "vmap");
		*nat = NULL;
		for (size_t k = 0; !map && k < ARRAY_SIZE(nats); k++)
			if ((map = json_object_get(json_object_get(json_object_get(e, nats[k]), "addr"), "map")))
				*nat = nats[k];
		if (!map)
			continue;
		if (!json_is_array(json_object_get(json_object_get(map, "data"), "set")) ||
		    !json_object_get(map, "key"))
			return NULL;
		*at = i;
		return map;
	}
	return NULL;
}

/* The NAT statement for one element of a NAT map: data "ADDR" or {"concat":["ADDR", PORT]}. */
static json_t *nat_of_elem(const char *nat, const json_t *stmt, const json_t *data)
{
	const json_t *cc = json_object_get(data, "concat");
	json_t *args = json_deep_copy(json_object_get(stmt, nat));

	if (!args)
		return NULL;
	if (json_is_array(cc) && json_array_size(cc) == 2) {
		json_object_set(args, "addr", json_array_get(cc, 0));
		json_object_set(args, "port", json_array_get(cc, 1));
	} else {
		json_object_set(args, "addr", (json_t *)data);
	}
	return json_pack("{s:o}", nat, args);
}

/*
 * One rule from expr; with a map element, the map becomes "key ==
 * element" and the element's verdict or NAT.
 */
static struct fw_rule *one_rule(struct nft *p, struct fw_chain *c, unsigned pos, const json_t *expr,
				size_t map_at, const json_t *key, const json_t *elem, const char *nat)
{
	struct fw_rule *r = fw_chain_add_rule(c);
	unsigned line = p->index;
	char *rendered;
	const json_t *e;
	size_t i;

	r->line = line;
	r->pos = pos;
	json_array_foreach(expr, i, e) {
		json_t *m, *d;

		if (!elem || i != map_at) {
			statement(r, e);
			continue;
		}
		if (!json_is_array(elem) || json_array_size(elem) != 2) {
			unsupported(r, e);
			continue;
		}
		m = json_pack("{s:{s:s,s:O,s:O}}", "match", "op", "==", "left", key,
			      "right", json_array_get(elem, 0));
		if (m)
			statement(r, m);
		json_decref(m);
		if (!nat) {
			statement(r, json_array_get(elem, 1));
		} else if ((d = nat_of_elem(nat, e, json_array_get(elem, 1)))) {
			statement(r, d);
			json_decref(d);
		} else {
			unsupported(r, e);
		}
	}
	rendered = fw_rule_render(r);
	r->text = mp_strdup(&p->m->pool, rendered);
	free(rendered);
	fw_rule_seal(p->m, r);
	return r;
}

/*
 * A rule. A verdict map ({established : accept, invalid : drop}) or a
 * NAT map (dnat to tcp dport map { 25 : 192.0.2.25 }) expands to one rule
 * per element, all with the rule's position: the elements of a map never
 * overlap, so their order does not matter.
 */
static int add_rule(struct nft *p, const json_t *o)
{
	char *tk = table_key(jstr_of(o, "family"), jstr_of(o, "table"));
	struct fw_chain *c = fw_model_chain(p->m, tk, jstr_of(o, "chain"));
	const json_t *expr = json_object_get(o, "expr"), *vm, *el;
	const char *nat = NULL;
	size_t at = 0, i;
	unsigned pos;

	free(tk);
	if (!family_bits(jstr_of(o, "family")) && strcmp(jstr_of(o, "family"), "netdev"))
		return 0;
	if (!c)
		return nerr(p, "rule for a chain that was not listed before it");
	if (!json_is_array(expr))
		return nerr(p, "rule without an expr array");
	pos = c->n ? c->rules[c->n - 1].pos + 1 : 1;
	if (!(vm = anon_map(expr, &at, &nat))) {
		one_rule(p, c, pos, expr, 0, NULL, NULL, NULL);
		return 0;
	}
	json_array_foreach(json_object_get(json_object_get(vm, "data"), "set"), i, el)
		one_rule(p, c, pos, expr, at, json_object_get(vm, "key"), el, nat);
	return 0;
}

static int set_elem_cb(const json_t *v, void *ctx)
{
	struct fw_set *s = ctx;
	int fam = s->fam == FW_ANY ? 0 : s->fam;

	if (s->is_addr)
		return add_addr_value(v, &s->addrs, &fam);
	return add_port_value(v, &s->ports, &s->nports, &s->ports_alloc);
}

static int add_set(struct nft *p, const json_t *o)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	char *tk = table_key(jstr_of(o, "family"), jstr_of(o, "table"));
	struct fw_set *s = fw_model_add_set(p->m, tk, jstr_of(o, "name"));
	const json_t *elem = json_object_get(o, "elem");

	free(tk);
	s->is_addr = type && (!strcmp(type, "ipv4_addr") || !strcmp(type, "ipv6_addr"));
	s->fam = type && !strcmp(type, "ipv6_addr") ? FW_V6 : FW_V4;
	if (!type || (!s->is_addr && strcmp(type, "inet_service")))
		return 0;   /* other types: matches on the set stay unsupported */
	if (elem && each_elem(elem, set_elem_cb, s))
		return nerr(p, "set element that is not an address or port");
	if (!s->is_addr)
		s->fam = FW_ANY;
	return 0;
}

int fw_parse_nft_json(struct fw_model *m, const char *file, const char *text)
{
	struct nft p = { .m = m, .file = file, .text = text };
	json_error_t err;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err), *arr, *o;
	size_t i;
	int r = 0;

	if (!m->format)
		m->format = xstrdup("nft-json");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_ANY;
	if (!root)
		return error("%s:%d: %s", file, err.line, err.text);
	if (!json_is_array(arr = json_object_get(root, "nftables"))) {
		json_decref(root);
		return error("%s:1: expected an object with an \"nftables\" array", file);
	}
	json_array_foreach(arr, i, o) {
		p.index = (unsigned)i;
		if (!json_is_object(o))
			r = nerr(&p, "expected an object");
		else if (json_object_get(o, "chain"))
			r = add_chain(&p, json_object_get(o, "chain"));
		else if (json_object_get(o, "rule"))
			r = add_rule(&p, json_object_get(o, "rule"));
		else if (json_object_get(o, "set"))
			r = add_set(&p, json_object_get(o, "set"));
		if (r)
			break;
	}
	json_decref(root);
	return r;
}

/* Remove what changes without a change of rules: handles, counter values. */
static void scrub(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_del(j, "handle");
		if (json_is_object(v = json_object_get(j, "counter"))) {
			json_object_set_new(v, "packets", json_integer(0));
			json_object_set_new(v, "bytes", json_integer(0));
		}
		json_object_foreach(j, key, v)
			scrub(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			scrub(v);
	}
}

/*
 * Mask the secrets among j's strings: the value of a key the nft-json
 * table names, "NAME=VALUE" inside any string, then the firewall's own
 * patterns (fw_mask.c).
 */
static void mask_strings(json_t *j, const char *key, const struct fw_mask *mask)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			mask_strings(v, k, mask);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			mask_strings(v, key, mask);
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);
		struct strbuf sb = STRBUF_INIT;
		char *site;

		if (key && fw_mask_is_secret("nft-json", key, strlen(key)))
			fw_mask_marker(mask, s, json_string_length(j), &sb);
		else
			fw_mask_words(mask, "nft-json", s, strlen(s), &sb);
		site = fw_mask_site(mask, sb.buf ? sb.buf : "");
		if (strcmp(site, s))
			json_string_set(j, site);
		free(site);
		sb_release(&sb);
	}
}

char *fw_nft_clean(const char *text, const struct fw_mask *mask)
{
	json_t *root = json_loads(text, 0, NULL), *arr, *o;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!root)
		return NULL;
	if (!json_is_array(arr = json_object_get(root, "nftables"))) {
		json_decref(root);
		return xstrdup(text);   /* the parser will say what is wrong */
	}
	sb_adds(&sb, "{\"nftables\": [\n");
	json_array_foreach(arr, i, o) {
		char *line;

		if (json_is_object(json_object_get(o, "metainfo"))) {
			json_object_del(json_object_get(o, "metainfo"), "version");
			json_object_del(json_object_get(o, "metainfo"), "release_name");
		}
		scrub(o);
		mask_strings(o, NULL, mask);
		line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		sb_addf(&sb, "%s%s\n", line ? line : "null", i + 1 < json_array_size(arr) ? "," : "");
		free(line);
	}
	sb_adds(&sb, "]}\n");
	json_decref(root);
	return sb_detach(&sb);
}
