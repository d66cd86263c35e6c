/*
 * fw_model.c - the normalized firewall model: building it, resolving
 * jumps and named sets, and its canonical text (firewall/<name>.rules).
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

static const char *const hook_names[] = {
	[FW_HOOK_NONE] = "none",
	[FW_HOOK_PREROUTING] = "prerouting",
	[FW_HOOK_INPUT] = "input",
	[FW_HOOK_FORWARD] = "forward",
	[FW_HOOK_OUTPUT] = "output",
	[FW_HOOK_POSTROUTING] = "postrouting",
	[FW_HOOK_OTHER] = "other",
};

static const char *const target_names[] = {
	[FW_T_NONE] = "CONTINUE",
	[FW_T_ACCEPT] = "ACCEPT",
	[FW_T_DROP] = "DROP",
	[FW_T_REJECT] = "REJECT",
	[FW_T_RETURN] = "RETURN",
	[FW_T_JUMP] = "JUMP",
	[FW_T_GOTO] = "GOTO",
	[FW_T_DNAT] = "DNAT",
	[FW_T_REDIRECT] = "REDIRECT",
	[FW_T_SNAT] = "SNAT",
	[FW_T_MASQUERADE] = "MASQUERADE",
	[FW_T_UNSUPPORTED] = "UNSUPPORTED",
};

const char *fw_hook_name(enum fw_hook h)
{
	return hook_names[h];
}

const char *fw_target_name(enum fw_tkind t)
{
	return target_names[t];
}

struct fw_chain *fw_model_chain(struct fw_model *m, const char *table, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->chains[i].name, name) && !strcmp(m->chains[i].table, table))
			return &m->chains[i];
	return NULL;
}

struct fw_chain *fw_model_add_chain(struct fw_model *m, const char *table, const char *name)
{
	struct fw_chain *c;

	ALLOC_GROW(m->chains, m->n + 1, m->alloc);
	c = &m->chains[m->n++];
	memset(c, 0, sizeof(*c));
	c->table = xstrdup(table);
	c->name = xstrdup(name);
	c->fam = FW_ANY;
	c->policy = FW_T_NONE;
	return c;
}

struct fw_rule *fw_chain_add_rule(struct fw_chain *c)
{
	struct fw_rule *r;

	BIG_GROW(c->rules, c->n + 1, c->alloc);   /* exports put 100,000 rules in one chain */
	r = &c->rules[c->n++];
	memset(r, 0, sizeof(*r));
	r->jump_idx = -1;
	r->pos = (unsigned)c->n;
	return r;
}

/* A copy of n bytes in the pool; the heap block is freed. */
static void *to_pool(struct fw_model *m, void *p, size_t n)
{
	void *q = n ? memcpy(mp_alloc(&m->pool, n), p, n) : NULL;

	free(p);
	return q;
}

static char *str_to_pool(struct fw_model *m, char *s)
{
	return s ? to_pool(m, s, strlen(s) + 1) : NULL;
}

void fw_rule_seal(struct fw_model *m, struct fw_rule *r)
{
	if (r->sealed)
		return;
	for (size_t i = 0; i < r->nm; i++) {
		struct fw_match *mt = &r->m[i];

		mt->what = str_to_pool(m, mt->what);
		mt->set_name = str_to_pool(m, mt->set_name);
		r->set_refs |= mt->set_name != NULL;
		switch (mt->kind) {
		case FW_M_SADDR:
		case FW_M_DADDR:
			mt->addrs.v = to_pool(m, mt->addrs.v, mt->addrs.n * sizeof(*mt->addrs.v));
			mt->addrs.alloc = 0;
			break;
		case FW_M_SPORT:
		case FW_M_DPORT:
			mt->ports = to_pool(m, mt->ports, mt->nports * sizeof(*mt->ports));
			mt->ports_alloc = 0;
			break;
		case FW_M_IIF:
		case FW_M_OIF:
			for (size_t k = 0; k < mt->names.n; k++)
				mt->names.v[k] = str_to_pool(m, mt->names.v[k]);
			mt->names.v = to_pool(m, mt->names.v, mt->names.n * sizeof(*mt->names.v));
			mt->names.alloc = 0;
			break;
		default:
			break;
		}
	}
	if (r->m_alloc)
		r->m = to_pool(m, r->m, r->nm * sizeof(*r->m));
	r->m_alloc = 0;
	r->target_name = str_to_pool(m, r->target_name);
	r->sealed = true;
}

struct fw_match *fw_rule_add_match(struct fw_rule *r, enum fw_mkind kind, bool neg)
{
	struct fw_match *mt;

	if (!r->m_alloc) {   /* rules have a few matches: 16 would cost 100,000-rule exports 300 MB */
		r->m_alloc = 2;
		r->m = xmalloc(r->m_alloc * sizeof(*r->m));
	}
	ALLOC_GROW(r->m, r->nm + 1, r->m_alloc);
	mt = &r->m[r->nm++];
	memset(mt, 0, sizeof(*mt));
	mt->kind = kind;
	mt->neg = neg;
	mt->fam = FW_ANY;
	return mt;
}

struct fw_set *fw_model_add_set(struct fw_model *m, const char *table, const char *name)
{
	struct fw_set *s;

	ALLOC_GROW(m->sets, m->nsets + 1, m->sets_alloc);
	s = &m->sets[m->nsets++];
	memset(s, 0, sizeof(*s));
	s->table = table ? xstrdup(table) : NULL;
	s->name = xstrdup(name);
	s->fam = FW_ANY;
	return s;
}

void fw_ports_add(struct fw_portrange **v, size_t *n, size_t *alloc, unsigned lo, unsigned hi)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].lo = (uint16_t)lo;
	(*v)[*n].hi = (uint16_t)hi;
	(*n)++;
}

void fw_match_set_proto(struct fw_match *mt, unsigned proto)
{
	mt->protos[(proto & 0xff) / 8] |= (uint8_t)(1u << (proto % 8));
}

/* What an unsealed match of its kind holds on the heap. */
static void match_data_release(struct fw_match *mt)
{
	switch (mt->kind) {
	case FW_M_SADDR:
	case FW_M_DADDR:
		fw_as_release(&mt->addrs);
		break;
	case FW_M_SPORT:
	case FW_M_DPORT:
		free(mt->ports);
		break;
	case FW_M_IIF:
	case FW_M_OIF:
		sl_release(&mt->names);
		break;
	default:
		break;
	}
}

void fw_match_unsupported(struct fw_match *mt)
{
	match_data_release(mt);
	memset(&mt->protos, 0, sizeof(mt->protos));   /* the largest member of the union */
	mt->kind = FW_M_UNSUPPORTED;
	mt->neg = false;
}

static const struct fw_set *find_set(const struct fw_model *m, const char *table, const char *name)
{
	for (size_t i = 0; i < m->nsets; i++) {
		const struct fw_set *s = &m->sets[i];

		if (!strcmp(s->name, name) && (!s->table || !table || !strcmp(s->table, table)))
			return s;
	}
	return NULL;
}

static int finish_rule(struct fw_model *m, struct fw_chain *c, struct fw_rule *r)
{
	/* Sealed rules say whether they name a set: most matches need not be read again. */
	for (size_t k = 0; k < r->nm && (!r->sealed || r->set_refs); k++)
		if (r->m[k].set_name)
			r->m[k].set = find_set(m, c->table, r->m[k].set_name);
	if (r->target != FW_T_JUMP && r->target != FW_T_GOTO)
		return 0;
	for (size_t j = 0; j < m->n; j++)
		if (!strcmp(m->chains[j].table, c->table) &&
		    !strcmp(m->chains[j].name, r->target_name)) {
			r->jump_idx = (int)j;
			return 0;
		}
	return error("%s:%u: chain '%s' is not defined in table '%s'",
		     m->file ? m->file : "-", r->line, r->target_name, c->table);
}

int fw_model_finish(struct fw_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = 0; j < m->chains[i].n; j++)
			if (finish_rule(m, &m->chains[i], &m->chains[i].rules[j]))
				return -1;
	return 0;
}

/*
 * The label, in pool mp or (mp NULL) malloc'd. Not xasprintf: an answer
 * over a 100,000-rule export labels as many parts.
 */
static char *rule_label(struct mempool *mp, const struct fw_chain *c, const struct fw_rule *r)
{
	const char *text = r->text ? r->text : "";
	size_t lt = strlen(c->table), ln = strlen(c->name), lx = strlen(text), len;
	char num[16], *out, *p;
	int lnum = snprintf(num, sizeof(num), "%u", r->pos);

	len = lt + ln + (size_t)lnum + lx + 6;
	p = out = mp ? mp_alloc(mp, len) : xmalloc(len);
	p = mempcpy(p, c->table, lt);
	*p++ = ' ';
	p = mempcpy(p, c->name, ln);
	p = mempcpy(p, " #", 2);
	p = mempcpy(p, num, (size_t)lnum);
	p = mempcpy(p, ": ", 2);
	memcpy(p, text, lx + 1);
	return out;
}

char *fw_rule_label(const struct fw_chain *c, const struct fw_rule *r)
{
	return rule_label(NULL, c, r);
}

char *fw_rule_label_in(struct mempool *mp, const struct fw_chain *c, const struct fw_rule *r)
{
	return rule_label(mp, c, r);
}

static void render_ports(struct strbuf *sb, const struct fw_portrange *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sb_addf(sb, "%s%u", i ? "," : "", p[i].lo);
		if (p[i].hi != p[i].lo)
			sb_addf(sb, ":%u", p[i].hi);
	}
}

static void render_protos(struct strbuf *sb, const uint8_t *bits)
{
	bool first = true;

	for (unsigned p = 0; p < 256; p++) {
		if (!(bits[p / 8] & (1u << (p % 8))))
			continue;
		sb_adds(sb, first ? "" : ",");
		first = false;
		if (p == 6)
			sb_adds(sb, "tcp");
		else if (p == 17)
			sb_adds(sb, "udp");
		else if (p == 1)
			sb_adds(sb, "icmp");
		else if (p == 58)
			sb_adds(sb, "ipv6-icmp");
		else
			sb_addf(sb, "%u", p);
	}
}

static void render_ctstate(struct strbuf *sb, unsigned st)
{
	static const char *const names[] = {
		"INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED", "SNAT", "DNAT",
	};
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (st & (1u << i)) {
			sb_addf(sb, "%s%s", first ? "" : ",", names[i]);
			first = false;
		}
}

static void render_flags(struct strbuf *sb, unsigned bits)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	bool first = true;

	if (!bits)
		sb_adds(sb, "NONE");
	for (unsigned k = 0; k < 8; k++)
		if (bits & (1u << k)) {
			sb_addf(sb, "%s%s", first ? "" : ",", names[k]);
			first = false;
		}
}

static void render_match(struct strbuf *sb, const struct fw_match *mt)
{
	char *s;

	sb_adds(sb, mt->neg ? " !" : "");
	switch (mt->kind) {
	case FW_M_SADDR:
	case FW_M_DADDR:
		if (mt->set_name) {
			sb_addf(sb, " --match-set %s %s", mt->set_name,
				mt->kind == FW_M_SADDR ? "src" : "dst");
			break;
		}
		s = fw_as_join(&mt->addrs, mt->fam);
		sb_addf(sb, " %s %s", mt->kind == FW_M_SADDR ? "-s" : "-d", *s ? s : "none");
		free(s);
		break;
	case FW_M_IIF:
	case FW_M_OIF:
		sb_adds(sb, mt->kind == FW_M_IIF ? " -i " : " -o ");
		for (size_t i = 0; i < mt->names.n; i++)
			sb_addf(sb, "%s%s", i ? "," : "", mt->names.v[i]);
		break;
	case FW_M_PROTO:
		sb_adds(sb, " -p ");
		render_protos(sb, mt->protos);
		break;
	case FW_M_SPORT:
	case FW_M_DPORT:
		sb_adds(sb, mt->kind == FW_M_SPORT ? " --sport " : " --dport ");
		if (mt->set_name)
			sb_addf(sb, "@%s", mt->set_name);
		render_ports(sb, mt->ports, mt->nports);
		break;
	case FW_M_CTSTATE:
		sb_adds(sb, " --ctstate ");
		render_ctstate(sb, mt->ctstate);
		break;
	case FW_M_SYN:
		sb_adds(sb, " --syn");
		break;
	case FW_M_TCPFLAGS:
		sb_adds(sb, " --tcp-flags ");
		render_flags(sb, mt->tcp_mask);
		sb_addc(sb, ' ');
		render_flags(sb, mt->tcp_comp);
		break;
	case FW_M_DST_TYPE:
		sb_adds(sb, " --dst-type");
		for (unsigned b = 0, first = 1; b < 4; b++)
			if (mt->addrtypes & (1u << b)) {
				static const char *const n[] = { "LOCAL", "UNICAST", "MULTICAST", "BROADCAST" };
				sb_addf(sb, "%s%s", first ? " " : ",", n[b]);
				first = 0;
			}
		break;
	case FW_M_NFPROTO:
		sb_addf(sb, " --family %s", mt->fam == FW_V4 ? "ipv4" : mt->fam == FW_V6 ? "ipv6" : "any");
		break;
	case FW_M_RATE:
		sb_addf(sb, " --limit \"%s\"", mt->what ? mt->what : "?");
		break;
	case FW_M_TCPOPT:
		sb_addf(sb, " --tcp-option %u", mt->tcp_option);
		break;
	case FW_M_UNSUPPORTED:
		sb_addf(sb, " --unsupported \"%s\"", mt->what ? mt->what : "?");
		break;
	}
}

static void render_target(struct strbuf *sb, const struct fw_rule *r)
{
	char ip[64];

	switch (r->target) {
	case FW_T_NONE:
		if (r->target_name)
			sb_addf(sb, " -j %s", r->target_name);
		return;
	case FW_T_JUMP:
	case FW_T_GOTO:
		sb_addf(sb, " %s %s", r->target == FW_T_JUMP ? "-j" : "-g", r->target_name);
		return;
	case FW_T_UNSUPPORTED:
		sb_addf(sb, " -j UNSUPPORTED \"%s\"", r->target_name ? r->target_name : "?");
		return;
	default:
		sb_addf(sb, " -j %s", fw_target_name(r->target));
	}
	if (r->target == FW_T_DNAT || r->target == FW_T_SNAT || r->target == FW_T_REDIRECT) {
		sb_adds(sb, " --to ");
		if (r->nat_ambiguous) {
			sb_adds(sb, "range");
			return;
		}
		if (r->nat_has_addr) {
			fw_ip_format(r->nat_addr, r->nat_fam, ip, sizeof(ip));
			sb_adds(sb, r->nat_fam == FW_V6 ? "[" : "");
			sb_adds(sb, ip);
			sb_adds(sb, r->nat_fam == FW_V6 ? "]" : "");
		}
		if (r->nat_port)
			sb_addf(sb, ":%u", r->nat_port);
	}
}

/* The normalized one-line form of a rule; the same for either format. */
static char *render_rule(const struct fw_rule *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	for (size_t i = 0; i < r->nm; i++)
		render_match(&sb, &r->m[i]);
	render_target(&sb, r);
	out = xstrdup(sb.len ? sb.buf + 1 : "(any)");   /* drop the leading space */
	sb_release(&sb);
	return out;
}

char *fw_rule_render(const struct fw_rule *r)
{
	return render_rule(r);
}

static const char *fam_name(int fam)
{
	return fam == FW_V4 ? "ipv4" : fam == FW_V6 ? "ipv6" : "inet";
}

static void chain_header(struct strbuf *sb, const struct fw_chain *c)
{
	sb_addf(sb, "chain %s %s", c->table, c->name);
	if (c->hook == FW_HOOK_NONE) {
		sb_adds(sb, "\n");
		return;
	}
	sb_addf(sb, " hook %s priority %d type %s family %s policy %s\n",
		fw_hook_name(c->hook), c->prio,
		c->type == FW_CT_NAT ? "nat" : c->type == FW_CT_ROUTE ? "route" : "filter",
		fam_name(c->fam), fw_target_name(c->policy));
}

char *fw_model_rules_text(const struct fw_model *m)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "# mxaudit firewall model 1, format %s\n", m->format ? m->format : "-");
	for (size_t i = 0; i < m->nsets; i++) {
		const struct fw_set *s = &m->sets[i];
		char *members = s->is_addr ? fw_as_join(&s->addrs, s->fam) : NULL;

		sb_addf(&sb, "set %s%s%s %s\n", s->table ? s->table : "", s->table ? " " : "",
			s->name, members ? members : "(not addresses)");
		free(members);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct fw_chain *c = &m->chains[i];

		chain_header(&sb, c);
		for (size_t j = 0; j < c->n; j++) {
			char *norm = render_rule(&c->rules[j]);

			sb_addf(&sb, "%s %s #%u: %s\n", c->table, c->name, c->rules[j].pos, norm);
			free(norm);
		}
	}
	return sb_detach(&sb);
}

static void match_release(struct fw_match *mt)
{
	match_data_release(mt);
	free(mt->set_name);
	free(mt->what);
}

/* A sealed rule owns nothing outside the model's pool. */
static void chain_release(struct fw_chain *c)
{
	for (size_t j = 0; j < c->n; j++) {
		struct fw_rule *r = &c->rules[j];

		if (r->sealed)
			continue;
		for (size_t k = 0; k < r->nm; k++)
			match_release(&r->m[k]);
		free(r->m);
		free(r->target_name);
	}
	BIG_FREE(c->rules, c->alloc);
	free(c->table);
	free(c->name);
}

void fw_model_release(struct fw_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		chain_release(&m->chains[i]);
	free(m->chains);
	for (size_t i = 0; i < m->nsets; i++) {
		free(m->sets[i].table);
		free(m->sets[i].name);
		fw_as_release(&m->sets[i].addrs);
		free(m->sets[i].ports);
	}
	free(m->sets);
	free(m->format);
	free(m->file);
	free(m->outside_iface);
	free(m->inside_iface);
	fw_as_release(&m->self);
	sl_release(&m->if_addrs);
	mp_release(&m->pool);
	memset(m, 0, sizeof(*m));
}
