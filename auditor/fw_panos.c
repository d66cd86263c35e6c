/*
 * fw_panos.c - Palo Alto PAN-OS XML configuration (running-config.xml,
 * `show config running` as XML) into the model (format panos), and the
 * configuration as stored.
 *
 * PAN-OS, as its documentation states the flow: the first NAT rule that
 * matches the original packet is chosen (its <to> zone is the zone before
 * NAT); the security rule is then matched on the original (pre-NAT)
 * addresses but the zone after NAT (the egress zone of the translated
 * destination); first match; the default rules allow traffic within a
 * zone and deny it between zones. Sessions carry replies. A rule's
 * application (App-ID) is not known from the configuration: a rule for
 * "smtp" with service application-default permits tcp/25 if the traffic
 * is identified as smtp, and the answer says so as unknown with that
 * condition, never as a plain allow.
 *
 * In the model (table "panos"): nat (prerouting NAT: destination
 * translations, and the reverse of bi-directional static source
 * translations), forward (sessions, then the user chain "security": the
 * rules, then intrazone-default and interzone-default), input (DROP), snat
 * (postrouting NAT). The filter sees the translated destination, so a
 * rule is one rule for untranslated traffic ("! --ctstate DNAT", its
 * addresses) and one per NAT rule whose original destination it names
 * ("--ctstate DNAT", that rule's translated address).
 *
 * The first vsys is read (vsys1 when there are several); shared objects
 * too. Not modelled, so unknown: applications other than any, users,
 * regions, dynamic and FQDN addresses.
 *
 * Panorama (fw_panos_rulebases below): a firewall evaluates shared
 * pre-rules, device-group pre-rules (parent before child), its own
 * rules, device-group post-rules (child before parent), shared
 * post-rules, then the default rules, NAT and security alike. Three
 * files carry some of it: Panorama's configuration (device groups,
 * shared, templates for zones; the firewall's own rules are not in it),
 * the firewall's configuration followed by `show config pushed-shared-
 * policy` (<policy><panorama>, entries marked loc="shared" or with their
 * device group), and the firewall's configuration alone. Whatever part
 * the file lacks is a rule that answers unknown and says which.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"
#include "fw_xml.h"

/* A rule in evaluation order, or (e NULL) the part of the order the file lacks. */
struct prule {
	const struct fw_xml *e;
	const char *kind;             /* "pre-rule", "rule", "post-rule" */
	char *why;                    /* e NULL: what is missing */
};

struct prules {
	struct prule *v;
	size_t n, alloc;
};

#define PN_SCOPES 32

struct pn {
	struct fw_model *m;
	const char *file;
	const struct fw_xml *dev;     /* interfaces: the firewall, or Panorama's template */
	const struct fw_xml *vsys;    /* the firewall's own rules and objects; NULL in Panorama's configuration */
	const struct fw_xml *zvsys;   /* zones: the vsys, or the template's */
	const struct fw_xml *shared;
	const struct fw_xml *dg[PN_SCOPES];      /* Panorama: the device group, then its parents */
	size_t ndg;
	const struct fw_xml *pushed[PN_SCOPES];  /* <policy> documents: their <panorama> */
	const struct fw_xml *pushed_shared[PN_SCOPES];
	size_t npushed, npushed_shared;
	bool panorama;                /* Panorama's own configuration */
	char *dg_why;                 /* which device group is not known */
	struct fw_chain *nat, *sec, *snat;
};

/* <entry name="name"> among x's children, or NULL. */
static const struct fw_xml *entry(const struct fw_xml *x, const char *name)
{
	for (size_t i = 0; x && i < x->n; i++)
		if (!strcmp(x->kids[i]->name, "entry") && x->kids[i]->attr_name && !strcmp(x->kids[i]->attr_name, name))
			return x->kids[i];
	return NULL;
}

/* The <member> texts of x's child name. */
static void members(const struct fw_xml *x, const char *name, struct strlist *out)
{
	const struct fw_xml *c = fw_xml_child(x, name);

	for (size_t i = 0; c && i < c->n; i++)
		if (!strcmp(c->kids[i]->name, "member"))
			sl_push(out, c->kids[i]->text);
	if (c && !c->n && *c->text)   /* <service>any</service> */
		sl_push(out, c->text);
}

/*
 * An object, nearest scope first: the vsys, the device group and its
 * parents, what Panorama pushed for a device group, shared, pushed shared.
 */
static const struct fw_xml *object(const struct pn *p, const char *kind, const char *name)
{
	const struct fw_xml *e = entry(fw_xml_child(p->vsys, kind), name), *shared_pushed = NULL;

	for (size_t i = 0; !e && i < p->ndg; i++)
		e = entry(fw_xml_child(p->dg[i], kind), name);
	for (size_t i = 0; !e && i < p->npushed; i++) {
		const struct fw_xml *x = entry(fw_xml_child(p->pushed[i], kind), name);

		if (x && x->attr_loc && !strcmp(x->attr_loc, "shared"))
			shared_pushed = shared_pushed ? shared_pushed : x;
		else
			e = x;
	}
	if (!e)
		e = entry(fw_xml_child(p->shared, kind), name);
	for (size_t i = 0; !e && i < p->npushed_shared; i++)
		e = entry(fw_xml_child(p->pushed_shared[i], kind), name);
	return e ? e : shared_pushed;
}

/* ---- addresses ---- */

static bool resolve_addr(const struct pn *p, const char *name, struct fw_addrset *out, char **why, int depth)
{
	const struct fw_xml *a = object(p, "address", name), *g;
	struct fw_range rg;
	int fam;

	if (!strcmp(name, "any")) {
		rg = fw_universe(FW_V6);   /* every address, IPv4 and IPv6 */
		fw_as_add(out, rg.lo, rg.hi);
		return true;
	}
	if (depth > 16)
		return *why = xasprintf("address group %s nests too deep", name), false;
	if (a) {
		const char *ip = fw_xml_text(a, "ip-netmask"), *range = fw_xml_text(a, "ip-range");

		if (ip && !fw_cidr_parse(ip, &rg, &fam)) {
			fw_as_add(out, rg.lo, rg.hi);
			return true;
		}
		if (range && strchr(range, '-')) {
			char lo[64];
			fw_u128 hi;
			int f2;

			snprintf(lo, sizeof(lo), "%.*s", (int)(strchr(range, '-') - range), range);
			if (!fw_ip_parse(lo, &rg.lo, &fam) && !fw_ip_parse(strchr(range, '-') + 1, &hi, &f2) &&
			    fam == f2 && rg.lo <= hi) {
				fw_as_add(out, rg.lo, hi);
				return true;
			}
		}
		return *why = xasprintf("address %s (not an address, network or range)", name), false;
	}
	if ((g = object(p, "address-group", name))) {
		struct strlist mem = STRLIST_INIT;
		bool ok = fw_xml_child(g, "static") != NULL;

		members(g, "static", &mem);
		for (size_t i = 0; ok && i < mem.n; i++)
			ok = resolve_addr(p, mem.v[i], out, why, depth + 1);
		sl_release(&mem);
		if (!ok && !*why)
			*why = xasprintf("address group %s (dynamic)", name);
		return ok;
	}
	if (!fw_cidr_parse(name, &rg, &fam)) {
		fw_as_add(out, rg.lo, rg.hi);
		return true;
	}
	return *why = xasprintf("address %s (not an address or group of this configuration)", name), false;
}

static bool addr_list(const struct pn *p, const struct strlist *names, struct fw_addrset *out, char **why)
{
	for (size_t i = 0; i < names->n; i++)
		if (!resolve_addr(p, names->v[i], out, why, 0))
			return false;
	if (!names->n) {
		struct fw_range u = fw_universe(FW_V6);

		fw_as_add(out, u.lo, u.hi);
	}
	return true;
}

/* An address's family: IPv4 addresses are held as ::ffff:a.b.c.d. */
static int addr_fam(fw_u128 a)
{
	return (a >> 32) == 0xffff ? FW_V4 : FW_V6;
}

/* FW_V4, FW_V6 or both, by what as holds. */
static int as_fam(const struct fw_addrset *as)
{
	int fam = 0;

	for (size_t i = 0; i < as->n; i++)
		fam |= addr_fam(as->v[i].lo) | addr_fam(as->v[i].hi);
	return fam ? fam : FW_ANY;
}

static bool is_universe(const struct fw_addrset *as)
{
	struct fw_range u = fw_universe(FW_V6);

	return as->n == 1 && as->v[0].lo == u.lo && as->v[0].hi == u.hi;
}

static void addr_match(struct fw_rule *r, enum fw_mkind kind, const struct fw_addrset *as, bool neg)
{
	struct fw_match *mt;

	if (!neg && is_universe(as))
		return;
	mt = fw_rule_add_match(r, kind, neg);
	mt->fam = neg ? FW_ANY : as_fam(as);
	fw_as_copy(&mt->addrs, as);
}

/* ---- services ---- */

struct psvc {
	unsigned proto, lo, hi;       /* proto 0: any; lo 0: every port */
	char *why;
};

struct psvcs {
	struct psvc *v;
	size_t n, alloc;
};

static struct psvc *svc_add(struct psvcs *s, unsigned proto, unsigned lo, unsigned hi)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n] = (struct psvc){ proto, lo, hi, NULL };
	return &s->v[s->n++];
}

static void svcs_release(struct psvcs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].why);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* "25", "25-26", "25,465,587" */
static void ports(struct psvcs *out, unsigned proto, const char *list, const char *name)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long lo = strtoul(t, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (end == t || *end || !lo || hi < lo || hi > 65535)
			svc_add(out, proto, 0, 0)->why = xasprintf("service %s port %s", name, t);
		else
			svc_add(out, proto, (unsigned)lo, (unsigned)hi);
	}
	free(copy);
}

static void resolve_svc(const struct pn *p, const char *name, struct psvcs *out, int depth)
{
	const struct fw_xml *s = object(p, "service", name), *g;

	if (!strcmp(name, "any")) {
		svc_add(out, 0, 0, 0);
	} else if (s) {
		const struct fw_xml *pr = fw_xml_child(s, "protocol");
		const char *tcp = fw_xml_text(fw_xml_child(pr, "tcp"), "port"), *udp = fw_xml_text(fw_xml_child(pr, "udp"), "port");

		if (tcp)
			ports(out, 6, tcp, name);
		if (udp)
			ports(out, 17, udp, name);
		if (!tcp && !udp)
			svc_add(out, 0, 0, 0)->why = xasprintf("service %s not understood", name);
	} else if ((g = object(p, "service-group", name)) && depth < 16) {
		struct strlist mem = STRLIST_INIT;

		members(g, "members", &mem);
		for (size_t i = 0; i < mem.n; i++)
			resolve_svc(p, mem.v[i], out, depth + 1);
		sl_release(&mem);
	} else if (!strcmp(name, "service-http")) {
		svc_add(out, 6, 80, 80), svc_add(out, 6, 8080, 8080);
	} else if (!strcmp(name, "service-https")) {
		svc_add(out, 6, 443, 443);
	} else {
		svc_add(out, 0, 0, 0)->why = xasprintf("service %s (not in this configuration)", name);
	}
}

/* The default ports of the applications mail needs; others are not known here. */
static bool app_default(const char *app, struct psvcs *out)
{
	static const struct { const char *app; unsigned proto, port; } apps[] = {
		{ "smtp", 6, 25 }, { "smtp", 6, 465 }, { "smtp", 6, 587 }, { "smtp-base", 6, 25 },
		{ "smtp-base", 6, 587 }, { "imap", 6, 143 }, { "imap", 6, 993 }, { "pop3", 6, 110 },
		{ "pop3", 6, 995 }, { "dns", 17, 53 }, { "dns", 6, 53 }, { "dns-base", 17, 53 },
		{ "dns-base", 6, 53 }, { "web-browsing", 6, 80 }, { "ssl", 6, 443 },
	};
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(apps); i++)
		if (!strcmp(apps[i].app, app)) {
			svc_add(out, apps[i].proto, apps[i].port, apps[i].port);
			any = true;
		}
	return any;
}

static void svc_match(struct fw_rule *r, const struct psvc *s)
{
	struct fw_match *mt;

	if (s->why) {
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xstrdup(s->why);
		return;
	}
	if (s->proto)
		fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), s->proto);
	if (s->lo) {
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, s->lo, s->hi);
	}
}

/* ---- zones and interfaces ---- */

static void zone_ifaces(const struct pn *p, const char *zone, struct strlist *out)
{
	const struct fw_xml *z = entry(fw_xml_child(p->zvsys, "zone"), zone), *net = fw_xml_child(z, "network");

	for (size_t i = 0; net && i < net->n; i++)
		members(net, net->kids[i]->name, out);
}

static void zone_match(const struct pn *p, struct fw_rule *r, enum fw_mkind kind, const struct strlist *zones)
{
	struct fw_match *mt;

	if (!zones->n || sl_has(zones, "any"))
		return;
	mt = fw_rule_add_match(r, kind, false);
	for (size_t i = 0; i < zones->n; i++) {
		size_t before = mt->names.n;

		zone_ifaces(p, zones->v[i], &mt->names);
		if (mt->names.n == before)
			sl_push(&mt->names, zones->v[i]);
	}
}

/* The <entry name="192.0.2.2/24"> (or "2001:db8::2/64") under list: the firewall's own addresses. */
static void if_addrs(struct pn *p, const char *ifname, const struct fw_xml *list)
{
	for (size_t k = 0; list && k < list->n; k++) {
		const char *a = list->kids[k]->attr_name;
		char host[64];
		fw_u128 v;
		int fam;

		if (!a)
			continue;
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(a, "/"), a);
		if (fw_ip_parse(host, &v, &fam))
			continue;
		fw_as_add(&p->m->self, v, v);
		sl_push_owned(&p->m->if_addrs, xasprintf("%s %s", ifname, host));
	}
}

static void interfaces(struct pn *p)
{
	const struct fw_xml *eth = fw_xml_path(p->dev, "network/interface/ethernet");

	for (size_t i = 0; eth && i < eth->n; i++) {
		const struct fw_xml *e = eth->kids[i];

		if (e->attr_name) {
			if_addrs(p, e->attr_name, fw_xml_path(e, "layer3/ip"));
			if_addrs(p, e->attr_name, fw_xml_path(e, "layer3/ipv6/address"));
		}
	}
}

/* ---- rules ---- */

static char *rule_text(const struct fw_xml *e, const char *kind)
{
	static const char *const keys[] = {
		"from", "to", "source", "destination", "service", "application", "action", "disabled",
		"negate-source", "negate-destination",
	};
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "line %u: %s \"%s\"", e->line, kind, e->attr_name ? e->attr_name : "?");
	if (e->attr_loc)
		sb_addf(&sb, " (pushed from %s)", e->attr_loc);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct strlist v = STRLIST_INIT;

		members(e, keys[i], &v);
		if (v.n)
			sb_addf(&sb, " %s", keys[i]);
		for (size_t k = 0; k < v.n; k++)
			sb_addf(&sb, "%s%s", k ? "," : " ", v.v[k]);
		sl_release(&v);
	}
	return sb_detach(&sb);
}

static struct fw_rule *rule_new(struct pn *p, struct fw_chain *c, const struct fw_xml *e, const char *text)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->line = e ? e->line : 0;
	r->text = mp_strdup(&p->m->pool, text);
	return r;
}

static bool yes(const struct fw_xml *e, const char *name)
{
	const char *v = fw_xml_text(e, name);

	return v && !strcmp(v, "yes");
}

/* A NAT rule's destination translation: where the first matching rule sends the packet. */
struct pnat {
	const struct fw_xml *e;
	struct fw_addrset orig, to;
	unsigned port;                /* translated port, 0: unchanged */
	struct psvcs svc;             /* the NAT rule's service */
	bool ok;
};

/*
 * Where the file lacks part of the order: unknown from there on, the rule
 * saying what is missing. One NAT rule applies to a packet: what a
 * destination translation above has chosen, the missing source rules
 * cannot change.
 */
static struct fw_rule *missing_rules(struct pn *p, struct fw_chain *c, const char *why)
{
	struct fw_rule *r = rule_new(p, c, NULL, why);

	r->target = FW_T_UNSUPPORTED;
	r->target_name = xstrdup("rules not in this file");
	return r;
}

/*
 * A Panorama rule with <target> applies to the firewalls it names (or,
 * negated, to the others); which firewall this is, the file does not say.
 */
static void target_match(struct fw_rule *r, const struct fw_xml *e)
{
	const struct fw_xml *t = fw_xml_path(e, "target/devices");

	if (t && t->n)
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what =
			xstrdup("the rule's target: it applies to some firewalls only, and which one this is is not known");
}

/*
 * A NAT rule of type ipv4 (the default) translates IPv4 packets only;
 * nat64 and nptv6 (IPv6 packets) are not modelled: unknown.
 */
static bool is_ipv4_nat(const struct fw_xml *e)
{
	const char *t = fw_xml_text(e, "nat-type");

	return !t || !strcmp(t, "ipv4");
}

/* The families a rule's address matches let through (both when it has none). */
static int rule_fam(const struct fw_rule *r)
{
	int fam = FW_ANY;

	for (size_t i = 0; i < r->nm; i++)
		if ((r->m[i].kind == FW_M_SADDR || r->m[i].kind == FW_M_DADDR) && !r->m[i].neg)
			fam &= r->m[i].fam;
	return fam;
}

/* Called once the rule's matches are in place. */
static void nat_type(struct fw_rule *r, const struct fw_xml *e)
{
	if (!is_ipv4_nat(e)) {
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = FW_V6;   /* both start from an IPv6 packet */
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xasprintf("nat-type %s", fw_xml_text(e, "nat-type"));
	} else if (rule_fam(r) & FW_V6) {
		fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = FW_V4;   /* "any" here is IPv4 */
	}
}

static char *kind_label(const char *base, const struct prule *pr)
{
	return xasprintf("%s %s", base, pr->kind);
}

static void nat_rules(struct pn *p, const struct prules *list, struct pnat **out, size_t *nout)
{
	size_t alloc = 0;

	for (size_t i = 0; i < list->n; i++) {
		const struct fw_xml *e = list->v[i].e, *dt, *st;
		struct strlist from = STRLIST_INIT, src = STRLIST_INIT, dst = STRLIST_INIT, svc = STRLIST_INIT;
		struct fw_addrset sa = FW_ADDRSET_INIT;
		char *label, *text, *why = NULL;
		struct pnat *n = NULL;
		struct fw_rule *r;

		if (!e) {
			missing_rules(p, p->nat, list->v[i].why);
			fw_rule_add_match(missing_rules(p, p->snat, list->v[i].why), FW_M_CTSTATE, true)->ctstate = FW_CT_DNAT;
			continue;
		}
		dt = fw_xml_child(e, "destination-translation"), st = fw_xml_child(e, "source-translation");
		label = kind_label("nat", &list->v[i]);
		text = rule_text(e, label);
		free(label);

		members(e, "from", &from), members(e, "source", &src), members(e, "destination", &dst);
		members(e, "service", &svc);
		if (dt) {
			ALLOC_GROW(*out, *nout + 1, alloc);
			n = &(*out)[(*nout)++];
			memset(n, 0, sizeof(*n));
			n->e = e;
			r = rule_new(p, p->nat, e, text);
			target_match(r, e);
			zone_match(p, r, FW_M_IIF, &from);
			n->ok = addr_list(p, &src, &sa, &why) && addr_list(p, &dst, &n->orig, &why);
			for (size_t k = 0; k < svc.n; k++)
				resolve_svc(p, svc.v[k], &n->svc, 0);
			if (!is_ipv4_nat(e)) {
				n->ok = false;   /* nat_type() said why */
			} else if (!n->ok || n->svc.n > 1 || (n->svc.n && n->svc.v[0].why)) {
				fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what =
					why ? why : xasprintf("nat rule %s: its service", e->attr_name ? e->attr_name : "?");
				why = NULL;
				n->ok = false;
			} else {
				addr_match(r, FW_M_SADDR, &sa, false);
				addr_match(r, FW_M_DADDR, &n->orig, false);
				if (n->svc.n)
					svc_match(r, &n->svc.v[0]);
			}
			nat_type(r, e);
			r->target = FW_T_DNAT;
			{
				const char *ta = fw_xml_text(dt, "translated-address"), *tp = fw_xml_text(dt, "translated-port");

				if (!ta || !resolve_addr(p, ta, &n->to, &why, 0) || !n->to.n) {
					r->nat_ambiguous = true;
					n->ok = false;
				} else {
					r->nat_addr = n->to.v[0].lo, r->nat_fam = addr_fam(n->to.v[0].lo), r->nat_has_addr = true;
					r->nat_ambiguous = n->to.n != 1 || n->to.v[0].lo != n->to.v[0].hi;
				}
				n->port = tp ? (unsigned)strtoul(tp, NULL, 10) : 0;
				r->nat_port = (uint16_t)(n->port <= 65535 ? n->port : 0);
			}
			if (yes(e, "disabled")) {
				r->target_name = xstrdup("DISABLED DNAT");
				r->target = FW_T_NONE;
				n->ok = false;
			}
		}
		if (st) {
			struct strlist to = STRLIST_INIT;
			const struct fw_xml *dip = fw_xml_child(st, "dynamic-ip-and-port"), *sip = fw_xml_child(st, "static-ip");
			struct fw_addrset ta = FW_ADDRSET_INIT, sa2 = FW_ADDRSET_INIT;
			char *w2 = NULL;

			members(e, "to", &to);
			r = rule_new(p, p->snat, e, text);
			target_match(r, e);
			zone_match(p, r, FW_M_IIF, &from);
			zone_match(p, r, FW_M_OIF, &to);
			if (addr_list(p, &src, &sa2, &w2))
				addr_match(r, FW_M_SADDR, &sa2, false);
			else
				fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = w2, w2 = NULL;
			nat_type(r, e);
			r->target = FW_T_SNAT;
			if (dip && fw_xml_child(dip, "interface-address")) {
				const char *ifc = fw_xml_text(fw_xml_child(dip, "interface-address"), "interface");
				size_t n2 = ifc ? strlen(ifc) : 0;

				r->target = FW_T_MASQUERADE;
				for (size_t k = 0; n2 && k < p->m->if_addrs.n; k++) {
					const char *ia = p->m->if_addrs.v[k];
					fw_u128 v;
					int fam;

					if (!strncmp(ia, ifc, n2) && ia[n2] == ' ' && !fw_ip_parse(ia + n2 + 1, &v, &fam) &&
					    fam == FW_V4) {
						r->target = FW_T_SNAT;
						r->nat_addr = v, r->nat_fam = fam, r->nat_has_addr = true;
						break;
					}
				}
			} else {
				struct strlist tav = STRLIST_INIT;

				members(dip ? dip : sip, "translated-address", &tav);
				if (!tav.n && sip && fw_xml_text(sip, "translated-address"))
					sl_push(&tav, fw_xml_text(sip, "translated-address"));
				if (tav.n && addr_list(p, &tav, &ta, &w2) && ta.n) {
					r->nat_addr = ta.v[0].lo, r->nat_fam = addr_fam(ta.v[0].lo), r->nat_has_addr = true;
					r->nat_ambiguous = ta.n != 1 || ta.v[0].lo != ta.v[0].hi;
				} else {
					r->nat_ambiguous = true;
				}
				sl_release(&tav);
			}
			if (sip && yes(sip, "bi-directional") && ta.n && !is_universe(&sa2)) {
				struct fw_rule *rev = rule_new(p, p->nat, e, text);   /* both ways: in to the real address */

				addr_match(rev, FW_M_DADDR, &ta, false);
				target_match(rev, e);
				nat_type(rev, e);
				rev->target = FW_T_DNAT;
				rev->nat_addr = sa2.v[0].lo, rev->nat_fam = addr_fam(sa2.v[0].lo), rev->nat_has_addr = true;
				rev->nat_ambiguous = sa2.n != 1 || sa2.v[0].lo != sa2.v[0].hi;
			}
			if (yes(e, "disabled")) {
				r->target_name = xstrdup("DISABLED SNAT");
				r->target = FW_T_NONE;
				r->nat_has_addr = r->nat_ambiguous = false;
			}
			free(w2);
			fw_as_release(&ta), fw_as_release(&sa2);
			sl_release(&to);
		}
		free(why);
		free(text);
		fw_as_release(&sa);
		sl_release(&from), sl_release(&src), sl_release(&dst), sl_release(&svc);
	}
}

/* The rule's service list: ports, or the applications' default ports (application-default). */
static void rule_services(const struct pn *p, const struct strlist *svc, const struct strlist *app, struct psvcs *out)
{
	bool any_app = !app->n || sl_has(app, "any");

	for (size_t i = 0; i < svc->n; i++) {
		if (strcmp(svc->v[i], "application-default")) {
			resolve_svc(p, svc->v[i], out, 0);
			continue;
		}
		if (any_app)
			svc_add(out, 0, 0, 0)->why = xstrdup("application-default with any application");
		for (size_t k = 0; !any_app && k < app->n; k++)
			if (!app_default(app->v[k], out))
				svc_add(out, 0, 0, 0)->why = xasprintf("application %s (its default ports are not known here)", app->v[k]);
	}
	if (!svc->n)
		svc_add(out, 0, 0, 0);
}

/* What every rule of a security rule shares: zones, source, the App-ID condition. */
static void sec_common(const struct pn *p, struct fw_rule *r, const struct fw_xml *e, const struct strlist *from,
		       const struct strlist *to, const struct fw_addrset *src, const char *src_why, const struct strlist *app)
{
	zone_match(p, r, FW_M_IIF, from);
	zone_match(p, r, FW_M_OIF, to);
	target_match(r, e);
	if (src_why)
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xstrdup(src_why);
	else
		addr_match(r, FW_M_SADDR, src, yes(e, "negate-source"));
	if (app->n && !sl_has(app, "any")) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < app->n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", app->v[i]);
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what =
			xasprintf("App-ID: allowed only if the traffic is identified as %s", sb.buf);
		sb_release(&sb);
	}
}

static void sec_target(struct fw_rule *r, const struct fw_xml *e)
{
	const char *a = fw_xml_text(e, "action");

	r->target = !a || !strcmp(a, "allow") ? FW_T_ACCEPT : !strcmp(a, "deny") || !strcmp(a, "drop") ? FW_T_DROP :
		    !strncmp(a, "reset", 5) ? FW_T_REJECT : FW_T_UNSUPPORTED;
	if (r->target == FW_T_UNSUPPORTED)
		r->target_name = xasprintf("action %s", a);
	if (yes(e, "disabled")) {
		free(r->target_name);
		r->target_name = xasprintf("DISABLED %s", fw_target_name(r->target));
		r->target = FW_T_NONE;
	}
}

/*
 * One security rule: for untranslated traffic on its addresses; for each
 * NAT rule whose original destination it names, on that rule's
 * translated address (and port, matched against the original one).
 */
static void security_rule(struct pn *p, const struct prule *pr, const struct pnat *nats, size_t nn)
{
	const struct fw_xml *e = pr->e;
	char *label = kind_label("security", pr);
	struct strlist from = STRLIST_INIT, to = STRLIST_INIT, src = STRLIST_INIT, dst = STRLIST_INIT;
	struct strlist svc = STRLIST_INIT, app = STRLIST_INIT;
	struct fw_addrset sa = FW_ADDRSET_INIT, da = FW_ADDRSET_INIT, x = FW_ADDRSET_INIT;
	struct psvcs svcs = { 0 };
	char *text = rule_text(e, label), *swhy = NULL, *dwhy = NULL;
	bool dneg = yes(e, "negate-destination");

	members(e, "from", &from), members(e, "to", &to), members(e, "source", &src);
	members(e, "destination", &dst), members(e, "service", &svc), members(e, "application", &app);
	addr_list(p, &src, &sa, &swhy);
	addr_list(p, &dst, &da, &dwhy);
	rule_services(p, &svc, &app, &svcs);
	for (size_t k = 0; k < svcs.n; k++) {
		struct fw_rule *r = rule_new(p, p->sec, e, text);

		sec_common(p, r, e, &from, &to, &sa, swhy, &app);
		fw_rule_add_match(r, FW_M_CTSTATE, true)->ctstate = FW_CT_DNAT;
		if (dwhy)
			fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xstrdup(dwhy);
		else
			addr_match(r, FW_M_DADDR, &da, dneg);
		svc_match(r, &svcs.v[k]);
		sec_target(r, e);
		for (size_t i = 0; i < nn; i++) {
			const struct pnat *n = &nats[i];
			const struct psvc *sv = &svcs.v[k];

			if (!n->ok)
				continue;
			fw_as_intersect(&x, &n->orig, &da);
			if (!dwhy && (dneg ? fw_as_equal(&x, &n->orig) : fw_as_empty(&x)))
				continue;   /* the rule does not name this NAT rule's original destination */
			r = rule_new(p, p->sec, e, text);
			sec_common(p, r, e, &from, &to, &sa, swhy, &app);
			fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_DNAT;
			addr_match(r, FW_M_DADDR, &n->to, false);
			if (dwhy || dneg || !fw_as_equal(&x, &n->orig))
				fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what =
					xasprintf("which original address of nat rule %s", n->e->attr_name);
			if (n->port && sv->lo) {
				const struct psvc *o = n->svc.n ? &n->svc.v[0] : NULL;

				if (!o || !o->lo || o->lo != o->hi) {
					fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what =
						xasprintf("the original port of nat rule %s", n->e->attr_name);
				} else if (o->lo < sv->lo || o->lo > sv->hi) {
					r->target = FW_T_NONE;   /* the original port is not this service's */
					r->target_name = xstrdup("not this service");
					continue;
				} else {
					struct psvc t = { sv->proto, n->port, n->port, NULL };
					svc_match(r, &t);
				}
			} else {
				svc_match(r, sv);
			}
			sec_target(r, e);
		}
	}
	free(text), free(swhy), free(dwhy), free(label);
	svcs_release(&svcs);
	fw_as_release(&sa), fw_as_release(&da), fw_as_release(&x);
	sl_release(&from), sl_release(&to), sl_release(&src), sl_release(&dst), sl_release(&svc), sl_release(&app);
}

/* ---- the order of the rules: Panorama's pre-rules, the firewall's, post-rules ---- */

static void prules_add(struct prules *l, const struct fw_xml *e, const char *kind, char *why)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = (struct prule){ e, kind, why };
}

static void prules_release(struct prules *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].why);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool listed(const struct prules *l, const struct fw_xml *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].e && l->v[i].e->attr_name && e->attr_name && !strcmp(l->v[i].e->attr_name, e->attr_name))
			return true;
	return false;
}

/*
 * The entries of base/<type>/rules ("pre-rulebase", "security"). With
 * several pushed documents (`show config pushed-shared-policy` with and
 * without `vsys`) a rule already listed by name is not listed again.
 */
static void add_rulebase(struct prules *l, const struct fw_xml *scope, const char *base, const char *type,
			 const char *kind, int loc_shared, bool dedup)
{
	const struct fw_xml *rules = fw_xml_child(fw_xml_child(fw_xml_child(scope, base), type), "rules");

	for (size_t i = 0; rules && i < rules->n; i++) {
		const struct fw_xml *e = rules->kids[i];
		bool shared = e->attr_loc && !strcmp(e->attr_loc, "shared");

		if (strcmp(e->name, "entry") || (dedup && listed(l, e)))
			continue;
		if (loc_shared < 0 || shared == (loc_shared == 1))
			prules_add(l, e, kind, NULL);
	}
}

/*
 * Shared pre-rules, device-group pre-rules from the top parent down, the
 * firewall's rules, device-group post-rules from the device group up,
 * shared post-rules. What Panorama pushed carries loc="shared" on the
 * shared ones: those go first among pre-rules and last among post-rules.
 */
static void rule_order(const struct pn *p, const char *type, struct prules *l)
{
	bool managed = fw_xml_path(p->dev, "deviceconfig/system/panorama-server") ||
		       fw_xml_path(p->dev, "deviceconfig/system/panorama");

	if (p->dg_why)
		prules_add(l, NULL, NULL, xstrdup(p->dg_why));
	if (!p->panorama && !p->npushed && managed)
		prules_add(l, NULL, NULL, xstrdup("Panorama's pre-rules: the firewall names a Panorama server, and what "
						  "it pushed (show config pushed-shared-policy) is not in this file"));
	add_rulebase(l, p->shared, "pre-rulebase", type, "pre-rule", -1, false);
	for (size_t i = p->ndg; i-- > 0;)
		add_rulebase(l, p->dg[i], "pre-rulebase", type, "pre-rule", -1, false);
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < p->npushed; i++)
			add_rulebase(l, p->pushed[i], "pre-rulebase", type, "pre-rule", pass, p->npushed > 1);
	if (p->vsys)
		add_rulebase(l, p->vsys, "rulebase", type, "rule", -1, false);
	else
		prules_add(l, NULL, NULL, xstrdup("the firewall's own rules, between Panorama's pre- and post-rules, "
						  "are not in this file"));
	for (int pass = 0; pass <= 1; pass++)
		for (size_t i = 0; i < p->npushed; i++)
			add_rulebase(l, p->pushed[i], "post-rulebase", type, "post-rule", pass, p->npushed > 1);
	for (size_t i = 0; i < p->ndg; i++)
		add_rulebase(l, p->dg[i], "post-rulebase", type, "post-rule", -1, false);
	add_rulebase(l, p->shared, "post-rulebase", type, "post-rule", -1, false);
}

/* A default rule's action where it is overridden: the firewall's, else the device group's, else shared. */
static const char *default_action(const struct pn *p, const char *name)
{
	const struct fw_xml *scopes[2 * PN_SCOPES + 2];
	size_t n = 0;

	scopes[n++] = fw_xml_child(p->vsys, "rulebase");
	for (size_t i = 0; i < p->npushed; i++)
		scopes[n++] = fw_xml_child(p->pushed[i], "post-rulebase");
	for (size_t i = 0; i < p->ndg; i++)
		scopes[n++] = fw_xml_child(p->dg[i], "post-rulebase");
	scopes[n++] = fw_xml_child(p->shared, "post-rulebase");
	for (size_t i = 0; i < n; i++) {
		const struct fw_xml *e = entry(fw_xml_path(scopes[i], "default-security-rules/rules"), name);
		const char *a = fw_xml_text(e, "action");

		if (a)
			return a;
	}
	return NULL;
}

/* The default rules: within a zone allowed, between zones denied, unless overridden. */
static void default_rules(struct pn *p)
{
	const struct fw_xml *zones = fw_xml_child(p->zvsys, "zone");
	const char *intra = default_action(p, "intrazone-default"), *inter = default_action(p, "interzone-default");
	char *t = intra ? xasprintf("intrazone-default: %s (overridden)", intra) : xstrdup("intrazone-default: allow");
	struct fw_rule *r;

	for (size_t i = 0; zones && i < zones->n; i++) {
		struct strlist z = STRLIST_INIT;

		if (!zones->kids[i]->attr_name)
			continue;
		sl_push(&z, zones->kids[i]->attr_name);
		r = rule_new(p, p->sec, NULL, t);
		zone_match(p, r, FW_M_IIF, &z);
		zone_match(p, r, FW_M_OIF, &z);
		r->target = !intra || !strcmp(intra, "allow") ? FW_T_ACCEPT : FW_T_DROP;
		sl_release(&z);
	}
	free(t);
	t = inter ? xasprintf("interzone-default: %s (overridden)", inter) : xstrdup("interzone-default: deny");
	r = rule_new(p, p->sec, NULL, t);
	r->target = inter && !strcmp(inter, "allow") ? FW_T_ACCEPT : FW_T_DROP;
	free(t);
}

static struct fw_chain *base(struct pn *p, const char *name, enum fw_hook hook, int prio, enum fw_ctype type,
			     enum fw_tkind policy)
{
	struct fw_chain *c = fw_model_add_chain(p->m, "panos", name);

	c->hook = hook, c->prio = prio, c->type = type, c->policy = policy, c->fam = FW_ANY;
	if (type == FW_CT_FILTER && policy == FW_T_DROP) {
		struct fw_rule *r = rule_new(p, c, NULL, "sessions: replies and later packets of allowed connections");

		fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_ESTABLISHED | FW_CT_RELATED;
		r->target = FW_T_ACCEPT;
	}
	return c;
}

static const char *zone_first_if(const struct pn *p, const char *zone)
{
	const struct fw_xml *z = entry(fw_xml_child(p->zvsys, "zone"), zone), *net = fw_xml_child(z, "network");

	for (size_t i = 0; net && i < net->n; i++) {
		const struct fw_xml *l = net->kids[i];

		for (size_t k = 0; k < l->n; k++)
			if (!strcmp(l->kids[k]->name, "member"))
				return l->kids[k]->text;
	}
	return NULL;
}

static void find_ifaces(struct pn *p)
{
	const char *o = zone_first_if(p, "untrust"), *i = zone_first_if(p, "trust");

	p->m->outside_iface = o ? xstrdup(o) : NULL;
	p->m->inside_iface = i ? xstrdup(i) : NULL;
}

static void build(struct pn *p)
{
	struct prules nat = { 0 }, sec = { 0 };
	struct pnat *nats = NULL;
	size_t nn = 0;
	struct fw_chain *fwd;
	struct fw_rule *r;

	interfaces(p);
	p->nat = base(p, "nat", FW_HOOK_PREROUTING, -100, FW_CT_NAT, FW_T_ACCEPT);
	fwd = base(p, "forward", FW_HOOK_FORWARD, 0, FW_CT_FILTER, FW_T_DROP);
	r = rule_new(p, fwd, NULL, "new connections: the security rules");
	r->target = FW_T_JUMP;
	r->target_name = xstrdup("security");
	p->sec = fw_model_add_chain(p->m, "panos", "security");
	p->sec->fam = FW_ANY;
	base(p, "input", FW_HOOK_INPUT, 0, FW_CT_FILTER, FW_T_DROP);
	base(p, "output", FW_HOOK_OUTPUT, 0, FW_CT_FILTER, FW_T_ACCEPT);
	p->snat = base(p, "snat", FW_HOOK_POSTROUTING, 100, FW_CT_NAT, FW_T_ACCEPT);
	rule_order(p, "nat", &nat);
	rule_order(p, "security", &sec);
	nat_rules(p, &nat, &nats, &nn);
	for (size_t i = 0; i < sec.n; i++) {
		if (sec.v[i].e)
			security_rule(p, &sec.v[i], nats, nn);
		else
			missing_rules(p, p->sec, sec.v[i].why);
	}
	default_rules(p);
	find_ifaces(p);
	for (size_t i = 0; i < nn; i++) {
		fw_as_release(&nats[i].orig), fw_as_release(&nats[i].to);
		svcs_release(&nats[i].svc);
	}
	free(nats);
	prules_release(&nat), prules_release(&sec);
}

/* ---- which parts of which documents ---- */

/* An API answer (<response><result>...) stands for the element it holds. */
static const struct fw_xml *unwrap(const struct fw_xml *x)
{
	const struct fw_xml *r;

	if (strcmp(x->name, "response") || !(r = fw_xml_child(x, "result")) || !r->n)
		return x;
	return r->kids[0];
}

static const char *parent_dg(const struct fw_xml *config, const char *dg)
{
	const struct fw_xml *ro = fw_xml_path(config, "readonly/devices/entry/device-group");
	const char *parent = fw_xml_text(entry(ro, dg), "parent-dg");

	return parent ? parent : fw_xml_text(entry(fw_xml_path(config, "devices/entry/device-group"), dg), "parent-dg");
}

static bool is_parent(const struct fw_xml *config, const struct fw_xml *dgs, const char *name)
{
	for (size_t i = 0; i < dgs->n; i++) {
		const char *par = dgs->kids[i]->attr_name ? parent_dg(config, dgs->kids[i]->attr_name) : NULL;

		if (par && !strcmp(par, name))
			return true;
	}
	return false;
}

/*
 * Panorama's configuration: the device group whose rules the firewall
 * gets. One that no other names as its parent; with several such, the
 * first, and the answers say the choice is not known. Its parents follow.
 */
static void panorama_scopes(struct pn *p, const struct fw_xml *config)
{
	const struct fw_xml *dgs = fw_xml_path(config, "devices/entry/device-group"), *leaf = NULL;
	const struct fw_xml *tpl = fw_xml_path(config, "devices/entry/template");
	struct strbuf sb = STRBUF_INIT;
	size_t leaves = 0;

	p->panorama = true;
	for (size_t i = 0; i < dgs->n; i++) {
		const struct fw_xml *d = dgs->kids[i];

		if (strcmp(d->name, "entry") || !d->attr_name || is_parent(config, dgs, d->attr_name))
			continue;
		sb_addf(&sb, "%s%s", leaves++ ? ", " : "", d->attr_name);
		leaf = leaf ? leaf : d;
	}
	if (leaves > 1)
		p->dg_why = xasprintf("which device group's rules this firewall gets (%s) is not known", sb.buf);
	sb_release(&sb);
	for (const struct fw_xml *d = leaf; d && p->ndg < PN_SCOPES; ) {
		const char *par = parent_dg(config, d->attr_name);

		p->dg[p->ndg++] = d;
		d = par && strcmp(par, d->attr_name) ? entry(dgs, par) : NULL;
		for (size_t k = 0; d && k < p->ndg; k++)
			if (p->dg[k] == d)
				d = NULL;   /* a loop: stop */
	}
	/* Zones and interfaces: the first template that has zones. */
	for (size_t i = 0; tpl && i < tpl->n && !p->zvsys; i++) {
		const struct fw_xml *dev = fw_xml_path(tpl->kids[i], "config/devices/entry"), *vs = fw_xml_child(dev, "vsys");
		const struct fw_xml *v = entry(vs, "vsys1") ? entry(vs, "vsys1") : fw_xml_child(vs, "entry");

		if (fw_xml_child(v, "zone"))
			p->dev = dev, p->zvsys = v;
	}
}

static void pick_scopes(struct pn *p, const struct fw_xml *config)
{
	const struct fw_xml *vs;

	p->shared = fw_xml_child(config, "shared");
	p->dev = fw_xml_child(fw_xml_child(config, "devices"), "entry");
	if (fw_xml_child(p->dev, "device-group")) {
		p->dev = NULL;
		panorama_scopes(p, config);
		return;
	}
	vs = fw_xml_child(p->dev, "vsys");
	p->vsys = entry(vs, "vsys1") ? entry(vs, "vsys1") : fw_xml_child(vs, "entry");
	p->zvsys = p->vsys;
}

int fw_parse_panos(struct fw_model *m, const char *file, const char *text)
{
	struct fw_xml **docs = NULL;
	struct pn p = { .m = m, .file = file };
	const struct fw_xml *config = NULL;
	size_t ndocs = 0;
	int ret = 0;

	if (!m->format)
		m->format = xstrdup("panos");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_ANY;
	if (fw_xml_parse_docs(file, text, &docs, &ndocs))
		return -1;
	for (size_t i = 0; i < ndocs && !ret; i++) {
		const struct fw_xml *d = unwrap(docs[i]);

		if (!strcmp(d->name, "config") && !config) {
			config = d;
		} else if (!strcmp(d->name, "policy")) {
			if (fw_xml_child(d, "panorama") && p.npushed < PN_SCOPES)
				p.pushed[p.npushed++] = fw_xml_child(d, "panorama");
			if (fw_xml_child(d, "shared") && p.npushed_shared < PN_SCOPES)
				p.pushed_shared[p.npushed_shared++] = fw_xml_child(d, "shared");
		} else {
			ret = error("%s:%u: expected <config> (a configuration) or <policy> (what Panorama pushed) "
				    "as the document's element, not <%s>", file, d->line, d->name);
		}
	}
	if (!ret) {
		if (config)
			pick_scopes(&p, config);
		build(&p);
	}
	free(p.dg_why);
	for (size_t i = 0; i < ndocs; i++)
		fw_xml_free(docs[i]);
	free(docs);
	return ret;
}

/* ---- the configuration as stored ---- */

static bool is_secret(const char *name)
{
	return !strcmp(name, "phash") || !strcmp(name, "key") || !strcmp(name, "private-key") ||
	       !strcmp(name, "password") || !strcmp(name, "secret") || !strcmp(name, "community") ||
	       !strcmp(name, "authcode") || !strcmp(name, "auth-password") || !strcmp(name, "priv-password") ||
	       strstr(name, "password") || strstr(name, "secret");
}

static bool is_volatile(const char *name)
{
	(void)name;
	return false;
}

/* What the device stamps on elements when they are saved: who, when, a change counter. */
static bool is_volatile_attr(const char *name)
{
	return !strcmp(name, "time") || !strcmp(name, "dirtyId") || !strcmp(name, "admin") ||
	       !strcmp(name, "uuid");
}

static const struct fw_xml_rules panos_rules = { is_volatile, is_secret, is_volatile_attr };

/* Each document of the file cleaned, in order (the configuration, then what Panorama pushed). */
static char *clean_panos(const char *text)
{
	return fw_xml_clean_docs(text, &panos_rules);
}

bool fw_panos_detect(const char *s)
{
	if (!strncmp(s, "<?xml", 5))
		s = strchr(s, '>') ? strchr(s, '>') + 1 : s, s += strspn(s, " \t\r\n");
	if (!strncmp(s, "<response", 9))
		s = strchr(s, '>') ? strchr(s, '>') + 1 : s, s += strspn(s, " \t\r\n");
	if (!strncmp(s, "<result", 7))
		s = strchr(s, '>') ? strchr(s, '>') + 1 : s, s += strspn(s, " \t\r\n");
	return !strncmp(s, "<config ", 8) || !strncmp(s, "<config>", 8) || !strncmp(s, "<policy>", 8) ||
	       !strncmp(s, "<policy ", 8);
}

/* The stored text, then the site's own `mask:` patterns. */
char *fw_panos_clean(const char *text, const struct fw_mask *mask)
{
	char *clean = clean_panos(text), *masked;

	if (!clean)
		return NULL;
	masked = fw_mask_site(mask, clean);
	free(clean);
	return masked;
}
