/*
 * fw_fortios.c - FortiGate configuration (`show`, `show full-configuration`,
 * backups and Oxidized's copy with its '#' header) into the model
 * (format fortios), and the configuration as stored.
 *
 * FortiOS, as its handbook describes the flow: a virtual IP (config
 * firewall vip) translates the destination before the policy lookup, and
 * in policy-based NAT mode (the default) only a policy that names the VIP
 * in dstaddr matches the translated traffic; a policy naming the internal
 * address, or "all", does not (deny policies only with match-vip). In
 * central NAT mode (config system settings, central-nat enable) every VIP
 * applies on its own and policies match the mapped address. Policies are
 * evaluated in file order (the id is a label), first match, then the
 * implicit deny; sessions carry replies. Source NAT follows the accepting
 * policy (nat enable: the egress interface's address, or its ippool; a
 * static VIP of the source: its external address) or, in central NAT mode,
 * the first matching central-snat-map entry.
 *
 * In the model (table "fortios"): vip (prerouting nat), policy (forward,
 * default DROP: the implicit deny), local-in (input, DROP), local-out
 * (output, ACCEPT) and snat (postrouting nat). A policy is one rule per
 * destination kind and service; rules that match VIP traffic carry
 * "--ctstate DNAT", rules that must not "! --ctstate DNAT".
 *
 * Several VDOMs: the VDOM "root" if it has policies, else the first that
 * has. Only IPv4 policies are read; IPv6 questions are unknown.
 *
 * Not modelled, so unknown for the traffic it could affect, naming the
 * policy: schedules other than "always", users and groups, internet
 * services, negated services, FQDN, geography and dynamic addresses,
 * load-balance VIPs and VIPs of FQDN type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"

/* ---- the configuration text as a tree ---- */

/*
 * The grammar is line-based: "config PATH", "edit NAME", "set KEY
 * VALUE...", "unset KEY", "next", "end". Values are words or quoted
 * strings; a quoted string may span lines (certificates, keys, scripts).
 * Lines starting with '#' are the backup's header or comments.
 */
struct fo_set {
	char *key;
	struct strlist vals;
	unsigned line;
	bool unset;
};

struct fo_node {
	char *name;                   /* config: its path ("firewall policy"); edit: the entry's name */
	bool is_edit;
	unsigned line;
	struct fo_set *sets;
	size_t nsets, sets_alloc;
	struct fo_node **kids;
	size_t nkids, kids_alloc;
	struct fo_node *parent;
};

static const struct fo_set *fo_get(const struct fo_node *n, const char *key);

/* ---- words ---- */

struct fo_stmt {
	struct strlist w;             /* the words, quotes and escapes removed */
	const char *start, *end;      /* the statement as written */
	unsigned line, nlines;
	bool comment;                 /* a '#' line */
};

/*
 * The next statement of *sp: its words up to the end of the line outside
 * quotes. -1 when a quote is not closed before the end of the text.
 */
static int next_stmt(const char **sp, struct fo_stmt *st)
{
	const char *s = *sp;
	struct strbuf w = STRBUF_INIT;

	memset(st, 0, sizeof(*st));
	st->start = s;
	st->nlines = 1;
	s += strspn(s, " \t\r");
	if (*s == '#') {
		st->comment = true;
		s += strcspn(s, "\n");
		goto done;
	}
	while (*s && *s != '\n') {
		if (*s == ' ' || *s == '\t' || *s == '\r') {
			s++;
			continue;
		}
		sb_reset(&w);
		sb_adds(&w, "");
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
			if (*s == '"' || *s == '\'') {
				char q = *s++;

				while (*s && *s != q) {
					if (*s == '\\' && s[1])
						s++;
					if (*s == '\n')
						st->nlines++;
					sb_addc(&w, *s++);
				}
				if (!*s) {
					sb_release(&w);
					sl_release(&st->w);
					return -1;
				}
				s++;
			} else {
				if (*s == '\\' && s[1] && s[1] != '\n')
					s++;
				sb_addc(&w, *s++);
			}
		}
		sl_push(&st->w, w.buf);
	}
done:
	sb_release(&w);
	st->end = s;
	*sp = *s ? s + 1 : s;
	return 0;
}

/* ---- the tree ---- */

static struct fo_node *node_new(struct fo_node *parent, const char *name, bool edit, unsigned line)
{
	struct fo_node *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup(name);
	n->is_edit = edit;
	n->line = line;
	n->parent = parent;
	if (parent) {
		ALLOC_GROW(parent->kids, parent->nkids + 1, parent->kids_alloc);
		parent->kids[parent->nkids++] = n;
	}
	return n;
}

static void fo_node_free(struct fo_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		fo_node_free(n->kids[i]);
	for (size_t i = 0; i < n->nsets; i++) {
		free(n->sets[i].key);
		sl_release(&n->sets[i].vals);
	}
	free(n->sets);
	free(n->kids);
	free(n->name);
	free(n);
}

static void node_set(struct fo_node *n, const struct fo_stmt *st, bool unset)
{
	struct fo_set *s = NULL;

	for (size_t i = 0; i < n->nsets && !s; i++)
		if (!strcmp(n->sets[i].key, st->w.v[1]))
			s = &n->sets[i];
	if (!s) {
		ALLOC_GROW(n->sets, n->nsets + 1, n->sets_alloc);
		s = &n->sets[n->nsets++];
		memset(s, 0, sizeof(*s));
		s->key = xstrdup(st->w.v[1]);
	}
	sl_release(&s->vals);
	s->line = st->line;
	s->unset = unset;
	for (size_t i = 2; !unset && i < st->w.n; i++)
		sl_push(&s->vals, st->w.v[i]);
}

/* The path of a config line: its words after "config", joined by blanks. */
static char *config_path(const struct fo_stmt *st)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 1; i < st->w.n; i++)
		sb_addf(&sb, "%s%s", i > 1 ? " " : "", st->w.v[i]);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

/* One statement into the tree at *cur; an error names file:line. */
static int tree_stmt(const char *file, struct fo_node **cur, const struct fo_stmt *st)
{
	const char *cmd = st->w.v[0];
	struct fo_node *c = *cur;

	if (!strcmp(cmd, "config")) {
		char *path = config_path(st);

		if (st->w.n < 2) {
			free(path);
			return error("%s:%u: expected a path after 'config'", file, st->line);
		}
		*cur = node_new(c, path, false, st->line);
		free(path);
	} else if (!strcmp(cmd, "edit")) {
		if (st->w.n != 2 || c->is_edit || !c->parent)
			return error("%s:%u: expected 'edit NAME' inside a 'config' block", file, st->line);
		*cur = node_new(c, st->w.v[1], true, st->line);
	} else if (!strcmp(cmd, "next")) {
		if (!c->is_edit)
			return error("%s:%u: expected 'next' to close an 'edit'", file, st->line);
		*cur = c->parent;
	} else if (!strcmp(cmd, "end")) {
		if (c->is_edit)   /* an entry's last "next" left out: FortiOS accepts it */
			c = c->parent;
		if (!c->parent)
			return error("%s:%u: expected 'end' to close a 'config' block", file, st->line);
		*cur = c->parent;
	} else if (!strcmp(cmd, "set") || !strcmp(cmd, "unset") || !strcmp(cmd, "append")) {
		if (st->w.n < 2 || !c->parent)
			return error("%s:%u: expected '%s KEY' inside a 'config' block", file, st->line, cmd);
		if (!strcmp(cmd, "append")) {
			struct fo_set *s = (struct fo_set *)fo_get(c, st->w.v[1]);

			if (s) {
				for (size_t i = 2; i < st->w.n; i++)
					sl_push(&s->vals, st->w.v[i]);
				return 0;
			}
		}
		node_set(c, st, !strcmp(cmd, "unset"));
	} else if (strcmp(cmd, "select") && strcmp(cmd, "unselect") && strcmp(cmd, "move") &&
		   strcmp(cmd, "delete") && strcmp(cmd, "purge") && strcmp(cmd, "rename")) {
		return error("%s:%u: expected config, edit, set, unset, next or end, not '%s'", file, st->line, cmd);
	}
	return 0;
}

static int fo_parse_tree(const char *file, const char *text, struct fo_node **out)
{
	struct fo_node *root = node_new(NULL, "", false, 0), *cur = root;
	unsigned line = 1;

	for (const char *s = text; *s;) {
		struct fo_stmt st;
		int r;

		if (next_stmt(&s, &st)) {
			fo_node_free(root);
			return error("%s:%u: expected a closing '\"'", file, line);
		}
		st.line = line;
		line += st.nlines;
		if (st.comment || !st.w.n) {
			sl_release(&st.w);
			continue;
		}
		r = tree_stmt(file, &cur, &st);
		sl_release(&st.w);
		if (r) {
			fo_node_free(root);
			return -1;
		}
	}
	*out = root;   /* blocks left open at the end (a cut-off export) are read as far as they go */
	return 0;
}

static const struct fo_node *fo_child(const struct fo_node *n, const char *name)
{
	for (size_t i = 0; n && i < n->nkids; i++)
		if (!strcmp(n->kids[i]->name, name))
			return n->kids[i];
	return NULL;
}

static const struct fo_set *fo_get(const struct fo_node *n, const char *key)
{
	for (size_t i = 0; n && i < n->nsets; i++)
		if (!strcmp(n->sets[i].key, key))
			return n->sets[i].unset ? NULL : &n->sets[i];
	return NULL;
}

static const char *fo_val(const struct fo_node *n, const char *key, const char *dflt)
{
	const struct fo_set *s = fo_get(n, key);

	return s && s->vals.n ? s->vals.v[0] : dflt;
}

static bool fo_enabled(const struct fo_node *n, const char *key, bool dflt)
{
	const char *v = fo_val(n, key, NULL);

	return v ? !strcmp(v, "enable") : dflt;
}

/* ---- scopes: the VDOM, then global, then the top ---- */

struct fo {
	struct fw_model *m;
	const char *file;
	struct fo_node *root;
	const struct fo_node *scopes[64];
	size_t nscopes;
	const char *vdom;             /* NULL: the file has no VDOMs */
	bool central;                 /* central NAT mode */
	struct fw_chain *vip, *policy, *input, *output, *snat;
};

/*
 * The blocks "config path" of the scopes, one per call: *at starts at 0
 * and says where the next search starts (scope in the high bits).
 */
static const struct fo_node *fo_block(const struct fo *f, const char *path, size_t *at)
{
	for (size_t i = *at >> 20; i < f->nscopes; i++)
		for (size_t k = i == *at >> 20 ? (*at & 0xfffff) : 0; k < f->scopes[i]->nkids && k < 0xfffff; k++) {
			const struct fo_node *c = f->scopes[i]->kids[k];

			if (!c->is_edit && !strcmp(c->name, path)) {
				*at = (i << 20) | (k + 1);
				return c;
			}
		}
	*at = f->nscopes << 20;
	return NULL;
}

static const struct fo_node *fo_entry(const struct fo *f, const char *path, const char *name)
{
	size_t at = 0;
	const struct fo_node *b, *e;

	while ((b = fo_block(f, path, &at)))
		if ((e = fo_child(b, name)))
			return e;
	return NULL;
}

static void scope_add(struct fo *f, const struct fo_node *n)
{
	if (f->nscopes < ARRAY_SIZE(f->scopes))
		f->scopes[f->nscopes++] = n;
}

static bool has_policies(const struct fo_node *vd)
{
	return fo_child(vd, "firewall policy") != NULL;
}

/* The VDOM to read: "root" if it has policies, else the first that has, else the first. */
static void pick_vdom(struct fo *f)
{
	const char *pick = NULL;

	for (size_t i = 0; i < f->root->nkids; i++) {
		const struct fo_node *b = f->root->kids[i];

		for (size_t k = 0; !strcmp(b->name, "vdom") && k < b->nkids; k++) {
			const char *n = b->kids[k]->name;

			if (!pick || (has_policies(b->kids[k]) && (!strcmp(n, "root") || !f->vdom)))
				pick = n;
			if (has_policies(b->kids[k]) && (!f->vdom || !strcmp(n, "root")))
				f->vdom = n;
		}
	}
	if (!f->vdom)
		f->vdom = pick;
	for (size_t i = 0; f->vdom && i < f->root->nkids; i++) {
		const struct fo_node *b = f->root->kids[i];

		for (size_t k = 0; !strcmp(b->name, "vdom") && k < b->nkids; k++)
			if (!strcmp(b->kids[k]->name, f->vdom))
				scope_add(f, b->kids[k]);
	}
	for (size_t i = 0; i < f->root->nkids; i++)
		if (!strcmp(f->root->kids[i]->name, "global"))
			scope_add(f, f->root->kids[i]);
	scope_add(f, f->root);
}

/* ---- rules ---- */

static void unsupported(struct fw_rule *r, char *what)
{
	struct fw_match *mt = fw_rule_add_match(r, FW_M_UNSUPPORTED, false);

	mt->what = what;
}

static struct fw_rule *rule_new(struct fo *f, struct fw_chain *c, unsigned line, const char *text)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->line = line;
	r->text = mp_strdup(&f->m->pool, text);
	return r;
}

static void addr_match(struct fw_rule *r, enum fw_mkind kind, const struct fw_addrset *as, bool neg)
{
	struct fw_match *mt = fw_rule_add_match(r, kind, neg);

	mt->fam = FW_V4;
	fw_as_copy(&mt->addrs, as);
}

static bool is_all(const struct fw_addrset *as)
{
	struct fw_range u = fw_universe(FW_V4);

	return as->n == 1 && as->v[0].lo == u.lo && as->v[0].hi == u.hi;
}

/* "interface or zone" names: a zone stands for its members too. */
static void iface_match(struct fo *f, struct fw_rule *r, enum fw_mkind kind, const struct fo_set *s)
{
	struct fw_match *mt;

	if (!s || !s->vals.n)
		return;
	for (size_t i = 0; i < s->vals.n; i++)
		if (!strcmp(s->vals.v[i], "any"))
			return;
	mt = fw_rule_add_match(r, kind, false);
	for (size_t i = 0; i < s->vals.n; i++) {
		const struct fo_node *z = fo_entry(f, "system zone", s->vals.v[i]);
		const struct fo_set *mem = fo_get(z, "interface");

		sl_push(&mt->names, s->vals.v[i]);
		for (size_t k = 0; mem && k < mem->vals.n; k++)
			sl_push(&mt->names, mem->vals.v[k]);
	}
}

/* ---- addresses ---- */

/* "A M", "A/N" or "A" into a range. */
static bool subnet_range(const struct fo_set *s, struct fw_range *out)
{
	char buf[96];
	int fam;

	if (!s || !s->vals.n)
		return false;
	snprintf(buf, sizeof(buf), "%s%s%s", s->vals.v[0], s->vals.n > 1 ? "/" : "", s->vals.n > 1 ? s->vals.v[1] : "");
	return !fw_cidr_parse(buf, out, &fam) && fam == FW_V4;
}

static bool ip_range(const char *a, const char *b, struct fw_range *out)
{
	int f1, f2 = FW_V4;

	if (fw_ip_parse(a, &out->lo, &f1) || (b && fw_ip_parse(b, &out->hi, &f2)) || f1 != FW_V4 || f2 != FW_V4)
		return false;
	if (!b)
		out->hi = out->lo;
	return out->lo <= out->hi;
}

/* "A" or "A-B" */
static bool dash_range(const char *s, struct fw_range *out)
{
	const char *d = strchr(s, '-');
	char a[64];

	if (!d)
		return ip_range(s, NULL, out);
	snprintf(a, sizeof(a), "%.*s", (int)(d - s), s);
	return ip_range(a, d + 1, out);
}

/* A VIP's mapped or external addresses. */
static bool vip_addrs(const struct fo_node *v, bool mapped, struct fw_addrset *out)
{
	const struct fo_set *s = fo_get(v, mapped ? "mappedip" : "extip");
	struct fw_range rg;

	for (size_t i = 0; s && i < s->vals.n; i++) {
		if (!dash_range(s->vals.v[i], &rg) && !subnet_range(s, &rg))
			return false;
		fw_as_add(out, rg.lo, rg.hi);
	}
	return s && s->vals.n;
}

static bool resolve_addr(struct fo *f, const char *name, struct fw_addrset *out, char **why, int depth);

static bool resolve_group(struct fo *f, const struct fo_node *g, struct fw_addrset *out, char **why, int depth)
{
	const struct fo_set *mem = fo_get(g, "member"), *ex = fo_get(g, "exclude-member");
	struct fw_addrset x = FW_ADDRSET_INIT;
	bool ok = true;

	for (size_t i = 0; ok && mem && i < mem->vals.n; i++)
		ok = resolve_addr(f, mem->vals.v[i], out, why, depth + 1);
	if (ok && fo_enabled(g, "exclude", false))
		for (size_t i = 0; ok && ex && i < ex->vals.n; i++)
			ok = resolve_addr(f, ex->vals.v[i], &x, why, depth + 1);
	fw_as_remove(out, &x);
	fw_as_release(&x);
	return ok;
}

/*
 * The addresses of an address, group or VIP (its mapped side) named name;
 * false with *why (caller frees) when they are not known here.
 */
static bool resolve_addr(struct fo *f, const char *name, struct fw_addrset *out, char **why, int depth)
{
	const struct fo_node *a = fo_entry(f, "firewall address", name), *g;
	const char *type;
	struct fw_range rg;

	if (depth > 16)
		return *why = xasprintf("address group %s nests too deep", name), false;
	if (a) {
		type = fo_val(a, "type", "ipmask");
		if (!strcmp(type, "ipmask") && !fo_get(a, "subnet"))
			rg = fw_universe(FW_V4);   /* the default subnet 0.0.0.0 0.0.0.0 */
		else if (!strcmp(type, "ipmask") && subnet_range(fo_get(a, "subnet"), &rg))
			;
		else if (!strcmp(type, "iprange") && ip_range(fo_val(a, "start-ip", "0.0.0.0"), fo_val(a, "end-ip", "0.0.0.0"), &rg))
			;
		else
			return *why = xasprintf("address %s of type %s", name, type), false;
		fw_as_add(out, rg.lo, rg.hi);
		return true;
	}
	if ((g = fo_entry(f, "firewall addrgrp", name)))
		return resolve_group(f, g, out, why, depth);
	if ((g = fo_entry(f, "firewall vip", name)) && vip_addrs(g, true, out))
		return true;
	if (!strcmp(name, "all")) {
		rg = fw_universe(FW_V4);
		fw_as_add(out, rg.lo, rg.hi);
		return true;
	}
	if (!strcmp(name, "none"))
		return true;
	return *why = xasprintf("address %s (not an address, group or VIP of this configuration)", name), false;
}

/* The addresses of a srcaddr/dstaddr list into a match (or an unsupported one naming the reason). */
static void addr_list_match(struct fo *f, struct fw_rule *r, enum fw_mkind kind, const struct strlist *names, bool neg)
{
	struct fw_addrset as = FW_ADDRSET_INIT;
	char *why = NULL;
	bool ok = true;

	for (size_t i = 0; ok && i < names->n; i++)
		ok = resolve_addr(f, names->v[i], &as, &why, 0);
	if (!ok)
		unsupported(r, why);
	else if (neg || !is_all(&as))
		addr_match(r, kind, &as, neg);
	fw_as_release(&as);
}

/* ---- services ---- */

struct fo_svc {
	unsigned proto;               /* 0: any protocol */
	struct fw_portrange *ports;   /* none: every port */
	size_t nports, alloc;
	char *why;                    /* not modelled: the reason */
};

struct fo_svcs {
	struct fo_svc *v;
	size_t n, alloc;
};

static struct fo_svc *svc_add(struct fo_svcs *s, unsigned proto)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n].proto = proto;
	return &s->v[s->n++];
}

static void svcs_release(struct fo_svcs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].ports);
		free(s->v[i].why);
	}
	free(s->v);
}

/* FortiOS's predefined services a `show` may leave out (they are in the factory configuration). */
static const struct { const char *name, *tcp, *udp; } predefined[] = {
	{ "SMTP", "25", NULL }, { "SMTPS", "465", NULL }, { "SUBMISSION", "587", NULL },
	{ "IMAP", "143", NULL }, { "IMAPS", "993", NULL }, { "POP3", "110", NULL }, { "POP3S", "995", NULL },
	{ "HTTP", "80", NULL }, { "HTTPS", "443", NULL }, { "DNS", "53", "53" }, { "SSH", "22", NULL },
	{ "TELNET", "23", NULL }, { "FTP", "21", NULL }, { "NTP", "123", "123" }, { "RDP", "3389", NULL },
	{ "SAMBA", "139", NULL }, { "SMB", "445", NULL }, { "LDAP", "389", NULL }, { "KERBEROS", "88", "88" },
	{ "MYSQL", "3306", NULL }, { "MS-SQL", "1433 1434", NULL }, { "SNMP", "161-162", "161-162" },
	{ "ALL_TCP", "1-65535", NULL }, { "ALL_UDP", NULL, "1-65535" },
};

/* "25", "25-26", "25:1024-65535" (destination:source); false on anything else. */
static bool portrange(const char *s, struct fo_svc *sv)
{
	char *end;
	unsigned long lo = strtoul(s, &end, 10), hi = lo;

	if (end == s)
		return false;
	if (*end == '-')
		hi = strtoul(end + 1, &end, 10);
	if (*end == ':') {   /* a source range: only the full one is modelled */
		const char *src = end + 1;

		if (strcmp(src, "1-65535") && strcmp(src, "0-65535"))
			return false;
		end += strlen(end);
	}
	if (*end || hi < lo || hi > 65535)
		return false;
	fw_ports_add(&sv->ports, &sv->nports, &sv->alloc, (unsigned)(lo ? lo : 1), (unsigned)hi);
	return true;
}

static void ports_of(struct fo_svcs *out, unsigned proto, const char *list, const char *name)
{
	struct fo_svc *sv = svc_add(out, proto);
	char *copy = xstrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!portrange(t, sv) && !sv->why)
			sv->why = xasprintf("service %s port range %s", name, t);
	free(copy);
}

static void resolve_svc(struct fo *f, const char *name, struct fo_svcs *out, int depth);

static void custom_svc(const struct fo_node *c, const char *name, struct fo_svcs *out)
{
	const char *proto = fo_val(c, "protocol", "TCP/UDP/SCTP");
	static const char *const keys[] = { "tcp-portrange", "udp-portrange", "sctp-portrange" };
	static const unsigned protos[] = { 6, 17, 132 };

	if (!strcmp(proto, "TCP/UDP/SCTP")) {
		bool any = false;

		for (size_t i = 0; i < 3; i++) {
			const struct fo_set *s = fo_get(c, keys[i]);
			struct strbuf sb = STRBUF_INIT;

			for (size_t k = 0; s && k < s->vals.n; k++)
				sb_addf(&sb, "%s%s", k ? " " : "", s->vals.v[k]);
			if (sb.buf) {
				ports_of(out, protos[i], sb.buf, name);
				any = true;
			}
			sb_release(&sb);
		}
		if (!any && fo_get(c, "iprange") == NULL)
			svc_add(out, 0)->why = xasprintf("service %s has no port range", name);
	} else if (!strcmp(proto, "IP")) {
		unsigned n = (unsigned)strtoul(fo_val(c, "protocol-number", "0"), NULL, 10);

		svc_add(out, n > 255 ? 0 : n);
	} else if (!strcmp(proto, "ICMP")) {
		svc_add(out, 1);
	} else {
		svc_add(out, 0)->why = xasprintf("service %s of protocol %s", name, proto);
	}
}

static void resolve_svc(struct fo *f, const char *name, struct fo_svcs *out, int depth)
{
	const struct fo_node *c = fo_entry(f, "firewall service custom", name), *g;

	if (depth > 16) {
		svc_add(out, 0)->why = xasprintf("service group %s nests too deep", name);
	} else if (c) {
		custom_svc(c, name, out);
	} else if ((g = fo_entry(f, "firewall service group", name))) {
		const struct fo_set *mem = fo_get(g, "member");

		for (size_t i = 0; mem && i < mem->vals.n; i++)
			resolve_svc(f, mem->vals.v[i], out, depth + 1);
	} else if (!strcmp(name, "ALL")) {
		svc_add(out, 0);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(predefined); i++)
			if (!strcmp(predefined[i].name, name)) {
				if (predefined[i].tcp)
					ports_of(out, 6, predefined[i].tcp, name);
				if (predefined[i].udp)
					ports_of(out, 17, predefined[i].udp, name);
				return;
			}
		svc_add(out, 0)->why = xasprintf("service %s (not a service of this configuration nor a predefined one)", name);
	}
}

static void svc_match(struct fw_rule *r, const struct fo_svc *sv)
{
	struct fw_match *mt;

	if (sv->why) {
		unsupported(r, xstrdup(sv->why));
		return;
	}
	if (sv->proto) {
		mt = fw_rule_add_match(r, FW_M_PROTO, false);
		fw_match_set_proto(mt, sv->proto);
	}
	if (sv->nports) {
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		for (size_t i = 0; i < sv->nports; i++)
			fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, sv->ports[i].lo, sv->ports[i].hi);
	}
}

/* ---- VIPs ---- */

static bool vip_usable(const struct fo_node *v, char **why)
{
	const char *type = fo_val(v, "type", "static-nat");

	if (strcmp(type, "static-nat"))
		return *why = xasprintf("VIP %s of type %s", v->name, type), false;
	return true;
}

/* The VIPs a dstaddr name stands for (a VIP, or a VIP group's members); false if neither. */
static bool vip_members(struct fo *f, const char *name, const struct fo_node **out, size_t *n, size_t max)
{
	const struct fo_node *v = fo_entry(f, "firewall vip", name), *g;
	const struct fo_set *mem;

	if (v) {
		if (*n < max)
			out[(*n)++] = v;
		return true;
	}
	if (!(g = fo_entry(f, "firewall vipgrp", name)))
		return false;
	mem = fo_get(g, "member");
	for (size_t i = 0; mem && i < mem->vals.n; i++)
		if ((v = fo_entry(f, "firewall vip", mem->vals.v[i])) && *n < max)
			out[(*n)++] = v;
	return true;
}

static bool port_pair(const char *s, unsigned *lo, unsigned *hi)
{
	char *end;

	*lo = *hi = (unsigned)strtoul(s, &end, 10);
	if (*end == '-')
		*hi = (unsigned)strtoul(end + 1, &end, 10);
	return end != s && !*end && *lo && *lo <= *hi && *hi <= 65535;
}

static char *vip_text(const struct fo_node *v)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "line %u: vip \"%s\"", v->line, v->name);
	for (size_t i = 0; i < v->nsets; i++) {
		const struct fo_set *s = &v->sets[i];

		if (!strcmp(s->key, "uuid") || !strcmp(s->key, "comment") || s->unset)
			continue;
		sb_addf(&sb, " %s", s->key);
		for (size_t k = 0; k < s->vals.n; k++)
			sb_addf(&sb, " %s", s->vals.v[k]);
	}
	return sb_detach(&sb);
}

/* src-filter: the sources the VIP translates for, as "A", "A/N" or "A-B". */
static void src_filter(struct fw_rule *r, const struct fo_set *sf)
{
	struct fw_addrset as = FW_ADDRSET_INIT;

	for (size_t i = 0; i < sf->vals.n; i++) {
		struct fw_range rg;
		int fam;

		if (fw_cidr_parse(sf->vals.v[i], &rg, &fam) && !dash_range(sf->vals.v[i], &rg)) {
			unsupported(r, xasprintf("src-filter %s not understood", sf->vals.v[i]));
			fw_as_release(&as);
			return;
		}
		fw_as_add(&as, rg.lo, rg.hi);
	}
	addr_match(r, FW_M_SADDR, &as, false);
	fw_as_release(&as);
}

/* One VIP's translation in the prerouting chain. */
static void vip_rule(struct fo *f, const struct fo_node *v)
{
	char *text = vip_text(v), *why = NULL;
	struct fw_rule *r = rule_new(f, f->vip, v->line, text);
	struct fw_addrset ext = FW_ADDRSET_INIT, map = FW_ADDRSET_INIT;
	const struct fo_set *sf = fo_get(v, "src-filter");

	free(text);
	iface_match(f, r, FW_M_IIF, fo_get(v, "extintf"));
	if (sf && sf->vals.n)
		src_filter(r, sf);
	r->target = FW_T_DNAT;
	if (!vip_usable(v, &why) || !vip_addrs(v, false, &ext) || !vip_addrs(v, true, &map)) {
		unsupported(r, why ? why : xasprintf("VIP %s: addresses not understood", v->name));
		r->nat_ambiguous = true;
		goto out;
	}
	addr_match(r, FW_M_DADDR, &ext, false);
	r->nat_fam = FW_V4;
	r->nat_addr = map.v[0].lo;
	r->nat_has_addr = true;
	r->nat_ambiguous = map.n != 1 || map.v[0].lo != map.v[0].hi;
	if (fo_enabled(v, "portforward", false)) {
		const char *proto = fo_val(v, "protocol", "tcp"), *ep = fo_val(v, "extport", "0");
		const char *mp = fo_val(v, "mappedport", ep);
		unsigned elo, ehi, mlo, mhi;
		struct fw_match *mt = fw_rule_add_match(r, FW_M_PROTO, false);

		fw_match_set_proto(mt, !strcmp(proto, "udp") ? 17 : !strcmp(proto, "sctp") ? 132 :
				   !strcmp(proto, "icmp") ? 1 : 6);
		if (!port_pair(ep, &elo, &ehi) || !port_pair(mp, &mlo, &mhi)) {
			unsupported(r, xasprintf("VIP %s: ports %s -> %s not understood", v->name, ep, mp));
			goto out;
		}
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, elo, ehi);
		if (elo == ehi)
			r->nat_port = (uint16_t)mlo;
		else if (elo != mlo)
			r->nat_ambiguous = true;   /* a shifted range: one port each */
	}
out:
	if (!strcmp(fo_val(v, "status", "enable"), "disable")) {
		r->target = FW_T_NONE;
		r->target_name = xstrdup("DISABLED DNAT");
	}
	fw_as_release(&ext);
	fw_as_release(&map);
}

/* ---- policies ---- */

static char *policy_text(const struct fo_node *p)
{
	static const char *const keys[] = {
		"name", "srcintf", "dstintf", "srcaddr", "dstaddr", "service", "schedule", "action",
		"status", "nat", "ippool", "poolname", "srcaddr-negate", "dstaddr-negate", "service-negate",
		"users", "groups", "internet-service", "match-vip",
	};
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "line %u: policy %s", p->line, p->name);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct fo_set *s = fo_get(p, keys[i]);

		if (!s)
			continue;
		sb_addf(&sb, " %s", keys[i]);
		for (size_t k = 0; k < s->vals.n; k++)
			sb_addf(&sb, " \"%s\"", s->vals.v[k]);
	}
	return sb_detach(&sb);
}

/* What a policy may match on that is not modelled: each makes its traffic unknown. */
static void unmodelled(struct fw_rule *r, const struct fo_node *p)
{
	static const char *const keys[] = {
		"users", "groups", "fsso-groups", "internet-service-name", "internet-service-src-name",
		"internet-service-id", "internet-service-src-id", "ztna-ems-tag", "srcaddr6", "dstaddr6",
	};
	const char *sched = fo_val(p, "schedule", "always");

	if (strcmp(sched, "always"))
		unsupported(r, xasprintf("policy %s: schedule %s", p->name, sched));
	if (fo_enabled(p, "internet-service", false) || fo_enabled(p, "internet-service-src", false))
		unsupported(r, xasprintf("policy %s: internet service", p->name));
	if (fo_enabled(p, "service-negate", false))
		unsupported(r, xasprintf("policy %s: negated service", p->name));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct fo_set *s = fo_get(p, keys[i]);

		if (s && s->vals.n && i < 8)
			unsupported(r, xasprintf("policy %s: %s %s", p->name, keys[i], s->vals.v[0]));
	}
}

/* The matches every rule of a policy shares (not the destination or service). */
static void policy_common(struct fo *f, struct fw_rule *r, const struct fo_node *p)
{
	const struct fo_set *src = fo_get(p, "srcaddr");
	struct strlist none = STRLIST_INIT;

	iface_match(f, r, FW_M_IIF, fo_get(p, "srcintf"));
	iface_match(f, r, FW_M_OIF, fo_get(p, "dstintf"));
	addr_list_match(f, r, FW_M_SADDR, src ? &src->vals : &none, fo_enabled(p, "srcaddr-negate", false));
	unmodelled(r, p);
}

static enum fw_tkind policy_action(const struct fo_node *p)
{
	const char *a = fo_val(p, "action", "deny");

	return !strcmp(a, "accept") ? FW_T_ACCEPT : !strcmp(a, "deny") ? FW_T_DROP : FW_T_UNSUPPORTED;
}

struct fo_dst {
	const struct fo_node *vip;    /* NULL: the plain addresses */
	struct strlist names;
};

/* The destinations of a policy: the plain addresses together, each VIP alone. */
static size_t policy_dsts(struct fo *f, const struct fo_node *p, struct fo_dst *d, size_t max)
{
	const struct fo_set *dst = fo_get(p, "dstaddr");
	size_t n = 1;

	memset(&d[0], 0, sizeof(d[0]));
	for (size_t i = 0; dst && i < dst->vals.n; i++) {
		const struct fo_node *vs[32];
		size_t nv = 0;

		if (f->central || !vip_members(f, dst->vals.v[i], vs, &nv, ARRAY_SIZE(vs))) {
			sl_push(&d[0].names, dst->vals.v[i]);
			continue;
		}
		for (size_t k = 0; k < nv && n < max; k++) {
			memset(&d[n], 0, sizeof(d[n]));
			d[n].vip = vs[k];
			sl_push(&d[n++].names, vs[k]->name);
		}
	}
	return n;
}

/*
 * One rule of a policy in chain c: its common matches, the destination
 * d (after the VIP's translation) and service sv.
 */
static struct fw_rule *policy_rule(struct fo *f, struct fw_chain *c, const struct fo_node *p,
				   const char *text, const struct fo_dst *d, const struct fo_svc *sv)
{
	struct fw_rule *r = rule_new(f, c, p->line, text);
	bool match_vip = fo_enabled(p, "match-vip", false) && policy_action(p) == FW_T_DROP;
	struct fw_match *mt;

	policy_common(f, r, p);
	if (!f->central && !match_vip) {
		mt = fw_rule_add_match(r, FW_M_CTSTATE, !d->vip);
		mt->ctstate = FW_CT_DNAT;
	}
	if (d->vip) {
		struct fw_addrset map = FW_ADDRSET_INIT;
		char *why = NULL;

		if (vip_usable(d->vip, &why) && vip_addrs(d->vip, true, &map))
			addr_match(r, FW_M_DADDR, &map, false);
		else
			unsupported(r, why ? why : xasprintf("VIP %s: addresses not understood", d->vip->name));
		fw_as_release(&map);
	} else {
		addr_list_match(f, r, FW_M_DADDR, &d->names, fo_enabled(p, "dstaddr-negate", false));
	}
	svc_match(r, sv);
	return r;
}

static void disable(struct fw_rule *r)
{
	char *was = xasprintf("DISABLED %s", r->target_name ? r->target_name : fw_target_name(r->target));

	free(r->target_name);
	r->target_name = was;
	r->target = FW_T_NONE;
	r->nat_has_addr = r->nat_ambiguous = false;
	r->nat_port = 0;
}

/* The address an interface has in the configuration, if it has one. */
static bool iface_ip(struct fo *f, const char *name, fw_u128 *ip)
{
	const struct fo_node *i = fo_entry(f, "system interface", name);
	struct fw_range rg;

	if (!subnet_range(fo_get(i, "ip"), &rg))
		return false;
	*ip = rg.lo;   /* subnet_range masks; take the address as written */
	return !fw_ip_parse(fo_get(i, "ip")->vals.v[0], ip, &(int){ 0 }) && *ip;
}

/* Source NAT to the egress interface's address, or masquerade when several or unknown. */
static void snat_iface(struct fo *f, struct fw_rule *r, const struct fo_set *dstintf)
{
	fw_u128 ip;

	r->target = FW_T_MASQUERADE;
	if (dstintf && dstintf->vals.n == 1 && iface_ip(f, dstintf->vals.v[0], &ip)) {
		r->target = FW_T_SNAT;
		r->nat_addr = ip, r->nat_fam = FW_V4, r->nat_has_addr = true;
	}
}

static void snat_pool(struct fo *f, struct fw_rule *r, const char *pool)
{
	const struct fo_node *ip = fo_entry(f, "firewall ippool", pool);
	struct fw_range rg;

	r->target = FW_T_SNAT;
	if (!ip || !ip_range(fo_val(ip, "startip", "0.0.0.0"), fo_val(ip, "endip", fo_val(ip, "startip", "0.0.0.0")), &rg)) {
		unsupported(r, xasprintf("ippool %s (not in this configuration)", pool));
		r->nat_ambiguous = true;
		return;
	}
	r->nat_addr = rg.lo, r->nat_fam = FW_V4, r->nat_has_addr = true;
	r->nat_ambiguous = rg.lo != rg.hi;
}

/* Static VIPs (not port forwards) of the source: with policy NAT, mail leaves as their external address. */
static void snat_static_vips(struct fo *f, const struct fo_node *p, const char *text, const struct fo_dst *d,
			     const struct fo_svc *sv)
{
	size_t at = 0;
	const struct fo_node *b;

	while ((b = fo_block(f, "firewall vip", &at)))
		for (size_t i = 0; i < b->nkids; i++) {
			const struct fo_node *v = b->kids[i];
			struct fw_addrset ext = FW_ADDRSET_INIT, map = FW_ADDRSET_INIT;
			char *why = NULL;
			struct fw_rule *r;

			if (fo_enabled(v, "portforward", false) || !vip_usable(v, &why) ||
			    !vip_addrs(v, false, &ext) || !vip_addrs(v, true, &map) ||
			    !strcmp(fo_val(v, "status", "enable"), "disable")) {
				free(why);
				fw_as_release(&ext);
				fw_as_release(&map);
				continue;
			}
			r = policy_rule(f, f->snat, p, text, d, sv);
			addr_match(r, FW_M_SADDR, &map, false);
			r->target = FW_T_SNAT;
			r->nat_addr = ext.v[0].lo, r->nat_fam = FW_V4, r->nat_has_addr = true;
			r->nat_ambiguous = ext.n != 1 || ext.v[0].lo != ext.v[0].hi;
			fw_as_release(&ext);
			fw_as_release(&map);
		}
}

/* What an accepting policy does to the source (policy-based NAT mode). */
static void policy_snat(struct fo *f, const struct fo_node *p, const char *text, const struct fo_dst *d,
			const struct fo_svc *sv)
{
	struct fw_rule *r;

	if (fo_enabled(p, "nat", false) && !fo_enabled(p, "ippool", false))
		snat_static_vips(f, p, text, d, sv);
	r = policy_rule(f, f->snat, p, text, d, sv);
	if (!fo_enabled(p, "nat", false))
		r->target = FW_T_ACCEPT;   /* no translation: the source stays */
	else if (fo_enabled(p, "ippool", false) && fo_get(p, "poolname"))
		snat_pool(f, r, fo_get(p, "poolname")->vals.v[0]);
	else
		snat_iface(f, r, fo_get(p, "dstintf"));
	if (!strcmp(fo_val(p, "status", "enable"), "disable"))
		disable(r);
}

static void policy(struct fo *f, const struct fo_node *p)
{
	char *text = policy_text(p);
	struct fo_dst d[33];
	size_t nd = policy_dsts(f, p, d, ARRAY_SIZE(d));
	const struct fo_set *svc = fo_get(p, "service");
	struct fo_svcs svcs = { 0 };
	enum fw_tkind act = policy_action(p);
	bool off = !strcmp(fo_val(p, "status", "enable"), "disable");

	for (size_t i = 0; svc && i < svc->vals.n; i++)
		resolve_svc(f, svc->vals.v[i], &svcs, 0);
	if (!svcs.n)
		svc_add(&svcs, 0)->why = xasprintf("policy %s has no service", p->name);
	for (size_t i = 0; i < nd; i++) {
		if (!d[i].vip && !d[i].names.n && nd > 1)
			continue;   /* only VIPs */
		for (size_t k = 0; k < svcs.n; k++) {
			struct fw_rule *r = policy_rule(f, f->policy, p, text, &d[i], &svcs.v[k]);

			r->target = act;
			if (act == FW_T_UNSUPPORTED)
				r->target_name = xasprintf("action %s", fo_val(p, "action", "?"));
			if (off)
				disable(r);
			if (act == FW_T_ACCEPT && !f->central)
				policy_snat(f, p, text, &d[i], &svcs.v[k]);
		}
	}
	for (size_t i = 0; i < nd; i++)
		sl_release(&d[i].names);
	svcs_release(&svcs);
	free(text);
}

/* ---- central NAT ---- */

static void central_snat(struct fo *f, const struct fo_node *e)
{
	struct strbuf sb = STRBUF_INIT;
	const struct fo_set *orig = fo_get(e, "orig-addr"), *dst = fo_get(e, "dst-addr");
	struct strlist none = STRLIST_INIT;
	struct fw_rule *r;
	char *text;

	sb_addf(&sb, "line %u: central-snat-map %s", e->line, e->name);
	for (size_t i = 0; i < e->nsets; i++) {
		if (!strcmp(e->sets[i].key, "uuid") || e->sets[i].unset)
			continue;
		sb_addf(&sb, " %s", e->sets[i].key);
		for (size_t k = 0; k < e->sets[i].vals.n; k++)
			sb_addf(&sb, " \"%s\"", e->sets[i].vals.v[k]);
	}
	text = sb_detach(&sb);
	r = rule_new(f, f->snat, e->line, text);
	free(text);
	iface_match(f, r, FW_M_IIF, fo_get(e, "srcintf"));
	iface_match(f, r, FW_M_OIF, fo_get(e, "dstintf"));
	addr_list_match(f, r, FW_M_SADDR, orig ? &orig->vals : &none, false);
	addr_list_match(f, r, FW_M_DADDR, dst ? &dst->vals : &none, false);
	if (!fo_enabled(e, "nat", true))
		r->target = FW_T_ACCEPT;
	else if (fo_get(e, "nat-ippool"))
		snat_pool(f, r, fo_get(e, "nat-ippool")->vals.v[0]);
	else
		snat_iface(f, r, fo_get(e, "dstintf"));
	if (!strcmp(fo_val(e, "status", "enable"), "disable"))
		disable(r);
}

/* ---- interfaces ---- */

static void interfaces(struct fo *f)
{
	size_t at = 0;
	const struct fo_node *b;

	while ((b = fo_block(f, "system interface", &at)))
		for (size_t i = 0; i < b->nkids; i++) {
			const struct fo_node *ifc = b->kids[i];
			const char *vd = fo_val(ifc, "vdom", NULL);
			fw_u128 ip;

			if (f->vdom && vd && strcmp(vd, f->vdom))
				continue;
			if (iface_ip(f, ifc->name, &ip)) {
				char buf[64];

				fw_as_add(&f->m->self, ip, ip);
				fw_ip_format(ip, FW_V4, buf, sizeof(buf));
				sl_push_owned(&f->m->if_addrs, xasprintf("%s %s", ifc->name, buf));
			}
			if (!f->m->outside_iface && !strcmp(fo_val(ifc, "role", ""), "wan"))
				f->m->outside_iface = xstrdup(ifc->name);
			if (!f->m->inside_iface && !strcmp(fo_val(ifc, "role", ""), "lan"))
				f->m->inside_iface = xstrdup(ifc->name);
		}
}

/*
 * The outside: the first VIP's external interface, else the interface of
 * role wan, else the default route's device. The inside: where the first
 * accepting policy to a VIP goes, else the interface of role lan.
 */
static void find_ifaces(struct fo *f)
{
	size_t at = 0;
	const struct fo_node *b;
	const char *out = NULL, *in = NULL;

	if ((b = fo_block(f, "firewall vip", &at)) && b->nkids)
		out = fo_val(b->kids[0], "extintf", NULL);
	at = 0;
	while (!in && (b = fo_block(f, "firewall policy", &at)))
		for (size_t i = 0; !in && i < b->nkids; i++) {
			const struct fo_node *p = b->kids[i];
			const struct fo_set *dst = fo_get(p, "dstaddr"), *di = fo_get(p, "dstintf");
			const struct fo_node *vs[4];
			size_t nv = 0;

			for (size_t k = 0; dst && k < dst->vals.n; k++)
				vip_members(f, dst->vals.v[k], vs, &nv, ARRAY_SIZE(vs));
			if (nv && policy_action(p) == FW_T_ACCEPT && di && di->vals.n == 1 && strcmp(di->vals.v[0], "any"))
				in = di->vals.v[0];
		}
	at = 0;
	while (!out && (b = fo_block(f, "router static", &at)))
		for (size_t i = 0; !out && i < b->nkids; i++) {
			struct fw_range rg;

			if (!fo_get(b->kids[i], "dst") || (subnet_range(fo_get(b->kids[i], "dst"), &rg) && rg.lo == rg.hi - 0xffffffffu))
				out = fo_val(b->kids[i], "device", NULL);
		}
	if (out && strcmp(out, "any")) {
		free(f->m->outside_iface);
		f->m->outside_iface = xstrdup(out);
	}
	if (in) {
		free(f->m->inside_iface);
		f->m->inside_iface = xstrdup(in);
	}
}

/* ---- the model ---- */

static struct fw_chain *base(struct fo *f, const char *name, enum fw_hook hook, int prio,
			     enum fw_ctype type, enum fw_tkind policy)
{
	struct fw_chain *c = fw_model_add_chain(f->m, "fortios", name);

	c->hook = hook, c->prio = prio, c->type = type, c->policy = policy;
	c->fam = FW_V4;
	if (type == FW_CT_FILTER && policy == FW_T_DROP) {
		struct fw_rule *r = rule_new(f, c, 0, "sessions: replies and later packets of accepted connections");

		fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_ESTABLISHED | FW_CT_RELATED;
		r->target = FW_T_ACCEPT;
	}
	return c;
}

/* nat-source-vip: the mapped host's traffic leaves as the external address, whatever the policy says. */
static void vip_source_nat(struct fo *f, const struct fo_node *v)
{
	struct fw_rule *d = &f->vip->rules[f->vip->n - 1], *r;
	struct fw_addrset map = FW_ADDRSET_INIT, ext = FW_ADDRSET_INIT;

	if (fo_enabled(v, "nat-source-vip", false) && !fo_enabled(v, "portforward", false) &&
	    d->target == FW_T_DNAT && vip_addrs(v, true, &map) && vip_addrs(v, false, &ext)) {
		r = rule_new(f, f->snat, v->line, d->text);
		addr_match(r, FW_M_SADDR, &map, false);
		r->target = FW_T_SNAT;
		r->nat_addr = ext.v[0].lo, r->nat_fam = FW_V4, r->nat_has_addr = true;
		r->nat_ambiguous = ext.n != 1 || ext.v[0].lo != ext.v[0].hi;
	}
	fw_as_release(&map);
	fw_as_release(&ext);
}

/*
 * Accepting policies without NAT after the last one with NAT change
 * nothing in the snat chain (its default is no translation): leave them
 * out, so a big policy list is not walked again for every answer.
 */
static void trim_snat(struct fw_chain *c)
{
	while (c->n && (c->rules[c->n - 1].target == FW_T_ACCEPT || c->rules[c->n - 1].target == FW_T_NONE)) {
		struct fw_rule *r = &c->rules[--c->n];

		for (size_t k = 0; k < r->nm; k++) {
			fw_match_unsupported(&r->m[k]);
			free(r->m[k].what);
		}
		free(r->m);
		free(r->target_name);
	}
}

static void build(struct fo *f)
{
	const struct fo_node *set = NULL, *b;
	struct fw_chain *fwd;
	struct fw_rule *r;
	size_t at = 0;

	while (!set && (b = fo_block(f, "system settings", &at)))
		set = b;
	f->central = fo_enabled(set, "central-nat", false);
	f->vip = base(f, "vip", FW_HOOK_PREROUTING, -100, FW_CT_NAT, FW_T_ACCEPT);
	fwd = base(f, "forward", FW_HOOK_FORWARD, 0, FW_CT_FILTER, FW_T_DROP);
	r = rule_new(f, fwd, 0, "new connections: the policy list");
	r->target = FW_T_JUMP;
	r->target_name = xstrdup("policy");
	f->policy = fw_model_add_chain(f->m, "fortios", "policy");
	f->policy->fam = FW_V4;
	f->input = base(f, "local-in", FW_HOOK_INPUT, 0, FW_CT_FILTER, FW_T_DROP);
	f->output = base(f, "local-out", FW_HOOK_OUTPUT, 0, FW_CT_FILTER, FW_T_ACCEPT);
	f->snat = base(f, "snat", FW_HOOK_POSTROUTING, 100, FW_CT_NAT, FW_T_ACCEPT);
	at = 0;
	while ((b = fo_block(f, "firewall vip", &at)))
		for (size_t i = 0; i < b->nkids; i++) {
			vip_rule(f, b->kids[i]);
			vip_source_nat(f, b->kids[i]);
		}
	at = 0;
	while ((b = fo_block(f, "firewall policy", &at)))
		for (size_t i = 0; i < b->nkids; i++)
			policy(f, b->kids[i]);
	at = 0;
	r = rule_new(f, f->policy, 0, "the implicit deny (policy 0)");
	r->target = FW_T_DROP;
	at = 0;
	while (f->central && (b = fo_block(f, "firewall central-snat-map", &at)))
		for (size_t i = 0; i < b->nkids; i++)
			central_snat(f, b->kids[i]);
	trim_snat(f->snat);
	interfaces(f);
	find_ifaces(f);
}

int fw_parse_fortios(struct fw_model *m, const char *file, const char *text)
{
	struct fo f = { .m = m, .file = file };

	if (!m->format)
		m->format = xstrdup("fortios");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_V4;
	if (fo_parse_tree(file, text, &f.root))
		return -1;
	pick_vdom(&f);
	build(&f);
	fo_node_free(f.root);
	return 0;
}

/* ---- the export as stored ---- */

static bool secret_key(const char *k)
{
	static const char *const keys[] = {
		"password", "passwd", "psksecret", "psksecret-remote", "private-key", "secret", "key",
		"passphrase", "ppk-secret", "auth-pwd", "sslvpn-password", "pre-shared-key", "auth-key",
		"md5-key", "ospf-md5-keys", "authentication-key", "community", "password2", "token",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(k, keys[i]))
			return true;
	return strstr(k, "password") || strstr(k, "secret") || strstr(k, "-key") == k + strlen(k) - 4;
}

/* Header lines a save rewrites: the file version counter. */
static bool volatile_header(const char *s, size_t n)
{
	return (n >= 14 && !strncmp(s, "#conf_file_ver", 14));
}

/*
 * The text as stored: "set uuid" lines and the file version out (they
 * change on a save or re-import without a change of behaviour), the
 * values of secret keys (anything ENC-encrypted, passwords, PSKs,
 * private keys, SNMP community names) replaced by "*****". A statement
 * whose quote never closes is kept as written up to the end.
 */
static char *clean_fortios(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	bool snmp[64] = { false };    /* inside "config system snmp community|user", by depth */
	size_t depth = 0;

	for (const char *s = text; *s;) {
		struct fo_stmt st;
		const char *from = s;
		const char *cmd;

		if (next_stmt(&s, &st)) {
			sb_adds(&sb, from);
			break;
		}
		cmd = st.w.n ? st.w.v[0] : "";
		if (st.comment) {
			const char *h = st.start + strspn(st.start, " \t");

			if (!volatile_header(h, (size_t)(st.end - h)))
				sb_addf(&sb, "%.*s\n", (int)(st.end - st.start), st.start);
		} else if (!strcmp(cmd, "set") && st.w.n >= 2 && !strcmp(st.w.v[1], "uuid")) {
			;   /* volatile */
		} else if (!strcmp(cmd, "set") && st.w.n >= 3 &&
			   (secret_key(st.w.v[1]) || !strcmp(st.w.v[2], "ENC") || (snmp[depth] && !strcmp(st.w.v[1], "name")))) {
			sb_addf(&sb, "%.*sset %s %s*****\n", (int)strspn(st.start, " \t"), st.start, st.w.v[1],
				!strcmp(st.w.v[2], "ENC") ? "ENC " : "");
		} else if (st.w.n || st.end > st.start) {
			sb_addf(&sb, "%.*s\n", (int)(st.end - st.start), st.start);
		}
		if (!strcmp(cmd, "config") && depth + 1 < ARRAY_SIZE(snmp)) {
			depth++;
			snmp[depth] = snmp[depth - 1] || (st.w.n > 3 && !strcmp(st.w.v[1], "system") &&
				      !strcmp(st.w.v[2], "snmp") && (!strcmp(st.w.v[3], "community") || !strcmp(st.w.v[3], "user")));
		} else if (!strcmp(cmd, "end") && depth) {
			depth--;
		}
		sl_release(&st.w);
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

static bool config_start(const char *s)
{
	return !strncmp(s, "config system ", 14) || !strncmp(s, "config firewall ", 16) ||
	       !strncmp(s, "config vdom", 11) || !strncmp(s, "config global", 13);
}

/*
 * A backup starts "#config-version="; Oxidized puts '#' lines of `get
 * system status` first; a `show` starts with a config block.
 */
bool fw_fortios_detect(const char *s)
{
	if (!strncmp(s, "#config-version=", 16))
		return true;
	while (*s == '#') {
		if (!strncmp(s, "#config-version=", 16))
			return true;
		s += strcspn(s, "\n");
		s += strspn(s, "\r\n \t");
	}
	return config_start(s);
}

/* The stored text, then the site's own `mask:` patterns. */
char *fw_fortios_clean(const char *text, const struct fw_mask *mask)
{
	char *clean = clean_fortios(text), *masked;

	if (!clean)
		return NULL;
	masked = fw_mask_site(mask, clean);
	free(clean);
	return masked;
}
