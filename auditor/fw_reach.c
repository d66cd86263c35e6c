/*
 * fw_reach.c - which peers reach what, through NAT and filter, the way
 * the kernel's netfilter would decide it.
 *
 * Everything about a packet is fixed by the query except one address:
 * the peer (the source inbound, the destination for egress and for
 * replies). So a chain is evaluated once over the set of peers that
 * reach it: each rule splits the set into the peers it surely matches,
 * the peers it may match (an unknown interface, an unsupported match:
 * those end as unknown, naming the rule) and the rest, which go on.
 *
 * The order follows the kernel: every base chain on a hook in priority
 * order (iptables tables are base chains with fixed priorities); nat
 * chains only see the first packet of a connection, later packets get
 * the binding it made; filter after DNAT sees the translated address.
 * A connection works when its first packet passes, the replies pass
 * back (conntrack: ESTABLISHED), and for TCP the client's later packets
 * (ESTABLISHED, original direction) pass too.
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

#define MAX_DEPTH 64
#define EPH_LO 1024   /* a client's port: any of 1024-65535 */

enum tri { NO, YES, MAYBE };

struct pkt {
	int fam;
	unsigned proto;
	bool var_src;            /* the peer is the source, else the destination */
	fw_u128 src, dst;        /* the fixed side's address */
	uint16_t sport, dport;   /* 0: the peer's port, any of 1024-65535 */
	unsigned ct;             /* conntrack state bits */
	bool syn;                /* a TCP SYN without ACK */
	const uint8_t *flags;    /* the TCP flag combinations this stage's packets have */
	size_t nflags;
	const char *iif, *oif;   /* NULL: unknown, "": none */
	bool dst_local;          /* the destination is the firewall itself */
};

struct flow {
	struct fw_addrset set;
	struct pkt pk;
	bool natted, redirected, snatted, local;
	unsigned nat_hooks;      /* hooks (bits) where a NAT binding was made */
	fw_u128 bind_dst;        /* the DNAT binding of the connection */
	uint16_t bind_port;
	char *nat_rule;
	char *snat_rule;         /* the SNAT or MASQUERADE rule, if any */
	fw_u128 snat_addr;
	bool snat_has_addr, snat_masq;
	char *accept_rule;       /* the rule that let it through */
	bool accept_explicit;    /* accept_rule is a rule, not a policy */
};

struct flows {
	struct flow *v;
	size_t n, alloc;
};

enum okind { O_ACCEPT, O_DROP, O_UNKNOWN, O_RETURN, O_NAT };

struct out {
	enum okind kind;
	struct fw_addrset set;
	const struct fw_chain *chain;
	const struct fw_rule *rule;
	char *why;
};

struct outs {
	struct out *v;
	size_t n, alloc;
};

struct ev {
	const struct fw_model *m;
	const struct fw_query *q;
	struct fw_verdict *v;
	enum fw_stage stage;
	enum fw_ctype base_type;   /* of the base chain being run: user chains act as it */
	char *last_nat;            /* the NAT label the last part got, in the answer's pool */
	int branches;              /* undecided rules being followed both ways, nested */
};

/* ---- single matches ---- */

static bool iface_match(const struct strlist *names, const char *iface)
{
	for (size_t i = 0; i < names->n; i++) {
		const char *n = names->v[i];
		size_t len = strlen(n);

		if (len && (n[len - 1] == '+' || n[len - 1] == '*')) {
			if (!strncmp(n, iface, len - 1))
				return true;
		} else if (!strcmp(n, iface)) {
			return true;
		}
	}
	return false;
}

static bool only_loopback(const struct strlist *names)
{
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->v[i], "lo"))
			return false;
	return names->n > 0;
}

static bool ports_have(const struct fw_portrange *p, size_t n, unsigned port)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].lo <= port && port <= p[i].hi)
			return true;
	return false;
}

/* A port match on the peer's port, which may be any of 1024-65535. */
static enum tri eph_ports(const struct fw_portrange *p, size_t n)
{
	unsigned covered = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned lo = p[i].lo < EPH_LO ? EPH_LO : p[i].lo;

		if (p[i].hi >= lo)
			covered += p[i].hi - lo + 1;
	}
	if (!covered)
		return NO;
	/* Ranges of one match do not overlap in practice; equality means all. */
	return covered >= 65536 - EPH_LO ? YES : MAYBE;
}

static enum tri port_match(const struct fw_match *mt, unsigned port)
{
	const struct fw_portrange *p = mt->ports;
	size_t n = mt->nports;

	if (mt->set_name && mt->set) {
		p = mt->set->ports;
		n = mt->set->nports;
	} else if (mt->set_name) {
		return MAYBE;
	}
	if (!port)
		return eph_ports(p, n);
	return ports_have(p, n, port) ? YES : NO;
}

static const struct fw_addrset *match_addrs(const struct fw_match *mt)
{
	if (mt->set_name)
		return mt->set && mt->set->is_addr ? &mt->set->addrs : NULL;
	return &mt->addrs;
}

/*
 * The type of the destination. A
 * broadcast address is only 255.255.255.255 here: a subnet's directed
 * broadcast needs the netmask, and a mail server's address never is one.
 */
static enum tri dst_type_match(unsigned types, const struct pkt *pk)
{
	unsigned have;
	bool mcast, bcast;

	if (!pk->var_src) {
		/* The peer is the destination: never the firewall itself; a
		 * connection's peer (replies) is unicast; egress peers may be anything. */
		if (!(types & ~FW_AT_LOCAL))
			return NO;
		if (!(pk->ct & FW_CT_NEW))
			return types & FW_AT_UNICAST ? YES : NO;
		return MAYBE;
	}
	mcast = pk->fam == FW_V4 ? ((pk->dst >> 28) & 0xf) == 0xe : (pk->dst >> 120) == 0xff;
	bcast = pk->fam == FW_V4 && (pk->dst & 0xffffffffu) == 0xffffffffu;
	have = (pk->dst_local ? FW_AT_LOCAL : 0) | (mcast ? FW_AT_MULTICAST : 0) |
	       (bcast ? FW_AT_BROADCAST : 0) | (!mcast && !bcast ? FW_AT_UNICAST : 0);
	return types & have ? YES : NO;
}

/* The flags of a stage's packets: YES if all match, NO if none, else MAYBE. */
static enum tri tcp_flags_match(const struct fw_match *mt, const struct pkt *pk)
{
	size_t hits = 0;

	for (size_t i = 0; i < pk->nflags; i++)
		hits += (pk->flags[i] & mt->tcp_mask) == mt->tcp_comp;
	return !hits ? NO : hits == pk->nflags ? YES : MAYBE;
}

/*
 * --tcp-option N: whether the stage's packets carry option N depends on
 * the client's stack for the options real stacks send (end, nop, MSS,
 * window scale, SACK, timestamps, MD5, user timeout, TCP-AO, MPTCP,
 * Fast Open, the experimental ones): unknown. No stack sends the others.
 */
static enum tri tcp_option_match(unsigned opt, const struct pkt *pk)
{
	static const unsigned sent[] = { 0, 1, 2, 3, 4, 5, 8, 19, 28, 29, 30, 34, 253, 254 };

	if (pk->proto != 6)
		return NO;
	for (size_t i = 0; i < ARRAY_SIZE(sent); i++)
		if (sent[i] == opt)
			return MAYBE;
	return NO;
}

static enum tri negate(enum tri t, bool neg)
{
	if (!neg || t == MAYBE)
		return t;
	return t == YES ? NO : YES;
}

/* A match on a fixed field of the packet. Peer addresses are not fixed. */
static enum tri fixed_match(const struct fw_match *mt, const struct pkt *pk)
{
	const struct fw_addrset *as;
	const char *ifc;
	enum tri t = MAYBE;

	switch (mt->kind) {
	case FW_M_SADDR:
	case FW_M_DADDR:
		if (!(mt->fam & pk->fam))
			return NO;   /* ip saddr on an IPv6 packet: the rule cannot match */
		as = match_addrs(mt);
		if (as)
			t = fw_as_contains(as, mt->kind == FW_M_SADDR ? pk->src : pk->dst) ? YES : NO;
		break;
	case FW_M_IIF:
	case FW_M_OIF:
		ifc = mt->kind == FW_M_IIF ? pk->iif : pk->oif;
		if (ifc && !*ifc)
			return NO;   /* no such device at this hook */
		if (ifc)
			t = iface_match(&mt->names, ifc) ? YES : NO;
		else if (only_loopback(&mt->names))
			t = NO;   /* traffic of remote peers never crosses lo */
		break;
	case FW_M_PROTO:
		t = mt->protos[pk->proto / 8] & (1u << (pk->proto % 8)) ? YES : NO;
		break;
	case FW_M_SPORT:
		t = port_match(mt, pk->sport);
		break;
	case FW_M_DPORT:
		t = port_match(mt, pk->dport);
		break;
	case FW_M_CTSTATE:
		t = pk->ct & mt->ctstate ? YES : NO;
		break;
	case FW_M_SYN:
		t = pk->syn ? YES : NO;
		break;
	case FW_M_TCPFLAGS:
		t = tcp_flags_match(mt, pk);
		break;
	case FW_M_DST_TYPE:
		t = dst_type_match(mt->addrtypes, pk);
		break;
	case FW_M_NFPROTO:
		t = mt->fam & pk->fam ? YES : NO;
		break;
	case FW_M_RATE:
		t = YES;   /* a rate limit passes a connection's first packets: reachability is the same */
		break;
	case FW_M_TCPOPT:
		t = tcp_option_match(mt->tcp_option, pk);
		break;
	case FW_M_UNSUPPORTED:
		break;
	}
	return negate(t, mt->neg);
}

static bool on_peer(const struct fw_match *mt, const struct pkt *pk)
{
	return (mt->kind == FW_M_SADDR && pk->var_src) || (mt->kind == FW_M_DADDR && !pk->var_src);
}

/* Why a match could not be decided, for the unknown part's message. */
static char *why_maybe(const struct fw_match *mt, const struct pkt *pk)
{
	switch (mt->kind) {
	case FW_M_IIF:
		return xasprintf("it matches incoming interface %s, and the incoming interface is not known (--in)",
				 mt->what ? mt->what : "?");
	case FW_M_OIF:
		return xasprintf("it matches outgoing interface %s, and the outgoing interface is not known (--out)",
				 mt->what ? mt->what : "?");
	case FW_M_SADDR:
	case FW_M_DADDR:
		return xasprintf("the members of set '%s' are not known", mt->set_name ? mt->set_name : "?");
	case FW_M_SPORT:
	case FW_M_DPORT:
		if (mt->set_name && !mt->set)
			return xasprintf("the members of set '%s' are not known", mt->set_name);
		return xasprintf("it matches some client ports (%s) only", mt->what ? mt->what : "?");
	default:
		return xasprintf("'%s' is not supported", mt->what ? mt->what : "?");
	}
}

/*
 * The peers of S that r's peer-address matches select, before negations:
 * the intersection of its positive matches, found by binary search in
 * the (large, shrinking) S; or all of S when r has no positive one.
 */
static void peer_candidates(const struct fw_rule *r, const struct pkt *pk,
			    struct fw_shrinking *S, struct fw_addrset *out)
{
	struct fw_addrset pos = FW_ADDRSET_INIT;
	const struct fw_addrset *sel = NULL;

	for (size_t i = 0; i < r->nm; i++) {
		const struct fw_match *mt = &r->m[i];
		const struct fw_addrset *as;

		if (!on_peer(mt, pk) || mt->neg || !(as = match_addrs(mt)))
			continue;
		if (sel) {   /* several: all must match */
			if (sel != &pos)
				fw_as_copy(&pos, sel);
			fw_as_restrict(&pos, as);
			sel = &pos;
		} else {
			sel = as;
		}
	}
	if (sel)
		fw_sh_query(S, sel, out);
	else
		fw_sh_current(S, out);
	fw_as_release(&pos);
}

static bool any_on_peer(const struct fw_rule *r, const struct pkt *pk)
{
	for (size_t i = 0; i < r->nm; i++)
		if (on_peer(&r->m[i], pk))
			return true;
	return false;
}

/*
 * Split S by the matches of r: *yes gets the peers r surely matches,
 * *maybe those it may match (with *why). Neither is removed from S,
 * except when r has no match on the peer (*all): then every peer of S
 * moves out, and S is left empty, as a large S is not copied.
 * Returns false when r matches no peer at all (nothing is allocated).
 */
static bool rule_split(const struct fw_rule *r, const struct pkt *pk, struct fw_shrinking *S,
		       struct fw_addrset *yes, struct fw_addrset *maybe, char **why, bool *all)
{
	const struct fw_match *unsure = NULL;

	/* A rule without a verdict (LOG, counters, marks) decides nothing, whatever it matches. */
	if (r->target == FW_T_NONE)
		return false;
	for (size_t i = 0; i < r->nm; i++) {
		if (on_peer(&r->m[i], pk)) {
			if (!(r->m[i].fam & pk->fam))
				return false;
			continue;
		}
		switch (fixed_match(&r->m[i], pk)) {
		case NO:
			return false;
		case MAYBE:
			unsure = unsure ? unsure : &r->m[i];
			break;
		case YES:
			break;
		}
	}
	*all = !any_on_peer(r, pk);
	if (*all)
		fw_sh_take(S, yes);
	else
		peer_candidates(r, pk, S, yes);
	for (size_t i = 0; i < r->nm && !fw_as_empty(yes); i++) {
		const struct fw_match *mt = &r->m[i];
		const struct fw_addrset *as;

		if (!on_peer(mt, pk))
			continue;
		if (!(as = match_addrs(mt)))
			unsure = unsure ? unsure : mt;
		else if (mt->neg)
			fw_as_remove(yes, as);
	}
	if (unsure) {   /* an undecided match: what would match is only "maybe" */
		*maybe = *yes;
		memset(yes, 0, sizeof(*yes));
		if (!fw_as_empty(maybe))
			*why = why_maybe(unsure, pk);
	}
	return true;
}

/* ---- chains ---- */

static void out_add(struct outs *o, enum okind kind, struct fw_addrset *set,
		    const struct fw_chain *c, const struct fw_rule *r, char *why)
{
	struct out *x;

	if (fw_as_empty(set)) {
		fw_as_release(set);
		free(why);
		return;
	}
	ALLOC_GROW(o->v, o->n + 1, o->alloc);
	x = &o->v[o->n++];
	x->kind = kind;
	x->set = *set;
	x->chain = c;
	x->rule = r;
	x->why = why;
	memset(set, 0, sizeof(*set));
}

static void outs_release(struct outs *o)
{
	for (size_t i = 0; i < o->n; i++) {
		fw_as_release(&o->v[i].set);
		free(o->v[i].why);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static void eval_chain(struct ev *ev, const struct pkt *pk, const struct fw_chain *c,
		       struct fw_addrset *S, int depth, struct outs *o);
static void eval_chain_from(struct ev *ev, const struct pkt *pk, const struct fw_chain *c, size_t from,
			    struct fw_addrset *S, int depth, struct outs *o);

/* *a |= *b, taking b's ranges (b is left empty): the first is moved, not copied. */
static void set_merge(struct fw_addrset *a, struct fw_addrset *b)
{
	if (fw_as_empty(a)) {
		fw_as_release(a);
		*a = *b;
		memset(b, 0, sizeof(*b));
		return;
	}
	fw_as_merge(a, b);
	fw_as_release(b);
}

/* A jump or goto: run the callee; peers it returns go on (jump, into cont) or return (goto). */
static void call_chain(struct ev *ev, const struct pkt *pk, const struct fw_chain *c,
		       const struct fw_rule *r, struct fw_addrset *matched, int depth,
		       struct fw_addrset *cont, struct outs *o)
{
	struct outs sub = { 0 };
	const struct fw_chain *callee = &ev->m->chains[r->jump_idx];

	if (depth >= MAX_DEPTH) {
		out_add(o, O_UNKNOWN, matched, c, r, xstrdup("chain calls nest too deep (a loop?)"));
		return;
	}
	eval_chain(ev, pk, callee, matched, depth + 1, &sub);
	ALLOC_GROW(o->v, o->n + sub.n, o->alloc);   /* a blocklist chain has 100,000 outcomes */
	for (size_t i = 0; i < sub.n; i++) {
		struct out *x = &sub.v[i];

		if (x->kind == O_RETURN && r->target == FW_T_JUMP)
			set_merge(cont, &x->set);
		else
			out_add(o, x->kind, &x->set, x->chain, x->rule, x->why), x->why = NULL;
	}
	outs_release(&sub);
}

/* Apply r's target to the peers it matched (consumed); those that go on to the next rule go to cont. */
static void apply_target(struct ev *ev, const struct pkt *pk, const struct fw_chain *c,
			 const struct fw_rule *r, struct fw_addrset *matched, int depth,
			 struct fw_addrset *cont, struct outs *o)
{
	switch (r->target) {
	case FW_T_NONE:
		set_merge(cont, matched);
		return;
	case FW_T_ACCEPT:
		out_add(o, O_ACCEPT, matched, c, r, NULL);
		return;
	case FW_T_DROP:
	case FW_T_REJECT:
		out_add(o, O_DROP, matched, c, r, NULL);
		return;
	case FW_T_RETURN:
		out_add(o, O_RETURN, matched, c, r, NULL);
		return;
	case FW_T_JUMP:
	case FW_T_GOTO:
		if (r->jump_idx < 0)
			break;
		call_chain(ev, pk, c, r, matched, depth, cont, o);
		return;
	case FW_T_DNAT:
	case FW_T_REDIRECT:
	case FW_T_SNAT:
	case FW_T_MASQUERADE:
		if (ev->base_type != FW_CT_NAT)
			break;
		if (r->nat_ambiguous) {
			out_add(o, O_UNKNOWN, matched, c, r,
				xstrdup("it translates to a range; the kernel picks one address or port"));
			return;
		}
		out_add(o, O_NAT, matched, c, r, NULL);
		return;
	case FW_T_UNSUPPORTED:
		break;
	}
	out_add(o, O_UNKNOWN, matched, c, r,
		xasprintf("target '%s' is not supported here", r->target_name ? r->target_name : fw_target_name(r->target)));
}

/* Undecided rules followed both ways inside one another; past this, unknown. */
#define MAX_BRANCHES 6

/* What an outcome of chain c means: off the end of a base chain is its policy. */
static enum okind final_kind(const struct out *x, const struct fw_chain *c)
{
	if (x->kind == O_RETURN && c->hook != FW_HOOK_NONE && c->type != FW_CT_NAT)
		return c->policy == FW_T_DROP ? O_DROP : O_ACCEPT;
	return x->kind;
}

/* Do two outcomes in chain c decide the same for a peer (the same verdict, the same translation)? */
static bool same_outcome(const struct out *a, const struct out *b, const struct fw_chain *c)
{
	if (final_kind(a, c) != final_kind(b, c) || a->kind == O_UNKNOWN)
		return false;
	if (a->kind != O_NAT)
		return true;
	return a->rule->target == b->rule->target && a->rule->nat_has_addr == b->rule->nat_has_addr &&
	       a->rule->nat_addr == b->rule->nat_addr && a->rule->nat_port == b->rule->nat_port;
}

/* o gets x's outcome for the peers in both x and with (nothing when none). */
static void out_add_part(struct outs *o, const struct out *x, const struct fw_addrset *with)
{
	struct fw_addrset in = FW_ADDRSET_INIT;

	fw_as_intersect(&in, &x->set, with);
	out_add(o, x->kind, &in, x->chain, x->rule, x->why ? xstrdup(x->why) : NULL);
}

/*
 * Peers rule r (at idx in c) may or may not match, for a reason (why,
 * taken): follow both ways, as if it matched (its target) and as if it
 * did not (the rest of the chain). Where both decide the same, that is
 * the answer; only where they differ is it unknown. A `-m mark -j
 * ACCEPT` whose fall-through accepts too is then decided.
 */
static void follow_both(struct ev *ev, const struct pkt *pk, const struct fw_chain *c, size_t idx,
			struct fw_addrset *maybe, char *why, int depth, struct outs *o)
{
	const struct fw_rule *r = &c->rules[idx];
	struct outs a = { 0 }, b = { 0 };
	struct fw_addrset ma = FW_ADDRSET_INIT, cont = FW_ADDRSET_INIT;

	if (ev->branches >= MAX_BRANCHES || fw_as_empty(maybe)) {
		out_add(o, O_UNKNOWN, maybe, c, r, why);
		return;
	}
	ev->branches++;
	fw_as_copy(&ma, maybe);
	apply_target(ev, pk, c, r, &ma, depth, &cont, &a);
	eval_chain_from(ev, pk, c, idx + 1, maybe, depth, &b);   /* takes maybe */
	ev->branches--;
	for (size_t j = 0; j < b.n; j++) {
		struct out *xb = &b.v[j];

		out_add_part(o, xb, &cont);   /* its target let them go on: the same path */
		for (size_t i = 0; i < a.n; i++) {
			struct out *xa = &a.v[i];
			struct fw_addrset in = FW_ADDRSET_INIT;

			if (same_outcome(xa, xb, c)) {
				out_add_part(o, xa, &xb->set);
				continue;
			}
			fw_as_intersect(&in, &xa->set, &xb->set);
			out_add(o, O_UNKNOWN, &in, c, r,
				xa->kind == O_UNKNOWN && xa->why ? xstrdup(xa->why) :
				xb->kind == O_UNKNOWN && xb->why ? xstrdup(xb->why) :
				xstrdup(why));
		}
	}
	free(why);
	fw_as_release(&ma);
	fw_as_release(&cont);
	outs_release(&a);
	outs_release(&b);
}

/* One rule over the peers left: what it matches leaves, unless its target lets them go on. */
static void eval_rule(struct ev *ev, const struct pkt *pk, const struct fw_chain *c,
		      const struct fw_rule *r, struct fw_shrinking *left, int depth, struct outs *o)
{
	struct fw_addrset yes = FW_ADDRSET_INIT, maybe = FW_ADDRSET_INIT;
	struct fw_addrset gone = FW_ADDRSET_INIT, cont = FW_ADDRSET_INIT;
	char *why = NULL;
	bool all;

	if (!rule_split(r, pk, left, &yes, &maybe, &why, &all))
		return;
	if (all) {   /* every peer left went to yes or maybe: those the target lets go on stay */
		follow_both(ev, pk, c, (size_t)(r - c->rules), &maybe, why, depth, o);
		if (!fw_as_empty(&yes))
			apply_target(ev, pk, c, r, &yes, depth, &cont, o);
		fw_sh_release(left);
		fw_sh_init(left, &cont);
		fw_as_release(&yes);
		return;
	}
	fw_sh_remove(left, &maybe);
	follow_both(ev, pk, c, (size_t)(r - c->rules), &maybe, why, depth, o);
	if (!fw_as_empty(&yes)) {
		fw_as_copy(&gone, &yes);
		apply_target(ev, pk, c, r, &yes, depth, &cont, o);
		fw_as_remove(&gone, &cont);
		fw_sh_remove(left, &gone);
	}
	fw_as_release(&yes);
	fw_as_release(&gone);
	fw_as_release(&cont);
}

/* ---- runs: many plain rules in a row, evaluated at once ---- */

/* Runs shorter than this go rule by rule (tests lower it to compare both ways). */
size_t fw_run_min = 16;

enum member { M_NOOP, M_MEMBER, M_OTHER };

/*
 * Can r join a run? Members decide by peer address alone (every other
 * match surely matches, the peer matches are plain address lists) and
 * end evaluation for what they match. Rules that match nothing (M_NOOP)
 * do not break a run.
 */
static enum member run_member(const struct fw_rule *r, const struct pkt *pk)
{
	bool member = r->target == FW_T_ACCEPT || r->target == FW_T_DROP ||
		      r->target == FW_T_REJECT || r->target == FW_T_RETURN;

	if (r->target == FW_T_NONE)
		return M_NOOP;
	for (size_t i = 0; i < r->nm; i++) {
		const struct fw_match *mt = &r->m[i];

		if (on_peer(mt, pk)) {
			if (!(mt->fam & pk->fam))
				return M_NOOP;
			if (mt->neg || !match_addrs(mt))
				member = false;
			continue;
		}
		switch (fixed_match(mt, pk)) {
		case NO:
			return M_NOOP;
		case MAYBE:
			member = false;
			break;
		case YES:
			break;
		}
	}
	return member ? M_MEMBER : M_OTHER;
}

/* The peer addresses member r selects, as ranges labelled k. */
static void add_member_ranges(const struct fw_rule *r, size_t k, const struct pkt *pk,
			      struct fw_lrange **v, size_t *n, size_t *alloc)
{
	struct fw_addrset pos = FW_ADDRSET_INIT;
	const struct fw_addrset *sel = NULL;

	for (size_t i = 0; i < r->nm; i++) {
		if (!on_peer(&r->m[i], pk))
			continue;
		if (sel) {   /* several address matches: all must match */
			if (sel != &pos)
				fw_as_copy(&pos, sel);
			fw_as_restrict(&pos, match_addrs(&r->m[i]));
			sel = &pos;
		} else {
			sel = match_addrs(&r->m[i]);
		}
	}
	if (!sel) {
		fw_as_set_universe(&pos, FW_V6);   /* no address match: every peer */
		sel = &pos;
	}
	BIG_GROW(*v, *n + sel->n, *alloc);   /* a blocklist chain: 100,000 ranges */
	for (size_t i = 0; i < sel->n; i++, (*n)++) {
		(*v)[*n].lo = sel->v[i].lo;
		(*v)[*n].hi = sel->v[i].hi;
		(*v)[*n].k = k;
	}
	fw_as_release(&pos);
}

/*
 * The run from rule i on: up to the first rule that is neither a member
 * nor a no-op (returned), with the members' peer ranges in *rg (its
 * buffer reused from run to run) and their count in *members.
 */
static size_t gather_run(const struct fw_chain *c, size_t i, const struct pkt *pk,
			 struct fw_lrange **rg, size_t *n, size_t *alloc, size_t *members)
{
	enum member m;

	*n = *members = 0;
	for (; i < c->n; i++) {
		/*
		 * A rule's matches lie in the model's pool, with those of the
		 * rules of other chains between: ask for them a few rules ahead.
		 */
		if (i + 8 < c->n)
			__builtin_prefetch(c->rules[i + 8].m);
		if ((m = run_member(&c->rules[i], pk)) == M_OTHER)
			break;
		if (m == M_MEMBER) {
			add_member_ranges(&c->rules[i], i, pk, rg, n, alloc);
			(*members)++;
		}
	}
	return i;
}

/* A gathered run (rg, n: its members' ranges, sorted here) over the peers left. */
static void eval_run(const struct fw_chain *c, struct fw_lrange *rg, size_t n,
		     struct fw_shrinking *left, struct outs *o)
{
	struct fw_lrange *pc;
	struct fw_addrset hit = FW_ADDRSET_INIT;
	size_t np = fw_first_match(rg, n, left, &hit, &pc);

	ALLOC_GROW(o->v, o->n + np, o->alloc);   /* at most one outcome a piece */
	for (size_t i = 0; i < np;) {
		const struct fw_rule *r = &c->rules[pc[i].k];
		struct fw_addrset set = FW_ADDRSET_INIT;
		size_t k = pc[i].k;

		for (; i < np && pc[i].k == k; i++)
			fw_as_add(&set, pc[i].lo, pc[i].hi);   /* in order: appends */
		out_add(o, r->target == FW_T_ACCEPT ? O_ACCEPT : r->target == FW_T_RETURN ? O_RETURN : O_DROP,
			&set, c, r, NULL);
	}
	fw_sh_remove(left, &hit);
	fw_as_release(&hit);
	free(pc);
}

/*
 * Evaluate chain c for the peers S (consumed). Outcomes go to o; peers
 * that fall off the end or hit RETURN come back as O_RETURN. S shrinks
 * rule by rule; a rule's peers leave it unless its target lets them go on.
 */
static void eval_chain(struct ev *ev, const struct pkt *pk, const struct fw_chain *c,
		       struct fw_addrset *S, int depth, struct outs *o)
{
	eval_chain_from(ev, pk, c, 0, S, depth, o);
}

/* The same from rule `from` on. */
static void eval_chain_from(struct ev *ev, const struct pkt *pk, const struct fw_chain *c, size_t from,
			    struct fw_addrset *S, int depth, struct outs *o)
{
	struct fw_shrinking left;
	struct fw_addrset rest = FW_ADDRSET_INIT;
	struct fw_lrange *rg = NULL;
	size_t i = from, n, alloc = 0;

	fw_sh_init(&left, S);
	while (i < c->n && !fw_sh_empty(&left)) {
		size_t members, end = gather_run(c, i, pk, &rg, &n, &alloc, &members);

		if (members >= fw_run_min && members > 1) {
			eval_run(c, rg, n, &left, o);
			i = end;
			continue;
		}
		for (; i <= end && i < c->n && !fw_sh_empty(&left); i++)
			eval_rule(ev, pk, c, &c->rules[i], &left, depth, o);
	}
	BIG_FREE(rg, alloc);
	fw_sh_take(&left, &rest);
	fw_sh_release(&left);
	out_add(o, O_RETURN, &rest, c, NULL, NULL);
}

/* ---- hooks ---- */

static char *policy_label(const struct fw_chain *c)
{
	return xasprintf("%s %s policy %s", c->table, c->name, fw_target_name(c->policy));
}

static char *out_label(const struct out *x)
{
	return x->rule ? fw_rule_label(x->chain, x->rule) : policy_label(x->chain);
}

/* A string of the answer: moved into its pool (s is freed). */
static char *in_pool(struct ev *ev, char *s)
{
	char *p = s ? mp_strdup(&ev->v->pool, s) : NULL;

	free(s);
	return p;
}


/* The flow's NAT rule in the pool; consecutive parts of one flow share one copy. */
static char *nat_label_in(struct ev *ev, const char *s)
{
	if (!ev->last_nat || strcmp(ev->last_nat, s))
		ev->last_nat = mp_strdup(&ev->v->pool, s);
	return ev->last_nat;
}

/*
 * Add a part for the peers set (taken; it is left empty); rule and why
 * are in the answer's pool. Returns the part, or NULL for no peers.
 */
static struct fw_part *add_part(struct ev *ev, enum fw_outcome oc, struct fw_addrset *set,
				const struct flow *f, char *rule, char *why)
{
	struct fw_verdict *v = ev->v;
	struct fw_part *p;

	if (fw_as_empty(set))
		return NULL;
	BIG_GROW(v->parts, v->n + 1, v->alloc);
	p = &v->parts[v->n++];
	memset(p, 0, sizeof(*p));
	p->outcome = oc;
	p->stage = ev->stage;
	p->peers = *set;   /* taken, not copied: answers can have 100,000 parts */
	memset(set, 0, sizeof(*set));
	p->label = rule;
	p->why = why;
	if (f) {
		p->nat = f->natted;
		p->nat_rule = f->nat_rule ? nat_label_in(ev, f->nat_rule) : NULL;
		p->to_fam = f->pk.fam;
		p->to = f->bind_dst;
		p->to_port = f->bind_port;
		p->snat = f->snatted;
		p->snat_rule = f->snat_rule ? mp_strdup(&v->pool, f->snat_rule) : NULL;
		p->src_known = !f->snatted || f->snat_has_addr;
		p->src = f->snatted ? f->snat_addr : ev->q->egress ? ev->q->host : f->pk.src;
	}
	return p;
}

/* A part for an outcome of a chain: its rule's label is made when asked for. */
static void out_part(struct ev *ev, enum fw_outcome oc, struct out *x, const struct flow *f, char *why)
{
	struct fw_part *p = add_part(ev, oc, &x->set, f, x->rule ? NULL : in_pool(ev, policy_label(x->chain)), why);

	if (p && x->rule) {
		p->rule_chain = x->chain;
		p->rule_at = x->rule;
	}
}

const char *fw_part_rule(struct fw_verdict *v, struct fw_part *p)
{
	if (!p->label && p->rule_at)
		p->label = fw_rule_label_in(&v->pool, p->rule_chain, p->rule_at);
	return p->label;
}

static void flow_copy_meta(struct flow *dst, const struct flow *src)
{
	*dst = *src;
	memset(&dst->set, 0, sizeof(dst->set));
	dst->nat_rule = src->nat_rule ? xstrdup(src->nat_rule) : NULL;
	dst->snat_rule = src->snat_rule ? xstrdup(src->snat_rule) : NULL;
	dst->accept_rule = src->accept_rule ? xstrdup(src->accept_rule) : NULL;
}

static void flow_release(struct flow *f)
{
	fw_as_release(&f->set);
	free(f->nat_rule);
	free(f->snat_rule);
	free(f->accept_rule);
}

static void flows_release(struct flows *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		flow_release(&fl->v[i]);
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

static struct flow *flows_add(struct flows *fl, const struct flow *meta, struct fw_addrset *set)
{
	struct flow *f;

	ALLOC_GROW(fl->v, fl->n + 1, fl->alloc);
	f = &fl->v[fl->n++];
	flow_copy_meta(f, meta);
	f->set = *set;
	memset(set, 0, sizeof(*set));
	return f;
}

/* The translation r makes of flow f (whose peers are the sources). */
static void apply_nat(struct ev *ev, struct flow *f, const struct fw_chain *c, const struct fw_rule *r)
{
	if (r->target == FW_T_SNAT || r->target == FW_T_MASQUERADE) {
		f->snatted = true;
		f->snat_masq = r->target == FW_T_MASQUERADE;
		f->snat_has_addr = r->target == FW_T_SNAT && r->nat_has_addr && !r->nat_ambiguous;
		f->snat_addr = r->nat_addr;
		free(f->snat_rule);
		f->snat_rule = fw_rule_label(c, r);
		return;
	}
	f->natted = true;
	f->nat_rule = fw_rule_label(c, r);
	if (r->target == FW_T_REDIRECT) {
		f->redirected = true;
	} else if (r->nat_has_addr) {
		f->pk.dst = r->nat_addr;
		f->bind_dst = r->nat_addr;
	}
	if (r->nat_port) {
		f->pk.dport = r->nat_port;
		f->bind_port = r->nat_port;
	}
	f->pk.ct |= FW_CT_DNAT;
	(void)ev;
}

static void note_accept(struct flow *f, const struct out *x)
{
	if (f->accept_explicit && !x->rule)
		return;
	free(f->accept_rule);
	f->accept_rule = out_label(x);
	f->accept_explicit = x->rule != NULL;
}

/* Run one base chain over every flow; survivors go to next. */
static void run_base(struct ev *ev, const struct fw_chain *c, struct flows *fl, struct flows *next)
{
	for (size_t i = 0; i < fl->n; i++) {
		struct flow *f = &fl->v[i];
		struct outs o = { 0 };

		if (c->type == FW_CT_NAT && (!(f->pk.ct & FW_CT_NEW) || (f->nat_hooks & (1u << c->hook)))) {
			/* Later packets use the binding the first one made. */
			flows_add(next, f, &f->set);
			continue;
		}
		ev->base_type = c->type;
		eval_chain(ev, &f->pk, c, &f->set, 0, &o);
		BIG_GROW(ev->v->parts, ev->v->n + o.n, ev->v->alloc);   /* at most one part each */
		for (size_t k = 0; k < o.n; k++) {
			struct out *x = &o.v[k];
			enum okind kind = x->kind;
			struct flow *nf;

			if (kind == O_RETURN)   /* off the end of a base chain: its policy */
				kind = c->policy == FW_T_DROP ? O_DROP : O_ACCEPT, x->rule = NULL, x->chain = c;
			if (kind == O_DROP) {
				out_part(ev, FW_BLOCKED, x, f, NULL);
			} else if (kind == O_UNKNOWN) {
				out_part(ev, FW_UNKNOWN, x, f, in_pool(ev, x->why));
				x->why = NULL;
			} else {
				nf = flows_add(next, f, &x->set);
				if (kind == O_NAT) {
					apply_nat(ev, nf, x->chain, x->rule);
					nf->nat_hooks |= 1u << c->hook;   /* one binding per hook */
				}
				else if (c->type != FW_CT_NAT)
					note_accept(nf, x);
			}
		}
		outs_release(&o);
	}
	flows_release(fl);
	*fl = *next;
	memset(next, 0, sizeof(*next));
}

static int cmp_prio(const void *a, const void *b)
{
	const struct fw_chain *x = *(const struct fw_chain *const *)a, *y = *(const struct fw_chain *const *)b;

	return (x->prio > y->prio) - (x->prio < y->prio);
}

/* Every base chain of hook h for family fam, in priority order (stable). */
static void run_hook(struct ev *ev, enum fw_hook h, int fam, struct flows *fl)
{
	const struct fw_chain **cs = xcalloc(ev->m->n + 1, sizeof(*cs));
	struct flows next = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < ev->m->n; i++)
		if (ev->m->chains[i].hook == h && (ev->m->chains[i].fam & fam))
			cs[n++] = &ev->m->chains[i];
	/* qsort is not stable; insertion sort keeps export order on equal priorities. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_prio(&cs[j - 1], &cs[j]) > 0; j--) {
			const struct fw_chain *t = cs[j];
			cs[j] = cs[j - 1];
			cs[j - 1] = t;
		}
	for (size_t i = 0; i < n && fl->n; i++)
		run_base(ev, cs[i], fl, &next);
	free(cs);
}

static void set_ifaces(struct flows *fl, const char *iif, const char *oif)
{
	for (size_t i = 0; i < fl->n; i++) {
		fl->v[i].pk.iif = iif;
		fl->v[i].pk.oif = oif;
	}
}

static bool dst_is_local(const struct ev *ev, const struct flow *f)
{
	const struct fw_query *q = ev->q;

	if (f->redirected)
		return true;
	if (!f->pk.var_src)
		return false;
	if (q->local && fw_as_contains(q->local, f->pk.dst))
		return true;
	return q->to_local && f->pk.dst == q->to;
}

/*
 * Take flows through the hooks a packet meets: from outside (in on iif)
 * or from the firewall itself (from_local), to the firewall (decided per
 * flow after PREROUTING unless known) or through it (out on oif).
 */
static void traverse(struct ev *ev, struct flows *fl, bool from_local, const char *iif, const char *oif)
{
	struct flows loc = { 0 }, fwd = { 0 };
	int fam = fl->n ? fl->v[0].pk.fam : FW_V4;

	if (from_local) {
		set_ifaces(fl, "", oif);
		run_hook(ev, FW_HOOK_OUTPUT, fam, fl);
		run_hook(ev, FW_HOOK_POSTROUTING, fam, fl);
		return;
	}
	set_ifaces(fl, iif, "");
	run_hook(ev, FW_HOOK_PREROUTING, fam, fl);
	for (size_t i = 0; i < fl->n; i++) {
		struct flow *f = &fl->v[i];

		if (ev->stage == FW_STAGE_REQUEST)
			f->local = dst_is_local(ev, f);
		f->pk.dst_local = f->local;
		flows_add(f->local ? &loc : &fwd, f, &f->set);
	}
	flows_release(fl);
	set_ifaces(&loc, iif, "");
	run_hook(ev, FW_HOOK_INPUT, fam, &loc);
	set_ifaces(&fwd, iif, oif);
	run_hook(ev, FW_HOOK_FORWARD, fam, &fwd);
	run_hook(ev, FW_HOOK_POSTROUTING, fam, &fwd);
	for (size_t i = 0; i < fwd.n; i++)
		flows_add(&loc, &fwd.v[i], &fwd.v[i].set);
	flows_release(&fwd);
	*fl = loc;
}

/* ---- connections ---- */

/*
 * TCP flags of each stage (FIN 1, SYN 2, RST 4, PSH 8, ACK 16): the first
 * packet is a SYN; replies are the SYN-ACK, then ACKs with or without
 * data and the closing FIN; the client's later packets are the same
 * without the SYN-ACK. Hardening rules (--tcp-flags ALL NONE, SYN,FIN
 * SYN,FIN, ...) match none of them.
 */
static const uint8_t first_flags[] = { 0x02 };
static const uint8_t reply_flags[] = { 0x12, 0x10, 0x18, 0x11 };
static const uint8_t later_flags[] = { 0x10, 0x18, 0x11 };

/* The union of the flows' peers, taken from them. */
static void flows_union(struct flows *fl, struct fw_addrset *out)
{
	for (size_t i = 0; i < fl->n; i++)
		set_merge(out, &fl->v[i].set);
}

/*
 * Egress with the firewall's public addresses known (q->public): replies
 * are routed to the source the connection leaves with, so they come back
 * only when that source is one of them. A MASQUERADE takes an address of
 * the outgoing interface, a public one. Otherwise f's peers end blocked
 * at the reply stage, naming the source NAT rule (or its absence).
 */
static bool no_way_back(struct ev *ev, struct flow *f)
{
	const struct fw_query *q = ev->q;
	fw_u128 src = f->snatted ? f->snat_addr : q->host;
	struct fw_part *p;
	char buf[64], *why, *rule;

	if (!q->egress || !q->public || q->host_local)
		return false;
	if (f->snatted && (f->snat_masq || !f->snat_has_addr) ? !fw_as_empty(q->public)
							      : fw_as_contains(q->public, src))
		return false;
	fw_ip_format(src, q->fam, buf, sizeof(buf));
	why = f->snatted ? xasprintf("it leaves with the source %s, which is not a public address of the firewall: replies cannot come back", buf)
			 : xasprintf("no source NAT: it leaves with the source %s, which is not a public address of the firewall: replies cannot come back", buf);
	rule = f->snatted ? xstrdup(f->snat_rule) : xstrdup("nat POSTROUTING: no SNAT or MASQUERADE rule matches");
	ev->stage = FW_STAGE_REPLY;
	p = add_part(ev, FW_BLOCKED, &f->set, f, in_pool(ev, rule), in_pool(ev, why));
	if (p)
		p->no_return = true;
	ev->stage = FW_STAGE_REQUEST;
	return true;
}

/*
 * The replies of request flow f, then (TCP) its later packets: the peers
 * whose whole connection works end as allowed. f's peers are taken.
 */
static void finish_connection(struct ev *ev, struct flow *f)
{
	const struct fw_query *q = ev->q;
	struct flows fl = { 0 };
	struct fw_addrset ok = FW_ADDRSET_INIT;
	struct flow rf;
	unsigned ct = FW_CT_ESTABLISHED | (f->natted ? FW_CT_DNAT : 0) | (f->snatted ? FW_CT_SNAT : 0);
	/* The request ended on the firewall itself (INPUT, or a REDIRECT): it answers. */
	bool from_local = f->local;

	if (no_way_back(ev, f))
		return;

	/* Replies: the peer is now the other end. */
	flow_copy_meta(&rf, f);
	rf.pk.var_src = !f->pk.var_src;
	rf.pk.src = f->pk.dst;
	rf.pk.dst = f->pk.src;
	rf.pk.sport = f->pk.dport;
	rf.pk.dport = f->pk.sport;
	rf.pk.ct = ct;
	rf.pk.syn = false;
	rf.pk.flags = reply_flags;
	rf.pk.nflags = ARRAY_SIZE(reply_flags);
	rf.local = q->egress ? q->host_local : false;
	rf.set = f->set;   /* f's peers are not needed after this */
	memset(&f->set, 0, sizeof(f->set));
	ev->stage = FW_STAGE_REPLY;
	flows_add(&fl, &rf, &rf.set);
	flow_release(&rf);
	traverse(ev, &fl, from_local, q->out_iface, q->in_iface);
	flows_union(&fl, &ok);
	flows_release(&fl);

	if (q->proto == 6 && !fw_as_empty(&ok)) {
		struct flow ef;

		flow_copy_meta(&ef, f);
		ef.pk.ct = ct;
		ef.pk.syn = false;
		ef.pk.flags = later_flags;
		ef.pk.nflags = ARRAY_SIZE(later_flags);
		ef.set = ok;
		memset(&ok, 0, sizeof(ok));
		ev->stage = FW_STAGE_ESTABLISHED;
		flows_add(&fl, &ef, &ef.set);
		flow_release(&ef);
		traverse(ev, &fl, q->egress ? q->host_local : false, q->in_iface, q->out_iface);
		flows_union(&fl, &ok);
		flows_release(&fl);
	}
	ev->stage = FW_STAGE_REQUEST;
	add_part(ev, FW_ALLOWED, &ok, f, f->accept_rule ? mp_strdup(&ev->v->pool, f->accept_rule) : NULL, NULL);
	fw_as_release(&ok);
}

static void peers_of(const struct fw_addrset *given, int fam, struct fw_addrset *out)
{
	struct fw_addrset u = FW_ADDRSET_INIT;

	fw_as_set_universe(&u, fam);
	if (given)
		fw_as_intersect(out, &u, given);
	else
		fw_as_copy(out, &u);
	fw_as_release(&u);
}

static void connect_all(struct ev *ev)
{
	const struct fw_query *q = ev->q;
	struct flows fl = { 0 };
	struct flow f0;
	struct fw_addrset peers = FW_ADDRSET_INIT;

	memset(&f0, 0, sizeof(f0));
	f0.pk.fam = q->fam;
	f0.pk.proto = q->proto;
	f0.pk.ct = FW_CT_NEW;
	f0.pk.syn = q->proto == 6;
	f0.pk.flags = first_flags;
	f0.pk.nflags = ARRAY_SIZE(first_flags);
	f0.pk.dport = q->port;
	f0.bind_port = q->port;
	if (q->egress) {
		f0.pk.src = q->host;
		f0.local = false;
		peers_of(q->dests, q->fam, &peers);
	} else {
		f0.pk.var_src = true;
		f0.pk.dst = q->to;
		f0.bind_dst = q->to;
		/* addrtype --dst-type LOCAL in PREROUTING sees the address before NAT. */
		f0.pk.dst_local = q->to_local || (q->local && fw_as_contains(q->local, q->to));
		peers_of(q->from, q->fam, &peers);
	}
	ev->stage = FW_STAGE_REQUEST;
	flows_add(&fl, &f0, &peers);
	traverse(ev, &fl, q->egress && q->host_local, q->in_iface, q->out_iface);
	for (size_t i = 0; i < fl.n; i++)
		finish_connection(ev, &fl.v[i]);
	flows_release(&fl);
}

/* Hooks we do not evaluate (netdev ingress, ...) decide nothing only when empty. */
static const struct fw_chain *other_hook(const struct fw_model *m, int fam)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->chains[i].hook == FW_HOOK_OTHER && (m->chains[i].fam & fam) &&
		    (m->chains[i].n || m->chains[i].policy == FW_T_DROP))
			return &m->chains[i];
	return NULL;
}

static struct fw_addrset *outcome_set(struct fw_verdict *v, enum fw_outcome oc)
{
	return oc == FW_ALLOWED ? &v->allowed : oc == FW_BLOCKED ? &v->blocked : &v->unknown;
}

static void summarize(struct fw_verdict *v, int fam)
{
	size_t n[3] = { 0 };

	/* Each union in one block of its final size: 70,000 parts are 2 MB of ranges. */
	for (size_t i = 0; i < v->n; i++)
		n[v->parts[i].outcome] += v->parts[i].peers.n;
	for (int oc = FW_ALLOWED; oc <= FW_UNKNOWN; oc++)
		ALLOC_GROW(outcome_set(v, oc)->v, n[oc], outcome_set(v, oc)->alloc);
	for (size_t i = 0; i < v->n; i++)   /* one sort at the end, not a merge per part */
		fw_as_append_raw(outcome_set(v, v->parts[i].outcome), &v->parts[i].peers);
	fw_as_normalize(&v->allowed);
	fw_as_normalize(&v->blocked);
	fw_as_normalize(&v->unknown);
	v->fam = fam;
	if (!fw_as_empty(&v->unknown) || v->why)
		v->verdict = FW_VERDICT_UNKNOWN;
	else if (fw_as_empty(&v->allowed))
		v->verdict = FW_VERDICT_BLOCKED;
	else if (fw_as_empty(&v->blocked))
		v->verdict = FW_VERDICT_ALLOWED;
	else
		v->verdict = FW_VERDICT_PARTIAL;
}

void fw_reach(const struct fw_model *m, const struct fw_query *q, struct fw_verdict *out)
{
	struct ev ev = { .m = m, .q = q, .v = out };
	const struct fw_chain *oc;

	memset(out, 0, sizeof(*out));
	if (m->fam && !(m->fam & q->fam)) {
		struct fw_addrset all = FW_ADDRSET_INIT;

		peers_of(q->egress ? q->dests : q->from, q->fam, &all);
		add_part(&ev, FW_UNKNOWN, &all, NULL, NULL,
			 in_pool(&ev, xasprintf("the export holds %s rules only; this traffic is %s",
						m->fam == FW_V4 ? "IPv4" : "IPv6", q->fam == FW_V4 ? "IPv4" : "IPv6")));
		fw_as_release(&all);
	} else if ((oc = other_hook(m, q->fam))) {
		struct fw_addrset all = FW_ADDRSET_INIT;

		peers_of(q->egress ? q->dests : q->from, q->fam, &all);
		add_part(&ev, FW_UNKNOWN, &all, NULL, in_pool(&ev, xasprintf("%s %s", oc->table, oc->name)),
			 in_pool(&ev, xasprintf("chain %s %s is on a hook mxaudit does not evaluate",
						oc->table, oc->name)));
		fw_as_release(&all);
	} else {
		connect_all(&ev);
	}
	summarize(out, q->fam);
}

const char *fw_verdict_name(enum fw_verdict_kind v)
{
	static const char *const names[] = { "allowed", "blocked", "partial", "unknown" };
	return names[v];
}

const char *fw_outcome_name(enum fw_outcome o)
{
	static const char *const names[] = { "allowed", "blocked", "unknown" };
	return names[o];
}

const char *fw_stage_name(enum fw_stage s)
{
	static const char *const names[] = { "request", "reply", "established" };
	return names[s];
}

void fw_verdict_release(struct fw_verdict *v)
{
	for (size_t i = 0; i < v->n; i++)
		fw_as_release(&v->parts[i].peers);
	BIG_FREE(v->parts, v->alloc);
	mp_release(&v->pool);
	fw_as_release(&v->allowed);
	fw_as_release(&v->blocked);
	fw_as_release(&v->unknown);
	free(v->why);
	memset(v, 0, sizeof(*v));
}
