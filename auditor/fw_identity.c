/*
 * fw_identity.c - the outbound identity: the source address a mail host's
 * tcp/25 leaves the firewall with, after source NAT. SPF and the PTR of
 * the HELO name must hold for that address, not the host's own. Pure:
 * model in, answer out.
 *
 * The answer walks the postrouting NAT chains the way the kernel would
 * for a new tcp/25 connection from the host out of the outside interface,
 * to a destination that is any Internet address: a rule whose matches
 * depend on what is not known here (the destination, a mark, an unknown
 * set) makes the identity unknown rather than a guess.
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

enum tri { NO, YES, MAYBE };

static enum tri match_one(const struct fw_match *mt, const struct fw_query *q)
{
	const struct fw_addrset *as = &mt->addrs;
	const char *ifc;
	enum tri t = MAYBE;

	switch (mt->kind) {
	case FW_M_SADDR:
		if (mt->set_name)
			as = mt->set && mt->set->is_addr ? &mt->set->addrs : NULL;
		if (as)
			t = fw_as_contains(as, q->host) ? YES : NO;
		break;
	case FW_M_DADDR:
		if (!mt->set_name && fw_as_empty(as))
			t = NO;
		break;
	case FW_M_OIF:
	case FW_M_IIF:   /* appliances' source NAT names where the host's traffic comes in */
		ifc = mt->kind == FW_M_OIF ? q->out_iface : q->in_iface;
		if (ifc)
			for (size_t i = 0; i < mt->names.n && t != YES; i++) {
				size_t n = strlen(mt->names.v[i]);
				bool wild = n && (mt->names.v[i][n - 1] == '+' || mt->names.v[i][n - 1] == '*');
				t = !strncmp(mt->names.v[i], ifc, wild ? n - 1 : n + 1) ? YES : NO;
			}
		break;
	case FW_M_PROTO:
		t = mt->protos[q->proto / 8] & (1u << (q->proto % 8)) ? YES : NO;
		break;
	case FW_M_DPORT:
		t = NO;
		for (size_t i = 0; i < mt->nports; i++)
			if (mt->ports[i].lo <= q->port && q->port <= mt->ports[i].hi)
				t = YES;
		if (mt->set_name)
			t = MAYBE;
		break;
	case FW_M_CTSTATE:
		t = mt->ctstate & FW_CT_NEW ? YES : NO;
		break;
	case FW_M_NFPROTO:
		t = mt->fam & q->fam ? YES : NO;
		break;
	default:
		break;
	}
	if (t != MAYBE && mt->neg)
		t = t == YES ? NO : YES;
	return t;
}

static enum tri rule_matches(const struct fw_rule *r, const struct fw_query *q, const char **why)
{
	enum tri all = YES;

	for (size_t i = 0; i < r->nm && all != NO; i++) {
		enum tri t = match_one(&r->m[i], q);

		if (t == NO)
			return NO;
		if (t == MAYBE) {
			all = MAYBE;
			*why = r->m[i].kind == FW_M_DADDR ? "it depends on the destination" :
			       "it depends on a match mxaudit cannot decide here";
		}
	}
	return all;
}

/* A masquerade leaves with the outside interface's address, when the export states it. */
static void masquerade(const struct fw_model *m, const struct fw_query *q, struct fw_identity *out)
{
	size_t n = q->out_iface ? strlen(q->out_iface) : 0;

	out->kind = FW_ID_MASQUERADE;
	for (size_t i = 0; n && i < m->if_addrs.n; i++) {
		const char *e = m->if_addrs.v[i];
		fw_u128 ip;
		int fam;

		if (!strncmp(e, q->out_iface, n) && e[n] == ' ' && !fw_ip_parse(e + n + 1, &ip, &fam) &&
		    fam == q->fam) {
			out->kind = FW_ID_SNAT;
			out->addr = ip;
			out->fam = fam;
			return;
		}
	}
}

/* Walk chain c; 1 when a rule decides (out filled), 0 to go on after it, -1 unknown. */
static int walk(const struct fw_model *m, const struct fw_chain *c, const struct fw_query *q,
		struct fw_identity *out, int depth)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct fw_rule *r = &c->rules[i];
		const char *why = NULL;
		enum tri t = rule_matches(r, q, &why);
		int k;

		if (t == NO || r->target == FW_T_NONE)
			continue;
		out->rule = fw_rule_label(c, r);
		if (t == MAYBE) {
			out->why = xstrdup(why);
			return -1;
		}
		switch (r->target) {
		case FW_T_SNAT:
			if (!r->nat_has_addr || r->nat_ambiguous)
				return out->why = xstrdup("it translates to a range or pool"), -1;
			out->addr = r->nat_addr;
			out->fam = r->nat_fam;
			out->kind = FW_ID_SNAT;
			return 1;
		case FW_T_MASQUERADE:
			masquerade(m, q, out);
			return 1;
		case FW_T_ACCEPT:
			out->kind = FW_ID_NONE;
			return 1;
		case FW_T_RETURN:
			free(out->rule), out->rule = NULL;
			return 0;
		case FW_T_JUMP:
		case FW_T_GOTO:
			if (r->jump_idx < 0 || depth > 32)
				break;
			free(out->rule), out->rule = NULL;
			k = walk(m, &m->chains[r->jump_idx], q, out, depth + 1);
			if (k || r->target == FW_T_GOTO)
				return k ? k : 0;
			continue;
		default:
			break;
		}
		out->why = xasprintf("target %s is not modelled here", fw_target_name(r->target));
		return -1;
	}
	return 0;
}

void fw_outbound_identity(const struct fw_model *m, const struct fw_query *q, struct fw_identity *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = FW_ID_NONE;
	out->addr = q->host;
	out->fam = q->fam;
	for (size_t i = 0; i < m->n; i++) {
		const struct fw_chain *c = &m->chains[i];
		int k;

		if (c->hook != FW_HOOK_POSTROUTING || c->type != FW_CT_NAT || !(c->fam & q->fam))
			continue;
		k = walk(m, c, q, out, 0);
		if (k < 0)
			out->kind = FW_ID_UNKNOWN;
		if (k)
			return;
	}
}

void fw_identity_release(struct fw_identity *id)
{
	free(id->rule);
	free(id->why);
	memset(id, 0, sizeof(*id));
}
