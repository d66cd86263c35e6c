/*
 * spf_eval.c - check_host() of RFC 7208 section 4, over a lookup
 * callback so it runs on a snapshot or live.
 *
 * One evaluation shares its counters (lookup terms, void lookups) across
 * every include and redirect it follows, as section 4.6.4 requires. The
 * trace records each term with the running counts, for -v and JSON.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf.h"

/* Nesting bound in case a callback returns records faster than the limit catches. */
#define SPF_MAX_DEPTH 32

struct ev {
	const struct spf_dns *dns;
	struct spf_eval *out;
	struct spf_macro_vars mv;   /* .domain changes per record */
	char *sender, *local, *sender_dom;
	bool error_set;             /* out->reason holds the first error */
	bool trace;                 /* record out->steps */
};

/* An outcome of one mechanism: matched, did not, or an error result. */
enum mres { M_NOMATCH, M_MATCH, M_TEMPERROR, M_PERMERROR };

int spf_parse_ip(const char *s, int *family, uint8_t ip[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(ip, 0, 16);
	if (s && inet_pton(AF_INET, s, ip) == 1)
		return *family = 4, 0;
	if (!s || inet_pton(AF_INET6, s, ip) != 1)
		return -1;
	*family = 6;
	/* An IPv4-mapped address is the IPv4 client it stands for (section 5). */
	if (!memcmp(ip, mapped, sizeof(mapped))) {
		memmove(ip, ip + 12, 4);
		memset(ip + 4, 0, 12);
		*family = 4;
	}
	return 0;
}

static void step(struct ev *ev, unsigned depth, const char *domain, const char *term,
		 const char *lookup, const char *outcome)
{
	struct spf_eval *o = ev->out;
	struct spf_step *s;

	if (!ev->trace)
		return;
	ALLOC_GROW(o->steps, o->nstep + 1, o->step_alloc);
	s = &o->steps[o->nstep++];
	s->depth = depth;
	s->domain = xstrdup(domain);
	s->term = xstrdup(term);
	s->lookup = lookup ? xstrdup(lookup) : NULL;
	s->lookups = o->lookups;
	s->voids = o->voids;
	s->outcome = xstrdup(outcome);
}

static void update_step(struct ev *ev, size_t at, const char *lookup, const char *outcome)
{
	struct spf_step *s;

	if (!ev->trace)
		return;
	s = &ev->out->steps[at];
	free(s->lookup);
	free(s->outcome);
	s->lookup = lookup ? xstrdup(lookup) : NULL;
	s->outcome = xstrdup(outcome);
	s->lookups = ev->out->lookups;
	s->voids = ev->out->voids;
}

/*
 * Remember why the evaluation ended in an error: the reason is the first
 * (innermost) cause, the term the outermost one it came through, so a
 * temperror deep in a vendor's include names the include that pulled it in.
 */
static void set_error(struct ev *ev, const char *domain, const char *term, char *reason)
{
	struct spf_eval *o = ev->out;

	if (!ev->error_set) {
		ev->error_set = true;
		free(o->reason);
		o->reason = reason;
	} else {
		free(reason);
	}
	if (!term && o->term)
		return;
	free(o->term);
	free(o->term_domain);
	o->term = term ? xstrdup(term) : NULL;
	o->term_domain = xstrdup(domain);
}

/*
 * An answer from the callback: every record it gave (borrowed until the
 * next lookup) and how many are of the type asked.
 */
struct answer {
	const struct rr *rrs;
	size_t nrr, n;
	const char *type;
};

/* The next record of the asked type at or after *i, or NULL. */
static const struct rr *ans_next(const struct answer *a, size_t *i)
{
	for (; *i < a->nrr; ++*i)
		if (!strcasecmp(a->rrs[*i].type, a->type))
			return &a->rrs[(*i)++];
	return NULL;
}

static enum lookup_state lookup(struct ev *ev, const char *name, const char *type,
				struct answer *a)
{
	enum lookup_state st;

	memset(a, 0, sizeof(*a));
	a->type = type;
	st = ev->dns->lookup(ev->dns->ctx, name, type, &a->rrs, &a->nrr);
	if (st != LK_NOERROR)
		a->nrr = 0;
	for (size_t i = 0; i < a->nrr; i++)
		if (!strcasecmp(a->rrs[i].type, type))
			a->n++;
	if (st == LK_NOERROR && !a->n)
		st = LK_NODATA;
	return st;
}

static const char *state_word(enum lookup_state st, size_t n, char buf[32])
{
	if (st == LK_NOERROR)
		snprintf(buf, 32, "%zu record%s", n, n == 1 ? "" : "s");
	else
		snprintf(buf, 32, "%s", lookup_state_name(st));
	return buf;
}

/* Does the address in text (an A or AAAA rdata) fall in the client's prefix? */
static bool ip_in(const struct ev *ev, const char *text, int cidr)
{
	uint8_t a[16];
	int bits = cidr, k;

	if (inet_pton(ev->mv.family == 4 ? AF_INET : AF_INET6, text, a) != 1)
		return false;
	for (k = 0; bits >= 8; k++, bits -= 8)
		if (a[k] != ev->mv.ip[k])
			return false;
	if (bits && (a[k] ^ ev->mv.ip[k]) & (0xff00 >> bits))
		return false;
	return true;
}

static bool net_match(const struct ev *ev, const struct spf_term *t)
{
	char buf[INET6_ADDRSTRLEN];

	if ((t->kind == SPF_IP4) != (ev->mv.family == 4))
		return false;
	inet_ntop(t->kind == SPF_IP4 ? AF_INET : AF_INET6, t->addr, buf, sizeof(buf));
	return ip_in(ev, buf, t->kind == SPF_IP4 ? t->cidr4 : t->cidr6);
}

/* Count a void lookup; true once over the limit. */
static bool count_void(struct ev *ev, enum lookup_state st)
{
	if (st != LK_NODATA && st != LK_NXDOMAIN)
		return false;
	return ++ev->out->voids > SPF_MAX_VOIDS;
}

/*
 * Address lookup for a or one mx exchange: A or AAAA by the client's
 * family. *st gets how it ended; returns whether any address matched.
 */
static bool addr_match(struct ev *ev, const char *name, int cidr4, int cidr6,
		       enum lookup_state *st, size_t *nfound)
{
	struct answer a;
	const struct rr *r;
	size_t i = 0;

	*st = lookup(ev, name, ev->mv.family == 4 ? "A" : "AAAA", &a);
	*nfound = a.n;
	while ((r = ans_next(&a, &i)))
		if (ip_in(ev, r->rdata, ev->mv.family == 4 ? cidr4 : cidr6))
			return true;
	return false;
}

static void reverse_name(const struct ev *ev, struct strbuf *sb)
{
	static const char hex[] = "0123456789abcdef";

	if (ev->mv.family == 4) {
		sb_addf(sb, "%u.%u.%u.%u.in-addr.arpa", ev->mv.ip[3], ev->mv.ip[2],
			ev->mv.ip[1], ev->mv.ip[0]);
		return;
	}
	for (int k = 15; k >= 0; k--)
		sb_addf(sb, "%c.%c.", hex[ev->mv.ip[k] & 15], hex[ev->mv.ip[k] >> 4]);
	sb_adds(sb, "ip6.arpa");
}

/* Strip a final dot; compare names case-insensitively. */
static bool name_eq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (na && a[na - 1] == '.')
		na--;
	if (nb && b[nb - 1] == '.')
		nb--;
	return na == nb && !strncasecmp(a, b, na);
}

static bool name_under(const char *name, const char *domain)
{
	size_t nn = strlen(name), nd = strlen(domain);

	if (nn && name[nn - 1] == '.')
		nn--;
	if (nd && domain[nd - 1] == '.')
		nd--;
	if (name_eq(name, domain))
		return true;
	return nn > nd + 1 && name[nn - nd - 1] == '.' && !strncasecmp(name + nn - nd, domain, nd);
}

/*
 * The validated names of the client (5.5): the first 10 PTR names whose
 * own A/AAAA records include the client. *st is the PTR query's state.
 */
static void validated_names(struct ev *ev, struct strlist *out, enum lookup_state *st)
{
	struct strbuf rev = STRBUF_INIT;
	struct strlist names = STRLIST_INIT;
	struct answer a;
	const struct rr *r;
	size_t i = 0;

	reverse_name(ev, &rev);
	*st = lookup(ev, rev.buf, "PTR", &a);
	while (names.n < SPF_MAX_PTR_NAMES && (r = ans_next(&a, &i)))
		sl_push(&names, r->rdata);
	for (size_t k = 0; k < names.n; k++) {
		enum lookup_state ast;
		size_t found;

		if (addr_match(ev, names.v[k], 32, 128, &ast, &found))
			sl_push(out, names.v[k]);
	}
	sl_release(&names);
	sb_release(&rev);
}

struct p_arg {
	struct ev *ev;
	const char *domain;
};

/* %{p} (7.3): the domain itself if validated, else a subdomain of it, else any. */
static char *get_p(void *arg)
{
	struct p_arg *pa = arg;
	struct strlist v = STRLIST_INIT;
	enum lookup_state st;
	char *best = NULL;

	validated_names(pa->ev, &v, &st);
	for (size_t i = 0; i < v.n && !best; i++)
		if (name_eq(v.v[i], pa->domain))
			best = v.v[i];
	for (size_t i = 0; i < v.n && !best; i++)
		if (name_under(v.v[i], pa->domain))
			best = v.v[i];
	if (!best && v.n)
		best = v.v[0];
	best = xstrdup(best ? best : "unknown");
	if (best[0] && best[strlen(best) - 1] == '.')
		best[strlen(best) - 1] = '\0';
	sl_release(&v);
	return best;
}

/*
 * Expand a term's domain-spec (or take the current domain). Returns 0
 * with *target allocated; -1 on a macro error (permerror).
 */
static int target_name(struct ev *ev, const struct spf_term *t, const char *domain,
		       char **target, struct spf_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct p_arg pa = { ev, domain };

	int r;

	if (!t->domain) {
		*target = xstrdup(domain);
		return 0;
	}
	ev->mv.domain = domain;
	ev->mv.get_p = get_p;
	ev->mv.p_arg = &pa;
	r = spf_macro_expand(t->domain, strlen(t->domain), &ev->mv, false, true, &sb, err);
	ev->mv.p_arg = NULL;   /* pa lives on this stack frame only */
	if (r < 0) {
		sb_release(&sb);
		return -1;
	}
	if (sb.len && sb.buf[sb.len - 1] == '.')
		sb.buf[--sb.len] = '\0';
	*target = sb_detach(&sb);
	return 0;
}

static enum spf_result check_host(struct ev *ev, const char *domain, unsigned depth,
				  bool in_include);

/* Count a lookup term; true once over the limit of 10. */
static bool count_lookup(struct ev *ev)
{
	return ++ev->out->lookups > SPF_MAX_LOOKUPS;
}

/* Note what a mechanism looked up, for the trace (look is NULL without one). */
#define NOTE(look, ...) do { if (look) sb_addf(look, __VA_ARGS__); } while (0)

static enum mres mech_a(struct ev *ev, const struct spf_term *t, const char *target,
			struct strbuf *look, char **why)
{
	enum lookup_state st;
	size_t n;
	char buf[32];
	bool m = addr_match(ev, target, t->cidr4, t->cidr6, &st, &n);

	NOTE(look, "%s %s: %s", ev->mv.family == 4 ? "A" : "AAAA", target,
		state_word(st, n, buf));
	if (LK_IS_TEMPORARY(st))
		return *why = xasprintf("lookup of %s timed out or failed", target), M_TEMPERROR;
	if (count_void(ev, st))
		return *why = xstrdup("more than 2 void lookups"), M_PERMERROR;
	return m ? M_MATCH : M_NOMATCH;
}

static enum mres mech_mx(struct ev *ev, const struct spf_term *t, const char *target,
			 struct strbuf *look, char **why)
{
	struct strlist hosts = STRLIST_INIT;
	struct answer a;
	const struct rr *r;
	enum lookup_state st = lookup(ev, target, "MX", &a);
	size_t i = 0;
	char buf[32];
	enum mres res = M_NOMATCH;

	NOTE(look, "MX %s: %s", target, state_word(st, a.n, buf));
	if (LK_IS_TEMPORARY(st))
		return *why = xasprintf("MX lookup of %s timed out or failed", target), M_TEMPERROR;
	if (count_void(ev, st))
		return *why = xstrdup("more than 2 void lookups"), M_PERMERROR;
	if (a.n > SPF_MAX_MX_NAMES)
		return *why = xasprintf("%s has %zu MX names, more than 10", target, a.n),
		       M_PERMERROR;
	while ((r = ans_next(&a, &i))) {
		unsigned pref;
		char *host;

		if (rr_mx(r, &pref, &host))
			continue;
		if (strlen(host) > 1)   /* the root "." of a null MX stays as it is */
			host[strlen(host) - 1] = '\0';
		sl_push_owned(&hosts, host);
	}
	for (i = 0; i < hosts.n && res == M_NOMATCH; i++) {
		size_t n;

		if (!strcmp(hosts.v[i], "."))   /* null MX: nothing to look up */
			continue;
		if (addr_match(ev, hosts.v[i], t->cidr4, t->cidr6, &st, &n))
			res = M_MATCH;
		NOTE(look, "; %s %s: %s", ev->mv.family == 4 ? "A" : "AAAA",
			hosts.v[i], state_word(st, n, buf));
	}
	sl_release(&hosts);
	return res;
}

static enum mres mech_ptr(struct ev *ev, const char *target, struct strbuf *look,
			  char **why)
{
	struct strlist v = STRLIST_INIT;
	enum lookup_state st;
	enum mres res = M_NOMATCH;

	validated_names(ev, &v, &st);
	NOTE(look, "PTR: %s, %zu validated", lookup_state_name(st), v.n);
	/* A DNS error on the PTR query only means no match (5.5). */
	if (count_void(ev, st))
		return sl_release(&v), *why = xstrdup("more than 2 void lookups"), M_PERMERROR;
	for (size_t i = 0; i < v.n; i++)
		if (name_under(v.v[i], target))
			res = M_MATCH;
	sl_release(&v);
	return res;
}

static enum mres mech_exists(struct ev *ev, const char *target, struct strbuf *look,
			     char **why)
{
	struct answer a;
	enum lookup_state st = lookup(ev, target, "A", &a);   /* A even for IPv6 (5.7) */
	char buf[32];

	NOTE(look, "A %s: %s", target, state_word(st, a.n, buf));
	if (LK_IS_TEMPORARY(st))
		return *why = xasprintf("lookup of %s timed out or failed", target), M_TEMPERROR;
	if (count_void(ev, st))
		return *why = xstrdup("more than 2 void lookups"), M_PERMERROR;
	return a.n ? M_MATCH : M_NOMATCH;
}

static enum mres mech_include(struct ev *ev, const char *target, unsigned depth,
			      struct strbuf *look, char **why)
{
	enum spf_result r;

	if (!spf_domain_valid(target))
		return *why = xasprintf("include target '%s' is not a valid domain", target),
		       M_PERMERROR;
	r = check_host(ev, target, depth + 1, true);
	NOTE(look, "include %s: %s", target, spf_result_name(r));
	switch (r) {
	case SPF_PASS:
		return M_MATCH;
	case SPF_FAIL: case SPF_SOFTFAIL: case SPF_NEUTRAL:
		return M_NOMATCH;
	case SPF_TEMPERROR:
		return *why = xasprintf("include:%s gave temperror", target), M_TEMPERROR;
	case SPF_NONE:
		return *why = xasprintf("include:%s has no SPF record", target), M_PERMERROR;
	default:
		return *why = xasprintf("include:%s gave permerror", target), M_PERMERROR;
	}
}

/* Evaluate one mechanism of the record of domain. */
static enum mres eval_mech(struct ev *ev, const struct spf_term *t, const char *domain,
			   unsigned depth, struct strbuf *look, char **why)
{
	struct spf_error err;
	char *target = NULL;
	enum mres res;

	if (t->kind == SPF_ALL)
		return M_MATCH;
	if (t->kind == SPF_IP4 || t->kind == SPF_IP6)
		return net_match(ev, t) ? M_MATCH : M_NOMATCH;
	if (count_lookup(ev))
		return *why = xstrdup("more than 10 DNS-querying terms"), M_PERMERROR;
	if (target_name(ev, t, domain, &target, &err) < 0)
		return *why = xasprintf("bad macro: %s", err.msg), M_PERMERROR;
	/* A name no query can be made for (empty or long label) matches nothing. */
	if (t->kind != SPF_INCLUDE && !spf_domain_valid(target)) {
		NOTE(look, "'%s' is not a valid domain", target);
		free(target);
		return M_NOMATCH;
	}
	switch (t->kind) {
	case SPF_A: res = mech_a(ev, t, target, look, why); break;
	case SPF_MX: res = mech_mx(ev, t, target, look, why); break;
	case SPF_PTR: res = mech_ptr(ev, target, look, why); break;
	case SPF_EXISTS: res = mech_exists(ev, target, look, why); break;
	default: res = mech_include(ev, target, depth, look, why); break;
	}
	free(target);
	return res;
}

static enum spf_result qual_result(char q)
{
	switch (q) {
	case '-': return SPF_FAIL;
	case '~': return SPF_SOFTFAIL;
	case '?': return SPF_NEUTRAL;
	default: return SPF_PASS;
	}
}

/*
 * Fetch and select the SPF record of domain (4.4, 4.5). Returns 0 with
 * *rec allocated, or 1 with *res set (none, temperror, permerror).
 */
static int fetch_record(struct ev *ev, const char *domain, unsigned depth,
			char **rec, enum spf_result *res)
{
	struct answer a;
	const struct rr *r;
	enum lookup_state st = lookup(ev, domain, "TXT", &a);
	size_t i = 0, found = 0;
	char buf[64];

	*rec = NULL;
	while ((r = ans_next(&a, &i))) {
		char *txt = rr_txt_join(r);

		if (txt && spf_is_record(txt, strlen(txt)) && !found++)
			*rec = txt;
		else
			free(txt);
	}
	snprintf(buf, sizeof(buf), "TXT %s", lookup_state_name(st));
	if (LK_IS_TEMPORARY(st)) {
		*res = SPF_TEMPERROR;
		set_error(ev, domain, NULL, xasprintf("TXT lookup of %s timed out or failed", domain));
	} else if (!found) {
		*res = SPF_NONE;
	} else if (found > 1) {
		*res = SPF_PERMERROR;
		set_error(ev, domain, NULL, xasprintf("%s has %zu SPF records", domain, found));
	} else {
		step(ev, depth, domain, "(record)", buf, *rec);
		return 0;
	}
	step(ev, depth, domain, "(record)", buf, spf_result_name(*res));
	free(*rec);
	*rec = NULL;
	return 1;
}

/* The exp= explanation (6.2) of a fail; any problem just leaves none. */
static void explain(struct ev *ev, const struct spf_term *t, const char *domain)
{
	struct spf_error err;
	struct answer a;
	const struct rr *r;
	struct strbuf sb = STRBUF_INIT;
	struct p_arg pa = { ev, domain };
	char *target = NULL, *txt;
	size_t i = 0;

	if (target_name(ev, t, domain, &target, &err) < 0 || !spf_domain_valid(target) ||
	    lookup(ev, target, "TXT", &a) != LK_NOERROR || a.n != 1 ||
	    !(r = ans_next(&a, &i)) || !(txt = rr_txt_join(r))) {
		free(target);
		return;
	}
	ev->mv.domain = domain;
	ev->mv.get_p = get_p;
	ev->mv.p_arg = &pa;
	if (!spf_macro_expand(txt, strlen(txt), &ev->mv, true, false, &sb, &err)) {
		free(ev->out->explanation);
		ev->out->explanation = sb_detach(&sb);
	}
	ev->mv.p_arg = NULL;
	sb_release(&sb);
	free(txt);
	free(target);
}

static enum spf_result apply_redirect(struct ev *ev, const struct spf_record *rec,
				      const char *domain, unsigned depth, bool in_include)
{
	const struct spf_term *t = &rec->terms[rec->redirect];
	struct spf_error err;
	enum spf_result r;
	char *target = NULL;

	if (count_lookup(ev)) {
		set_error(ev, domain, t->text, xstrdup("more than 10 DNS-querying terms"));
		step(ev, depth, domain, t->text, NULL, "permerror");
		return SPF_PERMERROR;
	}
	if (target_name(ev, t, domain, &target, &err) < 0 || !spf_domain_valid(target)) {
		set_error(ev, domain, t->text, xasprintf("redirect target is not a valid domain"));
		step(ev, depth, domain, t->text, NULL, "permerror");
		free(target);
		return SPF_PERMERROR;
	}
	step(ev, depth, domain, t->text, NULL, "follow");
	r = check_host(ev, target, depth + 1, in_include);
	if (r == SPF_NONE) {
		set_error(ev, domain, t->text, xasprintf("redirect target %s has no SPF record", target));
		r = SPF_PERMERROR;
	}
	free(target);
	return r;
}

/* Run the mechanisms of a parsed record left to right (4.6.2), then redirect (6.1). */
static enum spf_result run_record(struct ev *ev, const struct spf_record *rec,
				  const char *domain, unsigned depth, bool in_include)
{
	for (size_t i = 0; i < rec->n; i++) {
		const struct spf_term *t = &rec->terms[i];
		struct strbuf look = STRBUF_INIT;
		char *why = NULL;
		enum mres m;

		size_t at = ev->out->nstep;

		if (SPF_IS_MODIFIER(t->kind))
			continue;
		/* The step goes in before an include's nested steps, filled in after. */
		step(ev, depth, domain, t->text, NULL, "");
		m = eval_mech(ev, t, domain, depth, ev->trace ? &look : NULL, &why);
		update_step(ev, at, look.buf,
			    m == M_MATCH ? "match" : m == M_NOMATCH ? "no match" :
			    m == M_TEMPERROR ? "temperror" : "permerror");
		sb_release(&look);
		if (m == M_NOMATCH)
			continue;
		if (m != M_MATCH) {
			set_error(ev, domain, t->text, why);
			return m == M_TEMPERROR ? SPF_TEMPERROR : SPF_PERMERROR;
		}
		/* The outermost matching term decides: each include level overwrites it. */
		free(ev->out->term);
		free(ev->out->term_domain);
		ev->out->term = xstrdup(t->text);
		ev->out->term_domain = xstrdup(domain);
		if (qual_result(t->qualifier) == SPF_FAIL && rec->exp >= 0 && !in_include)
			explain(ev, &rec->terms[rec->exp], domain);
		return qual_result(t->qualifier);
	}
	if (rec->redirect >= 0 && !rec->has_all)
		return apply_redirect(ev, rec, domain, depth, in_include);
	return SPF_NEUTRAL;
}

static enum spf_result check_host(struct ev *ev, const char *domain, unsigned depth,
				  bool in_include)
{
	struct spf_record rec;
	struct spf_error err;
	enum spf_result r;
	char *txt;

	if (depth > SPF_MAX_DEPTH) {
		set_error(ev, domain, NULL, xstrdup("include/redirect nested too deep"));
		return SPF_PERMERROR;
	}
	if (!spf_domain_valid(domain)) {
		step(ev, depth, domain, "(record)", NULL, "none: not a valid domain");
		return SPF_NONE;
	}
	if (fetch_record(ev, domain, depth, &txt, &r))
		return r;
	if (spf_parse(txt, strlen(txt), &rec, &err) < 0) {
		set_error(ev, domain, NULL,
			  xasprintf("syntax error at position %zu: %s", err.pos + 1, err.msg));
		step(ev, depth, domain, "(record)", NULL, "permerror");
		free(txt);
		return SPF_PERMERROR;
	}
	r = run_record(ev, &rec, domain, depth, in_include);
	spf_record_release(&rec);
	free(txt);
	return r;
}

/* Split the sender into local part and domain (4.3: no local part means postmaster). */
static void set_sender(struct ev *ev, const struct spf_query *q)
{
	const char *s = q->sender && *q->sender ? q->sender : NULL;
	const char *at = s ? strrchr(s, '@') : NULL;

	if (s && at) {
		ev->local = at > s ? xstrndup(s, (size_t)(at - s)) : xstrdup("postmaster");
		ev->sender_dom = xstrdup(at + 1);
	} else {
		ev->local = xstrdup("postmaster");
		ev->sender_dom = xstrdup(s ? s : q->helo ? q->helo : q->domain);
	}
	ev->sender = xasprintf("%s@%s", ev->local, ev->sender_dom);
}

static void final_reason(struct spf_eval *out)
{
	if (out->reason)
		return;
	if (out->term)
		out->reason = xasprintf("'%s' in the record of %s matched", out->term,
					out->term_domain);
	else if (out->result == SPF_NONE)
		out->reason = xstrdup("no SPF record");
	else
		out->reason = xstrdup("no term matched (default neutral)");
}

int spf_check_host(const struct spf_dns *dns, const struct spf_query *q,
		   struct spf_eval *out)
{
	struct ev ev = { .dns = dns, .out = out, .trace = !q->result_only };

	memset(out, 0, sizeof(*out));
	if (spf_parse_ip(q->ip, &ev.mv.family, ev.mv.ip) < 0) {
		out->result = SPF_PERMERROR;
		out->reason = xstrdup("bad client address");
		return error("'%s' is not an IP address", q->ip ? q->ip : "");
	}
	set_sender(&ev, q);
	ev.mv.sender = ev.sender;
	ev.mv.local = ev.local;
	ev.mv.sender_dom = ev.sender_dom;
	ev.mv.helo = q->helo ? q->helo : "";
	ev.mv.receiver = q->receiver ? q->receiver : "unknown";
	ev.mv.now = q->now ? q->now : time(NULL);
	out->result = check_host(&ev, q->domain ? q->domain : ev.sender_dom, 0, false);
	if (out->result != SPF_FAIL) {
		free(out->explanation);
		out->explanation = NULL;
	}
	final_reason(out);
	free(ev.sender);
	free(ev.local);
	free(ev.sender_dom);
	return 0;
}

void spf_eval_release(struct spf_eval *e)
{
	for (size_t i = 0; i < e->nstep; i++) {
		free(e->steps[i].domain);
		free(e->steps[i].term);
		free(e->steps[i].lookup);
		free(e->steps[i].outcome);
	}
	free(e->steps);
	free(e->reason);
	free(e->term);
	free(e->term_domain);
	free(e->explanation);
	memset(e, 0, sizeof(*e));
}
