/*
 * spf_check.c - SPF findings from a snapshot: static analysis that needs
 * no policy, and the policy check that sending addresses pass.
 *
 * The static walk follows include and redirect through the records the
 * collector stored and counts as RFC 7208 4.6.4 does, for the worst
 * case: an address that matches nothing makes the evaluator visit every
 * term up to "all". exp does not count; an mx term counts once, its
 * exchanges are a separate limit of 10.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf.h"

/* Stop walking a diamond of includes once the count is far past the limit. */
#define WALK_CAP 100

struct walk {
	const struct domain_snap *d;
	struct findings *fs;
	struct strlist stack;     /* domains being walked: loop detection */
	unsigned lookups, voids;
	struct strlist voided;    /* what the void lookups were, for the message */
	unsigned mx_void;         /* MX hosts of mx terms that have no address */
	struct strlist mx_voided; /* "'mx' of example.com: mx2.example.com." */
};

/*
 * Add a finding unless the same one is already there: a record reached
 * along two paths (included twice, say) is still one problem.
 */
static void add(struct walk *w, enum severity sev, const char *code, const char *subject,
		const char *ev, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(struct walk *w, enum severity sev, const char *code, const char *subject,
		const char *ev, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < w->fs->n; i++) {
		const struct finding *f = &w->fs->v[i];

		if (!strcmp(f->code, code) && !strcmp(f->subject, subject) &&
		    !strcmp(f->message, msg)) {
			free(msg);
			return;
		}
	}
	findings_add(w->fs, sev, code, subject, ev, "%s", msg);
	free(msg);
}

static char *evidence(const struct domain_snap *d, const struct rr *r)
{
	struct strbuf sb = STRBUF_INIT;

	rr_where(&sb, d, r);
	sb_adds(&sb, r->rdata);
	return sb_detach(&sb);
}

static enum lookup_state state_of(const struct domain_snap *d, const char *abs,
				  const char *type, size_t *n)
{
	const struct rr *first;
	const struct lookup *lk;

	*n = dsnap_find(d, abs, type, &first);
	if (*n)
		return LK_NOERROR;
	lk = dsnap_lookup(d, abs, type);
	if (!lk)
		return LK_NXDOMAIN;   /* never looked up: treated as absent */
	return lk->state == LK_NOERROR ? LK_NODATA : lk->state;
}

/* Was a lookup of this name/type made at all (so its absence means something)? */
static bool was_looked_up(const struct domain_snap *d, const char *abs, const char *type)
{
	const struct rr *first;

	return dsnap_lookup(d, abs, type) || dsnap_find(d, abs, type, &first);
}

/*
 * The SPF record of name in the snapshot. Returns the number of SPF
 * records found; *rec (allocated) and *rr are the first.
 */
static size_t find_record(const struct domain_snap *d, const char *abs, char **rec,
			  const struct rr **rr)
{
	const struct rr *first;
	size_t n = dsnap_find(d, abs, "TXT", &first), found = 0;

	*rec = NULL;
	*rr = NULL;
	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&first[i]);

		if (txt && spf_is_record(txt, strlen(txt)) && !found++) {
			*rec = txt;
			*rr = &first[i];
		} else {
			free(txt);
		}
	}
	return found;
}

/* Count a void lookup of a term's target if the snapshot shows one. */
static void void_check(struct walk *w, const char *domain, const char *target,
		       const char *type, const char *term)
{
	char *abs = name_abs(target);
	size_t n;
	enum lookup_state st = state_of(w->d, abs, type, &n);

	if ((st == LK_NXDOMAIN || st == LK_NODATA) && was_looked_up(w->d, abs, type)) {
		w->voids++;
		sl_push_owned(&w->voided, xasprintf("'%s' of %s: %s %s %s", term, domain,
						    type, target, lookup_state_name(st)));
	}
	free(abs);
}

/*
 * RFC 7208 counts the mx term's MX lookup as one void lookup at most;
 * pyspf and mailauth also count each MX host whose address lookup
 * comes back empty, so there a record within the limit can permerror.
 */
static bool host_void(const struct domain_snap *d, const char *host)
{
	size_t n;
	enum lookup_state a = state_of(d, host, "A", &n), aaaa = state_of(d, host, "AAAA", &n);

	return was_looked_up(d, host, "A") && (a == LK_NXDOMAIN || a == LK_NODATA) &&
	       (aaaa == LK_NXDOMAIN || aaaa == LK_NODATA);
}

static void mx_hosts_void(struct walk *w, const char *domain, const struct spf_term *t,
			  const struct rr *mx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned pref;
		char *host;

		if (rr_mx(&mx[i], &pref, &host))
			continue;
		if (strcmp(host, ".") && host_void(w->d, host)) {
			w->mx_void++;
			sl_push_owned(&w->mx_voided, xasprintf("'%s' of %s: %s", t->text, domain, host));
		}
		free(host);
	}
}

static void mx_check(struct walk *w, const char *domain, const char *target,
		     const struct spf_term *t, const char *ev)
{
	char *abs = name_abs(target);
	const struct rr *first;
	size_t n = dsnap_find(w->d, abs, "MX", &first);

	if (n > SPF_MAX_MX_NAMES)
		add(w, SEV_CRITICAL, "spf.mx-limit", domain, ev,
		    "'%s' resolves %zu MX names, more than %d: permerror",
		    t->text, n, SPF_MAX_MX_NAMES);
	else
		mx_hosts_void(w, domain, t, first, n);
	free(abs);
	void_check(w, domain, target, "MX", t->text);
}

static void walk_domain(struct walk *w, const char *domain, unsigned depth, bool via_include);

/* Lower case, no final dot: how domains are compared on the stack. */
static char *norm(const char *name)
{
	char *s = str_lower(xstrdup(name));
	size_t n = strlen(s);

	if (n && s[n - 1] == '.')
		s[n - 1] = '\0';
	return s;
}

/* Follow an include or redirect target. */
static void walk_target(struct walk *w, const char *domain, const struct spf_term *t,
			unsigned depth, bool via_include, const char *ev)
{
	char *target;

	if (strchr(t->domain, '%')) {
		add(w, SEV_INFO, "spf.macro-target", domain, ev,
		    "'%s' depends on the sender; its lookups are not counted",
		    t->text);
		return;
	}
	target = norm(t->domain);
	if (sl_has(&w->stack, target)) {
		add(w, SEV_CRITICAL, "spf.loop", domain, ev,
		    "'%s' leads back to %s: the evaluation ends in permerror",
		    t->text, target);
		w->lookups = WALK_CAP;
	} else {
		walk_domain(w, target, depth + 1, via_include || t->kind == SPF_INCLUDE);
	}
	free(target);
}

static void walk_term(struct walk *w, const char *domain, const struct spf_term *t,
		      unsigned depth, bool via_include, const char *ev)
{
	const char *target = t->domain ? t->domain : domain;

	switch (t->kind) {
	case SPF_ALL:
		if (t->qualifier == '+')
			add(w, SEV_CRITICAL, "spf.plus-all", domain, ev,
			    "'%s' authorizes every host on the internet%s", t->text,
			    depth ? " (reached through include/redirect)" : "");
		else if (t->qualifier == '?' && !via_include)
			add(w, SEV_WARNING, "spf.neutral-all", domain, ev,
			    "'%s' gives neutral to every other host: no protection",
			    t->text);
		return;
	case SPF_PTR:
		add(w, SEV_WARNING, "spf.ptr", domain, ev,
		    "'%s': the ptr mechanism is slow and unreliable (RFC 7208 5.5 says do not use it)",
		    t->text);
		w->lookups++;
		return;
	case SPF_A:
	case SPF_EXISTS:
		w->lookups++;
		if (!strchr(target, '%'))
			void_check(w, domain, target, "A", t->text);
		return;
	case SPF_MX:
		w->lookups++;
		if (!strchr(target, '%'))
			mx_check(w, domain, target, t, ev);
		return;
	case SPF_INCLUDE:
	case SPF_REDIRECT:
		w->lookups++;
		walk_target(w, domain, t, depth, via_include, ev);
		return;
	default:
		return;
	}
}

/* Findings about the record's presence and form; returns its text or NULL. */
static char *record_of(struct walk *w, const char *domain, bool top, const char *parent,
		       const struct rr **rr)
{
	char *abs = name_abs(domain), *rec;
	size_t n;
	size_t found = find_record(w->d, abs, &rec, rr);
	enum lookup_state st = state_of(w->d, abs, "TXT", &n);

	if (found > 1)
		add(w, SEV_CRITICAL, "spf.multiple", domain, NULL,
		    "%s has %zu SPF records: every evaluation ends in permerror",
		    domain, found);
	else if (!found && LK_IS_TEMPORARY(st))
		add(w, SEV_WARNING, "spf.lookup-failed", domain, NULL,
		    "the TXT lookup of %s failed (%s): its SPF could not be checked",
		    domain, lookup_state_name(st));
	else if (!found && top)
		add(w, SEV_WARNING, "spf.missing", domain, NULL,
		    "%s has no SPF record: receivers get none", domain);
	else if (!found)
		add(w, SEV_CRITICAL, "spf.target-no-record", domain, NULL,
		    "%s, reached from %s, has no SPF record (%s): permerror",
		    domain, parent, lookup_state_name(st));
	free(abs);
	if (found > 1) {
		free(rec);
		return NULL;
	}
	return rec;
}

static void walk_domain(struct walk *w, const char *domain, unsigned depth, bool via_include)
{
	const struct rr *rr;
	const char *parent = w->stack.n ? w->stack.v[w->stack.n - 1] : NULL;
	char *rec = record_of(w, domain, depth == 0, parent, &rr), *ev;
	struct spf_record r;
	struct spf_error err;

	if (!rec)
		return;
	ev = evidence(w->d, rr);
	if (spf_parse(rec, strlen(rec), &r, &err) < 0) {
		add(w, SEV_CRITICAL, "spf.syntax", domain, ev,
		    "syntax error at position %zu of the SPF record of %s: %s",
		    err.pos + 1, domain, err.msg);
	} else {
		sl_push(&w->stack, domain);
		for (size_t i = 0; i < r.n && w->lookups < WALK_CAP; i++) {
			walk_term(w, domain, &r.terms[i], depth, via_include, ev);
			if (r.terms[i].kind == SPF_ALL)
				break;   /* nothing after "all" is ever evaluated */
		}
		if (r.redirect >= 0 && !r.has_all && w->lookups < WALK_CAP)
			walk_term(w, domain, &r.terms[r.redirect], depth, via_include, ev);
		free(w->stack.v[--w->stack.n]);
		spf_record_release(&r);
	}
	free(ev);
	free(rec);
}

/*
 * A TXT record that is not SPF but reads like SPF terms ("include:x -all"):
 * someone split a long record into two RRs instead of two strings, and
 * receivers ignore the tail.
 */
static bool looks_like_spf_tail(const char *txt)
{
	static const char *const starts[] = {
		"include:", "ip4:", "ip6:", "a:", "a/", "mx:", "mx/", "exists:", "ptr",
		"redirect=", "exp=", "all", "a ", "mx ",
	};
	struct spf_record r;
	struct spf_error err;
	char *rec;
	bool ok;

	if (*txt && strchr("+-~?", *txt))
		txt++;
	for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
		if (strncasecmp(txt, starts[i], strlen(starts[i])))
			continue;
		/* It must parse as terms, so prose that happens to start "all" is spared. */
		rec = xasprintf("v=spf1 %s", txt);
		ok = spf_parse(rec, strlen(rec), &r, &err) == 0;
		if (ok)
			spf_record_release(&r);
		free(rec);
		return ok;
	}
	return false;
}

static void split_check(const struct domain_snap *d, const struct rr *rrs, size_t n,
			struct findings *fs)
{
	bool has_spf = false;

	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&rrs[i]);

		has_spf |= txt && spf_is_record(txt, strlen(txt));
		free(txt);
	}
	for (size_t i = 0; has_spf && i < n; i++) {
		char *txt = rr_txt_join(&rrs[i]), *ev;

		if (txt && !spf_is_record(txt, strlen(txt)) && looks_like_spf_tail(txt)) {
			ev = evidence(d, &rrs[i]);
			findings_add(fs, SEV_CRITICAL, "spf.split-record", d->name, ev,
				     "a TXT record of %s holds SPF terms without 'v=spf1': a record split into two RRs; receivers ignore this part",
				     d->name);
			free(ev);
		}
		free(txt);
	}
}

/* Length advice of RFC 7208 3.3/3.4 and the SPF RR type of 3.1. */
static void form_checks(const struct domain_snap *d, const char *abs, struct findings *fs)
{
	const struct rr *first;
	size_t n = dsnap_find(d, abs, "TXT", &first);

	split_check(d, first, n, fs);
	for (size_t i = 0; i < n; i++) {
		struct strlist sl = STRLIST_INIT;
		size_t total = 0, longest = 0;
		char *ev;

		if (rr_txt_strings(&first[i], &sl) < 0 || !sl.n ||
		    !spf_is_record(sl.v[0], strlen(sl.v[0]))) {
			sl_release(&sl);
			continue;
		}
		for (size_t k = 0; k < sl.n; k++) {
			total += strlen(sl.v[k]);
			if (strlen(sl.v[k]) > longest)
				longest = strlen(sl.v[k]);
		}
		ev = evidence(d, &first[i]);
		if (longest > SPF_MAX_STRING)
			findings_add(fs, SEV_CRITICAL, "spf.string-too-long", d->name, ev,
				     "a TXT string of %zu characters (limit %d): the record cannot be published",
				     longest, SPF_MAX_STRING);
		if (total > SPF_MAX_RECORD)
			findings_add(fs, SEV_WARNING, "spf.record-too-long", d->name, ev,
				     "the SPF record is %zu characters; over %d it may not fit a UDP answer",
				     total, SPF_MAX_RECORD);
		free(ev);
		sl_release(&sl);
	}
	n = dsnap_find(d, abs, "SPF", &first);
	if (!n)
		n = dsnap_find(d, abs, "TYPE99", &first);
	if (n) {
		char *ev = evidence(d, first);

		findings_add(fs, SEV_WARNING, "spf.rr-type", d->name, ev,
			     "the SPF RR type (99) is obsolete (RFC 7208 3.1); receivers only read TXT");
		free(ev);
	}
}

void spf_analyze(const struct domain_snap *d, struct findings *fs)
{
	struct walk w = { .d = d, .fs = fs };
	char *abs = name_abs(d->name), *top = norm(d->name);

	form_checks(d, abs, fs);
	walk_domain(&w, top, 0, false);
	if (w.lookups > SPF_MAX_LOOKUPS && w.lookups < WALK_CAP)
		findings_add(fs, SEV_CRITICAL, "spf.lookup-limit", d->name, NULL,
			     "SPF needs %u DNS-querying terms in the worst case, over the limit of %d: permerror",
			     w.lookups, SPF_MAX_LOOKUPS);
	else if (w.lookups >= SPF_MAX_LOOKUPS - 1 && w.lookups <= SPF_MAX_LOOKUPS)
		findings_add(fs, SEV_WARNING, "spf.lookup-limit", d->name, NULL,
			     "SPF needs %u of at most %d DNS-querying terms: one more include breaks it",
			     w.lookups, SPF_MAX_LOOKUPS);
	if (w.voids > SPF_MAX_VOIDS) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < w.voided.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", w.voided.v[i]);
		findings_add(fs, SEV_CRITICAL, "spf.void-limit", d->name, sb.buf,
			     "SPF makes %u void lookups, over the limit of %d: permerror",
			     w.voids, SPF_MAX_VOIDS);
		sb_release(&sb);
	}
	if (w.mx_void) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < w.mx_voided.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", w.mx_voided.v[i]);
		findings_add(fs, SEV_WARNING, "spf.mx-void-hosts", d->name, sb.buf,
			     "SPF 'mx' reaches %u MX host%s with no address: receivers that count "
			     "each as a void lookup (pyspf, mailauth) see %u in all, %s",
			     w.mx_void, w.mx_void == 1 ? "" : "s", w.voids + w.mx_void,
			     w.voids + w.mx_void > SPF_MAX_VOIDS ? "over the limit of 2: permerror "
			     "there" : "the limit is 2");
		sb_release(&sb);
	}
	sl_release(&w.stack);
	sl_release(&w.voided);
	sl_release(&w.mx_voided);
	free(top);
	free(abs);
}

/* Evidence for a deciding term: the snapshot line of the record holding it. */
static char *term_evidence(const struct domain_snap *d, const char *term_domain)
{
	char *abs = name_abs(term_domain), *rec, *ev = NULL;
	const struct rr *rr;

	if (find_record(d, abs, &rec, &rr) >= 1 && rr)
		ev = evidence(d, rr);
	free(rec);
	free(abs);
	return ev;
}

void spf_check_ips(const struct domain_snap *d, const struct strlist *ips,
		   struct findings *fs)
{
	struct spf_snapdns sd;
	struct spf_dns dns;

	if (!ips)
		return;
	spf_snapdns_init(&sd, NULL, d, &dns);
	for (size_t i = 0; i < ips->n; i++) {
		/* A fixed %{t} keeps the result a pure function of the snapshot. */
		struct spf_query q = { .ip = ips->v[i], .domain = d->name, .now = 1,
					.result_only = true };
		struct spf_eval e;
		char *ev, *by;

		if (spf_check_host(&dns, &q, &e) == 0 && e.result == SPF_PASS) {
			spf_eval_release(&e);
			continue;
		}
		ev = e.term_domain ? term_evidence(d, e.term_domain) : NULL;
		by = e.term ? xasprintf(", decided by '%s' in the record of %s", e.term,
					e.term_domain) : xstrdup("");
		findings_add(fs, SEV_CRITICAL, "spf.ip-not-authorized", ips->v[i], ev,
			     "SPF of %s gives %s for sending address %s%s: %s",
			     d->name, spf_result_name(e.result), ips->v[i], by,
			     e.reason ? e.reason : "bad address");
		free(by);
		free(ev);
		spf_eval_release(&e);
	}
	spf_snapdns_release(&sd);
}
