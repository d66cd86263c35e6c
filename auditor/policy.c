/*
 * policy.c - policies/NAME.yaml: loading with file:line:col errors,
 * checking a domain snapshot against them, and applying severity
 * overrides and ignore rules to findings.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "yamltree.h"
#include "policy.h"
#include "spf.h"

/* ---- loading -------------------------------------------------------- */

struct loader {
	const char *file;
	struct policy *p;
};

static struct policy_pos pos_of(const struct ynode *n)
{
	return (struct policy_pos){ n->line, n->col };
}

/* Reject keys outside allowed (a NULL-terminated list) so typos surface. */
static int known_keys(const struct loader *L, const struct ynode *map,
		      const char *section, const char *const *allowed)
{
	for (size_t i = 0; i < map->n; i++) {
		const char *k = map->pairs[i].key->scalar;
		bool ok = false;
		struct strbuf list = STRBUF_INIT;
		int r;

		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = !strcmp(k, allowed[j]);
		if (ok)
			continue;
		for (size_t j = 0; allowed[j]; j++)
			sb_addf(&list, "%s%s", j ? ", " : "", allowed[j]);
		r = yerror(L->file, map->pairs[i].key, "unknown key '%s' in %s; expected one of: %s",
			   k, section, list.buf);
		sb_release(&list);
		return r;
	}
	return 0;
}

/* A scalar or a list of scalars, each checked by valid (may be NULL). */
static int scalars(const struct loader *L, const struct ynode *n, const char *what,
		   bool (*valid)(const char *), const char *expect, struct strlist *out)
{
	const struct ynode *one = n;
	size_t count = n->kind == Y_SEQ ? n->n : 1;

	if (n->kind == Y_MAP)
		return yerror(L->file, n, "expected a value or a list for '%s', found a mapping", what);
	for (size_t i = 0; i < count; i++) {
		if (n->kind == Y_SEQ)
			one = n->items[i];
		if (yexpect(L->file, one, Y_SCALAR, what))
			return -1;
		if (valid && !valid(one->scalar))
			return yerror(L->file, one, "'%s' is not %s (in '%s')", one->scalar, expect, what);
		sl_push(out, one->scalar);
	}
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || s[0] == '.' || strstr(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static bool valid_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A finding code ("dmarc.policy-none") or a family ("dmarc.*"). */
static bool valid_code(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && !strcmp(s + n - 2, ".*"))
		n -= 2;
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

static int load_domains(struct loader *L, const struct ynode *n)
{
	if (scalars(L, n, "domain", valid_name, "a domain name", &L->p->domains))
		return -1;
	for (size_t i = 0; i < L->p->domains.n; i++) {
		char *s = L->p->domains.v[i];
		size_t len = strlen(s);
		str_lower(s);
		if (len && s[len - 1] == '.')
			s[len - 1] = '\0';
	}
	L->p->at = pos_of(n);
	return 0;
}

static int load_mx(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "exact", "include", NULL };
	const struct ynode *exact, *incl;
	struct strlist names = STRLIST_INIT;
	int r;

	if (yexpect(L->file, n, Y_MAP, "mx") || known_keys(L, n, "mx", keys))
		return -1;
	exact = ymap_get(n, "exact");
	incl = ymap_get(n, "include");
	if (!!exact == !!incl)
		return yerror(L->file, n, "mx needs exactly one of 'exact' or 'include'");
	L->p->mx_exact = exact != NULL;
	L->p->mx_at = pos_of(exact ? exact : incl);
	r = scalars(L, exact ? exact : incl, exact ? "mx.exact" : "mx.include",
		    valid_name, "a host name", &names);
	for (size_t i = 0; !r && i < names.n; i++)
		sl_push_owned(&L->p->mx, name_abs(names.v[i]));
	sl_release(&names);
	return r;
}

static int load_spf(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "must_pass", NULL };
	const struct ynode *mp;

	if (yexpect(L->file, n, Y_MAP, "spf") || known_keys(L, n, "spf", keys))
		return -1;
	if (!(mp = ymap_get(n, "must_pass")))
		return yerror(L->file, n, "spf needs 'must_pass': the addresses that must get SPF pass");
	L->p->spf_at = pos_of(mp);
	return scalars(L, mp, "spf.must_pass", valid_ip, "an IPv4 or IPv6 address",
		       &L->p->spf_pass);
}

static int load_selector(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "name", "min_bits", NULL };
	struct policy *p = L->p;
	struct policy_selector *s;
	const struct ynode *name = n, *bits = NULL;
	unsigned v = 0;

	if (n->kind == Y_MAP) {
		if (known_keys(L, n, "a dkim selector", keys))
			return -1;
		if (!(name = ymap_get(n, "name")))
			return yerror(L->file, n, "a dkim selector needs 'name'");
		bits = ymap_get(n, "min_bits");
	}
	if (yexpect(L->file, name, Y_SCALAR, "dkim.selectors") ||
	    (bits && yget_uint(L->file, bits, "min_bits", 16384, &v)))
		return -1;
	if (!valid_name(name->scalar) || strchr(name->scalar, '.') == name->scalar)
		return yerror(L->file, name, "'%s' is not a selector name", name->scalar);
	ALLOC_GROW(p->sels, p->nsel + 1, p->sel_alloc);
	s = &p->sels[p->nsel++];
	s->name = str_lower(xstrdup(name->scalar));
	s->min_bits = v;
	s->at = pos_of(name);
	return 0;
}

static int load_dkim(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "selectors", "min_bits", NULL };
	const struct ynode *sels, *bits;

	if (yexpect(L->file, n, Y_MAP, "dkim") || known_keys(L, n, "dkim", keys))
		return -1;
	if ((bits = ymap_get(n, "min_bits")) &&
	    yget_uint(L->file, bits, "dkim.min_bits", 16384, &L->p->dkim_min_bits))
		return -1;
	if (!(sels = ymap_get(n, "selectors")))
		return 0;
	if (sels->kind != Y_SEQ)
		return load_selector(L, sels);
	for (size_t i = 0; i < sels->n; i++)
		if (load_selector(L, sels->items[i]))
			return -1;
	return 0;
}

static bool valid_rua(const char *s)
{
	return !strncasecmp(s, "mailto:", 7) && strchr(s + 7, '@');
}

static int load_dmarc(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "min_policy", "rua", NULL };
	const struct ynode *mp, *rua;
	enum dmarc_policy dp;

	if (yexpect(L->file, n, Y_MAP, "dmarc") || known_keys(L, n, "dmarc", keys))
		return -1;
	L->p->dmarc_at = pos_of(n);
	if ((mp = ymap_get(n, "min_policy"))) {
		if (yexpect(L->file, mp, Y_SCALAR, "dmarc.min_policy"))
			return -1;
		if (dmarc_policy_parse(mp->scalar, &dp))
			return yerror(L->file, mp, "expected none, quarantine or reject for "
				      "'dmarc.min_policy', found '%s'", mp->scalar);
		L->p->dmarc_min = dp;
	}
	if ((rua = ymap_get(n, "rua")))
		return scalars(L, rua, "dmarc.rua", valid_rua, "a mailto: address",
			       &L->p->dmarc_rua);
	return 0;
}

static int load_mtasts(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "mode", NULL };
	static const char *const modes[] = { "none", "testing", "enforce" };
	const struct ynode *m;

	if (yexpect(L->file, n, Y_MAP, "mta_sts") || known_keys(L, n, "mta_sts", keys))
		return -1;
	if (!(m = ymap_get(n, "mode")))
		return yerror(L->file, n, "mta_sts needs 'mode'");
	if (yexpect(L->file, m, Y_SCALAR, "mta_sts.mode"))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcmp(m->scalar, modes[i])) {
			L->p->mtasts_mode = (int)i;
			L->p->mtasts_at = pos_of(m);
			return 0;
		}
	}
	return yerror(L->file, m, "expected none, testing or enforce for 'mta_sts.mode', "
		      "found '%s'", m->scalar);
}

/* An address or a network: "198.51.100.0/24", "2001:db8::/32". */
static bool valid_net(const char *s)
{
	unsigned char a[16];
	char addr[64], *end;
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long bits;
	int af;

	if (len >= sizeof(addr))
		return false;
	memcpy(addr, s, len);
	addr[len] = '\0';
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, a) != 1)
		return false;
	if (!slash)
		return true;
	bits = strtol(slash + 1, &end, 10);
	return slash[1] && !*end && bits >= 0 && bits <= (af == AF_INET ? 32 : 128);
}

/* "0.5%" -> 5000 (millionths); -1 unless 0-100% with at most 4 decimals. */
static long parse_share(const char *s)
{
	long whole = 0, frac = 0;
	int digits = 0, ndec = 0;
	const char *p = s;

	for (; isdigit((unsigned char)*p) && digits < 4; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (!digits)
		return -1;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && ndec < 4; p++, ndec++)
			frac = frac * 10 + (*p - '0');
		if (!ndec)
			return -1;
	}
	if (strcmp(p, "%"))
		return -1;
	for (; ndec < 4; ndec++)
		frac *= 10;
	whole = whole * 10000 + frac;
	return whole > 1000000 ? -1 : whole;
}

static int load_firewall(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "blocklist_share", "must_reach", NULL };
	const struct ynode *share, *reach;

	if (yexpect(L->file, n, Y_MAP, "firewall") || known_keys(L, n, "firewall", keys))
		return -1;
	if ((share = ymap_get(n, "blocklist_share"))) {
		if (yexpect(L->file, share, Y_SCALAR, "firewall.blocklist_share"))
			return -1;
		if ((L->p->blocklist_ppm = parse_share(share->scalar)) < 0)
			return yerror(L->file, share, "expected a share of the address space from 0%% to 100%% "
				      "(like 0.5%%) for 'firewall.blocklist_share', found '%s'", share->scalar);
		L->p->blocklist_at = pos_of(share);
	}
	if (!(reach = ymap_get(n, "must_reach")))
		return 0;
	L->p->must_reach_at = pos_of(reach);
	return scalars(L, reach, "firewall.must_reach", valid_net, "an address or network (CIDR)",
		       &L->p->must_reach);
}

static int load_severity(struct loader *L, const struct ynode *n)
{
	struct policy *p = L->p;

	if (yexpect(L->file, n, Y_MAP, "severity"))
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
		struct policy_override *o;
		enum severity sev;

		if (!valid_code(k->scalar))
			return yerror(L->file, k, "'%s' is not a finding code (like "
				      "dmarc.policy-none or dmarc.*)", k->scalar);
		if (!finding_code_known(k->scalar))
			return yerror(L->file, k, "'%s' is not a finding code mxaudit reports "
				      "(README lists them)", k->scalar);
		if (yexpect(L->file, v, Y_SCALAR, k->scalar))
			return -1;
		if (severity_parse(v->scalar, &sev))
			return yerror(L->file, v, "expected info, warning or critical for "
				      "'%s', found '%s'", k->scalar, v->scalar);
		ALLOC_GROW(p->ovr, p->novr + 1, p->ovr_alloc);
		o = &p->ovr[p->novr++];
		o->code = xstrdup(k->scalar);
		o->sev = sev;
		o->at = pos_of(k);
	}
	return 0;
}

/* "YYYY-MM-DD" -> the first second after that day, UTC; 0 if invalid. */
static time_t day_end(const char *s)
{
	struct tm tm = { 0 };
	int y, m, d, n = 0;
	time_t t;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm normalizes 2026-02-30 to March: reject what moved. */
	if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return 0;
	return t + 86400;
}

static int load_one_ignore(struct loader *L, const struct ynode *n)
{
	static const char *const keys[] = { "code", "subject", "reason", "until", NULL };
	const struct ynode *code, *subj, *reason, *until;
	struct policy_ignore ig = { 0 };
	struct policy *p = L->p;

	if (yexpect(L->file, n, Y_MAP, "ignore") || known_keys(L, n, "an ignore rule", keys))
		return -1;
	code = ymap_get(n, "code");
	subj = ymap_get(n, "subject");
	reason = ymap_get(n, "reason");
	until = ymap_get(n, "until");
	if (!code || !reason)
		return yerror(L->file, n, "an ignore rule needs 'code' and 'reason'");
	if (yexpect(L->file, code, Y_SCALAR, "code") || yexpect(L->file, reason, Y_SCALAR, "reason") ||
	    (subj && yexpect(L->file, subj, Y_SCALAR, "subject")) ||
	    (until && yexpect(L->file, until, Y_SCALAR, "until")))
		return -1;
	if (!valid_code(code->scalar))
		return yerror(L->file, code, "'%s' is not a finding code", code->scalar);
	if (!*reason->scalar)
		return yerror(L->file, reason, "the reason must say why the finding is ignored");
	if (until && !(ig.until_end = day_end(until->scalar)))
		return yerror(L->file, until, "expected a date YYYY-MM-DD for 'until', found '%s'",
			      until->scalar);
	if (until)
		memcpy(ig.until, until->scalar, 10);
	ig.code = xstrdup(code->scalar);
	ig.subject = subj ? xstrdup(subj->scalar) : NULL;
	ig.reason = xstrdup(reason->scalar);
	ig.at = pos_of(n);
	ALLOC_GROW(p->ign, p->nign + 1, p->ign_alloc);
	p->ign[p->nign++] = ig;
	return 0;
}

static int load_ignore(struct loader *L, const struct ynode *n)
{
	if (yexpect(L->file, n, Y_SEQ, "ignore"))
		return -1;
	for (size_t i = 0; i < n->n; i++)
		if (load_one_ignore(L, n->items[i]))
			return -1;
	return 0;
}

static void policy_release(struct policy *p)
{
	free(p->file);
	sl_release(&p->domains);
	sl_release(&p->mx);
	sl_release(&p->spf_pass);
	for (size_t i = 0; i < p->nsel; i++)
		free(p->sels[i].name);
	free(p->sels);
	sl_release(&p->dmarc_rua);
	sl_release(&p->must_reach);
	for (size_t i = 0; i < p->novr; i++)
		free(p->ovr[i].code);
	free(p->ovr);
	for (size_t i = 0; i < p->nign; i++) {
		free(p->ign[i].code);
		free(p->ign[i].subject);
		free(p->ign[i].reason);
	}
	free(p->ign);
}

static int load_root(struct loader *L, const struct ynode *root)
{
	static const char *const keys[] = { "domain", "domains", "mx", "spf", "dkim", "dmarc",
					    "mta_sts", "firewall", "severity", "ignore", NULL };
	static const struct {
		const char *key;
		int (*fn)(struct loader *, const struct ynode *);
	} sections[] = {
		{ "domain", load_domains }, { "domains", load_domains }, { "mx", load_mx },
		{ "spf", load_spf }, { "dkim", load_dkim }, { "dmarc", load_dmarc },
		{ "mta_sts", load_mtasts }, { "firewall", load_firewall }, { "severity", load_severity },
		{ "ignore", load_ignore },
	};

	if (yexpect(L->file, root, Y_MAP, "the policy") ||
	    known_keys(L, root, "a policy", keys))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		const struct ynode *n = ymap_get(root, sections[i].key);
		if (n && sections[i].fn(L, n))
			return -1;
	}
	if (!L->p->domains.n)
		return yerror(L->file, root, "a policy needs 'domain': the domain it is for");
	return 0;
}

int policy_load_buffer(const char *name, const char *buf, size_t len,
		       struct policy_set *set)
{
	struct ynode *root = NULL;
	struct policy p = { .dmarc_min = DP_UNSET, .mtasts_mode = MTS_UNSET, .blocklist_ppm = -1 };
	struct loader L = { name, &p };
	int r;

	if (yaml_load_buffer(name, buf, len, &root))
		return -1;
	if (!root) {
		struct ynode empty = { .kind = Y_SCALAR, .line = 1, .col = 1 };
		return yerror(name, &empty, "the policy is empty");
	}
	r = load_root(&L, root);
	ynode_free(root);
	if (r) {
		policy_release(&p);
		return -1;
	}
	p.file = xstrdup(name);
	ALLOC_GROW(set->v, set->n + 1, set->alloc);
	set->v[set->n++] = p;
	return 0;
}

int policy_load_file(const char *path, struct policy_set *set)
{
	char *buf;
	size_t len;
	int r;

	if (read_file_max(path, INPUT_MAX_TEXT, &buf, &len))
		return -1;
	r = policy_load_buffer(path, buf, len, set);
	free(buf);
	return r;
}

void policy_set_release(struct policy_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		policy_release(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = set->alloc = 0;
}

bool policy_covers(const struct policy *p, const char *domain)
{
	return sl_has(&p->domains, domain);
}

/* ---- checking ------------------------------------------------------- */

struct checker {
	const struct policy *p;
	const struct domain_snap *d;
	const struct analyze_opts *o;
	struct findings *out;
	char *apex;
};

static char *where(const struct policy *p, struct policy_pos at)
{
	return xasprintf("%s:%u:%u", p->file, at.line, at.col);
}

static void check_mx(struct checker *c)
{
	const struct policy *p = c->p;
	struct strlist have = STRLIST_INIT;
	const struct rr *r;
	size_t n;
	char *ev;

	if (!p->mx.n || lookup_unknown(c->d, c->apex, "MX"))
		return;
	n = dsnap_follow(c->d, c->apex, "MX", &r, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		unsigned pref;
		char *host;
		if (!rr_mx(&r[i], &pref, &host))
			sl_push_owned(&have, host);
	}
	ev = where(p, p->mx_at);
	for (size_t i = 0; i < p->mx.n; i++)
		if (!sl_has(&have, p->mx.v[i]))
			findings_add(c->out, SEV_CRITICAL, "policy.mx-missing", p->mx.v[i], ev,
				     "required MX %s is not published for %s; mail that "
				     "should reach it goes elsewhere or bounces; restore the MX",
				     p->mx.v[i], c->apex);
	for (size_t i = 0; p->mx_exact && i < have.n; i++)
		if (!sl_has(&p->mx, have.v[i]))
			findings_add(c->out, SEV_WARNING, "policy.mx-unexpected", have.v[i], ev,
				     "MX %s is not in the policy's exact MX set: some mail "
				     "goes to a host nobody planned for; remove it or add it "
				     "to the policy", have.v[i]);
	free(ev);
	sl_release(&have);
}

static void check_spf(struct checker *c)
{
	struct strlist ips = STRLIST_INIT;
	const struct strlist *cfg = c->o->sending_ips;

	/* Configured sending IPs are checked already by analyze_domain(). */
	for (size_t i = 0; i < c->p->spf_pass.n; i++)
		if (!cfg || !sl_has(cfg, c->p->spf_pass.v[i]))
			sl_push(&ips, c->p->spf_pass.v[i]);
	if (ips.n)
		spf_check_ips(c->d, &ips, c->out);
	sl_release(&ips);
}

static void check_selector(struct checker *c, const struct policy_selector *s)
{
	char *owner = xasprintf("%s._domainkey.%s.", s->name, c->d->name);
	char *ev = where(c->p, s->at);
	bool configured = c->o->dkim_selectors && sl_has(c->o->dkim_selectors, s->name);
	unsigned min = s->min_bits ? s->min_bits : c->p->dkim_min_bits;
	struct dkim_selector_state st;
	const struct rr *r;

	if (!configured && !dsnap_find(c->d, owner, "*", &r) && !dsnap_lookup(c->d, owner, "TXT")) {
		findings_add(c->out, SEV_WARNING, "policy.dkim-not-collected", owner, ev,
			     "required selector %s is not in the snapshot: add it to "
			     "dkim_selectors in the configuration so it is collected", s->name);
		goto out;
	}
	/* Configured selectors were analyzed already; others get the full checks here. */
	analyze_dkim_selector(c->d, s->name, c->o, configured ? NULL : c->out, &st);
	if (st.found && min && !strcmp(st.type, "rsa") && st.bits < min)
		findings_add(c->out, SEV_WARNING, "policy.dkim-key-bits", owner, ev,
			     "selector %s has a %u-bit RSA key; the policy wants at least "
			     "%u: publish a larger key and rotate the signer", s->name, st.bits, min);
out:
	free(ev);
	free(owner);
}

static bool rua_listed(const struct dmarc_record *rec, const char *want)
{
	size_t wl = strlen(want);

	for (size_t i = 0; i < rec->rua.n; i++) {
		const char *u = rec->rua.v[i];
		size_t ul = strcspn(u, "!");
		if (ul == wl && !strncasecmp(u, want, wl))
			return true;
	}
	return false;
}

static void check_dmarc(struct checker *c)
{
	const struct policy *p = c->p;
	char *owner = xasprintf("_dmarc.%s.", c->d->name), *ev;
	struct dmarc_record rec;
	bool valid;

	if ((p->dmarc_min == DP_UNSET && !p->dmarc_rua.n) || lookup_unknown(c->d, owner, "TXT")) {
		free(owner);
		return;
	}
	valid = !dmarc_effective(c->d, &rec);
	ev = where(p, p->dmarc_at);
	if (!valid) {
		findings_add(c->out, SEV_CRITICAL, "policy.dmarc-policy", owner, ev,
			     "the policy requires DMARC%s%s but there is no valid record",
			     p->dmarc_min != DP_UNSET ? " p=" : "",
			     p->dmarc_min != DP_UNSET ? dmarc_policy_name(p->dmarc_min) : "");
	} else {
		/* p missing or invalid is applied as none (RFC 7489 6.6.3, RFC 9989). */
		enum dmarc_policy eff = rec.p == DP_UNSET || rec.p == DP_INVALID ? DP_NONE : rec.p;
		if (p->dmarc_min != DP_UNSET && eff < p->dmarc_min)
			findings_add(c->out, SEV_WARNING, "policy.dmarc-policy", owner, ev,
				     "DMARC p=%s is weaker than the policy's minimum p=%s",
				     dmarc_policy_name(eff), dmarc_policy_name(p->dmarc_min));
		for (size_t i = 0; i < p->dmarc_rua.n; i++)
			if (!rua_listed(&rec, p->dmarc_rua.v[i]))
				findings_add(c->out, SEV_WARNING, "policy.dmarc-rua", owner, ev,
					     "rua does not list %s, which the policy requires: "
					     "those aggregate reports stop", p->dmarc_rua.v[i]);
	}
	dmarc_record_release(&rec);
	free(ev);
	free(owner);
}

/*
 * The mode lives in the HTTPS policy file, which snapshots do not hold:
 * only the DNS half (one valid v=STSv1 record) can be checked here.
 */
static void check_mtasts(struct checker *c)
{
	const struct policy *p = c->p;
	char *owner, *ev;

	if (p->mtasts_mode <= MTS_NONE)
		return;
	owner = xasprintf("_mta-sts.%s.", c->d->name);
	if (!lookup_unknown(c->d, owner, "TXT") && !mtasts_present(c->d)) {
		ev = where(p, p->mtasts_at);
		findings_add(c->out, SEV_WARNING, "policy.mtasts", owner, ev,
			     "the policy requires MTA-STS mode %s but there is no valid "
			     "v=STSv1 record, so senders apply no MTA-STS policy",
			     p->mtasts_mode == MTS_ENFORCE ? "enforce" : "testing");
		free(ev);
	}
	free(owner);
}

void policy_check(const struct policy *p, const struct domain_snap *d,
		  const struct analyze_opts *o, struct findings *out)
{
	struct checker c = { p, d, o, out, name_abs(d->name) };

	check_mx(&c);
	check_spf(&c);
	for (size_t i = 0; i < p->nsel; i++)
		check_selector(&c, &p->sels[i]);
	check_dmarc(&c);
	check_mtasts(&c);
	free(c.apex);
}

/* ---- applying ------------------------------------------------------- */

static bool code_matches(const char *pattern, const char *code)
{
	size_t n = strlen(pattern);

	if (n >= 2 && !strcmp(pattern + n - 2, ".*"))
		return !strncmp(pattern, code, n - 1);
	return !strcmp(pattern, code);
}

static bool subject_matches(const char *want, const char *subj)
{
	size_t wl, sl;

	if (!want)
		return true;
	/* Names may be written with or without the final dot. */
	wl = strlen(want);
	sl = strlen(subj);
	if (wl && want[wl - 1] == '.')
		wl--;
	if (sl && subj[sl - 1] == '.')
		sl--;
	return wl == sl && !strncasecmp(want, subj, wl);
}

static void finding_free(struct finding *f)
{
	free(f->code);
	free(f->subject);
	free(f->message);
	free(f->evidence);
}

void policy_apply(const struct policy *p, time_t now, struct findings *fs,
		  size_t *nignored)
{
	size_t j = 0, dropped = 0;

	for (size_t i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		bool ignore = false;

		for (size_t k = 0; k < p->novr; k++)
			if (code_matches(p->ovr[k].code, f->code))
				f->sev = p->ovr[k].sev;
		for (size_t k = 0; k < p->nign && !ignore; k++) {
			const struct policy_ignore *ig = &p->ign[k];
			ignore = code_matches(ig->code, f->code) && subject_matches(ig->subject, f->subject) &&
				 (!ig->until_end || now < ig->until_end);
		}
		if (ignore) {
			finding_free(f);
			dropped++;
			continue;
		}
		fs->v[j++] = *f;
	}
	fs->n = j;
	for (size_t k = 0; k < p->nign; k++) {
		const struct policy_ignore *ig = &p->ign[k];
		char *ev;
		if (!ig->until_end || now < ig->until_end)
			continue;
		ev = where(p, ig->at);
		findings_add(fs, SEV_INFO, "policy.ignore-expired", ig->code, ev,
			     "the ignore rule for %s%s%s ran out after %s (reason: %s); its "
			     "findings show again: fix them or extend the rule", ig->code,
			     ig->subject ? " on " : "", ig->subject ? ig->subject : "",
			     ig->until, ig->reason);
		free(ev);
	}
	if (nignored)
		*nignored += dropped;
}
