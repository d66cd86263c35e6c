/*
 * fw_routeros.c - MikroTik RouterOS `/export` into the model, and the
 * export as stored (volatile header out, secrets masked).
 *
 * RouterOS is Linux underneath and its firewall is netfilter's: the
 * tables raw, mangle, nat and filter become base chains with the kernel's
 * priorities, nat's dstnat runs at prerouting and srcnat at postrouting,
 * so the filter's forward chain sees the translated destination. Unlike
 * iptables-save, a chain's default is always accept: a router without a
 * final drop forwards everything. Chains named by jump-target exist by
 * being named; an empty one returns.
 *
 * Sections are "/ip firewall nat" or "/ip/firewall/nat" headers followed
 * by "add key=value ..." lines, or the terse form with the path on every
 * line; a trailing backslash continues a line. Only /ip firewall (IPv4)
 * is read: IPv6 questions are unknown.
 *
 * What is not modelled (schedules, marks, layer7, limits, ...) becomes an
 * unsupported match or target: unknown for the traffic it could affect,
 * naming the rule. A disabled rule stays in place and never decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"

struct kv {
	char *key, *val;
	bool neg;                     /* the value was written "!value" */
};

struct ros_line {
	struct strlist path;          /* "ip", "firewall", "nat" */
	char *cmd;                    /* "add", "set", ... or NULL */
	struct kv *kv;
	size_t n, alloc;
	char *text;                   /* the logical line as written, joined */
	unsigned line;
};

struct ros {
	struct fw_model *m;
	const char *file;
	struct strlist path;          /* the current section */
	struct strlist list_names, list_members;   /* interface list membership, pairwise */
	struct strlist dyn_lists;     /* address lists that rules add to at run time */
	bool ipsec_policies;          /* the export has /ip ipsec policy entries */
	char *masq_out;               /* out-interface of the first masquerade, for the outside */
	char *dstnat_in;              /* in-interface of the first dst-nat */
};

bool fw_routeros_detect(const char *s)
{
	const char *nl = strchr(s, '\n');
	size_t len = nl ? (size_t)(nl - s) : strlen(s);

	if (*s == '/')
		return true;
	return *s == '#' && memmem(s, len, "by RouterOS", 11) != NULL;
}

/* ---- logical lines ---- */

/*
 * The next logical line from *sp: continuation lines ("...\" newline
 * "    ...") joined, the indentation of each continuation dropped.
 * *nlines gets how many physical lines it took.
 */
static char *next_logical(const char **sp, unsigned *nlines)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = *sp;

	*nlines = 0;
	while (*s) {
		size_t len = strcspn(s, "\n");
		size_t l = len;
		bool cont;

		while (l && s[l - 1] == '\r')
			l--;
		cont = l && s[l - 1] == '\\';
		if (sb.len) {
			size_t ws = strspn(s, " \t");
			sb_add(&sb, s + ws, l - (ws < l ? ws : l) - cont);
		} else {
			sb_add(&sb, s, l - cont);
		}
		(*nlines)++;
		s += len + (s[len] == '\n');
		if (!cont)
			break;
	}
	*sp = s;
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

/* One word of a line: a quoted value keeps its quotes out and its escapes decoded. */
static const char *next_word(const char *p, struct strbuf *w, bool *bad)
{
	bool quoted = false;

	p += strspn(p, " \t");
	while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (*p == '\\' && p[1]) {
			p++;
			sb_addc(w, *p);
		} else {
			sb_addc(w, *p);
		}
		p++;
	}
	*bad = quoted;
	return p;
}

static const char *const commands[] = {
	"add", "set", "remove", "unset", "enable", "disable", "move", "comment", "print", "export",
};

static bool is_command(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(w, commands[i]))
			return true;
	return false;
}

static void path_add(struct strlist *path, const char *w)
{
	char *copy = xstrdup(w), *save = NULL;

	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
		sl_push(path, t);
	free(copy);
}

static void ros_line_release(struct ros_line *l)
{
	sl_release(&l->path);
	for (size_t i = 0; i < l->n; i++) {
		free(l->kv[i].key);
		free(l->kv[i].val);
	}
	free(l->kv);
	free(l->cmd);
	free(l->text);
}

/*
 * Split a logical line into its section path (a new one, or the current
 * section's), its command and key=value pairs. Returns -1 on an
 * unterminated quote.
 */
static int split_line(struct ros *p, char *text, struct ros_line *out)
{
	const char *s = text + strspn(text, " \t");
	bool bad = false, in_path = *s == '/';

	memset(out, 0, sizeof(*out));
	out->text = text;
	if (in_path)
		sl_release(&p->path);
	while (*(s += strspn(s, " \t"))) {
		struct strbuf w = STRBUF_INIT;
		char *eq;

		s = next_word(s, &w, &bad);
		if (bad) {
			sb_release(&w);
			return -1;
		}
		if (!w.buf)
			continue;
		if (in_path && !strchr(w.buf, '=') && !is_command(w.buf) && w.buf[0] != '[') {
			path_add(&p->path, w.buf);
			sb_release(&w);
			continue;
		}
		in_path = false;
		if (!out->cmd && !strchr(w.buf, '=')) {
			out->cmd = sb_detach(&w);
			continue;
		}
		if ((eq = strchr(w.buf, '=')) && out->cmd) {
			struct kv *kv;

			ALLOC_GROW(out->kv, out->n + 1, out->alloc);
			kv = &out->kv[out->n++];
			kv->key = xstrndup(w.buf, (size_t)(eq - w.buf));
			kv->neg = eq[1] == '!';
			kv->val = xstrdup(eq + 1 + kv->neg);
		}
		sb_release(&w);
	}
	for (size_t i = 0; i < p->path.n; i++)
		sl_push(&out->path, p->path.v[i]);
	return 0;
}

static const char *kv_get(const struct ros_line *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key))
			return l->kv[i].val;
	return NULL;
}

static bool in_section(const struct ros_line *l, const char *a, const char *b, const char *c)
{
	return l->path.n >= 2 && !strcmp(l->path.v[0], a) && !strcmp(l->path.v[1], b) &&
	       (c ? l->path.n == 3 && !strcmp(l->path.v[2], c) : l->path.n == 2);
}

/* ---- chains ---- */

struct ros_builtin {
	const char *table, *chain;
	enum fw_hook hook;
	int prio;
	enum fw_ctype type;
};

static const struct ros_builtin builtins[] = {
	{ "raw", "prerouting", FW_HOOK_PREROUTING, -300, FW_CT_FILTER },
	{ "raw", "output", FW_HOOK_OUTPUT, -300, FW_CT_FILTER },
	{ "mangle", "prerouting", FW_HOOK_PREROUTING, -150, FW_CT_FILTER },
	{ "mangle", "input", FW_HOOK_INPUT, -150, FW_CT_FILTER },
	{ "mangle", "forward", FW_HOOK_FORWARD, -150, FW_CT_FILTER },
	{ "mangle", "output", FW_HOOK_OUTPUT, -150, FW_CT_ROUTE },
	{ "mangle", "postrouting", FW_HOOK_POSTROUTING, -150, FW_CT_FILTER },
	{ "nat", "dstnat", FW_HOOK_PREROUTING, -100, FW_CT_NAT },
	{ "nat", "srcnat", FW_HOOK_POSTROUTING, 100, FW_CT_NAT },
	{ "filter", "input", FW_HOOK_INPUT, 0, FW_CT_FILTER },
	{ "filter", "forward", FW_HOOK_FORWARD, 0, FW_CT_FILTER },
	{ "filter", "output", FW_HOOK_OUTPUT, 0, FW_CT_FILTER },
};

static struct fw_chain *get_chain(struct fw_model *m, const char *table, const char *name)
{
	struct fw_chain *c = fw_model_chain(m, table, name);

	if (c)
		return c;
	c = fw_model_add_chain(m, table, name);
	c->fam = FW_V4;
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i].table, table) && !strcmp(builtins[i].chain, name)) {
			c->hook = builtins[i].hook;
			c->prio = builtins[i].prio;
			c->type = builtins[i].type;
			c->policy = FW_T_ACCEPT;   /* RouterOS has no implicit deny */
		}
	return c;
}

/* ---- matches ---- */

static void unsupported(struct fw_rule *r, const struct kv *kv)
{
	struct fw_match *mt = fw_rule_add_match(r, FW_M_UNSUPPORTED, false);

	mt->what = xasprintf("%s=%s%s", kv->key, kv->neg ? "!" : "", kv->val);
}

/* "A", "A/N", "A-B"; false if not an IPv4 address. */
static bool parse_v4(const char *s, struct fw_range *out)
{
	const char *dash = strchr(s, '-');
	int fam, fb;

	if (dash) {
		char a[64];
		fw_u128 hi;

		if ((size_t)(dash - s) >= sizeof(a))
			return false;
		snprintf(a, sizeof(a), "%.*s", (int)(dash - s), s);
		if (fw_ip_parse(a, &out->lo, &fam) || fw_ip_parse(dash + 1, &hi, &fb) ||
		    fam != FW_V4 || fb != FW_V4 || hi < out->lo)
			return false;
		out->hi = hi;
		return true;
	}
	return !fw_cidr_parse(s, out, &fam) && fam == FW_V4;
}

static void add_addr(struct fw_rule *r, enum fw_mkind kind, const struct kv *kv)
{
	struct fw_range rg;
	struct fw_match *mt;

	if (!parse_v4(kv->val, &rg)) {
		unsupported(r, kv);
		return;
	}
	mt = fw_rule_add_match(r, kind, kv->neg);
	mt->fam = FW_V4;
	fw_as_add(&mt->addrs, rg.lo, rg.hi);
}

static void add_list(struct ros *p, struct fw_rule *r, enum fw_mkind kind, const struct kv *kv)
{
	struct fw_match *mt;

	if (sl_has(&p->dyn_lists, kv->val)) {
		unsupported(r, kv);   /* members added at run time are not in the export */
		return;
	}
	mt = fw_rule_add_match(r, kind, kv->neg);
	mt->fam = FW_V4;
	mt->set_name = xstrdup(kv->val);
}

/* "25", "25,465,587", "1024-65535"; false on anything else. */
static bool add_ports(struct fw_rule *r, enum fw_mkind kind, const struct kv *kv)
{
	struct fw_portrange *v = NULL;
	size_t n = 0, alloc = 0;
	char *copy = xstrdup(kv->val), *save = NULL;
	bool ok = true;

	for (char *w = strtok_r(copy, ",", &save); w && ok; w = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long lo = strtoul(w, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		ok = end != w && !*end && lo <= hi && hi <= 65535;
		if (ok)
			fw_ports_add(&v, &n, &alloc, (unsigned)lo, (unsigned)hi);
	}
	free(copy);
	if (!ok || !n) {
		free(v);
		return false;
	}
	struct fw_match *mt = fw_rule_add_match(r, kind, kv->neg);
	mt->ports = v;
	mt->nports = n;
	mt->ports_alloc = alloc;
	return true;
}

static bool add_proto(struct fw_rule *r, const struct kv *kv)
{
	static const struct { const char *name; unsigned num; } protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "gre", 47 }, { "ipsec-esp", 50 },
		{ "ipsec-ah", 51 }, { "ospf", 89 }, { "igmp", 2 }, { "sctp", 132 },
	};
	char *end;
	unsigned long n = strtoul(kv->val, &end, 10);

	if (end == kv->val || *end) {
		n = 256;
		for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
			if (!strcmp(kv->val, protos[i].name))
				n = protos[i].num;
	}
	if (n > 255)
		return false;
	fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, kv->neg), (unsigned)n);
	return true;
}

static bool add_ctstate(struct fw_rule *r, const struct kv *kv, bool nat)
{
	static const struct { const char *name; unsigned bit; } states[] = {
		{ "new", FW_CT_NEW }, { "established", FW_CT_ESTABLISHED }, { "related", FW_CT_RELATED },
		{ "invalid", FW_CT_INVALID }, { "untracked", FW_CT_UNTRACKED },
		{ "dstnat", FW_CT_DNAT }, { "srcnat", FW_CT_SNAT },
	};
	char *copy = xstrdup(kv->val), *save = NULL;
	unsigned bits = 0;
	bool ok = true;

	for (char *w = strtok_r(copy, ",", &save); w && ok; w = strtok_r(NULL, ",", &save)) {
		unsigned b = 0;

		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			if (!strcmp(w, states[i].name) &&
			    nat == (states[i].bit == FW_CT_DNAT || states[i].bit == FW_CT_SNAT))
				b = states[i].bit;
		ok = b != 0;
		bits |= b;
	}
	free(copy);
	if (!ok)
		return false;
	fw_rule_add_match(r, FW_M_CTSTATE, kv->neg)->ctstate = bits;
	return true;
}

/* in-interface-list=WAN: the list's members, as the export states them. */
static bool add_iface_list(struct ros *p, struct fw_rule *r, enum fw_mkind kind, const struct kv *kv)
{
	struct fw_match *mt;

	if (!strcmp(kv->val, "all")) {
		if (kv->neg)   /* matches nothing: an empty name list */
			fw_rule_add_match(r, kind, false);
		return true;
	}
	mt = NULL;
	for (size_t i = 0; i < p->list_names.n; i++)
		if (!strcmp(p->list_names.v[i], kv->val)) {
			if (!mt)
				mt = fw_rule_add_match(r, kind, kv->neg);
			sl_push(&mt->names, p->list_members.v[i]);
		}
	return mt != NULL;
}

static bool add_addrtype(struct fw_rule *r, const struct kv *kv)
{
	static const struct { const char *name; unsigned bit; } types[] = {
		{ "local", FW_AT_LOCAL }, { "unicast", FW_AT_UNICAST },
		{ "multicast", FW_AT_MULTICAST }, { "broadcast", FW_AT_BROADCAST },
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(kv->val, types[i].name)) {
			fw_rule_add_match(r, FW_M_DST_TYPE, kv->neg)->addrtypes = types[i].bit;
			return true;
		}
	return false;
}

/*
 * ipsec-policy=out,none (defconf's masquerade): with no IPsec policy in
 * the export no packet matches a policy, so "none" always holds and
 * "ipsec" never does. With policies it is not modelled.
 */
static bool add_ipsec(struct ros *p, struct fw_rule *r, const struct kv *kv)
{
	const char *comma = strchr(kv->val, ',');

	if (p->ipsec_policies || !comma)
		return false;
	if (!strcmp(comma + 1, "none") != kv->neg)
		return true;
	fw_rule_add_match(r, FW_M_SADDR, false)->fam = FW_V4;   /* an empty set: never */
	return true;
}

/* Keys that neither match nor act. */
static const char *const passive_keys[] = {
	"chain", "action", "comment", "disabled", "log", "log-prefix", "to-addresses", "to-ports",
	"jump-target", "address-list", "address-list-timeout", "reject-with", "place-before",
	"new-connection-mark", "new-packet-mark", "new-routing-mark", "passthrough", "hw-offload",
};

static bool is_passive(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(passive_keys); i++)
		if (!strcmp(k, passive_keys[i]))
			return true;
	return false;
}

static void add_match(struct ros *p, struct fw_rule *r, const struct kv *kv)
{
	const char *k = kv->key;
	bool ok = true;

	if (is_passive(k))
		return;
	if (!strcmp(k, "src-address") || !strcmp(k, "dst-address"))
		add_addr(r, k[0] == 's' ? FW_M_SADDR : FW_M_DADDR, kv);
	else if (!strcmp(k, "src-address-list") || !strcmp(k, "dst-address-list"))
		add_list(p, r, k[0] == 's' ? FW_M_SADDR : FW_M_DADDR, kv);
	else if (!strcmp(k, "src-port") || !strcmp(k, "dst-port"))
		ok = add_ports(r, k[0] == 's' ? FW_M_SPORT : FW_M_DPORT, kv);
	else if (!strcmp(k, "protocol"))
		ok = add_proto(r, kv);
	else if (!strcmp(k, "in-interface") || !strcmp(k, "out-interface"))
		sl_push(&fw_rule_add_match(r, k[0] == 'i' ? FW_M_IIF : FW_M_OIF, kv->neg)->names, kv->val);
	else if (!strcmp(k, "in-interface-list") || !strcmp(k, "out-interface-list"))
		ok = add_iface_list(p, r, k[0] == 'i' ? FW_M_IIF : FW_M_OIF, kv);
	else if (!strcmp(k, "connection-state"))
		ok = add_ctstate(r, kv, false);
	else if (!strcmp(k, "connection-nat-state"))
		ok = add_ctstate(r, kv, true);
	else if (!strcmp(k, "dst-address-type"))
		ok = add_addrtype(r, kv);
	else if (!strcmp(k, "ipsec-policy"))
		ok = add_ipsec(p, r, kv);
	else
		ok = false;
	if (!ok)
		unsupported(r, kv);
}

/* ---- actions ---- */

/* to-addresses / to-ports of a NAT action: one address and one port, or ambiguous. */
static void nat_to(struct fw_rule *r, const struct ros_line *l)
{
	const char *a = kv_get(l, "to-addresses"), *pt = kv_get(l, "to-ports");
	struct fw_range rg;

	if (a) {
		if (parse_v4(a, &rg) && rg.lo == rg.hi) {
			r->nat_addr = rg.lo;
			r->nat_fam = FW_V4;
			r->nat_has_addr = true;
		} else {
			r->nat_ambiguous = true;
		}
	}
	if (pt) {
		char *end;
		unsigned long v = strtoul(pt, &end, 10);

		if (end == pt || *end || !v || v > 65535)
			r->nat_ambiguous = true;
		else
			r->nat_port = (uint16_t)v;
	}
}

static const struct { const char *name; enum fw_tkind t; } actions[] = {
	{ "accept", FW_T_ACCEPT }, { "drop", FW_T_DROP }, { "reject", FW_T_REJECT },
	{ "tarpit", FW_T_DROP }, { "return", FW_T_RETURN }, { "jump", FW_T_JUMP },
	{ "passthrough", FW_T_NONE }, { "log", FW_T_NONE }, { "fasttrack-connection", FW_T_NONE },
	{ "add-src-to-address-list", FW_T_NONE }, { "add-dst-to-address-list", FW_T_NONE },
	{ "mark-connection", FW_T_NONE }, { "mark-packet", FW_T_NONE },
	{ "dst-nat", FW_T_DNAT }, { "src-nat", FW_T_SNAT }, { "masquerade", FW_T_MASQUERADE },
	{ "redirect", FW_T_REDIRECT }, { "netmap", FW_T_DNAT }, { "notrack", FW_T_NONE },
};

static void set_action(struct ros *p, struct fw_rule *r, const struct ros_line *l, const char *table,
		       const char *chain)
{
	const char *a = kv_get(l, "action");

	r->target = FW_T_UNSUPPORTED;
	if (!a)
		a = "accept";   /* RouterOS's default action */
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(a, actions[i].name))
			r->target = actions[i].t;
	if (!strcmp(a, "netmap") && strcmp(chain, "dstnat"))
		r->target = FW_T_SNAT;
	if (r->target == FW_T_JUMP) {
		const char *to = kv_get(l, "jump-target");

		if (!to) {
			r->target = FW_T_UNSUPPORTED;
			r->target_name = xstrdup("jump without jump-target");
			return;
		}
		get_chain(p->m, table, to);
		r->target_name = xstrdup(to);
	} else if (r->target == FW_T_DNAT || r->target == FW_T_SNAT || r->target == FW_T_REDIRECT) {
		nat_to(r, l);
		if (!strcmp(a, "netmap") && r->nat_has_addr)
			r->nat_ambiguous = true;   /* netmap maps a network onto a network */
	} else if (r->target == FW_T_UNSUPPORTED || (r->target == FW_T_NONE && strcmp(a, "passthrough"))) {
		r->target_name = xstrdup(a);   /* mark-routing (policy routing) and the rest; log, marks */
	}
}

static void note_ifaces(struct ros *p, const struct ros_line *l, const char *chain)
{
	const char *a = kv_get(l, "action");
	const char *in = kv_get(l, "in-interface"), *out = kv_get(l, "out-interface");

	if (!a)
		return;
	if (!p->dstnat_in && !strcmp(chain, "dstnat") && !strcmp(a, "dst-nat") && in)
		p->dstnat_in = xstrdup(in);
	if (!p->masq_out && !strcmp(chain, "srcnat") && !strcmp(a, "masquerade") && out)
		p->masq_out = xstrdup(out);
}

static void add_rule(struct ros *p, const struct ros_line *l, const char *table)
{
	const char *chain = kv_get(l, "chain"), *dis = kv_get(l, "disabled");
	struct fw_chain *c;
	struct fw_rule *r;

	if (!chain) {
		warning("%s:%u: a firewall rule without chain=; skipped", p->file, l->line);
		return;
	}
	c = get_chain(p->m, table, chain);
	r = fw_chain_add_rule(c);
	r->line = l->line;
	r->text = mp_strdup(&p->m->pool, l->text + strspn(l->text, " \t"));
	for (size_t i = 0; i < l->n; i++)
		add_match(p, r, &l->kv[i]);
	set_action(p, r, l, table, chain);
	if (dis && !strcmp(dis, "yes")) {
		/* Kept in place, so a diff shows the flip; a rule without a verdict never decides. */
		char *was = xasprintf("DISABLED %s", r->target_name ? r->target_name :
				      fw_target_name(r->target));
		free(r->target_name);
		r->target_name = was;
		r->target = FW_T_NONE;
		r->nat_has_addr = r->nat_ambiguous = false;
		r->nat_port = 0;
		return;
	}
	note_ifaces(p, l, chain);
}

/* ---- sections ---- */

static void add_address_list(struct ros *p, const struct ros_line *l)
{
	const char *list = kv_get(l, "list"), *addr = kv_get(l, "address"), *dis = kv_get(l, "disabled");
	struct fw_set *s = NULL;
	struct fw_range rg;

	if (!list || !addr || (dis && !strcmp(dis, "yes")))
		return;
	for (size_t i = 0; i < p->m->nsets && !s; i++)
		if (!strcmp(p->m->sets[i].name, list))
			s = &p->m->sets[i];
	if (!s) {
		s = fw_model_add_set(p->m, NULL, list);
		s->fam = FW_V4;
		s->is_addr = true;
	}
	if (parse_v4(addr, &rg))
		fw_as_add(&s->addrs, rg.lo, rg.hi);
	else
		s->is_addr = false;   /* a DNS name: resolved by the router at run time, unknown here */
}

/* Address lists rules add to at run time (port knocking, blocklists). */
static void note_dyn_list(struct ros *p, const struct ros_line *l)
{
	const char *a = kv_get(l, "action"), *list = kv_get(l, "address-list");

	if (a && list && !strncmp(a, "add-", 4) && !sl_has(&p->dyn_lists, list))
		sl_push(&p->dyn_lists, list);
}

static void add_ip_address(struct ros *p, const struct ros_line *l)
{
	const char *a = kv_get(l, "address"), *iface = kv_get(l, "interface"), *dis = kv_get(l, "disabled");
	char host[64];
	fw_u128 ip;
	int fam;

	if (!a || (dis && !strcmp(dis, "yes")))
		return;
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(a, "/"), a);
	if (fw_ip_parse(host, &ip, &fam))
		return;
	fw_as_add(&p->m->self, ip, ip);
	if (iface)   /* what a masquerade out of iface becomes */
		sl_push_owned(&p->m->if_addrs, xasprintf("%s %s", iface, host));
}

static const char *const fw_tables[] = { "filter", "nat", "mangle", "raw" };

/* The first pass: what rules refer to (lists, interface lists, IPsec, addresses). */
static void scan_line(struct ros *p, const struct ros_line *l)
{
	if (!l->cmd || strcmp(l->cmd, "add"))
		return;
	if (in_section(l, "interface", "list", "member")) {
		const char *list = kv_get(l, "list"), *iface = kv_get(l, "interface");

		if (list && iface) {
			sl_push(&p->list_names, list);
			sl_push(&p->list_members, iface);
		}
	} else if (in_section(l, "ip", "ipsec", "policy")) {
		p->ipsec_policies = true;
	} else if (in_section(l, "ip", "address", NULL)) {
		add_ip_address(p, l);
	}
	for (size_t t = 0; t < ARRAY_SIZE(fw_tables); t++)
		if (in_section(l, "ip", "firewall", fw_tables[t]))
			note_dyn_list(p, l);
}

static void rule_line(struct ros *p, const struct ros_line *l)
{
	if (!l->cmd || strcmp(l->cmd, "add"))
		return;
	if (in_section(l, "ip", "firewall", "address-list"))
		add_address_list(p, l);
	for (size_t t = 0; t < ARRAY_SIZE(fw_tables); t++)
		if (in_section(l, "ip", "firewall", fw_tables[t]))
			add_rule(p, l, fw_tables[t]);
}

/* Run fn over every logical line of text. */
static int each_line(struct ros *p, const char *text, void (*fn)(struct ros *, const struct ros_line *))
{
	unsigned line = 1, n;

	sl_release(&p->path);
	for (const char *s = text; *s;) {
		char *logical = next_logical(&s, &n);
		const char *t = logical + strspn(logical, " \t");
		struct ros_line l;

		if (!*t || *t == '#' || *t == ':') {
			free(logical);
			line += n;
			continue;
		}
		if (split_line(p, logical, &l)) {
			ros_line_release(&l);
			return error("%s:%u: expected a closing '\"'", p->file, line);
		}
		l.line = line;
		fn(p, &l);
		ros_line_release(&l);
		line += n;
	}
	return 0;
}

/* The first member of the interface list named like want (WAN, LAN), or NULL. */
static const char *list_first(const struct ros *p, const char *want)
{
	for (size_t i = 0; i < p->list_names.n; i++)
		if (!strcasecmp(p->list_names.v[i], want))
			return p->list_members.v[i];
	return NULL;
}

/*
 * The outside: the first member of the WAN interface list (defconf), else
 * where the first port forward comes in, else where masquerade goes out.
 * The inside: the first member of the LAN list.
 */
static void find_ifaces(struct ros *p)
{
	const char *out = list_first(p, "WAN"), *in = list_first(p, "LAN");

	if (!out)
		out = p->dstnat_in ? p->dstnat_in : p->masq_out;
	p->m->outside_iface = out ? xstrdup(out) : NULL;
	p->m->inside_iface = in ? xstrdup(in) : NULL;
}

int fw_parse_routeros(struct fw_model *m, const char *file, const char *text)
{
	struct ros p = { .m = m, .file = file };
	int r;

	if (!m->format)
		m->format = xstrdup("routeros");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_V4;
	/*
	 * The filter's base chains exist with their default, accept, even
	 * when the export has no rule: that default is what decides then.
	 */
	get_chain(m, "filter", "input");
	get_chain(m, "filter", "forward");
	get_chain(m, "filter", "output");
	r = each_line(&p, text, scan_line);
	if (!r)
		r = each_line(&p, text, rule_line);
	if (!r)
		find_ifaces(&p);
	sl_release(&p.path);
	sl_release(&p.list_names);
	sl_release(&p.list_members);
	sl_release(&p.dyn_lists);
	free(p.masq_out);
	free(p.dstnat_in);
	return r;
}

/* ---- the export as stored ---- */

/* Keys whose value is a secret anywhere in an export. */
static bool secret_key(const char *k, size_t n)
{
	static const char *const tails[] = {
		"password", "secret", "private-key", "pre-shared-key", "preshared-key", "passphrase",
		"psk", "auth-key",
	};

	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t t = strlen(tails[i]);

		if (n >= t && !strncmp(k + n - t, tails[i], t))
			return true;
	}
	return false;
}

/* Copy one word, its value masked if its key is a secret one (or every value: mask_all). */
static const char *clean_word(struct strbuf *sb, const char *s, bool mask_all, bool snmp)
{
	const char *start = s, *eq = NULL;
	bool quoted = false;

	while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == '\\' && s[1])
			s++;
		else if (*s == '=' && !eq && !quoted)
			eq = s;
		s++;
	}
	if (eq && (mask_all || secret_key(start, (size_t)(eq - start)) ||
		   (snmp && eq - start == 4 && !strncmp(start, "name", 4)))) {
		sb_add(sb, start, (size_t)(eq - start));
		sb_adds(sb, "=\"*****\"");
	} else {
		sb_add(sb, start, (size_t)(s - start));
	}
	return s;
}

/*
 * The header's first line carries the export's date ("# 2026-12-04
 * 17:00:01 by RouterOS 7.16"): only the version is kept. The serial
 * number and software id are masked.
 */
static bool clean_header(struct strbuf *sb, const char *t)
{
	const char *by = strstr(t, " by RouterOS");

	if (*t != '#')
		return false;
	if (by) {
		sb_addf(sb, "#%s\n", by);
		return true;
	}
	if (strstr(t, "serial number") || strstr(t, "software id")) {
		sb_add(sb, t, strcspn(t, "="));
		sb_adds(sb, "= *****\n");
		return true;
	}
	return false;
}

/*
 * One logical line a line (continuations joined, so a secret split by
 * the wrapping is masked too and rewrapping makes no diff); in /user
 * sections every value is masked, in /snmp community the names.
 */
char *fw_routeros_clean(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	bool user = false, snmp = false;
	unsigned n;

	for (const char *s = text; *s;) {
		char *logical = next_logical(&s, &n);
		const char *t = logical + strspn(logical, " \t");

		if (clean_header(&sb, t)) {
			free(logical);
			continue;
		}
		if (*t == '/') {
			char *path = xstrdup(t);

			for (char *c = path; *c; c++)
				*c = *c == '/' ? ' ' : *c;
			user = !strncmp(path, " user", 5) && (path[5] == ' ' || !path[5]) &&
			       strncmp(path, " user group", 11);
			snmp = !strncmp(path, " snmp community", 15);
			free(path);
		}
		for (const char *w = logical; *w;) {
			size_t ws = strspn(w, " \t");

			sb_add(&sb, w, ws);
			w += ws;
			if (*w)
				w = clean_word(&sb, w, user && *t != '/' , snmp);
		}
		sb_addc(&sb, '\n');
		free(logical);
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}
