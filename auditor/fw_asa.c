/*
 * fw_asa.c - Cisco ASA `show running-config` into the model (format asa),
 * and the configuration as stored.
 *
 * The ASA, as Cisco's configuration guide describes the flow (8.3 and
 * later): one NAT rule is chosen for a packet on its original addresses,
 * from three sections in order - manual (twice) NAT in configuration
 * order, object NAT (static before dynamic, then the smaller real address
 * range first, then the lower address, then the name), and manual NAT
 * after-auto - a static rule working both ways; the access list applied
 * in on the ingress interface then matches the original source and the
 * real (untranslated) destination; an interface without one permits
 * traffic to interfaces of a lower security level only; a global access
 * list follows the interface ones, and the implicit deny comes last;
 * sessions carry replies. Before 8.3 (a "static (inside,outside)" or
 * "global"/"nat (inside) 1" configuration, or "ASA Version 8.2"), access
 * lists matched the mapped (public) address: they run before NAT here.
 *
 * In the model (table "asa"): nat (prerouting nat), acl-in (forward; before
 * NAT at prerouting on 8.2 and older), acl-out (forward, access lists out
 * on an interface), to-the-box (input, DROP), snat (postrouting nat), and
 * one user chain per access list in its order, ending where the list ends.
 *
 * Not modelled, so unknown for the traffic it could affect, naming the
 * line: time ranges, users and security groups, FQDN objects, interface
 * addresses in access lists, NAT exemption by access list (8.2), policy
 * NAT by access list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"

/* ---- lines ---- */

struct asa_line {
	struct strlist w;
	unsigned line;
	const char *text;             /* as written, up to the end of the line (not terminated) */
	size_t len;
};

/* A top-level command and the indented lines under it. */
struct asa_blk {
	struct asa_line head;
	struct asa_line *sub;
	size_t nsub, alloc;
};

struct asa_nat {
	int section;                  /* 1 twice, 2 object, 3 after-auto */
	bool stat, unidir, inactive, iface_mapped;
	char *real_if, *mapped_if;
	struct fw_addrset real, mapped, dst_mapped, dst_real;
	bool has_dst;
	unsigned proto, real_port, mapped_port;   /* service: 0 none */
	char *why;                    /* not modelled */
	char *name;                   /* object NAT: the object */
	unsigned line, seq;
	char *text;
};

struct asa_if {
	char *name, *nameif;
	int level;
	bool has_ip;
	fw_u128 ip;
};

struct asa {
	struct fw_model *m;
	const char *file;
	struct asa_blk *b;
	size_t nb, balloc;
	struct asa_if *ifs;
	size_t nifs, ifs_alloc;
	struct asa_nat *nats;
	size_t nnats, nats_alloc;
	bool pre83, same_security;
	bool any_v6;                  /* 9.0 and later: "any" is IPv4 and IPv6 */
};

static void line_split(struct asa_line *l, const char *s, size_t len)
{
	char *copy = xstrndup(s, len), *save = NULL;

	l->text = s;
	l->len = len;
	for (char *t = strtok_r(copy, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
		sl_push(&l->w, t);
	free(copy);
}

static void read_lines(struct asa *a, const char *text)
{
	unsigned line = 0;

	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\n");
		struct asa_line l = { STRLIST_INIT, ++line, NULL, 0 };

		line_split(&l, s, len);
		s += len + (s[len] == '\n');
		if (!l.w.n || l.w.v[0][0] == '!' || l.w.v[0][0] == ':') {
			sl_release(&l.w);
			continue;
		}
		if ((l.text[0] == ' ' || l.text[0] == '\t') && a->nb) {
			struct asa_blk *b = &a->b[a->nb - 1];

			ALLOC_GROW(b->sub, b->nsub + 1, b->alloc);
			b->sub[b->nsub++] = l;
			continue;
		}
		ALLOC_GROW(a->b, a->nb + 1, a->balloc);
		memset(&a->b[a->nb], 0, sizeof(a->b[0]));
		a->b[a->nb++].head = l;
	}
}

static bool is(const struct asa_line *l, size_t i, const char *w)
{
	return i < l->w.n && !strcmp(l->w.v[i], w);
}

static const char *word(const struct asa_line *l, size_t i)
{
	return i < l->w.n ? l->w.v[i] : "";
}

/* The block "kind name" (object network X, object-group service Y), the first one. */
static const struct asa_blk *find_blk(const struct asa *a, const char *k1, const char *k2, const char *name)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;

		if (is(h, 0, k1) && (!k2 || is(h, 1, k2)) && is(h, k2 ? 2 : 1, name))
			return &a->b[i];
	}
	return NULL;
}

/* ---- names and ports ---- */

static const struct { const char *name; unsigned port; } port_names[] = {
	{ "smtp", 25 }, { "www", 80 }, { "http", 80 }, { "https", 443 }, { "domain", 53 }, { "pop3", 110 },
	{ "imap4", 143 }, { "ssh", 22 }, { "telnet", 23 }, { "ftp", 21 }, { "ftp-data", 20 }, { "ntp", 123 },
	{ "snmp", 161 }, { "snmptrap", 162 }, { "ldap", 389 }, { "ldaps", 636 }, { "lpd", 515 }, { "nntp", 119 },
	{ "bgp", 179 }, { "h323", 1720 }, { "sqlnet", 1521 }, { "netbios-ssn", 139 }, { "netbios-ns", 137 },
	{ "netbios-dgm", 138 }, { "kerberos", 750 }, { "echo", 7 }, { "sunrpc", 111 }, { "tacacs", 49 },
	{ "ident", 113 }, { "irc", 194 }, { "citrix-ica", 1494 }, { "cifs", 3020 }, { "rtsp", 554 },
	{ "sip", 5060 }, { "aol", 5190 }, { "pptp", 1723 }, { "klogin", 543 }, { "kshell", 544 },
	{ "login", 513 }, { "exec", 512 }, { "whois", 43 }, { "gopher", 70 }, { "finger", 79 },
	{ "chargen", 19 }, { "daytime", 13 }, { "discard", 9 }, { "hostname", 101 }, { "isakmp", 500 },
	{ "tftp", 69 }, { "syslog", 514 }, { "radius", 1645 }, { "radius-acct", 1646 }, { "bootps", 67 },
	{ "bootpc", 68 }, { "rip", 520 }, { "lotusnotes", 1352 }, { "pcanywhere-data", 5631 },
	{ "pcanywhere-status", 5632 }, { "talk", 517 }, { "xdmcp", 177 }, { "vxlan", 4789 },
	{ "nfs", 2049 }, { "uucp", 540 }, { "pim-auto-rp", 496 }, { "ctiqbe", 2748 }, { "mobile-ip", 434 },
};

static bool port_num(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end != s && !*end && v <= 65535) {
		*out = (unsigned)v;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(port_names); i++)
		if (!strcmp(s, port_names[i].name)) {
			*out = port_names[i].port;
			return true;
		}
	return false;
}

/* "eq P", "lt P", "gt P", "neq P", "range A B" at words[*i]; false if none there. */
static int port_op(const struct asa_line *l, size_t *i, struct fw_portrange *out, size_t *n)
{
	const char *op = word(l, *i);
	unsigned a, b;

	*n = 0;
	if (!strcmp(op, "range")) {
		if (!port_num(word(l, *i + 1), &a) || !port_num(word(l, *i + 2), &b) || a > b)
			return -1;
		out[0].lo = (uint16_t)a, out[0].hi = (uint16_t)b, *n = 1;
		*i += 3;
		return 1;
	}
	if (strcmp(op, "eq") && strcmp(op, "lt") && strcmp(op, "gt") && strcmp(op, "neq"))
		return 0;
	if (!port_num(word(l, *i + 1), &a))
		return -1;
	*i += 2;
	if (!strcmp(op, "eq"))
		out[0].lo = out[0].hi = (uint16_t)a, *n = 1;
	else if (!strcmp(op, "lt") && a > 0)
		out[0].lo = 0, out[0].hi = (uint16_t)(a - 1), *n = 1;
	else if (!strcmp(op, "gt") && a < 65535)
		out[0].lo = (uint16_t)(a + 1), out[0].hi = 65535, *n = 1;
	else if (!strcmp(op, "neq")) {
		if (a > 0)
			out[(*n)++] = (struct fw_portrange){ 0, (uint16_t)(a - 1) };
		if (a < 65535)
			out[(*n)++] = (struct fw_portrange){ (uint16_t)(a + 1), 65535 };
	}
	return 1;
}

/* ---- addresses ---- */

static bool name_addr(const struct asa *a, const char *s, fw_u128 *ip)
{
	int fam;

	if (!fw_ip_parse(s, ip, &fam))
		return true;
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;

		if (is(h, 0, "name") && is(h, 2, s))
			return !fw_ip_parse(word(h, 1), ip, &fam);
	}
	return false;
}

/* An address's family: IPv4 addresses are held as ::ffff:a.b.c.d. */
static int addr_fam(fw_u128 a)
{
	return (a >> 32) == 0xffff ? FW_V4 : FW_V6;
}

/* FW_V4, FW_V6 or both, by what as holds (both when empty). */
static int as_fam(const struct fw_addrset *as)
{
	int fam = 0;

	for (size_t i = 0; i < as->n; i++)
		fam |= addr_fam(as->v[i].lo) | addr_fam(as->v[i].hi);
	return fam ? fam : FW_ANY;
}

/* An IPv6 prefix written as one word: 2001:db8::/64. */
static bool v6_prefix(const char *w, struct fw_range *out)
{
	int fam;

	return strchr(w, ':') && strchr(w, '/') && !fw_cidr_parse(w, out, &fam) && fam == FW_V6;
}

/* "any": every address; before 9.0 IPv4 only (IPv6 had access lists of its own). */
static void any_addr(const struct asa *a, struct fw_addrset *out)
{
	struct fw_range rg = fw_universe(a->any_v6 ? FW_V6 : FW_V4);

	fw_as_add(out, rg.lo, rg.hi);
}

static bool addr_mask(const struct asa *a, const char *ip, const char *mask, struct fw_range *out)
{
	fw_u128 lo;
	char buf[128];
	int fam;

	if (!name_addr(a, ip, &lo) || addr_fam(lo) != FW_V4)
		return false;
	fw_ip_format(lo, FW_V4, buf, 64);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%s", mask);
	return !fw_cidr_parse(buf, out, &fam) && fam == FW_V4;
}

static bool net_group(const struct asa *a, const char *name, struct fw_addrset *out, char **why, int depth);

/* object network NAME: its host, subnet or range. */
static bool net_object(const struct asa *a, const char *name, struct fw_addrset *out, char **why)
{
	const struct asa_blk *b = find_blk(a, "object", "network", name);
	bool any = false;

	for (size_t i = 0; b && i < b->nsub; i++) {
		const struct asa_line *l = &b->sub[i];
		struct fw_range rg;
		fw_u128 hi;

		if (is(l, 0, "host") && name_addr(a, word(l, 1), &rg.lo))
			fw_as_add(out, rg.lo, rg.lo), any = true;
		else if (is(l, 0, "subnet") && (addr_mask(a, word(l, 1), word(l, 2), &rg) || v6_prefix(word(l, 1), &rg)))
			fw_as_add(out, rg.lo, rg.hi), any = true;
		else if (is(l, 0, "range") && name_addr(a, word(l, 1), &rg.lo) && name_addr(a, word(l, 2), &hi) && rg.lo <= hi &&
			 addr_fam(rg.lo) == addr_fam(hi))
			fw_as_add(out, rg.lo, hi), any = true;
		else if (is(l, 0, "fqdn") || is(l, 0, "host") || is(l, 0, "subnet") || is(l, 0, "range"))
			return *why = xasprintf("object %s: %s %s", name, word(l, 0), word(l, 1)), false;
	}
	if (!b)
		return *why = xasprintf("object %s (not an object network of this configuration)", name), false;
	if (!any)   /* "object network X" holding only its nat line: the address is in an earlier block */
		for (size_t i = 0; i < a->nb; i++)
			if (&a->b[i] != b && is(&a->b[i].head, 0, "object") && is(&a->b[i].head, 1, "network") &&
			    is(&a->b[i].head, 2, name))
				for (size_t k = 0; k < a->b[i].nsub; k++)
					if (!is(&a->b[i].sub[k], 0, "nat"))
						return *why = NULL, false;
	return any ? true : (*why = xasprintf("object %s has no address", name), false);
}

/*
 * An address at words[*i]: any, any4, host A, A M, object X,
 * object-group X, interface IF. Moves *i past it.
 */
static bool acl_addr(const struct asa *a, const struct asa_line *l, size_t *i, struct fw_addrset *out, char **why)
{
	const char *w = word(l, *i);
	struct fw_range rg;

	if (!strcmp(w, "any")) {
		any_addr(a, out);
		*i += 1;
		return true;
	}
	if (!strcmp(w, "any4")) {
		rg = fw_universe(FW_V4);
		fw_as_add(out, rg.lo, rg.hi);
		*i += 1;
		return true;
	}
	if (!strcmp(w, "any6")) {   /* IPv6 only: every address but the IPv4 ones */
		struct fw_range all = fw_universe(FW_V6), v4 = fw_universe(FW_V4);

		fw_as_add(out, all.lo, v4.lo - 1);
		fw_as_add(out, v4.hi + 1, all.hi);
		*i += 1;
		return true;
	}
	if (v6_prefix(w, &rg)) {
		fw_as_add(out, rg.lo, rg.hi);
		*i += 1;
		return true;
	}
	*i += 2;
	if (!strcmp(w, "host") && name_addr(a, word(l, *i - 1), &rg.lo)) {
		fw_as_add(out, rg.lo, rg.lo);
		return true;
	}
	if (!strcmp(w, "object"))
		return net_object(a, word(l, *i - 1), out, why);
	if (!strcmp(w, "object-group"))
		return net_group(a, word(l, *i - 1), out, why, 0);
	if (!strcmp(w, "interface"))
		return *why = xasprintf("interface %s as an address", word(l, *i - 1)), false;
	if (addr_mask(a, w, word(l, *i - 1), &rg)) {
		fw_as_add(out, rg.lo, rg.hi);
		return true;
	}
	return *why = xasprintf("address %s %s not understood", w, word(l, *i - 1)), false;
}

static bool net_group(const struct asa *a, const char *name, struct fw_addrset *out, char **why, int depth)
{
	const struct asa_blk *b = find_blk(a, "object-group", "network", name);

	if (!b || depth > 16)
		return *why = xasprintf("object-group %s (not a network group of this configuration)", name), false;
	for (size_t i = 0; i < b->nsub; i++) {
		const struct asa_line *l = &b->sub[i];
		size_t k = 1;

		if (is(l, 0, "network-object")) {
			if (!acl_addr(a, l, &k, out, why))
				return false;
		} else if (is(l, 0, "group-object")) {
			if (!net_group(a, word(l, 1), out, why, depth + 1))
				return false;
		}
	}
	return true;
}

/* ---- services ---- */

struct asa_svc {
	unsigned proto;               /* 0: any */
	struct fw_portrange dp[2];
	size_t ndp;                   /* 0: every port */
	char *why;
};

struct asa_svcs {
	struct asa_svc *v;
	size_t n, alloc;
};

static struct asa_svc *svc_add(struct asa_svcs *s, unsigned proto)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n].proto = proto;
	return &s->v[s->n++];
}

static void svcs_release(struct asa_svcs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].why);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static bool proto_num(const char *s, unsigned *out)
{
	static const struct { const char *n; unsigned p; } protos[] = {
		{ "ip", 0 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "esp", 50 }, { "ah", 51 }, { "gre", 47 },
		{ "ipsec", 50 }, { "icmp6", 58 }, { "sctp", 132 }, { "ospf", 89 }, { "pim", 103 }, { "eigrp", 88 },
	};
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end != s && !*end && v <= 255)
		return *out = (unsigned)v, true;
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcmp(s, protos[i].n))
			return *out = protos[i].p, true;
	return false;
}

/* "tcp|udp [source OP] [destination OP]" (object service and service-object). */
static void svc_spec(const struct asa_line *l, size_t i, struct asa_svcs *out)
{
	unsigned p;
	struct asa_svc *sv;

	if (!proto_num(word(l, i), &p) && strcmp(word(l, i), "tcp-udp")) {
		svc_add(out, 0)->why = xasprintf("line %u: service %s", l->line, word(l, i));
		return;
	}
	for (int k = 0; k < (strcmp(word(l, i), "tcp-udp") ? 1 : 2); k++) {
		size_t j = i + 1;

		sv = svc_add(out, strcmp(word(l, i), "tcp-udp") ? p : (k ? 17u : 6u));
		while (j < l->w.n) {
			bool src = is(l, j, "source");
			struct fw_portrange pr[2];
			size_t n;

			if (src || is(l, j, "destination"))
				j++;
			if (port_op(l, &j, pr, &n) <= 0) {
				sv->why = xasprintf("line %u: service ports not understood", l->line);
				break;
			}
			if (src && !(n == 1 && pr[0].lo <= 1024 && pr[0].hi == 65535))
				sv->why = xasprintf("line %u: a source port", l->line);
			else if (!src)
				memcpy(sv->dp, pr, sizeof(pr)), sv->ndp = n;
		}
	}
}

static void svc_group(const struct asa *a, const char *name, unsigned proto, struct asa_svcs *out, int depth);

static void svc_object(const struct asa *a, const char *name, struct asa_svcs *out)
{
	const struct asa_blk *b = find_blk(a, "object", "service", name);

	for (size_t i = 0; b && i < b->nsub; i++)
		if (is(&b->sub[i], 0, "service"))
			svc_spec(&b->sub[i], 1, out);
	if (!b)
		svc_add(out, 0)->why = xasprintf("object service %s (not in this configuration)", name);
}

/* object-group service NAME [tcp|udp|tcp-udp]: port-object, service-object, group-object. */
static void svc_group(const struct asa *a, const char *name, unsigned proto, struct asa_svcs *out, int depth)
{
	const struct asa_blk *b = find_blk(a, "object-group", "service", name);
	const char *gp = b ? word(&b->head, 3) : "";

	if (!b || depth > 16) {
		svc_add(out, 0)->why = xasprintf("object-group %s (not a service group of this configuration)", name);
		return;
	}
	for (size_t i = 0; i < b->nsub; i++) {
		const struct asa_line *l = &b->sub[i];

		if (is(l, 0, "port-object")) {
			size_t j = 1;
			struct fw_portrange pr[2];
			size_t n;
			unsigned ps[2] = { proto, 0 };

			if (*gp && strcmp(gp, "tcp-udp"))
				proto_num(gp, &ps[0]);
			else if (!strcmp(gp, "tcp-udp") && !proto)
				ps[0] = 6, ps[1] = 17;
			for (int k = 0; k < 2 && ps[k]; k++) {
				struct asa_svc *sv = svc_add(out, ps[k]);

				if (port_op(l, &j, pr, &n) <= 0)
					sv->why = xasprintf("line %u: port-object not understood", l->line);
				memcpy(sv->dp, pr, sizeof(pr)), sv->ndp = n;
				j = 1;
			}
		} else if (is(l, 0, "service-object") && is(l, 1, "object")) {
			svc_object(a, word(l, 2), out);
		} else if (is(l, 0, "service-object")) {
			svc_spec(l, 1, out);
		} else if (is(l, 0, "group-object")) {
			svc_group(a, word(l, 1), proto, out, depth + 1);
		}
	}
}

/* ---- interfaces ---- */

static const struct asa_if *iface_by_nameif(const struct asa *a, const char *n)
{
	for (size_t i = 0; i < a->nifs; i++)
		if (a->ifs[i].nameif && !strcmp(a->ifs[i].nameif, n))
			return &a->ifs[i];
	return NULL;
}

static void interfaces(struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_blk *b = &a->b[i];
		struct strlist v6 = STRLIST_INIT;
		struct asa_if *f;

		if (!is(&b->head, 0, "interface"))
			continue;
		ALLOC_GROW(a->ifs, a->nifs + 1, a->ifs_alloc);
		f = &a->ifs[a->nifs++];
		memset(f, 0, sizeof(*f));
		f->name = xstrdup(word(&b->head, 1));
		f->level = -1;
		for (size_t k = 0; k < b->nsub; k++) {
			const struct asa_line *l = &b->sub[k];
			int fam;

			if (is(l, 0, "nameif"))
				free(f->nameif), f->nameif = xstrdup(word(l, 1));
			else if (is(l, 0, "security-level"))
				f->level = atoi(word(l, 1));
			else if (is(l, 0, "ip") && is(l, 1, "address") && !fw_ip_parse(word(l, 2), &f->ip, &fam) && fam == FW_V4)
				f->has_ip = true;
			else if (is(l, 0, "ipv6") && is(l, 1, "address"))
				sl_push(&v6, word(l, 2));
		}
		if (f->nameif && f->level < 0)   /* the ASA's defaults: inside 100, anything else 0 */
			f->level = !strcmp(f->nameif, "inside") ? 100 : 0;
		if (f->nameif && f->has_ip) {
			char ip[64];

			fw_as_add(&a->m->self, f->ip, f->ip);
			fw_ip_format(f->ip, FW_V4, ip, sizeof(ip));
			sl_push_owned(&a->m->if_addrs, xasprintf("%s %s", f->nameif, ip));
		}
		for (size_t k = 0; f->nameif && k < v6.n; k++) {   /* 2001:db8::1/64: the interface's own */
			char host[64];
			fw_u128 ip6;
			int fam;

			snprintf(host, sizeof(host), "%.*s", (int)strcspn(v6.v[k], "/"), v6.v[k]);
			if (!fw_ip_parse(host, &ip6, &fam) && fam == FW_V6) {
				fw_as_add(&a->m->self, ip6, ip6);
				sl_push_owned(&a->m->if_addrs, xasprintf("%s %s", f->nameif, host));
			}
		}
		sl_release(&v6);
	}
}

/* ---- rules ---- */

static struct fw_rule *rule_new(struct asa *a, struct fw_chain *c, unsigned line, const char *text, size_t len)
{
	struct fw_rule *r = fw_chain_add_rule(c);
	size_t ind = strspn(text, " \t");
	char *t = xasprintf("line %u: %.*s", line, (int)(len - ind), text + ind);

	r->line = line;
	r->text = mp_strdup(&a->m->pool, t);
	free(t);
	return r;
}

static void unsupported(struct fw_rule *r, char *what)
{
	fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = what;
}

static void addr_match(struct fw_rule *r, enum fw_mkind kind, const struct fw_addrset *as)
{
	struct fw_range u = fw_universe(FW_V6);
	struct fw_match *mt;

	if (as->n == 1 && as->v[0].lo == u.lo && as->v[0].hi == u.hi)
		return;
	mt = fw_rule_add_match(r, kind, false);
	mt->fam = as_fam(as);
	fw_as_copy(&mt->addrs, as);
}

static void if_match(struct fw_rule *r, enum fw_mkind kind, const char *n)
{
	if (n && strcmp(n, "any"))
		sl_push(&fw_rule_add_match(r, kind, false)->names, n);
}

static void svc_match(struct fw_rule *r, const struct asa_svc *sv)
{
	struct fw_match *mt;

	if (sv->why) {
		unsupported(r, xstrdup(sv->why));
		return;
	}
	if (sv->proto)
		fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), sv->proto);
	if (sv->ndp) {
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		for (size_t i = 0; i < sv->ndp; i++)
			fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, sv->dp[i].lo, sv->dp[i].hi);
	}
}

static struct fw_chain *chain(struct asa *a, const char *name)
{
	struct fw_chain *c = fw_model_chain(a->m, "asa", name);

	if (!c) {
		c = fw_model_add_chain(a->m, "asa", name);
		c->fam = FW_ANY;
	}
	return c;
}

/*
 * One access control entry: "access-list N [extended] permit|deny PROTO
 * SRC [PORTS] DST [PORTS] [log ...] [time-range T] [inactive]", as one
 * rule per service it names.
 */
static void ace(struct asa *a, const struct asa_line *l)
{
	struct fw_chain *c = chain(a, word(l, 1));
	size_t i = 2;
	const char *act, *pw;
	struct asa_svcs svcs = { 0 };
	struct fw_addrset src = FW_ADDRSET_INIT, dst = FW_ADDRSET_INIT;
	char *why = NULL, *extra = NULL;
	bool inactive = false, ports_ok = true, svc_obj = false;
	struct fw_portrange sp[2], dp[2];
	size_t nsp = 0, ndp = 0;
	unsigned proto = 0;

	if (is(l, 2, "remark") || is(l, 2, "standard") || is(l, 2, "ethertype") || is(l, 2, "webtype"))
		return;
	if (is(l, i, "extended"))
		i++;
	if (is(l, i, "line"))
		i += 2;
	act = word(l, i++);
	pw = word(l, i++);
	if (!strcmp(pw, "object-group") || !strcmp(pw, "object")) {
		const char *n = word(l, i++);

		if (!strcmp(pw, "object"))
			svc_object(a, n, &svcs), svc_obj = true;
		else if (find_blk(a, "object-group", "service", n))
			svc_group(a, n, 0, &svcs, 0), svc_obj = true;
		else
			svc_add(&svcs, 0)->why = xasprintf("protocol group %s", n);
	} else if (proto_num(pw, &proto)) {
		svc_add(&svcs, proto);
	} else {
		svc_add(&svcs, 0)->why = xasprintf("protocol %s", pw);
	}
	if (!acl_addr(a, l, &i, &src, &why))
		goto out;
	if (proto == 6 || proto == 17) {
		if (port_op(l, &i, sp, &nsp) < 0)
			ports_ok = false;
		if (is(l, i, "object-group") && find_blk(a, "object-group", "service", word(l, i + 1)) && nsp == 0)
			extra = xasprintf("source ports of object-group %s", word(l, i + 1)), i += 2;
	}
	if (!acl_addr(a, l, &i, &dst, &why))
		goto out;
	if (proto == 6 || proto == 17) {
		if (port_op(l, &i, dp, &ndp) < 0)
			ports_ok = false;
		else if (!ndp && is(l, i, "object-group")) {
			svcs_release(&svcs);
			svc_group(a, word(l, i + 1), proto, &svcs, 0);
			i += 2;
		} else if (ndp) {
			memcpy(svcs.v[0].dp, dp, sizeof(dp));
			svcs.v[0].ndp = ndp;
		}
	}
	if (nsp && !(nsp == 1 && sp[0].lo <= 1024 && sp[0].hi == 65535))
		extra = xasprintf("source port %s %s", word(l, 0), "");
	for (; i < l->w.n; i++) {
		if (is(l, i, "inactive"))
			inactive = true;
		else if (is(l, i, "time-range") && !extra)
			extra = xasprintf("time-range %s", word(l, i + 1));
		else if ((is(l, i, "user") || is(l, i, "object-group-user") || is(l, i, "security-group")) && !extra)
			extra = xasprintf("%s %s", word(l, i), word(l, i + 1));
	}
	if (!ports_ok)
		extra = extra ? extra : xstrdup("ports not understood");
out:
	for (size_t k = 0; k < (svcs.n ? svcs.n : 1); k++) {
		struct fw_rule *r = rule_new(a, c, l->line, l->text, l->len);

		if (why) {
			unsupported(r, xstrdup(why));
		} else {
			addr_match(r, FW_M_SADDR, &src);
			addr_match(r, FW_M_DADDR, &dst);
			if (svcs.n)
				svc_match(r, &svcs.v[k]);
			if (extra)
				unsupported(r, xstrdup(extra));
		}
		r->target = !strcmp(act, "permit") ? FW_T_ACCEPT : !strcmp(act, "deny") ? FW_T_DROP : FW_T_UNSUPPORTED;
		if (r->target == FW_T_UNSUPPORTED)
			r->target_name = xasprintf("action %s", act);
		if (inactive) {
			free(r->target_name);
			r->target_name = xasprintf("DISABLED %s", fw_target_name(r->target));
			r->target = FW_T_NONE;
		}
	}
	(void)svc_obj;
	free(why);
	free(extra);
	fw_as_release(&src);
	fw_as_release(&dst);
	svcs_release(&svcs);
}

/* ---- NAT ---- */

/* The first reason a NAT rule is not modelled is the one it keeps. */
static void nat_why(struct asa_nat *n, char *why)
{
	if (n->why)
		free(why);
	else
		n->why = why;
}

/* A NAT address word: any, interface (the mapped interface's), an object or group, an address. */
static bool nat_addr(struct asa *a, const char *w, const char *ifname, struct fw_addrset *out, bool *iface, char **why)
{
	const struct asa_if *f;
	struct fw_range rg;

	if (!strcmp(w, "any")) {
		any_addr(a, out);
		return true;
	}
	if (!strcmp(w, "interface")) {
		*iface = true;
		if ((f = iface_by_nameif(a, ifname)) && f->has_ip)
			fw_as_add(out, f->ip, f->ip);
		return true;
	}
	if (name_addr(a, w, &rg.lo)) {
		fw_as_add(out, rg.lo, rg.lo);
		return true;
	}
	if (find_blk(a, "object-group", "network", w))
		return net_group(a, w, out, why, 0);
	return net_object(a, w, out, why);
}

static struct asa_nat *nat_new(struct asa *a, const struct asa_line *l, int section)
{
	struct asa_nat *n;
	char ri[64] = "", mi[64] = "";
	const char *w = word(l, 1);

	ALLOC_GROW(a->nats, a->nnats + 1, a->nats_alloc);
	n = &a->nats[a->nnats];
	memset(n, 0, sizeof(*n));
	n->section = section;
	n->line = l->line;
	n->seq = (unsigned)a->nnats++;
	n->text = xasprintf("line %u: %.*s", l->line, (int)(l->len - strspn(l->text, " \t")),
			    l->text + strspn(l->text, " \t"));
	if (sscanf(w, "(%63[^,],%63[^)])", ri, mi) != 2)
		nat_why(n, xasprintf("line %u: interfaces %s not understood", l->line, w));
	n->real_if = xstrdup(ri);
	n->mapped_if = xstrdup(mi);
	return n;
}

/* "service tcp REAL MAPPED" (object NAT) or "service REALOBJ MAPPEDOBJ" (twice NAT). */
static void nat_service(struct asa *a, struct asa_nat *n, const struct asa_line *l, size_t i, bool object)
{
	if (object) {
		if (!proto_num(word(l, i), &n->proto) || !port_num(word(l, i + 1), &n->real_port) ||
		    !port_num(word(l, i + 2), &n->mapped_port))
			nat_why(n, xasprintf("line %u: service not understood", l->line));
		return;
	}
	for (int k = 0; k < 2; k++) {
		struct asa_svcs s = { 0 };

		svc_object(a, word(l, i + (size_t)k), &s);
		if (s.n != 1 || s.v[0].why || s.v[0].ndp != 1 || s.v[0].dp[0].lo != s.v[0].dp[0].hi)
			nat_why(n, xasprintf("line %u: service %s (one port expected)", l->line, word(l, i + (size_t)k)));
		else
			n->proto = s.v[0].proto, *(k ? &n->mapped_port : &n->real_port) = s.v[0].dp[0].lo;
		svcs_release(&s);
	}
}

/* " nat (inside,outside) static|dynamic MAPPED ... [service tcp R M]" under object network NAME. */
static void object_nat(struct asa *a, const char *name, const struct asa_line *l)
{
	struct asa_nat *n = nat_new(a, l, 2);
	char *why = NULL;
	size_t i = 3;

	n->name = xstrdup(name);
	n->stat = is(l, 2, "static");
	if (!net_object(a, name, &n->real, &why))
		nat_why(n, why ? why : xasprintf("object %s has no address", name)), why = NULL;
	if (is(l, 3, "pat-pool"))
		i++;
	if (!n->why && !nat_addr(a, word(l, i), n->mapped_if, &n->mapped, &n->iface_mapped, &why))
		nat_why(n, why);
	for (i++; i < l->w.n; i++)
		if (is(l, i, "service"))
			nat_service(a, n, l, i + 1, true), i += 3;
		else if (is(l, i, "interface") && !n->stat)
			n->iface_mapped = true;   /* fall back to the interface when the pool is used up */
}

/* "nat (real,mapped) [after-auto] [LINE] source static|dynamic R M [destination static MD RD] [service RS MS] ..." */
static void twice_nat(struct asa *a, const struct asa_line *l)
{
	size_t i = 2;
	struct asa_nat *n;
	char *why = NULL;

	if (is(l, i, "after-auto") || is(l, i, "after-object")) {
		n = nat_new(a, l, 3);
		i++;
	} else {
		n = nat_new(a, l, 1);
	}
	if (i < l->w.n && strspn(word(l, i), "0123456789") == strlen(word(l, i)))
		i++;   /* a line number places it within its section: the configuration's order already does */
	if (!is(l, i, "source") || (!is(l, i + 1, "static") && !is(l, i + 1, "dynamic"))) {
		nat_why(n, xasprintf("line %u: expected 'source static|dynamic'", l->line));
		return;
	}
	n->stat = is(l, i + 1, "static");
	if (!nat_addr(a, word(l, i + 2), n->real_if, &n->real, &(bool){ false }, &why) ||
	    !nat_addr(a, is(l, i + 3, "pat-pool") ? word(l, i + 4) : word(l, i + 3), n->mapped_if, &n->mapped,
		      &n->iface_mapped, &why)) {
		nat_why(n, why);
		return;
	}
	for (i += 4; i < l->w.n; i++) {
		if (is(l, i, "destination") && is(l, i + 1, "static")) {
			n->has_dst = true;
			if (!nat_addr(a, word(l, i + 2), n->mapped_if, &n->dst_mapped, &(bool){ false }, &why) ||
			    !nat_addr(a, word(l, i + 3), n->real_if, &n->dst_real, &(bool){ false }, &why))
				nat_why(n, why);
			i += 3;
		} else if (is(l, i, "service")) {
			nat_service(a, n, l, i + 1, false);
			i += 2;
		} else if (is(l, i, "unidirectional")) {
			n->unidir = true;
		} else if (is(l, i, "inactive")) {
			n->inactive = true;
		}
	}
}

/* 8.2: "static (inside,outside) [tcp|udp] MAPPED [MPORT] REAL [RPORT] [netmask M]". */
static void static_82(struct asa *a, const struct asa_line *l)
{
	struct asa_nat *n = nat_new(a, l, 1);
	size_t i = 2;
	char *why = NULL;
	bool ports = is(l, 2, "tcp") || is(l, 2, "udp");
	const char *mapped, *real;

	n->stat = true;
	if (ports)
		proto_num(word(l, i++), &n->proto);
	mapped = word(l, i++);
	if (ports && !port_num(word(l, i++), &n->mapped_port))
		nat_why(n, xasprintf("line %u: port not understood", l->line));
	real = word(l, i++);
	if (ports && !port_num(word(l, i++), &n->real_port))
		nat_why(n, xasprintf("line %u: port not understood", l->line));
	if (is(l, i, "access-list"))
		nat_why(n, xasprintf("line %u: policy NAT by access list", l->line));
	if (!n->why && (!nat_addr(a, mapped, n->mapped_if, &n->mapped, &n->iface_mapped, &why) ||
			!nat_addr(a, real, n->real_if, &n->real, &(bool){ false }, &why)))
		n->why = why ? why : xasprintf("line %u: addresses not understood", l->line);
}

/* The real addresses of an 8.2 "nat (inside) ID A M" into n. */
static void nat_82_real(struct asa *a, struct asa_nat *n, const struct asa_line *l)
{
	struct fw_range rg;

	if (is(l, 3, "access-list"))
		nat_why(n, xasprintf("line %u: NAT by access list %s", l->line, word(l, 4)));
	else if (addr_mask(a, word(l, 3), word(l, 4), &rg))
		fw_as_add(&n->real, rg.lo, rg.hi);
	else
		nat_why(n, xasprintf("line %u: addresses not understood", l->line));
}

/*
 * 8.2: "nat (inside) ID A M" with "global (outside) ID interface|A":
 * dynamic NAT out of each interface with a global of that ID; ID 0 is
 * the exemption (no translation, before every other rule).
 */
static void nat_82(struct asa *a, const struct asa_line *l)
{
	char ri[64] = "";
	const char *id = word(l, 2);
	bool found = false;
	struct asa_nat *n;

	sscanf(word(l, 1), "(%63[^)])", ri);
	for (size_t b = 0; strcmp(id, "0") && b < a->nb; b++) {
		const struct asa_line *g = &a->b[b].head;
		char gi[64] = "";
		char *why = NULL;

		if (!is(g, 0, "global") || !is(g, 2, id) || sscanf(word(g, 1), "(%63[^)])", gi) != 1)
			continue;
		found = true;
		n = nat_new(a, l, 2);
		free(n->real_if), free(n->mapped_if), free(n->why);
		n->why = NULL;
		n->real_if = xstrdup(ri);
		n->mapped_if = xstrdup(gi);
		nat_82_real(a, n, l);
		if (!n->why && (strchr(word(g, 3), '-') ||
				!nat_addr(a, word(g, 3), gi, &n->mapped, &n->iface_mapped, &why)))
			n->why = why ? why : xasprintf("line %u: global %s is a pool", g->line, word(g, 3));
	}
	if (!strcmp(id, "0") || !found) {
		n = nat_new(a, l, 0);
		free(n->real_if), free(n->mapped_if), free(n->why);
		n->why = NULL;
		n->real_if = xstrdup(ri);
		n->mapped_if = xstrdup("any");
		nat_82_real(a, n, l);
		if (strcmp(id, "0"))
			nat_why(n, xasprintf("line %u: no global (...) %s for this nat", l->line, id));
	}
}

static size_t as_count(const struct fw_addrset *s)
{
	fw_u128 n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].hi - s->v[i].lo + 1;
	return n > (fw_u128)SIZE_MAX ? SIZE_MAX : (size_t)n;
}

/*
 * The ASA's NAT table order: section 1 as configured; section 2 static
 * before dynamic, then fewer real addresses first, then the lower
 * address, then the object's name; section 3 as configured.
 */
static int nat_cmp(const void *x, const void *y)
{
	const struct asa_nat *a = x, *b = y;
	size_t ca, cb;

	if (a->section != b->section)
		return a->section - b->section;
	if (a->section != 2)
		return (a->seq > b->seq) - (a->seq < b->seq);
	if (a->stat != b->stat)
		return a->stat ? -1 : 1;
	ca = as_count(&a->real), cb = as_count(&b->real);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (a->real.n && b->real.n && a->real.v[0].lo != b->real.v[0].lo)
		return a->real.v[0].lo < b->real.v[0].lo ? -1 : 1;
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

static void nat_to(struct fw_rule *r, const struct fw_addrset *to, unsigned port)
{
	r->nat_fam = to->n ? addr_fam(to->v[0].lo) : FW_V4;
	if (to->n) {
		r->nat_addr = to->v[0].lo;
		r->nat_has_addr = true;
	}
	r->nat_ambiguous = to->n != 1 || to->v[0].lo != to->v[0].hi;
	r->nat_port = (uint16_t)port;
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

/*
 * A translation to an address of one family applies to packets of that
 * family (the interface's address: IPv4). Packets of the other family the
 * rule matches (NAT46, NAT64, "any" to an interface) are not modelled: a
 * rule right after it says so for them. r is the last rule of c.
 */
static void nat_family(struct fw_chain *c, struct fw_rule *r)
{
	int tfam = r->nat_has_addr ? r->nat_fam : FW_V4, other = rule_fam(r) & ~tfam;
	size_t at = (size_t)(r - c->rules);
	struct fw_rule *u;

	if (r->target != FW_T_DNAT && r->target != FW_T_SNAT && r->target != FW_T_MASQUERADE)
		return;
	if (rule_fam(r) == tfam)
		return;   /* its addresses are of the translation's family already */
	fw_rule_add_match(r, FW_M_NFPROTO, false)->fam = tfam;
	if (!other)
		return;
	u = fw_chain_add_rule(c);
	r = &c->rules[at];   /* the chain's array may have moved */
	u->line = r->line, u->text = r->text;   /* in the model's pool */
	for (size_t i = 0; i < r->nm; i++)
		if (r->m[i].kind == FW_M_IIF || r->m[i].kind == FW_M_OIF) {
			struct fw_match *mt = fw_rule_add_match(u, r->m[i].kind, false);

			for (size_t k = 0; k < r->m[i].names.n; k++)
				sl_push(&mt->names, r->m[i].names.v[k]);
		}
	fw_rule_add_match(u, FW_M_NFPROTO, false)->fam = other;
	u->target = FW_T_UNSUPPORTED;
	u->target_name = xstrdup(other == FW_V6 ? "NAT of IPv6 packets" : "NAT of IPv4 packets");
}

static struct fw_rule *nat_rule(struct asa *a, struct fw_chain *c, const struct asa_nat *n)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->line = n->line;
	r->text = mp_strdup(&a->m->pool, n->text);
	if (n->why)
		unsupported(r, xstrdup(n->why));
	return r;
}

static void nat_disable(struct fw_rule *r)
{
	r->target_name = xasprintf("DISABLED %s", fw_target_name(r->target));
	r->target = FW_T_NONE;
	r->nat_has_addr = r->nat_ambiguous = false;
	r->nat_port = 0;
}

/*
 * One NAT rule, both ways: a static rule translates connections from
 * the mapped side to the real address (prerouting), every rule the real
 * side's connections to the mapped address (postrouting) - except a
 * static port translation, which only translates from its real port.
 */
static void nat_emit(struct asa *a, struct fw_chain *dn, struct fw_chain *sn, const struct asa_nat *n)
{
	struct fw_rule *r;

	if (n->stat && !n->unidir && n->section) {
		r = nat_rule(a, dn, n);
		if_match(r, FW_M_IIF, n->mapped_if);
		if (!n->why) {
			addr_match(r, FW_M_DADDR, &n->mapped);
			if (n->has_dst)
				addr_match(r, FW_M_SADDR, &n->dst_real);
			if (n->proto)
				fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), n->proto);
			if (n->mapped_port) {
				struct fw_match *mt = fw_rule_add_match(r, FW_M_DPORT, false);
				fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, n->mapped_port, n->mapped_port);
			}
		}
		r->target = FW_T_DNAT;
		nat_to(r, &n->real, n->real_port);
		if (n->inactive)
			nat_disable(r);
		nat_family(dn, r);
	}
	if (n->has_dst && n->section && !n->why) {
		r = nat_rule(a, dn, n);
		if_match(r, FW_M_IIF, n->real_if);
		addr_match(r, FW_M_SADDR, &n->real);
		addr_match(r, FW_M_DADDR, &n->dst_mapped);
		r->target = FW_T_DNAT;
		nat_to(r, &n->dst_real, 0);
		if (n->inactive)
			nat_disable(r);
		nat_family(dn, r);
	}
	if (n->stat && n->real_port)
		return;
	r = nat_rule(a, sn, n);
	if_match(r, FW_M_OIF, n->mapped_if);
	if (!n->why)
		addr_match(r, FW_M_SADDR, &n->real);
	if (n->has_dst && !n->why)
		addr_match(r, FW_M_DADDR, &n->dst_real);
	if (!n->section) {
		r->target = FW_T_ACCEPT;   /* nat 0: not translated */
	} else if (n->iface_mapped && !n->mapped.n) {
		r->target = FW_T_MASQUERADE;
	} else {
		r->target = FW_T_SNAT;
		nat_to(r, &n->mapped, 0);
	}
	if (n->inactive)
		nat_disable(r);
	nat_family(sn, r);
}

static void read_nats(struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_blk *b = &a->b[i];
		const struct asa_line *h = &b->head;

		if (is(h, 0, "nat") && is(h, 2, "source"))
			twice_nat(a, h);
		else if (is(h, 0, "nat") && (is(h, 2, "after-auto") || is(h, 2, "after-object") || is(h, 3, "source")))
			twice_nat(a, h);
		else if (is(h, 0, "nat") && h->w.n >= 3)
			nat_82(a, h);
		else if (is(h, 0, "static"))
			static_82(a, h);
		else if (is(h, 0, "object") && is(h, 1, "network"))
			for (size_t k = 0; k < b->nsub; k++)
				if (is(&b->sub[k], 0, "nat"))
					object_nat(a, word(h, 2), &b->sub[k]);
	}
	if (a->nnats)
		qsort(a->nats, a->nnats, sizeof(a->nats[0]), nat_cmp);
}

/* ---- access groups and security levels ---- */

static struct fw_chain *base(struct asa *a, const char *name, enum fw_hook hook, int prio, enum fw_ctype type,
			     enum fw_tkind policy, bool state)
{
	struct fw_chain *c = chain(a, name);
	struct fw_rule *r;

	c->hook = hook, c->prio = prio, c->type = type, c->policy = policy;
	if (state) {
		r = fw_chain_add_rule(c);
		r->text = mp_strdup(&a->m->pool, "connections: replies and later packets of permitted connections");
		fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_ESTABLISHED | FW_CT_RELATED;
		r->target = FW_T_ACCEPT;
	}
	return c;
}

static struct fw_rule *text_rule(struct asa *a, struct fw_chain *c, const char *text, enum fw_tkind t)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->text = mp_strdup(&a->m->pool, text);
	r->target = t;
	return r;
}

static const char *in_acl(const struct asa *a, const char *nameif)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;

		if (is(h, 0, "access-group") && is(h, 2, "in") && is(h, 3, "interface") && is(h, 4, nameif) &&
		    !is(h, 5, "control-plane"))
			return word(h, 1);
	}
	return NULL;
}

static void jump(struct fw_rule *r, const char *acl)
{
	r->target = FW_T_JUMP;
	r->target_name = xstrdup(acl);
	if (!r->target_name[0])
		r->target = FW_T_UNSUPPORTED;
}

/*
 * Inbound access lists (and the global one), then for interfaces with
 * none the security levels: to a lower level permitted (the same level
 * with same-security-traffic permit inter-interface), else denied.
 */
static void access_groups(struct asa *a, struct fw_chain *in, struct fw_chain *lv, struct fw_chain *out)
{
	const char *global = NULL;
	char *t;

	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;

		if (!is(h, 0, "access-group"))
			continue;
		if (is(h, 2, "global")) {
			global = word(h, 1);
		} else if (is(h, 2, "in") && !is(h, 5, "control-plane")) {
			struct fw_rule *r = rule_new(a, in, h->line, h->text, h->len);

			if_match(r, FW_M_IIF, word(h, 4));
			jump(r, word(h, 1));
		} else if (is(h, 2, "out")) {
			struct fw_rule *r = rule_new(a, out, h->line, h->text, h->len);

			if_match(r, FW_M_OIF, word(h, 4));
			jump(r, word(h, 1));
			t = xasprintf("the implicit deny at the end of access-list %s (out on %s)", word(h, 1), word(h, 4));
			if_match(text_rule(a, out, t, FW_T_DROP), FW_M_OIF, word(h, 4));
			free(t);
		}
	}
	if (global) {
		jump(text_rule(a, in, "access-group global", FW_T_JUMP), global);
		t = xasprintf("the implicit deny at the end of the global access-list %s", global);
		text_rule(a, in, t, FW_T_DROP);
		free(t);
	}
	for (size_t i = 0; i < a->nifs; i++) {
		const struct asa_if *f = &a->ifs[i];
		const char *acl = f->nameif ? in_acl(a, f->nameif) : NULL;
		struct fw_match *mt = NULL;
		struct fw_rule *r;

		if (!f->nameif)
			continue;
		if (acl && !global) {
			t = xasprintf("the implicit deny at the end of access-list %s (in on %s)", acl, f->nameif);
			if_match(text_rule(a, in, t, FW_T_DROP), FW_M_IIF, f->nameif);
			free(t);
		}
		if (acl || global)   /* the access list decided */
			continue;
		t = xasprintf("security-level %d (%s), no access list in: only to lower levels", f->level, f->nameif);
		r = text_rule(a, lv, t, FW_T_DROP);
		free(t);
		if_match(r, FW_M_IIF, f->nameif);
		for (size_t k = 0; k < a->nifs; k++)
			if (a->ifs[k].nameif && k != i &&
			    (a->ifs[k].level < f->level || (a->same_security && a->ifs[k].level == f->level))) {
				if (!mt)
					mt = fw_rule_add_match(r, FW_M_OIF, true);
				sl_push(&mt->names, a->ifs[k].nameif);
			}
	}
}

static void find_ifaces(struct asa *a)
{
	const struct asa_if *out = iface_by_nameif(a, "outside"), *in = NULL;

	for (size_t i = 0; !out && i < a->nifs; i++)
		if (a->ifs[i].nameif && (!out || a->ifs[i].level < out->level))
			out = &a->ifs[i];
	for (size_t i = 0; i < a->nnats && !in; i++)
		if (a->nats[i].stat && out && !strcmp(a->nats[i].mapped_if, out->nameif))
			in = iface_by_nameif(a, a->nats[i].real_if);
	if (!in)
		in = iface_by_nameif(a, "inside");
	a->m->outside_iface = out && out->nameif ? xstrdup(out->nameif) : NULL;
	a->m->inside_iface = in && in->nameif ? xstrdup(in->nameif) : NULL;
}

static bool version_pre83(const struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;
		int maj, min;

		if ((is(h, 0, "ASA") || is(h, 0, "PIX")) && is(h, 1, "Version") &&
		    sscanf(word(h, 2), "%d.%d", &maj, &min) == 2)
			return maj < 8 || (maj == 8 && min < 3);
		if (is(h, 0, "static") || is(h, 0, "global"))
			return true;
	}
	return false;
}

/* 9.0 made access lists and NAT carry IPv6 too, "any" meaning both; no version line: a current one. */
static bool version_any_v6(const struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;
		int maj;

		if ((is(h, 0, "ASA") || is(h, 0, "PIX")) && is(h, 1, "Version") && sscanf(word(h, 2), "%d", &maj) == 1)
			return maj >= 9;
	}
	return !a->pre83;
}

static void release(struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		sl_release(&a->b[i].head.w);
		for (size_t k = 0; k < a->b[i].nsub; k++)
			sl_release(&a->b[i].sub[k].w);
		free(a->b[i].sub);
	}
	free(a->b);
	for (size_t i = 0; i < a->nifs; i++) {
		free(a->ifs[i].name);
		free(a->ifs[i].nameif);
	}
	free(a->ifs);
	for (size_t i = 0; i < a->nnats; i++) {
		struct asa_nat *n = &a->nats[i];

		free(n->real_if), free(n->mapped_if), free(n->why), free(n->name), free(n->text);
		fw_as_release(&n->real), fw_as_release(&n->mapped);
		fw_as_release(&n->dst_mapped), fw_as_release(&n->dst_real);
	}
	free(a->nats);
}

/* A line the parser cannot read at all: the only errors; anything else is modelled or unknown. */
static int check_lines(const struct asa *a)
{
	for (size_t i = 0; i < a->nb; i++) {
		const struct asa_line *h = &a->b[i].head;

		if (is(h, 0, "access-list") && h->w.n < 3)
			return error("%s:%u: expected 'access-list NAME extended permit|deny ...'", a->file, h->line);
		if (is(h, 0, "access-group") && (h->w.n < 3 || (!is(h, 2, "global") && h->w.n < 5)))
			return error("%s:%u: expected 'access-group NAME in|out interface IF' or 'access-group NAME global'",
				     a->file, h->line);
		if (is(h, 0, "access-list") && !is(h, 2, "remark") && !is(h, 2, "standard") &&
		    !is(h, 2, "ethertype") && !is(h, 2, "webtype") && h->w.n < 6)
			return error("%s:%u: expected an action, a protocol, a source and a destination", a->file, h->line);
	}
	return 0;
}

int fw_parse_asa(struct fw_model *m, const char *file, const char *text)
{
	struct asa a = { .m = m, .file = file };
	struct fw_chain *dn, *in, *lv, *out, *sn;
	int r;

	if (!m->format)
		m->format = xstrdup("asa");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_ANY;
	read_lines(&a, text);
	if ((r = check_lines(&a)))
		goto out;
	a.pre83 = version_pre83(&a);
	a.any_v6 = version_any_v6(&a);
	for (size_t i = 0; i < a.nb; i++)
		if (is(&a.b[i].head, 0, "same-security-traffic") && is(&a.b[i].head, 2, "inter-interface"))
			a.same_security = true;
	interfaces(&a);
	/* Before 8.3 the access lists saw the mapped address: they run before NAT. */
	in = a.pre83 ? base(&a, "acl-in", FW_HOOK_PREROUTING, -200, FW_CT_FILTER, FW_T_ACCEPT, true) :
		       base(&a, "acl-in", FW_HOOK_FORWARD, 0, FW_CT_FILTER, FW_T_ACCEPT, true);
	dn = base(&a, "nat", FW_HOOK_PREROUTING, -100, FW_CT_NAT, FW_T_ACCEPT, false);
	lv = base(&a, "security-level", FW_HOOK_FORWARD, 1, FW_CT_FILTER, FW_T_ACCEPT, false);
	out = base(&a, "acl-out", FW_HOOK_FORWARD, 2, FW_CT_FILTER, FW_T_ACCEPT, true);
	base(&a, "to-the-box", FW_HOOK_INPUT, 0, FW_CT_FILTER, FW_T_DROP, true);
	base(&a, "from-the-box", FW_HOOK_OUTPUT, 0, FW_CT_FILTER, FW_T_ACCEPT, false);
	sn = base(&a, "snat", FW_HOOK_POSTROUTING, 100, FW_CT_NAT, FW_T_ACCEPT, false);
	for (size_t i = 0; i < a.nb; i++)
		if (is(&a.b[i].head, 0, "access-list"))
			ace(&a, &a.b[i].head);
	/* An access list is a chain: adding them may have moved the model's chains. */
	in = fw_model_chain(m, "asa", "acl-in"), dn = fw_model_chain(m, "asa", "nat");
	lv = fw_model_chain(m, "asa", "security-level"), out = fw_model_chain(m, "asa", "acl-out");
	sn = fw_model_chain(m, "asa", "snat");
	access_groups(&a, in, lv, out);
	read_nats(&a);
	for (size_t i = 0; i < a.nnats; i++)
		nat_emit(&a, dn, sn, &a.nats[i]);
	find_ifaces(&a);
out:
	release(&a);
	return r;
}

/* ---- the configuration as stored ---- */

/* Words after which the next word is a secret. */
static bool secret_word(const char *w)
{
	static const char *const words[] = {
		"password", "passwd", "pre-shared-key", "community", "key", "ldap-login-password",
		"secret", "shared-secret", "authentication-key", "md5", "key-string", "auth-key",
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/*
 * The configuration without the lines a save rewrites (": Written by",
 * ": Saved", the Cryptochecksum) and with secrets masked: the word after
 * password, passwd, pre-shared-key, community, key and the like.
 */
static char *clean_asa(const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\n");
		const char *t = s + strspn(s, " \t");
		struct asa_line l = { STRLIST_INIT, 0, NULL, 0 };

		if (*t == ':' || !strncmp(t, "Cryptochecksum:", 15)) {
			s += len + (s[len] == '\n');
			continue;
		}
		line_split(&l, s, len);
		if (!l.w.n || l.w.v[0][0] == '!') {
			sb_addf(&sb, "%.*s\n", (int)len, s);
		} else {
			sb_add(&sb, s, (size_t)(t - s));
			for (size_t i = 0; i < l.w.n; i++) {
				bool mask = i > 0 && secret_word(l.w.v[i - 1]) && strcmp(l.w.v[i], "*****") &&
					    !(i == l.w.n - 1 && (!strcmp(l.w.v[i], "encrypted") || !strcmp(l.w.v[i], "pbkdf2")));
				if (mask && (!strcmp(l.w.v[i], "0") || !strcmp(l.w.v[i], "8")) && i + 1 < l.w.n)
					mask = false;   /* "key 8 SECRET": the type; the secret follows */
				else if (!mask && i > 1 && secret_word(l.w.v[i - 2]) &&
					 (!strcmp(l.w.v[i - 1], "0") || !strcmp(l.w.v[i - 1], "8")))
					mask = true;
				sb_addf(&sb, "%s%s", i ? " " : "", mask ? "*****" : l.w.v[i]);
			}
			sb_addc(&sb, '\n');
		}
		sl_release(&l.w);
		s += len + (s[len] == '\n');
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

bool fw_asa_detect(const char *s)
{
	return !strncmp(s, ": Saved", 7) || !strncmp(s, "ASA Version", 11) || !strncmp(s, "PIX Version", 11) ||
	       !strncmp(s, ": Hardware:", 11) || !strncmp(s, "access-list ", 12) || !strncmp(s, ": Serial Number", 15) ||
	       !strncmp(s, "object network ", 15) || !strncmp(s, "object-group ", 13);
}

/* The stored text, then the site's own `mask:` patterns. */
char *fw_asa_clean(const char *text, const struct fw_mask *mask)
{
	char *clean = clean_asa(text), *masked;

	if (!clean)
		return NULL;
	masked = fw_mask_site(mask, clean);
	free(clean);
	return masked;
}
