/*
 * fw_pfsense.c - pfSense config.xml into the model (format pfsense), and
 * the legacy sections OPNsense shares with it.
 *
 * pf, as pfSense writes its ruleset: translation first (1:1 NAT, then
 * port forwards), so the filter sees the translated destination and local
 * port; then the filter, floating rules first, then the rules of the
 * interface the packet came in on, first match ("quick"), and a default
 * deny. State is kept, so replies pass. A port forward whose associated
 * rule is "pass" (rdr pass) is passed by the redirect itself, without the
 * filter. Outbound NAT rewrites the source last.
 *
 * In the model (table "pf"): base chains rdr (prerouting nat), outbound
 * (postrouting nat), forward and input (default DROP) which accept
 * established traffic and jump to the user chain "rules": rdr-pass
 * accepts, floating rules, then a jump per interface to a chain named
 * like the interface (wan, lan, opt1) with its rules in file order.
 * Interfaces are the configuration's names: --in wan, not igb0.
 *
 * Not modelled, so unknown for the traffic they could affect, naming the
 * rule: schedules, gateways (policy routing), tags, OS fingerprints,
 * state limits, floating rules without quick or on the way out, URL and
 * FQDN aliases, addresses learned by DHCP or PPPoE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_pf.h"

static const char *const secret_names[] = {
	"bcrypt-hash", "sha512-hash", "md5-hash", "password", "passwd", "pre-shared-key",
	"shared_key", "tls", "prv", "privatekey", "private-key", "rocommunity", "rwcommunity",
	"radius_secret", "radius_secret2", "ldap_bindpw", "ipsecpsk", "apikey", "secret",
	"key", "psk", "pskey", "auth_pass", "authkey", "smtppassword", "pushoverapikey",
	"telegramapi", "pre_shared_key", "passwordenc", "community",
};

bool pf_is_secret(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(secret_names); i++)
		if (!strcasecmp(name, secret_names[i]))
			return true;
	return strcasestr(name, "password") || strcasestr(name, "secret") || strcasestr(name, "privkey");
}

/* What a save changes without a change of rules. */
bool pf_is_volatile(const char *name)
{
	return !strcmp(name, "revision") || !strcmp(name, "created") || !strcmp(name, "updated") ||
	       !strcmp(name, "audit") || !strcmp(name, "last_change");
}

/* OPNsense stamps each MVC section with the time it was saved. */
bool pf_is_volatile_attr(const char *name)
{
	return !strcmp(name, "persisted_at");
}

static const struct fw_xml_rules pf_rules = { pf_is_volatile, pf_is_secret, pf_is_volatile_attr };

/* ---- aliases ---- */

struct pf_alias *pf_alias_add(struct pf *p, const char *name, const char *type)
{
	struct pf_alias *a;

	ALLOC_GROW(p->aliases, p->naliases + 1, p->aliases_alloc);
	a = &p->aliases[p->naliases++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	a->type = xstrdup(type ? type : "");
	return a;
}

static const struct pf_alias *find_alias(const struct pf *p, const char *name)
{
	for (size_t i = 0; i < p->naliases; i++)
		if (!strcmp(p->aliases[i].name, name))
			return &p->aliases[i];
	return NULL;
}

static void legacy_aliases(struct pf *p)
{
	const struct fw_xml *al = fw_xml_child(p->root, "aliases");

	for (size_t i = 0; al && i < al->n; i++) {
		const struct fw_xml *x = al->kids[i];
		const char *name = fw_xml_text(x, "name"), *addr = fw_xml_text(x, "address");
		struct pf_alias *a;
		char *copy, *save = NULL;

		if (strcmp(x->name, "alias") || !name)
			continue;
		a = pf_alias_add(p, name, fw_xml_text(x, "type"));
		copy = xstrdup(addr ? addr : "");
		for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
			sl_push(&a->items, t);
		free(copy);
	}
}

/* "A", "A/N", "A-B" into a range; false if not an address. */
static bool parse_addr(const char *s, struct fw_range *out, int *fam)
{
	const char *dash = strchr(s, '-');
	char a[64];
	fw_u128 hi;
	int fb;

	if (!dash)
		return !fw_cidr_parse(s, out, fam);
	if ((size_t)(dash - s) >= sizeof(a))
		return false;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - s), s);
	if (fw_ip_parse(a, &out->lo, fam) || fw_ip_parse(dash + 1, &hi, &fb) || fb != *fam || hi < out->lo)
		return false;
	out->hi = hi;
	return true;
}

static bool alias_is_addr_type(const char *t)
{
	return !strcmp(t, "host") || !strcmp(t, "network") || !strcmp(t, "networkgroup") || !*t;
}

/* An alias's addresses; false if any member is not known here (URL, FQDN, GeoIP, ...). */
static bool alias_addrs(const struct pf *p, const struct pf_alias *a, struct fw_addrset *out, int depth)
{
	if (depth > 16 || !alias_is_addr_type(a->type))
		return false;
	for (size_t i = 0; i < a->items.n; i++) {
		const char *it = a->items.v[i];
		const struct pf_alias *sub;
		struct fw_range rg;
		int fam;

		if (parse_addr(it, &rg, &fam))
			fw_as_add(out, rg.lo, rg.hi);
		else if ((sub = find_alias(p, it)) && alias_addrs(p, sub, out, depth + 1))
			continue;
		else
			return false;
	}
	return true;
}

/* FW_V4, FW_V6 or both, by what s holds. */
static int addrs_fam(const struct fw_addrset *s)
{
	int fam = 0;

	for (size_t i = 0; i < s->n; i++)
		fam |= (s->v[i].lo >> 32) == 0xffff && (s->v[i].hi >> 32) == 0xffff ? FW_V4 : FW_V6;
	return fam ? fam : FW_ANY;
}

/* The model's set for an address alias, made on first use. */
static void alias_set(struct pf *p, const struct pf_alias *a)
{
	struct fw_set *s;

	for (size_t i = 0; i < p->m->nsets; i++)
		if (!strcmp(p->m->sets[i].name, a->name))
			return;
	s = fw_model_add_set(p->m, NULL, a->name);
	s->fam = FW_ANY;
	s->is_addr = alias_addrs(p, a, &s->addrs, 0);
	if (!s->is_addr)
		fw_as_clear(&s->addrs);
	s->fam = addrs_fam(&s->addrs);
}

static bool alias_ports(const struct pf *p, const struct pf_alias *a, struct fw_match *mt, int depth);

/* "25", "25-26", "25:26", or a port alias's name. */
static bool port_item(const struct pf *p, const char *s, struct fw_match *mt, int depth)
{
	const struct pf_alias *a;
	char *end;
	unsigned long lo = strtoul(s, &end, 10), hi = lo;

	if (end != s && (*end == '-' || *end == ':'))
		hi = strtoul(end + 1, &end, 10);
	if (end != s && !*end && lo <= hi && hi <= 65535) {
		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, (unsigned)lo, (unsigned)hi);
		return true;
	}
	return (a = find_alias(p, s)) && alias_ports(p, a, mt, depth + 1);
}

static bool alias_ports(const struct pf *p, const struct pf_alias *a, struct fw_match *mt, int depth)
{
	if (depth > 16 || strcmp(a->type, "port"))
		return false;
	for (size_t i = 0; i < a->items.n; i++)
		if (!port_item(p, a->items.v[i], mt, depth))
			return false;
	return true;
}

/* ---- interfaces ---- */

static const struct fw_xml *iface(const struct pf *p, const char *name)
{
	return fw_xml_child(fw_xml_child(p->root, "interfaces"), name);
}

static bool iface_named(const struct pf *p, const char *s, size_t n)
{
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)n, s);
	return iface(p, name) != NULL;
}

/* An interface's own address ("wanip"); false if it has none in the file (DHCP, PPPoE). */
static bool iface_addr(const struct pf *p, const char *name, bool v6, struct fw_range *out, int *fam)
{
	const char *a = fw_xml_text(iface(p, name), v6 ? "ipaddrv6" : "ipaddr");

	return a && !fw_cidr_parse(a, out, fam) && out->lo == out->hi;
}

/* An interface's network ("lan" as a source means its subnet). */
static bool iface_net(const struct pf *p, const char *name, bool v6, struct fw_range *out, int *fam)
{
	const struct fw_xml *x = iface(p, name);
	const char *a = fw_xml_text(x, v6 ? "ipaddrv6" : "ipaddr"), *bits = fw_xml_text(x, v6 ? "subnetv6" : "subnet");
	char buf[96];

	if (!a || !bits)
		return false;
	snprintf(buf, sizeof(buf), "%s/%s", a, bits);
	return !fw_cidr_parse(buf, out, fam);
}

static void collect_self(struct pf *p)
{
	const struct fw_xml *ifs = fw_xml_child(p->root, "interfaces");
	const struct fw_xml *vips = fw_xml_child(p->root, "virtualip");
	struct fw_range rg;
	int fam;

	for (size_t i = 0; ifs && i < ifs->n; i++)
		for (int v6 = 0; v6 < 2; v6++)
			if (iface_addr(p, ifs->kids[i]->name, v6, &rg, &fam))
				fw_as_add(&p->m->self, rg.lo, rg.hi);
	for (size_t i = 0; vips && i < vips->n; i++) {
		const char *s = fw_xml_text(vips->kids[i], "subnet");

		if (s && !fw_cidr_parse(s, &rg, &fam))
			fw_as_add(&p->m->self, rg.lo, rg.lo);
	}
}

/* ---- matches ---- */

void pf_unsupported(struct fw_rule *r, const char *fmt, const char *arg)
{
	struct fw_match *mt = fw_rule_add_match(r, FW_M_UNSUPPORTED, false);

	mt->what = xasprintf(fmt, arg);
}

void pf_iface_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *list)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, false);
	char *copy = xstrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		sl_push(&mt->names, t);
	free(copy);
}

void pf_proto_match(struct fw_rule *r, const char *proto)
{
	static const struct { const char *name; unsigned a, b; } protos[] = {
		{ "tcp", 6, 6 }, { "udp", 17, 17 }, { "tcp/udp", 6, 17 }, { "icmp", 1, 1 },
		{ "ipv6-icmp", 58, 58 }, { "esp", 50, 50 }, { "ah", 51, 51 }, { "gre", 47, 47 },
	};
	struct fw_match *mt;

	if (!proto || !*proto || !strcasecmp(proto, "any"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcasecmp(proto, protos[i].name)) {
			mt = fw_rule_add_match(r, FW_M_PROTO, false);
			fw_match_set_proto(mt, protos[i].a);
			fw_match_set_proto(mt, protos[i].b);
			return;
		}
	pf_unsupported(r, "protocol %s", proto);
}

static void addr_range_match(struct fw_rule *r, enum fw_mkind kind, const struct fw_range *rg, int fam, bool neg)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);

	mt->fam = fam;
	fw_as_add(&mt->addrs, rg->lo, rg->hi);
}

/*
 * A source or destination: "any", an address, network or range, an
 * alias, an interface's network ("lan"), its address ("wanip"), or
 * "(self)" (every address of the firewall).
 */
void pf_addr_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *net, bool neg)
{
	const struct pf_alias *a;
	struct fw_range rg;
	size_t n = strlen(net);
	int fam;

	if (!*net || !strcmp(net, "any")) {
		if (neg)   /* not any: nothing */
			fw_rule_add_match(r, kind, false)->fam = FW_ANY;
		return;
	}
	if (parse_addr(net, &rg, &fam)) {
		addr_range_match(r, kind, &rg, fam, neg);
	} else if ((a = find_alias(p, net))) {
		struct fw_match *mt;

		alias_set(p, a);
		mt = fw_rule_add_match(r, kind, neg);
		mt->fam = FW_ANY;   /* the set's own family decides */
		mt->set_name = xstrdup(a->name);
	} else if (!strcmp(net, "(self)") || !strcmp(net, "This Firewall")) {
		struct fw_match *mt = fw_rule_add_match(r, kind, neg);

		fw_as_copy(&mt->addrs, &p->m->self);
		mt->fam = addrs_fam(&mt->addrs);
	} else if (n > 2 && n < 64 && !strcmp(net + n - 2, "ip") && iface_named(p, net, n - 2)) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(n - 2), net);
		if (iface_addr(p, name, p->v6, &rg, &fam))
			addr_range_match(r, kind, &rg, fam, neg);
		else
			pf_unsupported(r, "%s (the interface's address is not in the file: DHCP or PPPoE)", net);
	} else if (iface(p, net)) {
		if (iface_net(p, net, p->v6, &rg, &fam))
			addr_range_match(r, kind, &rg, fam, neg);
		else
			pf_unsupported(r, "%s (the interface's network is not in the file: DHCP or PPPoE)", net);
	} else {
		pf_unsupported(r, "address %s (not an address, alias or interface of this file)", net);
	}
}

void pf_port_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *port)
{
	struct fw_match *mt;

	if (!port || !*port || !strcasecmp(port, "any"))
		return;
	mt = fw_rule_add_match(r, kind, false);
	if (!port_item(p, port, mt, 0)) {
		fw_match_unsupported(mt);
		mt->what = xasprintf("port %s (not a port, range or port alias of this file)", port);
	}
}

/* A <source> or <destination> element. */
void pf_side_match(struct pf *p, struct fw_rule *r, const struct fw_xml *side, bool src)
{
	const char *net = fw_xml_text(side, "network"), *addr = fw_xml_text(side, "address");
	bool neg = fw_xml_has(side, "not");

	if (!side)
		return;
	if (net || addr)
		pf_addr_match(p, r, src ? FW_M_SADDR : FW_M_DADDR, net ? net : addr, neg);
	else if (neg)
		pf_addr_match(p, r, src ? FW_M_SADDR : FW_M_DADDR, "any", true);
	pf_port_match(p, r, src ? FW_M_SPORT : FW_M_DPORT, fw_xml_text(side, "port"));
}

void pf_family_match(struct pf *p, struct fw_rule *r, const char *ipproto)
{
	/* An interface's network or address in this rule is its IPv6 one. */
	p->v6 = ipproto && !strcmp(ipproto, "inet6");
	if (ipproto && !strcmp(ipproto, "inet"))
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = FW_V4;
	else if (ipproto && !strcmp(ipproto, "inet6"))
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = FW_V6;
}

/* ---- rules ---- */

/* "<network>wanip</network>" and friends, for the rule's text. */
static void side_text(struct strbuf *sb, const char *label, const struct fw_xml *side)
{
	const char *net = fw_xml_text(side, "network"), *addr = fw_xml_text(side, "address");
	const char *port = fw_xml_text(side, "port");

	if (!side)
		return;
	sb_addf(sb, " %s %s%s", label, fw_xml_has(side, "not") ? "!" : "",
		net ? net : addr ? addr : "any");
	if (port && *port)
		sb_addf(sb, " port %s", port);
}

struct fw_rule *pf_rule_new(struct pf *p, struct fw_chain *c, const struct fw_xml *x, const char *what)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->line = x ? x->line : 0;
	r->text = mp_strdup(&p->m->pool, what);
	return r;
}

bool pf_is_disabled(const struct fw_xml *x)
{
	const char *d = fw_xml_text(x, "disabled");

	return d && strcmp(d, "0");
}

void pf_disable(struct fw_rule *r)
{
	char *was = xasprintf("DISABLED %s", r->target_name ? r->target_name : fw_target_name(r->target));

	free(r->target_name);
	r->target_name = was;
	r->target = FW_T_NONE;
	r->nat_has_addr = r->nat_ambiguous = false;
	r->nat_port = 0;
}

/* A one-line summary of a config.xml rule, for labels: "line 412: pass in on wan tcp from any to ...". */
char *pf_rule_text(const struct fw_xml *x, const char *kind)
{
	struct strbuf sb = STRBUF_INIT;
	const char *d = fw_xml_text(x, "descr"), *ifc = fw_xml_text(x, "interface");
	const char *proto = fw_xml_text(x, "protocol");

	sb_addf(&sb, "line %u: %s", x->line, kind);
	if (ifc)
		sb_addf(&sb, " on %s", ifc);
	if (proto && *proto)
		sb_addf(&sb, " %s", proto);
	side_text(&sb, "from", fw_xml_child(x, "source"));
	side_text(&sb, "to", fw_xml_child(x, "destination"));
	if (fw_xml_text(x, "target"))
		sb_addf(&sb, " -> %s", fw_xml_text(x, "target"));
	if (fw_xml_text(x, "local-port"))
		sb_addf(&sb, ":%s", fw_xml_text(x, "local-port"));
	if (d && *d)
		sb_addf(&sb, " \"%s\"", d);
	if (pf_is_disabled(x))
		sb_adds(&sb, " (disabled)");
	return sb_detach(&sb);
}

/* Fields of a filter rule that mxaudit does not model: each makes the rule unknown. */
static void unmodelled(struct fw_rule *r, const struct fw_xml *x)
{
	static const char *const fields[] = {
		"sched", "gateway", "tagged", "tag", "os", "max-src-nodes", "max-src-conn",
		"max-src-states", "max-src-conn-rate", "max", "dnpipe", "pdnpipe", "allowopts",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = fw_xml_text(x, fields[i]);

		if (v && *v)
			pf_unsupported(r, fields[i][0] == 's' ? "schedule %s" : fields[i][0] == 'g' ?
				    "gateway %s (policy routing)" : "a match mxaudit does not model (%s)", v);
	}
}

/* The local port of a forward: one port, or the start of the range the destination's maps to. */
static void nat_target(struct pf *p, struct fw_rule *r, const struct fw_xml *x)
{
	const char *t = fw_xml_text(x, "target"), *lp = fw_xml_text(x, "local-port");
	const char *dport = fw_xml_text(fw_xml_child(x, "destination"), "port");
	const struct pf_alias *a;
	struct fw_addrset as = FW_ADDRSET_INIT;
	struct fw_range rg;
	int fam;

	if (t && !fw_cidr_parse(t, &rg, &fam) && rg.lo == rg.hi) {
		r->nat_addr = rg.lo, r->nat_fam = fam, r->nat_has_addr = true;
	} else if (t && (a = find_alias(p, t)) && alias_addrs(p, a, &as, 0) && as.n == 1 &&
		   as.v[0].lo == as.v[0].hi) {
		r->nat_addr = as.v[0].lo, r->nat_has_addr = true;
		r->nat_fam = (as.v[0].lo >> 32) == 0xffff ? FW_V4 : FW_V6;
	} else {
		r->nat_ambiguous = true;
	}
	fw_as_release(&as);
	if (lp && *lp) {
		char *end;
		unsigned long v = strtoul(lp, &end, 10);
		bool range = dport && strpbrk(dport, "-:") != NULL;

		if (end == lp || *end || !v || v > 65535)
			r->nat_ambiguous = true;
		else if (range && v != strtoul(dport, NULL, 10))
			r->nat_ambiguous = true;   /* a shifted range: one port each */
		else if (!range)
			r->nat_port = (uint16_t)v;
	}
}

static struct fw_chain *iface_chain(struct pf *p, const char *name)
{
	struct fw_chain *c = fw_model_chain(p->m, "pf", name);

	return c ? c : fw_model_add_chain(p->m, "pf", name);
}

/* rdr pass: the redirect passes what it translated, before any filter rule. */
static void rdr_pass(struct pf *p, const struct fw_xml *x, const struct fw_rule *dn)
{
	char *what = pf_rule_text(x, "rdr pass");
	struct fw_rule *r = pf_rule_new(p, p->rules, x, what);
	struct fw_match *mt;

	free(what);
	fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_DNAT;
	pf_iface_match(p, r, FW_M_IIF, fw_xml_text(x, "interface") ? fw_xml_text(x, "interface") : "wan");
	pf_proto_match(r, fw_xml_text(x, "protocol"));
	pf_side_match(p, r, fw_xml_child(x, "source"), true);
	if (dn->nat_has_addr && !dn->nat_ambiguous) {
		mt = fw_rule_add_match(r, FW_M_DADDR, false);
		mt->fam = dn->nat_fam;
		fw_as_add(&mt->addrs, dn->nat_addr, dn->nat_addr);
	}
	if (dn->nat_port && !dn->nat_ambiguous) {
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, dn->nat_port, dn->nat_port);
	} else
		pf_port_match(p, r, FW_M_DPORT, fw_xml_text(fw_xml_child(x, "destination"), "port"));
	r->target = FW_T_ACCEPT;
}

void pf_port_forward(struct pf *p, const struct fw_xml *x)
{
	char *what = pf_rule_text(x, "rdr");
	struct fw_rule *r = pf_rule_new(p, p->rdr, x, what);
	const char *ifc = fw_xml_text(x, "interface"), *assoc = fw_xml_text(x, "associated-rule-id");
	const char *pass = fw_xml_text(x, "pass"), *nordr = fw_xml_text(x, "nordr");

	free(what);
	pf_iface_match(p, r, FW_M_IIF, ifc && *ifc ? ifc : "wan");
	pf_family_match(p, r, fw_xml_text(x, "ipprotocol"));
	pf_proto_match(r, fw_xml_text(x, "protocol"));
	pf_side_match(p, r, fw_xml_child(x, "source"), true);
	pf_side_match(p, r, fw_xml_child(x, "destination"), false);
	if (nordr && strcmp(nordr, "0")) {
		r->target = FW_T_ACCEPT;   /* no redirect: ends the translation rules untranslated */
	} else {
		r->target = FW_T_DNAT;
		nat_target(p, r, x);
	}
	if (pf_is_disabled(x)) {
		pf_disable(r);
		return;
	}
	if (r->target == FW_T_DNAT && ((assoc && !strcmp(assoc, "pass")) || (pass && !strcmp(pass, "pass"))))
		rdr_pass(p, x, r);
}

/* 1:1 NAT: both directions, the filter still decides inbound. */
static void one_to_one(struct pf *p, const struct fw_xml *x)
{
	const char *ext = fw_xml_text(x, "external"), *ifc = fw_xml_text(x, "interface");
	const struct fw_xml *src = fw_xml_child(x, "source");
	const char *in = fw_xml_text(src, "address") ? fw_xml_text(src, "address") : fw_xml_text(src, "network");
	char *what = pf_rule_text(x, "binat");
	struct fw_range e, i;
	int fe, fi;
	bool ok = ext && in && !fw_cidr_parse(ext, &e, &fe) && !fw_cidr_parse(in, &i, &fi) && fe == fi;

	for (int dir = 0; dir < 2; dir++) {
		struct fw_rule *r = pf_rule_new(p, dir ? p->snat : p->rdr, x, what);

		pf_iface_match(p, r, dir ? FW_M_OIF : FW_M_IIF, ifc && *ifc ? ifc : "wan");
		if (ok) {
			addr_range_match(r, dir ? FW_M_SADDR : FW_M_DADDR, dir ? &i : &e, fe, false);
			r->nat_addr = dir ? e.lo : i.lo;
			r->nat_fam = fe;
			r->nat_has_addr = true;
			r->nat_ambiguous = e.hi - e.lo != 0;   /* a network onto a network */
		} else {
			pf_unsupported(r, "1:1 NAT %s (addresses not understood)", ext ? ext : "?");
		}
		r->target = dir ? FW_T_SNAT : FW_T_DNAT;
		if (pf_is_disabled(x))
			pf_disable(r);
	}
	free(what);
}

/* The egress interface's address as the new source, or masquerade when it has none in the file. */
void pf_snat_to_iface(struct pf *p, struct fw_rule *r, const char *ifc)
{
	struct fw_range rg;
	int fam;

	if (iface_addr(p, ifc, false, &rg, &fam)) {
		r->target = FW_T_SNAT;
		r->nat_addr = rg.lo, r->nat_fam = fam, r->nat_has_addr = true;
	} else {
		r->target = FW_T_MASQUERADE;
	}
}

static void outbound_rule(struct pf *p, const struct fw_xml *x)
{
	char *what = pf_rule_text(x, "nat");
	struct fw_rule *r = pf_rule_new(p, p->snat, x, what);
	const char *ifc = fw_xml_text(x, "interface"), *t = fw_xml_text(x, "target");
	struct fw_range rg;
	int fam;

	free(what);
	ifc = ifc && *ifc ? ifc : "wan";
	pf_iface_match(p, r, FW_M_OIF, ifc);
	pf_family_match(p, r, fw_xml_text(x, "ipprotocol"));
	pf_proto_match(r, fw_xml_text(x, "protocol"));
	pf_side_match(p, r, fw_xml_child(x, "source"), true);
	pf_side_match(p, r, fw_xml_child(x, "destination"), false);
	pf_port_match(p, r, FW_M_DPORT, fw_xml_text(x, "dstport"));
	if (fw_xml_has(x, "nonat") && strcmp(fw_xml_text(x, "nonat"), "0"))
		r->target = FW_T_ACCEPT;   /* "do not NAT" */
	else if (!t || !*t)
		pf_snat_to_iface(p, r, ifc);
	else if (!strcmp(t, "other-subnet") && fw_xml_text(x, "targetip") &&
		 !fw_cidr_parse(fw_xml_text(x, "targetip"), &rg, &fam))
		r->target = FW_T_SNAT, r->nat_addr = rg.lo, r->nat_fam = fam, r->nat_has_addr = true;
	else if (!fw_cidr_parse(t, &rg, &fam) && rg.lo == rg.hi)
		r->target = FW_T_SNAT, r->nat_addr = rg.lo, r->nat_fam = fam, r->nat_has_addr = true;
	else
		r->target = FW_T_SNAT, r->nat_ambiguous = true;   /* a pool or an alias of several */
	if (pf_is_disabled(x))
		pf_disable(r);
}

/*
 * Automatic outbound NAT: every other interface's network leaves the
 * outside interface with its address.
 */
static void outbound_auto(struct pf *p)
{
	const struct fw_xml *ifs = fw_xml_child(p->root, "interfaces");

	for (size_t i = 0; ifs && i < ifs->n; i++) {
		const char *name = ifs->kids[i]->name;
		struct fw_range rg;
		struct fw_rule *r;
		char *what;
		int fam;

		if (!strcmp(name, p->wan) || !iface_net(p, name, false, &rg, &fam))
			continue;
		what = xasprintf("automatic outbound NAT: %s network leaves %s with its address", name, p->wan);
		r = pf_rule_new(p, p->snat, ifs->kids[i], what);
		free(what);
		pf_iface_match(p, r, FW_M_OIF, p->wan);
		addr_range_match(r, FW_M_SADDR, &rg, fam, false);
		pf_snat_to_iface(p, r, p->wan);
	}
}

static void outbound(struct pf *p)
{
	const struct fw_xml *ob = fw_xml_path(p->root, "nat/outbound");
	const char *mode = fw_xml_text(ob, "mode");

	if (!mode || !*mode)
		mode = "automatic";
	if (!strcmp(mode, "disabled"))
		return;
	if (strcmp(mode, "automatic"))   /* hybrid and advanced: the manual rules first */
		for (size_t i = 0; ob && i < ob->n; i++)
			if (!strcmp(ob->kids[i]->name, "rule"))
				outbound_rule(p, ob->kids[i]);
	if (!strcmp(mode, "automatic") || !strcmp(mode, "hybrid"))
		outbound_auto(p);
}

/* Block private networks / bogons on an interface, as pfSense puts them before its rules. */
static void iface_blocks(struct pf *p, const char *name, const struct fw_xml *ifx)
{
	static const char *const priv[] = {
		"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10", "fc00::/7",
	};
	/* The reserved ranges of RFC 6890; the bogons list also holds unallocated space, which changes. */
	static const char *const bogons[] = {
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
	};
	struct fw_chain *c = iface_chain(p, name);

	for (int b = 0; b < 2; b++) {
		const char *const *v = b ? bogons : priv;
		size_t n = b ? ARRAY_SIZE(bogons) : ARRAY_SIZE(priv);
		const char *tag = b ? "blockbogons" : "blockpriv";
		struct fw_match *mt;
		struct fw_rule *r;
		char *what;

		if (!fw_xml_has(ifx, tag) || !strcmp(fw_xml_text(ifx, tag), "0"))
			continue;
		what = xasprintf("line %u: %s on %s (%s)", fw_xml_child(ifx, tag)->line,
				 b ? "block bogon networks" : "block private networks", name, tag);
		for (int f = FW_V4; f <= FW_V6; f++) {
			r = pf_rule_new(p, c, fw_xml_child(ifx, tag), what);
			mt = fw_rule_add_match(r, FW_M_SADDR, false);
			mt->fam = f;
			for (size_t i = 0; i < n; i++) {
				struct fw_range rg;
				int fam;
				if (!fw_cidr_parse(v[i], &rg, &fam) && fam == f)
					fw_as_add(&mt->addrs, rg.lo, rg.hi);
			}
			r->target = FW_T_DROP;
		}
		free(what);
	}
}

static void filter_rule(struct pf *p, const struct fw_xml *x)
{
	const char *type = fw_xml_text(x, "type"), *ifc = fw_xml_text(x, "interface");
	const char *floating = fw_xml_text(x, "floating"), *quick = fw_xml_text(x, "quick");
	const char *dir = fw_xml_text(x, "direction");
	bool fl = floating && (!strcmp(floating, "yes") || !strcmp(floating, "1"));
	char *what = pf_rule_text(x, type && *type ? type : "pass");
	struct fw_chain *c;
	struct fw_rule *r;
	char *copy, *save = NULL;

	if (!ifc || !*ifc) {
		free(what);
		return;
	}
	copy = xstrdup(ifc);
	/* A rule of several interfaces (OPNsense, floating) is a rule in each one's list. */
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		c = fl ? p->rules : iface_chain(p, t);
		r = pf_rule_new(p, c, x, what);
		pf_iface_match(p, r, dir && !strcmp(dir, "out") ? FW_M_OIF : FW_M_IIF, t);
		pf_family_match(p, r, fw_xml_text(x, "ipprotocol"));
		pf_proto_match(r, fw_xml_text(x, "protocol"));
		pf_side_match(p, r, fw_xml_child(x, "source"), true);
		pf_side_match(p, r, fw_xml_child(x, "destination"), false);
		unmodelled(r, x);
		r->target = !type || !*type || !strcmp(type, "pass") ? FW_T_ACCEPT :
			    !strcmp(type, "reject") ? FW_T_REJECT : !strcmp(type, "block") ? FW_T_DROP :
			    FW_T_UNSUPPORTED;
		if (fl && (!quick || (strcmp(quick, "yes") && strcmp(quick, "1")))) {
			r->target = FW_T_UNSUPPORTED;   /* pf's last match among non-quick rules */
			r->target_name = xstrdup("floating rule without quick");
		} else if (fl && dir && strcmp(dir, "in")) {
			r->target = FW_T_UNSUPPORTED;
			r->target_name = xstrdup("floating rule on the way out");
		}
		if (pf_is_disabled(x))
			pf_disable(r);
	}
	free(copy);
	free(what);
}

static void base_chain(struct pf *p, const char *name, enum fw_hook hook, enum fw_tkind policy)
{
	struct fw_chain *c = fw_model_add_chain(p->m, "pf", name);
	struct fw_rule *r;

	c->hook = hook;
	c->type = FW_CT_FILTER;
	c->policy = policy;
	if (policy != FW_T_DROP)
		return;
	r = pf_rule_new(p, c, NULL, "keep state: replies and later packets of passed connections");
	fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_ESTABLISHED | FW_CT_RELATED;
	r->target = FW_T_ACCEPT;
	r = pf_rule_new(p, c, NULL, "the filter rules; default deny after them");
	r->target = FW_T_JUMP;
	r->target_name = xstrdup("rules");
}

static void make_chains(struct pf *p)
{
	p->rdr = fw_model_add_chain(p->m, "pf", "rdr");
	p->rdr->hook = FW_HOOK_PREROUTING, p->rdr->prio = -100, p->rdr->type = FW_CT_NAT;
	p->rdr->policy = FW_T_ACCEPT;
	p->snat = fw_model_add_chain(p->m, "pf", "outbound");
	p->snat->hook = FW_HOOK_POSTROUTING, p->snat->prio = 100, p->snat->type = FW_CT_NAT;
	p->snat->policy = FW_T_ACCEPT;
	base_chain(p, "forward", FW_HOOK_FORWARD, FW_T_DROP);
	base_chain(p, "input", FW_HOOK_INPUT, FW_T_DROP);
	base_chain(p, "output", FW_HOOK_OUTPUT, FW_T_ACCEPT);   /* the firewall's own traffic passes out */
	p->rules = fw_model_add_chain(p->m, "pf", "rules");
}

/*
 * After the floating rules, the rules of the interface the packet came
 * in on; an interface without rules falls to the default deny.
 */
static void iface_jumps(struct pf *p)
{
	const struct fw_xml *ifs = fw_xml_child(p->root, "interfaces");

	for (size_t i = 0; ifs && i < ifs->n; i++) {
		const char *name = ifs->kids[i]->name;
		struct fw_rule *r;
		char *what;

		if (!fw_model_chain(p->m, "pf", name))
			continue;
		what = xasprintf("the rules of interface %s", name);
		r = pf_rule_new(p, p->rules, NULL, what);
		free(what);
		pf_iface_match(p, r, FW_M_IIF, name);
		r->target = FW_T_JUMP;
		r->target_name = xstrdup(name);
	}
}

static void find_ifaces(struct pf *p)
{
	const struct fw_xml *ifs = fw_xml_child(p->root, "interfaces");

	p->wan = "wan";
	for (size_t i = 0; !iface(p, "wan") && ifs && i < ifs->n; i++)
		if (fw_xml_text(ifs->kids[i], "gateway") && *fw_xml_text(ifs->kids[i], "gateway")) {
			p->wan = ifs->kids[i]->name;
			break;
		}
	p->m->outside_iface = xstrdup(p->wan);
	if (iface(p, "lan"))
		p->m->inside_iface = xstrdup("lan");
}

/* Interfaces, aliases, the firewall's addresses, the chains and pfSense's own blocks. */
void pf_parse_setup(struct pf *p)
{
	const struct fw_xml *ifs = fw_xml_child(p->root, "interfaces");

	p->m->fam = FW_ANY;
	legacy_aliases(p);
	find_ifaces(p);
	collect_self(p);
	make_chains(p);
	/* Interface chains in the order of <interfaces>, whatever order the rules come in. */
	for (size_t i = 0; ifs && i < ifs->n; i++) {
		iface_chain(p, ifs->kids[i]->name);
		iface_blocks(p, ifs->kids[i]->name, ifs->kids[i]);
	}
}

static bool is_floating(const struct fw_xml *x)
{
	const char *f = fw_xml_text(x, "floating");

	return f && (!strcmp(f, "yes") || !strcmp(f, "1"));
}

/* 1:1 NAT, port forwards, outbound NAT, floating rules, interface rules. */
void pf_parse_rules(struct pf *p)
{
	const struct fw_xml *nat = fw_xml_child(p->root, "nat"), *filter = fw_xml_child(p->root, "filter");

	for (size_t i = 0; nat && i < nat->n; i++)
		if (!strcmp(nat->kids[i]->name, "onetoone"))
			one_to_one(p, nat->kids[i]);
	for (size_t i = 0; nat && i < nat->n; i++)
		if (!strcmp(nat->kids[i]->name, "rule") && !nat->kids[i]->uuid)
			pf_port_forward(p, nat->kids[i]);
	if (p->extra)
		p->extra(p, PF_AFTER_FORWARDS);
	if (p->extra)
		p->extra(p, PF_BEFORE_OUTBOUND);
	outbound(p);
	if (p->extra)
		p->extra(p, PF_BEFORE_FILTER);
	for (int floating = 1; floating >= 0; floating--)
		for (size_t i = 0; filter && i < filter->n; i++)
			if (!strcmp(filter->kids[i]->name, "rule") && is_floating(filter->kids[i]) == floating)
				filter_rule(p, filter->kids[i]);
}

void pf_release(struct pf *p)
{
	for (size_t i = 0; i < p->naliases; i++) {
		free(p->aliases[i].name);
		free(p->aliases[i].type);
		sl_release(&p->aliases[i].items);
	}
	free(p->aliases);
}

static int parse_root(struct fw_model *m, const char *file, const char *text, const char *want,
		      struct fw_xml **root)
{
	if (!m->format)
		m->format = xstrdup(want);
	if (!m->file)
		m->file = xstrdup(file);
	if (fw_xml_parse(file, text, root))
		return -1;
	if (strcmp((*root)->name, want))
		return error("%s:%u: expected <%s> as the document's element, not <%s>", file,
			     (*root)->line, want, (*root)->name);
	return 0;
}

int fw_parse_pfsense(struct fw_model *m, const char *file, const char *text)
{
	struct fw_xml *root = NULL;
	struct pf p = { .m = m, .file = file };
	int r = parse_root(m, file, text, "pfsense", &root);

	if (!r) {
		p.root = root;
		pf_parse_setup(&p);
		pf_parse_rules(&p);
		iface_jumps(&p);
	}
	pf_release(&p);
	fw_xml_free(root);
	return r;
}

int pf_parse_root(struct fw_model *m, const char *file, const char *text, const char *want, struct fw_xml **root)
{
	return parse_root(m, file, text, want, root);
}

void pf_iface_jumps(struct pf *p)
{
	iface_jumps(p);
}

bool fw_pfsense_detect(const char *text)
{
	return !strncmp(text, "<?xml", 5) ? strstr(text, "<pfsense>") != NULL : !strncmp(text, "<pfsense>", 9);
}

char *pf_mask_site(char *clean, const struct fw_mask *mask)
{
	char *out;

	if (!clean || !mask)
		return clean;
	out = fw_mask_site(mask, clean);   /* the firewall's own mask: patterns */
	free(clean);
	return out;
}

char *fw_pfsense_clean(const char *text, const struct fw_mask *mask)
{
	return pf_mask_site(fw_xml_clean(text, &pf_rules), mask);
}
