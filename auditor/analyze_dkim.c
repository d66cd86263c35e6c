/*
 * analyze_dkim.c - DKIM key records (RFC 6376 3.6.1, RFC 8301, RFC 8463)
 * of the configured selectors: tags, revocation, and the key itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "dkim_key.h"

/* Is word one of the colon-separated items of list (whitespace allowed)? */
static bool list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == wl && !strncmp(p, word, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

struct dkim_ctx {
	const struct analyze_opts *o;
	const char *subj;
	char *ev;
	struct findings *out;     /* may be NULL: only the state is wanted */
	bool parked;              /* analyze_parked(): revoking every key is the profile */
};

static void add(struct dkim_ctx *c, enum severity sev, const char *code,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(struct dkim_ctx *c, enum severity sev, const char *code,
		const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!c->out)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	findings_add(c->out, sev, code, c->subj, c->ev, "%s", msg ? msg : "(out of memory)");
	free(msg);
}

/* v=, k=, h=, s=, t=: anything that makes verifiers ignore the key. */
static bool check_tags(struct dkim_ctx *c, const struct taglist *tl)
{
	const struct tag *v = taglist_get(tl, "v", false), *k = taglist_get(tl, "k", false);
	const struct tag *h = taglist_get(tl, "h", false), *s = taglist_get(tl, "s", false);
	const struct tag *t = taglist_get(tl, "t", false);
	bool ok = true;

	if (v && v != &tl->v[0])
		ok = false, add(c, SEV_CRITICAL, "dkim.version", "v= must be the "
				"first tag; verifiers reject the key");
	else if (v && strcmp(v->value, "DKIM1"))
		ok = false, add(c, SEV_CRITICAL, "dkim.version", "v=%.40s is not "
				"DKIM1; verifiers reject the key", v->value);
	if (k && strcmp(k->value, "rsa") && strcmp(k->value, "ed25519"))
		ok = false, add(c, SEV_CRITICAL, "dkim.key-type", "k=%.40s is not rsa "
				"or ed25519; verifiers cannot use the key", k->value);
	if (h && !list_has(h->value, "sha256"))
		ok = false, add(c, SEV_CRITICAL, "dkim.hash", "h=%.40s %s", h->value,
				list_has(h->value, "sha1") ? "allows only sha1, which "
				"RFC 8301 forbids; remove h= or add sha256" :
				"names no usable hash; remove h=");
	if (s && !list_has(s->value, "*") && !list_has(s->value, "email"))
		ok = false, add(c, SEV_CRITICAL, "dkim.service", "s=%.40s excludes "
				"email: verifiers ignore the key for mail; remove s= or "
				"use s=email", s->value);
	if (t && list_has(t->value, "y"))
		add(c, SEV_INFO, "dkim.testing", "t=%.40s: testing mode, receivers may "
		    "treat failures as unsigned; remove y once signing works", t->value);
	return ok;
}

static bool check_key(struct dkim_ctx *c, const char *p, const char *k,
		      struct dkim_selector_state *st)
{
	const struct analyze_opts *o = c->o;
	struct dkim_key key;

	if (!*p && (!strncmp(c->subj, "*._domainkey.", 13) || c->parked)) {
		add(c, SEV_INFO, "dkim.revoked", "%s", c->parked ?
		    "p= is empty: no key signs for this parked domain (it sends no mail)" :
		    "p= is empty on the wildcard selector: every selector not published "
		    "otherwise is revoked, the pattern of a domain that sends no mail");
		return false;
	}
	if (!*p) {
		add(c, SEV_CRITICAL, "dkim.revoked", "p= is empty: the key is revoked "
		    "and mail signed with this selector fails DKIM; publish the key "
		    "or stop signing with it");
		return false;
	}
	if (dkim_key_info(p, k, &key)) {
		add(c, SEV_CRITICAL, "dkim.key-invalid", "p= is not a usable %s key: "
		    "%s; every signature with this selector fails", k, key.error);
		return false;
	}
	snprintf(st->type, sizeof(st->type), "%s", k);
	st->bits = key.bits;
	if (key.type != DKIM_KEY_RSA)
		return true;
	if (key.bits < o->dkim_crit_bits)
		add(c, SEV_CRITICAL, "dkim.key-too-short", "RSA key of %u bits: "
		    "verifiers reject keys under %u bits (RFC 8301); publish a "
		    "2048-bit key and rotate the signer", key.bits, o->dkim_crit_bits);
	else if (key.bits < o->dkim_warn_bits)
		add(c, SEV_WARNING, "dkim.key-weak", "RSA key of %u bits, under %u: "
		    "weak; rotate to a 2048-bit key", key.bits, o->dkim_warn_bits);
	else if (key.bits > 4096)
		add(c, SEV_WARNING, "dkim.key-too-long", "RSA key of %u bits: some "
		    "verifiers handle at most 4096 (RFC 8301)", key.bits);
	return key.bits >= o->dkim_crit_bits;
}

/* One TXT record at the selector. Returns whether the key is usable. */
static bool check_record(struct dkim_ctx *c, const struct rr *r,
			 struct dkim_selector_state *st)
{
	struct taglist tl;
	const struct tag *p, *k;
	const char *msg;
	size_t pos;
	char *txt = rr_txt_join(r);
	bool ok = false;

	if (!txt) {
		add(c, SEV_CRITICAL, "dkim.syntax", "the TXT record cannot be decoded");
		return false;
	}
	if (taglist_parse(txt, false, &tl, &pos, &msg)) {
		add(c, SEV_CRITICAL, "dkim.syntax", "at column %zu: %s; verifiers "
		    "reject the key", pos + 1, msg);
		free(txt);
		return false;
	}
	k = taglist_get(&tl, "k", false);
	if (!(p = taglist_get(&tl, "p", false)))
		add(c, SEV_CRITICAL, "dkim.syntax", "no p= tag: this is not a DKIM key "
		    "record; verifiers reject it");
	else if (check_tags(c, &tl))
		ok = check_key(c, p->value, k ? k->value : "rsa", st);
	taglist_release(&tl);
	free(txt);
	return ok;
}

static void selector_missing(const struct domain_snap *d, const char *owner,
			     const char *final, bool cname, struct findings *out)
{
	const struct lookup *l = dsnap_lookup(d, owner, "TXT");
	const struct rr *c;
	char *ev;

	if (cname && dsnap_find(d, owner, "CNAME", &c))
		ev = rr_evidence(d, c);
	else if (l)
		ev = lookup_evidence(d, l);
	else
		ev = xasprintf("dns/%s.zone: no TXT at %s", d->name, owner);
	if (cname)
		findings_add(out, SEV_CRITICAL, "dkim.missing", owner, ev,
			     "the selector is a CNAME to %s, which has no key record "
			     "(dangling): mail signed with it fails DKIM; fix the CNAME "
			     "or the provider's key", final);
	else
		findings_add(out, SEV_CRITICAL, "dkim.missing", owner, ev,
			     "no key record for the selector (%s): mail signed with it "
			     "fails DKIM; publish the key or remove the selector from "
			     "the configuration", l ? lookup_state_name(l->state) : "not found");
	free(ev);
}

void analyze_dkim_selector(const struct domain_snap *d, const char *sel,
			   const struct analyze_opts *o, struct findings *out,
			   struct dkim_selector_state *st)
{
	char *owner = xasprintf("%s._domainkey.%s.", sel, d->name), *final;
	struct dkim_selector_state dummy;
	struct dkim_ctx c = { .o = o, .out = out, .subj = owner, .parked = analyze_parked(d, o) };
	const struct rr *r;
	bool cname;
	size_t n = dsnap_follow(d, owner, "TXT", &r, &final, &cname);

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (!n) {
		/* A failed lookup says nothing about the key: analyze_status reports it. */
		if (!out || lookup_unknown(d, owner, "TXT") || lookup_unknown(d, final, "TXT"))
			goto out;
		if (!cname && !dsnap_lookup(d, owner, "TXT"))
			findings_add(out, SEV_INFO, "dkim.not-collected", owner, NULL,
				     "selector %s: this snapshot holds no lookup for it (it "
				     "was taken before the selector was configured?)", sel);
		else
			selector_missing(d, owner, final, cname, out);
		goto out;
	}
	if (n > 1 && out) {
		c.ev = rr_evidence(d, r);
		add(&c, SEV_WARNING, "dkim.multiple", "%zu TXT records at the selector: "
		    "verifiers may pick any (RFC 6376 3.6.2.2); keep one", n);
		free(c.ev);
	}
	for (size_t i = 0; i < n; i++) {
		struct dkim_selector_state one = { 0 };
		c.ev = rr_evidence(d, &r[i]);
		if (check_record(&c, &r[i], &one) && !st->found) {
			*st = one;
			st->found = true;
		}
		free(c.ev);
	}
out:
	free(final);
	free(owner);
}

/*
 * The selectors to check: the configured ones, and those the snapshot
 * holds (configured when it was taken), so checking an old snapshot, or
 * one without the configuration, still covers them.
 */
static void selectors(const struct domain_snap *d, const struct analyze_opts *o,
		      struct strlist *out)
{
	char *suffix = xasprintf("._domainkey.%s.", d->name);
	size_t sl = strlen(suffix);

	for (size_t i = 0; o->dkim_selectors && i < o->dkim_selectors->n; i++)
		sl_push(out, o->dkim_selectors->v[i]);
	for (size_t i = 0; i < d->nlk; i++) {
		const char *n = d->lks[i].name;
		size_t len = strlen(n);
		if (len > sl && !strcmp(n + len - sl, suffix) && !strcmp(d->lks[i].type, "TXT"))
			sl_push_owned(out, xstrndup(n, len - sl));
	}
	sl_sort_uniq(out);
	free(suffix);
}

void analyze_dkim(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out)
{
	struct strlist sels = STRLIST_INIT;

	selectors(d, o, &sels);
	if (!sels.n) {
		char *apex = name_abs(d->name);
		findings_add(out, SEV_INFO, "dkim.no-selectors", apex, NULL,
			     "DKIM not checked: selectors cannot be listed from DNS; "
			     "name them under dkim_selectors in the configuration");
		free(apex);
		return;
	}
	for (size_t i = 0; i < sels.n; i++)
		analyze_dkim_selector(d, sels.v[i], o, out, NULL);
	sl_release(&sels);
}
