/*
 * fw_junos.c - Juniper SRX configuration (`show configuration`, braces, or
 * `| display set`) into the model (format junos), and the configuration
 * as stored.
 *
 * Junos, as its security flow documentation orders it: static NAT, then
 * destination NAT (first matching rule of the rule-set for the ingress
 * zone or interface), then the route lookup that picks the egress zone,
 * then the security policy of the zone pair - matched on the translated
 * destination - then global policies, then the default policy (deny-all
 * unless configured); source NAT last (static NAT's reverse first). The
 * sessions carry replies.
 *
 * Both syntaxes become one list of statements: the braces are flattened
 * into "set" paths, "inactive:" and "deactivate" mark a statement and
 * everything under it as not in effect, and top-level "apply-groups"
 * adds the group's statements.
 *
 * In the model (table "junos"): static-nat and destination-nat
 * (prerouting NAT; the first binding wins), forward (sessions, a jump per
 * zone pair to its policies, the global policies, the default policy),
 * input (DROP), source-nat (postrouting NAT).
 *
 * Not modelled, so unknown for the traffic it could affect, naming the
 * policy or rule: dynamic applications, source identities, schedulers,
 * address ranges of DNS names, wildcard addresses, rule-sets selected by
 * routing instance, apply-groups below the top level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw.h"

struct jstmt {
	struct strlist w;             /* the full path and value, "security", "zones", ... */
	unsigned line;
	bool inactive;
};

struct junos {
	struct fw_model *m;
	const char *file;
	struct jstmt *s;
	size_t n, alloc;
	struct strlist deact;         /* "deactivate" paths, joined by blanks */
};

static void stmt_add(struct junos *j, const struct strlist *path, unsigned line, bool inactive)
{
	struct jstmt *s;

	ALLOC_GROW(j->s, j->n + 1, j->alloc);
	s = &j->s[j->n++];
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < path->n; i++)
		sl_push(&s->w, path->v[i]);
	s->line = line;
	s->inactive = inactive;
}

/* ---- tokens ---- */

/* The next token of *sp: a word, a quoted string, or one of { } ; [ ]. NULL at the end. */
static char *token(const char **sp, unsigned *line, bool *bad)
{
	const char *s = *sp;
	struct strbuf w = STRBUF_INIT;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			*line += *s++ == '\n';
		if (*s == '#') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			for (const char *c = s; c < (e ? e : s + strlen(s)); c++)
				*line += *c == '\n';
			s = e ? e + 2 : s + strlen(s);
		} else {
			break;
		}
	}
	if (!*s) {
		*sp = s;
		return NULL;
	}
	if (strchr("{};[]", *s)) {
		sb_addc(&w, *s++);
	} else if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			*line += *s == '\n';
			sb_addc(&w, *s);
		}
		if (!*s)
			*bad = true;
		else
			s++;
		sb_adds(&w, "");
	} else {
		while (*s && !strchr(" \t\r\n{};[]\"", *s))
			sb_addc(&w, *s++);
	}
	*sp = s;
	return sb_detach(&w);
}

/* The braces form into statements; "inactive:" marks a statement or block. */
static int flatten(struct junos *j, const char *text)
{
	struct strlist path = STRLIST_INIT, cur = STRLIST_INIT;
	size_t depth_len[256];
	bool depth_inactive[256] = { false }, inactive = false;
	size_t depth = 0;
	unsigned line = 1, at = 1;
	bool bad = false, in_list = false;
	char *t;

	while ((t = token(&text, &line, &bad))) {
		if (!cur.n)
			at = line;
		if (!strcmp(t, "{")) {
			if (depth + 1 >= ARRAY_SIZE(depth_len) || !cur.n) {
				free(t);
				sl_release(&path), sl_release(&cur);
				return error("%s:%u: expected a statement before '{'", j->file, line);
			}
			depth_len[depth++] = path.n;
			depth_inactive[depth] = depth_inactive[depth - 1] || inactive;
			for (size_t i = 0; i < cur.n; i++)
				sl_push(&path, cur.v[i]);
			sl_release(&cur);
			inactive = false;
		} else if (!strcmp(t, "}")) {
			if (!depth || cur.n) {
				free(t);
				sl_release(&path), sl_release(&cur);
				return error("%s:%u: expected a statement or '{' before '}'", j->file, line);
			}
			depth--;
			while (path.n > depth_len[depth])
				free(path.v[--path.n]);
		} else if (!strcmp(t, ";")) {
			struct strlist full = STRLIST_INIT;

			for (size_t i = 0; i < path.n; i++)
				sl_push(&full, path.v[i]);
			for (size_t i = 0; i < cur.n; i++)
				sl_push(&full, cur.v[i]);
			if (cur.n)
				stmt_add(j, &full, at, inactive || depth_inactive[depth]);
			sl_release(&full);
			sl_release(&cur);
			inactive = false;
		} else if (!strcmp(t, "[")) {
			in_list = true;
		} else if (!strcmp(t, "]")) {
			in_list = false;
		} else if (!strcmp(t, "inactive:") && !cur.n) {
			inactive = true;
		} else if (!strcmp(t, "protect:") && !cur.n) {
			;
		} else {
			sl_push(&cur, t);
		}
		(void)in_list;
		free(t);
	}
	sl_release(&path);
	sl_release(&cur);
	if (bad)
		return error("%s:%u: expected a closing '\"'", j->file, line);
	if (depth)
		return error("%s:%u: expected '}' to close %zu open block%s", j->file, line, depth, depth > 1 ? "s" : "");
	return 0;
}

/* A "[ a b c ]" list in a statement stands for one statement per value: expanded by flatten's caller. */

/* "set ..." lines; "deactivate ..." marks what it names. */
static int set_lines(struct junos *j, const char *text)
{
	unsigned line = 0;

	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\n");
		char *l = xstrndup(s, len);
		const char *p = l;
		unsigned dummy = 0;
		bool bad = false;
		struct strlist w = STRLIST_INIT;
		char *t;

		line++;
		s += len + (s[len] == '\n');
		while ((t = token(&p, &dummy, &bad)))
			if (strcmp(t, "[") && strcmp(t, "]"))
				sl_push_owned(&w, t);
			else
				free(t);
		if (bad) {
			sl_release(&w), free(l);
			return error("%s:%u: expected a closing '\"'", j->file, line);
		}
		if (w.n > 1 && !strcmp(w.v[0], "set")) {
			struct strlist rest = { w.v + 1, w.n - 1, 0 };

			stmt_add(j, &rest, line, false);
		} else if (w.n > 1 && !strcmp(w.v[0], "deactivate")) {
			struct strbuf sb = STRBUF_INIT;

			for (size_t i = 1; i < w.n; i++)
				sb_addf(&sb, "%s%s", i > 1 ? " " : "", w.v[i]);
			sl_push_owned(&j->deact, sb_detach(&sb));
		} else if (w.n && strcmp(w.v[0], "delete") && strcmp(w.v[0], "activate") && w.v[0][0] != '#') {
			int r = error("%s:%u: expected 'set' or 'deactivate', not '%s'", j->file, line, w.v[0]);

			sl_release(&w), free(l);
			return r;
		}
		sl_release(&w);
		free(l);
	}
	for (size_t i = 0; i < j->n; i++)
		for (size_t d = 0; d < j->deact.n; d++) {
			struct strbuf sb = STRBUF_INIT;
			size_t n = strlen(j->deact.v[d]);

			for (size_t k = 0; k < j->s[i].w.n; k++)
				sb_addf(&sb, "%s%s", k ? " " : "", j->s[i].w.v[k]);
			if (sb.buf && !strncmp(sb.buf, j->deact.v[d], n) && (!sb.buf[n] || sb.buf[n] == ' '))
				j->s[i].inactive = true;
			sb_release(&sb);
		}
	return 0;
}

/* ---- statements ---- */

/* Does s start with the words of pat ("*" any word)? */
static bool starts(const struct jstmt *s, const char *const *pat, size_t n)
{
	if (s->inactive || s->w.n < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(pat[i], "*") && strcmp(pat[i], s->w.v[i]))
			return false;
	return true;
}
#define STARTS(s, ...) starts((s), (const char *const[]){ __VA_ARGS__ }, \
			      sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static const char *w(const struct jstmt *s, size_t i)
{
	return i < s->w.n ? s->w.v[i] : "";
}

/* Top-level apply-groups: the group's statements as if written at the top. */
static void apply_groups(struct junos *j)
{
	size_t n = j->n;

	for (size_t i = 0; i < n; i++) {
		if (j->s[i].inactive || j->s[i].w.n < 2 || strcmp(j->s[i].w.v[0], "apply-groups"))
			continue;
		for (size_t v = 1; v < j->s[i].w.n; v++)
			for (size_t k = 0; k < n; k++)
				if (STARTS(&j->s[k], "groups") && !strcmp(w(&j->s[k], 1), j->s[i].w.v[v]) && j->s[k].w.n > 2) {
					struct strlist rest = { j->s[k].w.v + 2, j->s[k].w.n - 2, 0 };

					stmt_add(j, &rest, j->s[k].line, false);
				}
	}
}

/* ---- addresses ---- */

static bool addr_literal(const char *s, struct fw_addrset *out)
{
	struct fw_range rg;
	int fam;

	if (fw_cidr_parse(s, &rg, &fam))
		return false;
	fw_as_add(out, rg.lo, rg.hi);
	return true;
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

static bool resolve_addr(const struct junos *j, const char *name, struct fw_addrset *out, char **why, int depth)
{
	struct fw_range u = fw_universe(FW_V4), all = fw_universe(FW_V6);
	bool found = false;

	if (!strcmp(name, "any")) {
		fw_as_add(out, all.lo, all.hi);
		return true;
	}
	if (!strcmp(name, "any-ipv4")) {
		fw_as_add(out, u.lo, u.hi);
		return true;
	}
	if (!strcmp(name, "any-ipv6")) {   /* every address but the IPv4 ones */
		fw_as_add(out, all.lo, u.lo - 1);
		fw_as_add(out, u.hi + 1, all.hi);
		return true;
	}
	if (depth > 16)
		return *why = xasprintf("address-set %s nests too deep", name), false;
	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];
		size_t b;   /* where "address"/"address-set" stands */

		if (STARTS(s, "security", "address-book", "*"))
			b = 3;
		else if (STARTS(s, "security", "zones", "security-zone", "*", "address-book"))
			b = 5;
		else
			continue;
		if (!strcmp(w(s, b), "address") && !strcmp(w(s, b + 1), name)) {
			const char *v = w(s, b + 2);

			found = true;
			if (!strcmp(v, "range-address")) {
				struct fw_range lo, hi;
				int f1, f2;

				if (fw_cidr_parse(w(s, b + 3), &lo, &f1) || fw_cidr_parse(w(s, b + 5), &hi, &f2) || f1 != f2 ||
				    hi.lo < lo.lo)
					return *why = xasprintf("address %s: range not understood", name), false;
				fw_as_add(out, lo.lo, hi.lo);
			} else if (!strcmp(v, "description")) {
				continue;
			} else if (!addr_literal(v, out)) {
				return *why = xasprintf("address %s: %s %s", name, v, w(s, b + 3)), false;
			}
		} else if (!strcmp(w(s, b), "address-set") && !strcmp(w(s, b + 1), name)) {
			found = true;
			if (!strcmp(w(s, b + 2), "address") || !strcmp(w(s, b + 2), "address-set"))
				for (size_t k = b + 3; k < s->w.n; k++)
					if (!resolve_addr(j, s->w.v[k], out, why, depth + 1))
						return false;
		}
	}
	if (!found && addr_literal(name, out))
		return true;
	return found ? true : (*why = xasprintf("address %s (not in an address book of this configuration)", name), false);
}

static void addr_names(const struct junos *j, struct fw_rule *r, enum fw_mkind kind, const struct strlist *names)
{
	struct fw_addrset as = FW_ADDRSET_INIT;
	struct fw_range u = fw_universe(FW_V6);
	char *why = NULL;
	struct fw_match *mt;

	for (size_t i = 0; i < names->n && !why; i++)
		resolve_addr(j, names->v[i], &as, &why, 0);
	if (why) {
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = why;
	} else if (names->n && !(as.n == 1 && as.v[0].lo == u.lo && as.v[0].hi == u.hi)) {
		mt = fw_rule_add_match(r, kind, false);
		mt->fam = as_fam(&as);
		fw_as_copy(&mt->addrs, &as);
	}
	fw_as_release(&as);
}

/* ---- applications ---- */

struct japp {
	unsigned proto;
	unsigned lo, hi;              /* 0: every port */
	char *why;
};

struct japps {
	struct japp *v;
	size_t n, alloc;
};

static struct japp *app_add(struct japps *a, unsigned proto, unsigned lo, unsigned hi)
{
	ALLOC_GROW(a->v, a->n + 1, a->alloc);
	a->v[a->n] = (struct japp){ proto, lo, hi, NULL };
	return &a->v[a->n++];
}

static const struct { const char *name; unsigned proto, port; } predefined[] = {
	{ "junos-smtp", 6, 25 }, { "junos-smtps", 6, 465 }, { "junos-mail-submission", 6, 587 },
	{ "junos-imap", 6, 143 }, { "junos-imaps", 6, 993 }, { "junos-pop3", 6, 110 }, { "junos-pop3s", 6, 995 },
	{ "junos-http", 6, 80 }, { "junos-https", 6, 443 }, { "junos-ssh", 6, 22 }, { "junos-telnet", 6, 23 },
	{ "junos-ftp", 6, 21 }, { "junos-dns-udp", 17, 53 }, { "junos-dns-tcp", 6, 53 }, { "junos-ntp", 17, 123 },
	{ "junos-ldap", 6, 389 }, { "junos-ms-rpc-tcp", 6, 135 }, { "junos-rdp", 6, 3389 }, { "junos-smb", 6, 445 },
};

static unsigned port_name(const char *s)
{
	static const struct { const char *n; unsigned p; } names[] = {
		{ "smtp", 25 }, { "http", 80 }, { "https", 443 }, { "domain", 53 }, { "ssh", 22 }, { "pop3", 110 },
		{ "imap", 143 }, { "ftp", 21 }, { "telnet", 23 }, { "ntp", 123 },
	};
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end != s && !*end && v <= 65535)
		return (unsigned)v;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].n))
			return names[i].p;
	return 0;
}

static void resolve_app(const struct junos *j, const char *name, struct japps *out, int depth)
{
	unsigned proto = 0, lo = 0, hi = 0;
	bool found = false, ports_ok = true;

	if (!strcmp(name, "any")) {
		app_add(out, 0, 0, 0);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(predefined); i++)
		if (!strcmp(predefined[i].name, name)) {
			app_add(out, predefined[i].proto, predefined[i].port, predefined[i].port);
			return;
		}
	for (size_t i = 0; depth < 16 && i < j->n; i++) {
		const struct jstmt *s = &j->s[i];

		if (STARTS(s, "applications", "application-set") && !strcmp(w(s, 2), name) &&
		    (!strcmp(w(s, 3), "application") || !strcmp(w(s, 3), "application-set"))) {
			found = true;
			for (size_t k = 4; k < s->w.n; k++)
				resolve_app(j, s->w.v[k], out, depth + 1);
		} else if (STARTS(s, "applications", "application") && !strcmp(w(s, 2), name)) {
			size_t b = !strcmp(w(s, 3), "term") ? 5 : 3;

			found = true;
			if (!strcmp(w(s, b), "protocol"))
				proto = !strcmp(w(s, b + 1), "tcp") ? 6 : !strcmp(w(s, b + 1), "udp") ? 17 :
					(unsigned)strtoul(w(s, b + 1), NULL, 10);
			else if (!strcmp(w(s, b), "destination-port")) {
				const char *v = w(s, b + 1), *dash = strchr(v, '-');

				lo = port_name(v);
				hi = dash ? port_name(dash + 1) : lo;
				if (dash) {
					char a[16];
					snprintf(a, sizeof(a), "%.*s", (int)(dash - v), v);
					lo = port_name(a);
				}
				ports_ok = lo && hi >= lo;
			}
		}
	}
	if (!found)
		app_add(out, 0, 0, 0)->why = xasprintf("application %s (not in this configuration nor predefined)", name);
	else if (proto || !ports_ok)
		app_add(out, proto, lo, hi)->why = ports_ok ? NULL : xasprintf("application %s: ports not understood", name);
}

static void app_match(struct fw_rule *r, const struct japp *a)
{
	struct fw_match *mt;

	if (a->why) {
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xstrdup(a->why);
		return;
	}
	if (a->proto)
		fw_match_set_proto(fw_rule_add_match(r, FW_M_PROTO, false), a->proto);
	if (a->lo) {
		mt = fw_rule_add_match(r, FW_M_DPORT, false);
		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, a->lo, a->hi);
	}
}

static void apps_release(struct japps *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].why);
	free(a->v);
}

/* ---- zones and interfaces ---- */

/* The interfaces of zone z (as names for an interface match). */
static void zone_ifaces(const struct junos *j, const char *z, struct strlist *out)
{
	for (size_t i = 0; i < j->n; i++)
		if (STARTS(&j->s[i], "security", "zones", "security-zone", "*", "interfaces") && !strcmp(w(&j->s[i], 3), z) &&
		    !sl_has(out, w(&j->s[i], 5)))
			sl_push(out, w(&j->s[i], 5));
}

static void zone_match(const struct junos *j, struct fw_rule *r, enum fw_mkind kind, const char *z)
{
	struct fw_match *mt;

	if (!z || !*z || !strcmp(z, "any"))
		return;
	mt = fw_rule_add_match(r, kind, false);
	zone_ifaces(j, z, &mt->names);
	if (!mt->names.n)   /* a zone without interfaces in the file: only its own name can match */
		sl_push(&mt->names, z);
}

static void interfaces(struct junos *j)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];
		char host[64];
		fw_u128 ip;
		int fam;

		if (!STARTS(s, "interfaces", "*", "unit", "*", "family", "inet", "address") &&
		    !STARTS(s, "interfaces", "*", "unit", "*", "family", "inet6", "address"))
			continue;
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(w(s, 7), "/"), w(s, 7));
		if (fw_ip_parse(host, &ip, &fam))
			continue;
		fw_as_add(&j->m->self, ip, ip);
		sl_push_owned(&j->m->if_addrs, xasprintf("%s.%s %s", w(s, 1), w(s, 3), host));
	}
}

/* ---- rules ---- */

static struct fw_rule *rule_new(struct junos *j, struct fw_chain *c, unsigned line, const char *text)
{
	struct fw_rule *r = fw_chain_add_rule(c);

	r->line = line;
	r->text = mp_strdup(&j->m->pool, text);
	return r;
}

static struct fw_chain *chain(struct junos *j, const char *name)
{
	struct fw_chain *c = fw_model_chain(j->m, "junos", name);

	if (!c) {
		c = fw_model_add_chain(j->m, "junos", name);
		c->fam = FW_ANY;
	}
	return c;
}

/* The statements under prefix (its first k words equal to s's): their words after k joined, for a label. */
static char *block_text(const struct junos *j, const struct jstmt *first, size_t k)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "line %u:", first->line);
	for (size_t i = 0; i < k; i++)
		sb_addf(&sb, " %s", first->w.v[i]);
	sb_adds(&sb, " {");
	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];
		bool same = s->w.n > k;

		for (size_t x = 0; same && x < k; x++)
			same = !strcmp(s->w.v[x], first->w.v[x]);
		if (!same)
			continue;
		for (size_t x = k; x < s->w.n; x++)
			sb_addf(&sb, " %s", s->w.v[x]);
		sb_adds(&sb, s->inactive ? " (inactive);" : ";");
	}
	sb_adds(&sb, " }");
	return sb_detach(&sb);
}

/* Values of "PREFIX(k words) WORD1 WORD2 v..." for s's prefix. */
static void values(const struct junos *j, const struct jstmt *first, size_t k, const char *w1, const char *w2,
		   struct strlist *out, bool *all_inactive)
{
	*all_inactive = true;
	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];
		bool same = s->w.n > k;

		for (size_t x = 0; same && x < k; x++)
			same = !strcmp(s->w.v[x], first->w.v[x]);
		if (!same)
			continue;
		if (!s->inactive)
			*all_inactive = false;
		if (s->inactive || strcmp(w(s, k), w1) || (w2 && strcmp(w(s, k + 1), w2)))
			continue;
		for (size_t x = k + (w2 ? 2 : 1); x < s->w.n; x++)
			sl_push(out, s->w.v[x]);
	}
}

/* Is s the first statement of its block (the first k words not seen before)? */
static bool first_of(const struct junos *j, size_t i, size_t k)
{
	for (size_t p = 0; p < i; p++) {
		bool same = j->s[p].w.n > k && j->s[i].w.n > k;

		for (size_t x = 0; same && x < k; x++)
			same = !strcmp(j->s[p].w.v[x], j->s[i].w.v[x]);
		if (same)
			return false;
	}
	return true;
}

/* One policy: a rule per application, in chain c. k: the words naming it. */
static void policy(struct junos *j, struct fw_chain *c, const struct jstmt *first, size_t k, const char *from, const char *to)
{
	struct strlist src = STRLIST_INIT, dst = STRLIST_INIT, app = STRLIST_INIT, then = STRLIST_INIT, other = STRLIST_INIT;
	struct strlist fz = STRLIST_INIT, tz = STRLIST_INIT;
	struct japps apps = { 0 };
	char *text = block_text(j, first, k);
	bool off, dummy;

	values(j, first, k, "match", "source-address", &src, &off);
	values(j, first, k, "match", "destination-address", &dst, &dummy);
	values(j, first, k, "match", "application", &app, &dummy);
	values(j, first, k, "match", "from-zone", &fz, &dummy);
	values(j, first, k, "match", "to-zone", &tz, &dummy);
	values(j, first, k, "then", NULL, &then, &dummy);
	values(j, first, k, "match", "dynamic-application", &other, &dummy);
	values(j, first, k, "match", "source-identity", &other, &dummy);
	values(j, first, k, "scheduler-name", NULL, &other, &dummy);
	for (size_t i = 0; i < app.n; i++)
		resolve_app(j, app.v[i], &apps, 0);
	if (!apps.n)
		app_add(&apps, 0, 0, 0)->why = xasprintf("policy %s has no application", w(first, k - 1));
	for (size_t i = 0; i < apps.n; i++) {
		struct fw_rule *r = rule_new(j, c, first->line, text);

		zone_match(j, r, FW_M_IIF, fz.n ? fz.v[0] : from);
		zone_match(j, r, FW_M_OIF, tz.n ? tz.v[0] : to);
		addr_names(j, r, FW_M_SADDR, &src);
		addr_names(j, r, FW_M_DADDR, &dst);
		app_match(r, &apps.v[i]);
		if (other.n)
			fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xasprintf("policy %s: %s", w(first, k - 1), other.v[0]);
		r->target = sl_has(&then, "permit") ? FW_T_ACCEPT : sl_has(&then, "reject") ? FW_T_REJECT :
			    sl_has(&then, "deny") ? FW_T_DROP : FW_T_UNSUPPORTED;
		if (r->target == FW_T_UNSUPPORTED)
			r->target_name = xasprintf("policy %s: then %s", w(first, k - 1), then.n ? then.v[0] : "(nothing)");
		if (off) {
			free(r->target_name);
			r->target_name = xasprintf("DISABLED %s", fw_target_name(r->target));
			r->target = FW_T_NONE;
		}
	}
	free(text);
	apps_release(&apps);
	sl_release(&src), sl_release(&dst), sl_release(&app), sl_release(&then), sl_release(&other);
	sl_release(&fz), sl_release(&tz);
}

/*
 * Zone-pair policies, each pair a chain reached from forward; then global;
 * then the default. Adding a chain may move the model's chains: forward
 * and global are found again by their place.
 */
static void policies(struct junos *j, struct fw_chain *fwd)
{
	size_t fi = (size_t)(fwd - j->m->chains), gi = (size_t)(chain(j, "global") - j->m->chains);
	struct fw_rule *r;
	const char *dflt = "deny-all";

	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];

		if (STARTS(s, "security", "policies", "from-zone", "*", "to-zone", "*", "policy", "*") && first_of(j, i, 8)) {
			char *name = xasprintf("from-%s-to-%s", w(s, 3), w(s, 5));

			if (!fw_model_chain(j->m, "junos", name)) {
				char *t = xasprintf("from-zone %s to-zone %s", w(s, 3), w(s, 5));

				r = rule_new(j, &j->m->chains[fi], s->line, t);
				free(t);
				zone_match(j, r, FW_M_IIF, w(s, 3));
				zone_match(j, r, FW_M_OIF, w(s, 5));
				r->target = FW_T_JUMP;
				r->target_name = xstrdup(name);
			}
			policy(j, chain(j, name), s, 8, w(s, 3), w(s, 5));
			free(name);
		} else if (STARTS(s, "security", "policies", "global", "policy", "*") && first_of(j, i, 5)) {
			policy(j, &j->m->chains[gi], s, 5, NULL, NULL);
		} else if (STARTS(s, "security", "policies", "default-policy")) {
			dflt = w(s, 3);
		}
	}
	fwd = &j->m->chains[fi];
	r = rule_new(j, fwd, 0, "global policies");
	r->target = FW_T_JUMP;
	r->target_name = xstrdup("global");
	r = rule_new(j, fwd, 0, !strcmp(dflt, "permit-all") ? "default-policy permit-all" : "default-policy deny-all");
	r->target = !strcmp(dflt, "permit-all") ? FW_T_ACCEPT : FW_T_DROP;
}

/* ---- NAT ---- */

static void addr_match_set(struct fw_rule *r, const struct fw_addrset *as)
{
	struct fw_match *mt = fw_rule_add_match(r, FW_M_SADDR, false);

	mt->fam = as_fam(as);
	fw_as_copy(&mt->addrs, as);
}

/* The first address (and port) of a NAT pool: "security nat KIND pool P address A [port N]". */
static bool pool_addr(const struct junos *j, const char *kind, const char *pool, struct fw_addrset *out, unsigned *port)
{
	*port = 0;
	for (size_t i = 0; i < j->n; i++) {
		const struct jstmt *s = &j->s[i];

		if (!STARTS(s, "security", "nat", kind, "pool", pool, "address"))
			continue;
		if (!addr_literal(w(s, 6), out))
			return false;
		if (!strcmp(w(s, 7), "port"))
			*port = port_name(w(s, 8));
		else if (!strcmp(w(s, 7), "to") && !addr_literal(w(s, 8), out))
			return false;
	}
	return out->n != 0;
}

static void set_nat(struct fw_rule *r, const struct fw_addrset *to, unsigned port)
{
	r->nat_fam = to->n ? addr_fam(to->v[0].lo) : FW_V4;
	if (to->n)
		r->nat_addr = to->v[0].lo, r->nat_has_addr = true;
	r->nat_ambiguous = to->n != 1 || to->v[0].lo != to->v[0].hi;
	r->nat_port = (uint16_t)port;
}

/* "from zone Z" / "from interface IF" of a rule-set, and "to zone Z" for source NAT. */
static void ruleset_ifaces(const struct junos *j, struct fw_rule *r, const struct jstmt *rs, const char *dir)
{
	struct strlist v = STRLIST_INIT;
	bool dummy;

	values(j, rs, 5, dir, NULL, &v, &dummy);
	if (v.n >= 2 && !strcmp(v.v[0], "zone"))
		zone_match(j, r, !strcmp(dir, "from") ? FW_M_IIF : FW_M_OIF, v.v[1]);
	else if (v.n >= 2 && !strcmp(v.v[0], "interface"))
		sl_push(&fw_rule_add_match(r, !strcmp(dir, "from") ? FW_M_IIF : FW_M_OIF, false)->names, v.v[1]);
	else if (v.n >= 1)
		fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xasprintf("rule-set %s %s %s", w(rs, 4), dir, v.v[0]);
	sl_release(&v);
}

/* The rule-set's "from zone Z" as where the reverse of a static NAT leaves. */
static void ruleset_out(const struct junos *j, struct fw_rule *r, const struct jstmt *rs)
{
	struct strlist v = STRLIST_INIT;
	bool dummy;

	values(j, rs, 5, "from", NULL, &v, &dummy);
	if (v.n >= 2 && !strcmp(v.v[0], "zone"))
		zone_match(j, r, FW_M_OIF, v.v[1]);
	else if (v.n >= 2 && !strcmp(v.v[0], "interface"))
		sl_push(&fw_rule_add_match(r, FW_M_OIF, false)->names, v.v[1]);
	sl_release(&v);
}

static void match_addrs(const struct junos *j, struct fw_rule *r, const struct jstmt *rule, const char *key, enum fw_mkind kind)
{
	struct strlist v = STRLIST_INIT;
	bool dummy;

	values(j, rule, 7, "match", key, &v, &dummy);
	addr_names(j, r, kind, &v);
	sl_release(&v);
}

/* The address of the egress zone's first interface with one, for source-nat interface. */
static void snat_iface(const struct junos *j, struct fw_rule *r, const struct jstmt *rs)
{
	struct strlist v = STRLIST_INIT, ifs = STRLIST_INIT;
	bool dummy;

	r->target = FW_T_MASQUERADE;
	values(j, rs, 5, "to", NULL, &v, &dummy);
	if (v.n >= 2 && !strcmp(v.v[0], "zone"))
		zone_ifaces(j, v.v[1], &ifs);
	for (size_t i = 0; i < ifs.n && r->target == FW_T_MASQUERADE; i++)
		for (size_t k = 0; k < j->m->if_addrs.n; k++) {
			const char *e = j->m->if_addrs.v[k];
			size_t n = strlen(ifs.v[i]);
			fw_u128 ip;
			int fam;

			if (!strncmp(e, ifs.v[i], n) && e[n] == ' ' && !fw_ip_parse(e + n + 1, &ip, &fam) &&
			    fam == FW_V4) {
				r->target = FW_T_SNAT;
				r->nat_addr = ip, r->nat_fam = FW_V4, r->nat_has_addr = true;
				break;
			}
		}
	sl_release(&v);
	sl_release(&ifs);
}

/* The way out of a static NAT: back to the address it matched. */
static void static_reverse(const struct junos *j, struct fw_rule *rev, const struct jstmt *rule)
{
	struct fw_addrset from = FW_ADDRSET_INIT;
	struct strlist v = STRLIST_INIT;
	bool dummy;
	char *why = NULL;

	values(j, rule, 7, "match", "destination-address", &v, &dummy);
	for (size_t i = 0; i < v.n && !why; i++)
		resolve_addr(j, v.v[i], &from, &why, 0);
	set_nat(rev, &from, 0);
	if (why || !from.n)
		fw_rule_add_match(rev, FW_M_UNSUPPORTED, false)->what = why ? why : xstrdup("static-nat address");
	fw_as_release(&from);
	sl_release(&v);
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
 * family (an interface's address: IPv4). Packets of the other family the
 * rule matches (NAT64, NAT66 to an interface) are not modelled: a rule
 * right after it says so for them.
 */
static void nat_family(struct junos *j, struct fw_chain *c, struct fw_rule *r, const char *text)
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
	u = rule_new(j, c, r->line, text);
	r = &c->rules[at];   /* the chain's array may have moved */
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

/* One NAT rule of kind (static, destination, source) into its chain(s). */
static void nat_rule(struct junos *j, const char *kind, const struct jstmt *rs, const struct jstmt *rule,
		     struct fw_chain *pre, struct fw_chain *post)
{
	struct strlist then = STRLIST_INIT, dport = STRLIST_INIT;
	char *text = block_text(j, rule, 7);
	struct fw_addrset to = FW_ADDRSET_INIT;
	bool src = !strcmp(kind, "source"), off;
	struct fw_rule *r = rule_new(j, src ? post : pre, rule->line, text);
	unsigned port = 0;

	values(j, rule, 7, "then", NULL, &then, &off);
	values(j, rule, 7, "match", "destination-port", &dport, &off);
	ruleset_ifaces(j, r, rs, "from");
	if (src)
		ruleset_ifaces(j, r, rs, "to");
	match_addrs(j, r, rule, "source-address", FW_M_SADDR);
	match_addrs(j, r, rule, "destination-address", FW_M_DADDR);
	if (dport.n) {
		struct fw_match *mt = fw_rule_add_match(r, FW_M_DPORT, false);
		unsigned lo = port_name(dport.v[0]), hi = dport.n > 2 && !strcmp(dport.v[1], "to") ? port_name(dport.v[2]) : lo;

		fw_ports_add(&mt->ports, &mt->nports, &mt->ports_alloc, lo, hi);
	}
	if (sl_has(&then, "off")) {
		r->target = FW_T_ACCEPT;
	} else if (src && sl_has(&then, "interface")) {
		snat_iface(j, r, rs);
	} else if (then.n >= 3 && !strcmp(then.v[1], "pool")) {
		r->target = src ? FW_T_SNAT : FW_T_DNAT;
		if (pool_addr(j, kind, then.v[2], &to, &port))
			set_nat(r, &to, src ? 0 : port);
		else
			fw_rule_add_match(r, FW_M_UNSUPPORTED, false)->what = xasprintf("pool %s not understood", then.v[2]);
	} else if (then.n >= 3 && !strcmp(then.v[0], "static-nat") && !strcmp(then.v[1], "prefix") &&
		   addr_literal(then.v[2], &to)) {
		struct fw_rule *rev;

		r->target = FW_T_DNAT;
		set_nat(r, &to, then.n >= 5 && !strcmp(then.v[3], "mapped-port") ? port_name(then.v[4]) : 0);
		rev = rule_new(j, post, rule->line, text);   /* static NAT works both ways: out to where it came from */
		ruleset_out(j, rev, rs);
		addr_match_set(rev, &to);
		rev->target = FW_T_SNAT;
		static_reverse(j, rev, rule);
		nat_family(j, post, rev, text);
	} else {
		r->target = FW_T_UNSUPPORTED;
		r->target_name = xasprintf("then %s", then.n ? then.v[0] : "(nothing)");
	}
	if (off) {
		free(r->target_name);
		r->target_name = xasprintf("DISABLED %s", fw_target_name(r->target));
		r->target = FW_T_NONE;
	}
	nat_family(j, src ? post : pre, r, text);
	fw_as_release(&to);
	sl_release(&then);
	sl_release(&dport);
	free(text);
}

/* Rule-sets from an interface before those from a zone; rules in order. */
static void nat(struct junos *j, const char *kind, struct fw_chain *pre, struct fw_chain *post)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < j->n; i++) {
			const struct jstmt *rs = &j->s[i];
			struct strlist from = STRLIST_INIT;
			bool dummy, by_if;

			if (!STARTS(rs, "security", "nat", kind, "rule-set", "*") || !first_of(j, i, 5))
				continue;
			values(j, rs, 5, "from", NULL, &from, &dummy);
			by_if = from.n && !strcmp(from.v[0], "interface");
			sl_release(&from);
			if (by_if != !pass)
				continue;
			for (size_t k = i; k < j->n; k++)
				if (STARTS(&j->s[k], "security", "nat", kind, "rule-set", w(rs, 4), "rule", "*") && first_of(j, k, 7))
					nat_rule(j, kind, rs, &j->s[k], pre, post);
		}
}

/* ---- the model ---- */

static const char *zone_first_if(const struct junos *j, const char *z)
{
	for (size_t i = 0; z && i < j->n; i++)
		if (STARTS(&j->s[i], "security", "zones", "security-zone", "*", "interfaces") && !strcmp(w(&j->s[i], 3), z))
			return w(&j->s[i], 5);
	return NULL;
}

/*
 * The outside: the first interface of zone untrust (else of the zone the
 * first destination NAT rule-set is from); the inside: of the to-zone of
 * the first policy from that zone, else of zone trust.
 */
static void find_ifaces(struct junos *j)
{
	const char *oz = zone_first_if(j, "untrust") ? "untrust" : NULL, *iz = NULL, *o, *in;

	for (size_t i = 0; !oz && i < j->n; i++)
		if (STARTS(&j->s[i], "security", "nat", "destination", "rule-set", "*", "from", "zone"))
			oz = w(&j->s[i], 7);
	for (size_t i = 0; oz && !iz && i < j->n; i++)
		if (STARTS(&j->s[i], "security", "policies", "from-zone", oz, "to-zone"))
			iz = w(&j->s[i], 5);
	o = zone_first_if(j, oz);
	in = zone_first_if(j, iz ? iz : "trust");
	j->m->outside_iface = o ? xstrdup(o) : NULL;
	j->m->inside_iface = in ? xstrdup(in) : NULL;
}

static struct fw_chain *base(struct junos *j, const char *name, enum fw_hook hook, int prio, enum fw_ctype type,
			     enum fw_tkind policy)
{
	struct fw_chain *c = chain(j, name);

	c->hook = hook, c->prio = prio, c->type = type, c->policy = policy;
	if (type == FW_CT_FILTER && policy == FW_T_DROP) {
		struct fw_rule *r = rule_new(j, c, 0, "sessions: replies and later packets of permitted connections");

		fw_rule_add_match(r, FW_M_CTSTATE, false)->ctstate = FW_CT_ESTABLISHED | FW_CT_RELATED;
		r->target = FW_T_ACCEPT;
	}
	return c;
}

static bool is_set_form(const char *text)
{
	const char *s = text;

	while (*s) {
		s += strspn(s, " \t\r\n");
		if (*s == '#') {
			s += strcspn(s, "\n");
			continue;
		}
		return !strncmp(s, "set ", 4) || !strncmp(s, "deactivate ", 11);
	}
	return false;
}

int fw_parse_junos(struct fw_model *m, const char *file, const char *text)
{
	struct junos j = { .m = m, .file = file };
	struct fw_chain *st, *dn, *fwd, *sn;
	int r;

	if (!m->format)
		m->format = xstrdup("junos");
	if (!m->file)
		m->file = xstrdup(file);
	m->fam = FW_ANY;
	r = is_set_form(text) ? set_lines(&j, text) : flatten(&j, text);
	if (!r) {
		apply_groups(&j);
		interfaces(&j);
		st = base(&j, "static-nat", FW_HOOK_PREROUTING, -110, FW_CT_NAT, FW_T_ACCEPT);
		dn = base(&j, "destination-nat", FW_HOOK_PREROUTING, -100, FW_CT_NAT, FW_T_ACCEPT);
		fwd = base(&j, "forward", FW_HOOK_FORWARD, 0, FW_CT_FILTER, FW_T_DROP);
		base(&j, "input", FW_HOOK_INPUT, 0, FW_CT_FILTER, FW_T_DROP);
		base(&j, "output", FW_HOOK_OUTPUT, 0, FW_CT_FILTER, FW_T_ACCEPT);
		sn = base(&j, "source-nat", FW_HOOK_POSTROUTING, 100, FW_CT_NAT, FW_T_ACCEPT);
		nat(&j, "static", st, sn);
		nat(&j, "destination", dn, sn);
		nat(&j, "source", dn, sn);
		policies(&j, fwd);
		find_ifaces(&j);
	}
	for (size_t i = 0; i < j.n; i++)
		sl_release(&j.s[i].w);
	free(j.s);
	sl_release(&j.deact);
	return r;
}

/* ---- the configuration as stored ---- */

static bool secret_word(const char *w)
{
	static const char *const words[] = {
		"encrypted-password", "secret", "pre-shared-key", "community", "authentication-key",
		"ascii-text", "hexadecimal", "key", "password", "plain-text-password-value",
	};
	size_t n = strlen(w);

	if (n && w[n - 1] == ';')
		n--;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return true;
	return false;
}

/*
 * The configuration without "## Last commit" and other "## " lines the
 * device writes, the word after encrypted-password, secret,
 * pre-shared-key (ascii-text, hexadecimal), community, authentication-key
 * and key masked; "## SECRET-DATA" comments go too.
 */
static char *clean_junos(const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\n");
		const char *t = s + strspn(s, " \t");
		bool mask = false;

		if (!strncmp(t, "## ", 3)) {
			s += len + (s[len] == '\n');
			continue;
		}
		for (const char *p = s; p < s + len;) {
			size_t ws = strspn(p, " \t"), wl;

			sb_add(&sb, p, ws);
			p += ws;
			wl = strcspn(p, " \t\n");
			if (p + wl > s + len)
				wl = (size_t)(s + len - p);
			if (!wl || (wl == 2 && !strncmp(p, "##", 2)))   /* "## SECRET-DATA" and the like */
				break;
			if (mask && *p != '{' && strncmp(p, "ascii-text", 10) && strncmp(p, "hexadecimal", 11)) {
				sb_adds(&sb, p[wl - 1] == ';' ? "\"*****\";" : "\"*****\"");
				mask = false;
			} else {
				char word[64];

				sb_add(&sb, p, wl);
				snprintf(word, sizeof(word), "%.*s", (int)(wl < 63 ? wl : 63), p);
				mask = secret_word(word) && p[wl - 1] != ';';
			}
			p += wl;
		}
		sb_addc(&sb, '\n');
		s += len + (s[len] == '\n');
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

bool fw_junos_detect(const char *s)
{
	return !strncmp(s, "## Last commit", 14) || !strncmp(s, "version ", 8) || !strncmp(s, "set version ", 12) ||
	       !strncmp(s, "set security ", 13) || !strncmp(s, "set system ", 11) || !strncmp(s, "set interfaces ", 15) ||
	       !strncmp(s, "system {", 8) || !strncmp(s, "security {", 10) || !strncmp(s, "interfaces {", 12) ||
	       !strncmp(s, "set groups ", 11) || !strncmp(s, "groups {", 8) || !strncmp(s, "deactivate ", 11);
}

/* The stored text, then the site's own `mask:` patterns. */
char *fw_junos_clean(const char *text, const struct fw_mask *mask)
{
	char *clean = clean_junos(text), *masked;

	if (!clean)
		return NULL;
	masked = fw_mask_site(mask, clean);
	free(clean);
	return masked;
}
