/*
 * collect.c - what to ask, for every configured domain, and the cache
 * that makes each name/type asked once per run.
 *
 * Collection is a graph walk driven by answers: the MX answer names the
 * hosts whose addresses to ask, an address names its PTR, an SPF record
 * names its includes, and so on. Every domain walks concurrently through
 * one resolver; a name reached by many domains (a shared SPF include, a
 * shared MX host) is asked once and its answer handed to each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "sysresolv.h"
#include "resolver.h"
#include "zonecut.h"
#include "collect.h"

#define CHAIN_MAX      8    /* CNAME hops followed */
#define SPF_DEPTH_MAX  10   /* include/redirect nesting followed */
#define SPF_NAMES_MAX  60   /* SPF-related names per domain, loop and abuse guard */
#define SPF_MX_MAX     10   /* RFC 7208 4.6.4: MX names per mx term */
#define RESOLVER_INFLIGHT 100  /* queries in flight to the recursive resolver at once */

enum purpose {
	P_PLAIN,    /* keep the answer, nothing follows from it */
	P_MX,       /* the domain's MX: addresses and TLSA of each host */
	P_MXADDR,   /* an MX host's address: its PTR */
	P_PTR,      /* a PTR: the forward lookup of its names */
	P_SPF,      /* TXT that may hold SPF: its include/redirect/a/mx targets */
	P_SPFMX,    /* MX named by an SPF mx term: the hosts' addresses */
	P_DMARC,    /* DMARC: external report destinations' authorization */
};

struct dctx;

struct waiter {
	struct dctx *d;
	enum purpose p;
	int depth;
	struct waiter *next;
};

/*
 * One name/type asked of one set of servers, shared by every domain that
 * reaches it. Its name and type live in the same allocation.
 */
struct centry {
	char *name, *type;
	const char *set;           /* the server set's id (servers_for) */
	size_t refs;               /* domains' reached entries naming it */
	bool done;
	bool via_resolver;         /* answered by the resolver: its TTLs are the cache's */
	bool referred;             /* asked again of the zone a referral named */
	const char *zone;          /* apex of the zone whose servers were asked, or NULL */
	struct lookup_result res;
	struct waiter *waiters;
};

/*
 * The cache: name/type/server set -> centry, open addressing. A slot
 * holds the key's hash next to the entry, so probing a slot that is not
 * the one costs no visit to another entry's memory (the cache holds
 * every lookup of the run: two cache misses per probe were most of a
 * request's cost).
 */
struct cslot {
	uint64_t hash;
	struct centry *e;          /* NULL: free */
};

struct ctable {
	struct cslot *slot;
	size_t cap, n;
};

/* A domain reached entry e for purpose p; the reached set is open addressing too. */
struct reach {
	struct centry *e;
	enum purpose p;
};

struct collector;

struct dctx {
	struct collector *c;
	const struct domain_conf *conf;
	char *apex;                /* "example.com." */
	struct reach *reached;     /* (entry, purpose) pairs handled, e NULL if free */
	size_t nreached, reached_cap;
	size_t pending;            /* waiters not yet answered */
	unsigned spf_names;
	struct server **auth;      /* the domain's authoritative servers (discovery) */
	size_t nauth;
	char *auth_id;             /* cache key part for them */
};

struct collector {
	struct resolver *r;
	struct ctable cache;
	struct dctx *doms;
	size_t n, done;
	size_t started;            /* domains whose walk has begun */
	size_t backlog_max;        /* start more domains while the resolver has less ahead */
	struct server *fixed;      /* --dns-server / dns_servers: every query goes here */
	struct server **fixed_ptrs;
	size_t nfixed;
	struct server bootstrap;   /* recursive resolver for discovery and outside names */
	struct server *bootstrap_ptr;
	struct zonecut *zc;        /* other zones' servers (discovery), or NULL */
	unsigned auth_port;
	bool progress;
	struct timespec start;
	double last_progress;
	const struct snapshot *prev;   /* last stored snapshot, for stale data */
	const struct config *cfg;
	const struct collect_overlay *overlay;   /* answers taken before the network, or NULL */
};

static void request(struct dctx *d, const char *name, const char *type,
		    enum purpose p, int depth);
static void feed_domains(struct collector *c);

static double elapsed(const struct collector *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - c->start.tv_sec) +
	       (double)(now.tv_nsec - c->start.tv_nsec) / 1e9;
}

static void show_progress(struct collector *c, bool final)
{
	double t;

	if (!c->progress)
		return;
	t = elapsed(c);
	if (!final && t - c->last_progress < 0.2)
		return;
	c->last_progress = t;
	fprintf(stderr, "\rcollecting: %zu/%zu domains, %lu queries, %.0f queries/s%s",
		c->done, c->n, resolver_queries_sent(c->r),
		t > 0 ? (double)resolver_queries_sent(c->r) / t : 0.0, final ? "\n" : "");
}

static bool in_domain(const char *name, const char *apex)
{
	size_t n = strlen(name), a = strlen(apex);

	return !strcmp(name, apex) || (n > a && name[n - a - 1] == '.' && !strcmp(name + n - a, apex));
}

/* Which servers to ask for name, and an id of that set for the cache key. */
static struct server *const *servers_for(struct dctx *d, const char *name,
					 size_t *n, const char **id)
{
	struct collector *c = d->c;

	if (c->nfixed) {
		*n = c->nfixed;
		*id = "fixed";
		return c->fixed_ptrs;
	}
	if (d->nauth && in_domain(name, d->apex)) {
		*n = d->nauth;
		*id = d->auth_id;
		return d->auth;
	}
	*n = 1;
	*id = c->zc ? "zone" : "resolver";   /* "zone": the name's own zone, found first */
	return &c->bootstrap_ptr;
}

/* The end of the CNAME chain in an answer that holds no record of the type asked. */
static const char *dangling_cname(const struct centry *e)
{
	const char *target = NULL;

	if (e->res.state != LK_NOERROR && !LK_IS_TEMPORARY(e->res.state))
		return NULL;
	for (size_t i = 0; i < e->res.nrr; i++) {
		if (!strcmp(e->res.rrs[i].type, e->type))
			return NULL;
		if (!strcmp(e->res.rrs[i].type, "CNAME"))
			target = e->res.rrs[i].rdata;
	}
	return target;
}

static bool is_spf(const char *txt)
{
	return !strncasecmp(txt, "v=spf1", 6) && (txt[6] == ' ' || !txt[6]);
}

/*
 * Ask for what an SPF record's terms will need at evaluation time, so the
 * snapshot holds everything check_host() reads. Terms with macros depend
 * on the sender and cannot be asked ahead.
 */
static void spf_prefetch(struct dctx *d, const char *owner, const char *rec, int depth)
{
	char *copy = xstrdup(rec), *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *target = NULL, *slash;
		const char *mech = t;

		if (*mech == '+' || *mech == '-' || *mech == '~' || *mech == '?')
			mech++;
		if (str_starts_with_ci(mech, "include:") || str_starts_with_ci(mech, "redirect="))
			target = strchr(mech, *mech == 'r' || *mech == 'R' ? '=' : ':') + 1;
		else if (str_starts_with_ci(mech, "exists:"))
			target = (char *)mech + 7;
		else if (!strncasecmp(mech, "a", 1) && (!mech[1] || mech[1] == ':' || mech[1] == '/'))
			target = mech[1] == ':' ? (char *)mech + 2 : (char *)owner;
		else if (!strncasecmp(mech, "mx", 2) && (!mech[2] || mech[2] == ':' || mech[2] == '/'))
			target = mech[2] == ':' ? (char *)mech + 3 : (char *)owner;
		else
			continue;
		if (target != owner && (slash = strchr(target, '/')))
			*slash = '\0';
		/* Macros depend on the sender; anything not a host name is spf.syntax, never a query. */
		if (!*target || strchr(target, '%') || !dns_name_valid(target) ||
		    ++d->spf_names > SPF_NAMES_MAX)
			continue;
		char *name = name_abs(target);
		if (str_starts_with_ci(mech, "include:") || str_starts_with_ci(mech, "redirect=")) {
			if (depth < SPF_DEPTH_MAX)
				request(d, name, "TXT", P_SPF, depth + 1);
		} else if (str_starts_with_ci(mech, "exists:")) {
			request(d, name, "A", P_PLAIN, depth);
		} else if (*mech == 'a' || *mech == 'A') {
			request(d, name, "A", P_PLAIN, depth);
			request(d, name, "AAAA", P_PLAIN, depth);
		} else {
			request(d, name, "MX", P_SPFMX, depth);
		}
		free(name);
	}
	free(copy);
}

/* rua=/ruf= destinations outside the domain need _report._dmarc authorization (RFC 7489 7.1). */
static void dmarc_prefetch(struct dctx *d, const char *rec)
{
	char *copy = xstrdup(rec), *save = NULL;

	for (char *tag = strtok_r(copy, ";", &save); tag; tag = strtok_r(NULL, ";", &save)) {
		char *save2 = NULL;
		while (*tag == ' ' || *tag == '\t')
			tag++;
		if (strncasecmp(tag, "rua", 3) && strncasecmp(tag, "ruf", 3))
			continue;
		if (!(tag = strchr(tag, '=')))
			continue;
		for (char *u = strtok_r(tag + 1, ",", &save2); u; u = strtok_r(NULL, ",", &save2)) {
			char *host = mailto_host(u), *name;
			if (!host)
				continue;   /* dmarc.bad-uri: nothing to ask */
			name = name_abs(host);
			if (!in_domain(name, d->apex)) {
				char *q = xasprintf("%s_report._dmarc.%s", d->apex, name);
				if (dns_name_valid(q))
					request(d, q, "TXT", P_PLAIN, 0);
				free(q);
			}
			free(name);
			free(host);
		}
	}
	free(copy);
}

/* What one answer record leads to, for the purpose it was asked. */
static void follow(struct dctx *d, const struct rr *r, enum purpose p, size_t i, int depth)
{
	unsigned pref;
	char *host, *txt;

	switch (p) {
	case P_MX:
	case P_SPFMX:
		if (rr_mx(r, &pref, &host))
			break;
		if (strcmp(host, ".") && (p == P_MX || i < SPF_MX_MAX)) {
			request(d, host, "A", p == P_MX ? P_MXADDR : P_PLAIN, depth);
			request(d, host, "AAAA", p == P_MX ? P_MXADDR : P_PLAIN, depth);
			if (p == P_MX) {
				char *tlsa = xasprintf("_25._tcp.%s", host);
				request(d, tlsa, "TLSA", P_PLAIN, depth);
				free(tlsa);
			}
		}
		free(host);
		break;
	case P_MXADDR:
		if ((host = addr_reverse_name(r->rdata))) {
			request(d, host, "PTR", P_PTR, depth);
			free(host);
		}
		break;
	case P_PTR:
		request(d, r->rdata, "A", P_PLAIN, depth);
		request(d, r->rdata, "AAAA", P_PLAIN, depth);
		break;
	case P_SPF:
	case P_DMARC:
		if (!(txt = rr_txt_join(r)))
			break;
		if (p == P_SPF && is_spf(txt))
			spf_prefetch(d, r->owner, txt, depth);
		else if (p == P_DMARC && !strncmp(txt, "v=DMARC1", 8))
			dmarc_prefetch(d, txt);
		free(txt);
		break;
	case P_PLAIN:
		break;
	}
}

static void handle(struct dctx *d, const struct centry *e, enum purpose p, int depth)
{
	const struct lookup_result *res = &e->res;
	const char *cname = dangling_cname(e);

	if (LK_IS_TEMPORARY(res->state) && !res->nrr)
		return;
	if (cname) {   /* the target lives elsewhere: follow it for the same purpose */
		if (depth < CHAIN_MAX)
			request(d, cname, e->type, p, depth + 1);
		return;
	}
	/* No MX: senders deliver to the domain's own address (RFC 5321 5.1), so collect it. */
	if (p == P_MX && !res->nrr) {
		request(d, e->name, "A", P_MXADDR, depth);
		request(d, e->name, "AAAA", P_MXADDR, depth);
	}
	for (size_t i = 0; i < res->nrr; i++)
		if (!strcmp(res->rrs[i].type, e->type))
			follow(d, &res->rrs[i], p, i, depth);
}

static void domain_settled(struct dctx *d)
{
	if (d->pending)
		return;
	d->c->done++;
	show_progress(d->c, false);
}

/*
 * A lookup failed temporarily: answer it with the last good records of
 * this domain's previous snapshot, so the walk goes on to what lies
 * behind it (a timed-out MX still leads to its hosts). The state stays
 * the failure; the snapshot marks the lookup stale.
 */
static void use_last_good(struct dctx *d, struct centry *e)
{
	const struct domain_snap *pd;

	if (!d->c->prev || !(pd = snapshot_domain(d->c->prev, d->conf->name)))
		return;
	rrs_free(e->res.rrs, e->res.nrr);
	e->res.nrr = dsnap_answer(pd, e->name, e->type, &e->res.rrs);
}

/*
 * Keep, of a name inside a domain, only the chain records inside that
 * domain too: what its servers say about another zone (the far end of a
 * CNAME) is not theirs to say. The chain's end is then asked of its own
 * servers (dangling_cname()), and stored under its own name.
 */
static void drop_out_of_zone(struct centry *e)
{
	const char *apex = NULL;
	size_t keep = 0;

	for (struct waiter *w = e->waiters; w && !apex; w = w->next)
		if (in_domain(e->name, w->d->apex))
			apex = w->d->apex;
	if (!apex)
		apex = e->zone;
	if (!apex)
		return;
	for (size_t i = 0; i < e->res.nrr; i++) {
		struct rr *r = &e->res.rrs[i];
		if (!strcmp(r->owner, e->name) || in_domain(r->owner, apex))
			e->res.rrs[keep++] = *r;
		else
			rr_release(r);
	}
	e->res.nrr = keep;
}

static void ask_own_zone(struct collector *c, struct centry *e);

static void on_answer(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct centry *e = arg;
	struct waiter *w = e->waiters;

	struct collector *c = w ? w->d->c : NULL;

	/*
	 * The domain's servers delegate the name (mail., _domainkey. or
	 * _dmarc. on other servers): ask the servers of the zone that holds
	 * it, once. Their answer is the name's; the referral was no answer.
	 */
	if (res->referral && c && c->zc && !e->referred) {
		verbose("%s %s: delegated to %s, asking its servers", name, type, res->referral);
		e->referred = true;
		lookup_result_release(res);
		ask_own_zone(c, e);
		return;
	}

	e->res = *res;
	memset(res, 0, sizeof(*res));
	e->done = true;
	if (LK_IS_TEMPORARY(e->res.state) && w)
		use_last_good(w->d, e);
	/* Last good data too: a chain is followed the same way whichever answered. */
	drop_out_of_zone(e);
	e->waiters = NULL;
	while (w) {
		struct waiter *next = w->next;
		handle(w->d, e, w->p, w->depth);
		w->d->pending--;
		domain_settled(w->d);
		free(w);
		w = next;
	}
	if (c) {
		show_progress(c, false);
		feed_domains(c);
	}
}

/* --- the cache and the reached sets --- */

static uint64_t hash_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (h ^ '\t') * 1099511628211ULL;   /* a separator, so ("ab","c") != ("a","bc") */
}

static uint64_t key_hash(const char *name, const char *type, const char *set)
{
	return hash_str(hash_str(hash_str(1469598103934665603ULL, name), type), set);
}

/* The slot holding name/type/set, or the free slot where it belongs. */
static struct cslot *ctable_slot(const struct ctable *t, uint64_t h, const char *name,
				 const char *type, const char *set)
{
	size_t i = (size_t)h & (t->cap - 1);

	for (; t->slot[i].e; i = (i + 1) & (t->cap - 1)) {
		const struct centry *e = t->slot[i].e;
		if (t->slot[i].hash == h && !strcmp(e->name, name) && !strcmp(e->type, type) &&
		    !strcmp(e->set, set))
			break;
	}
	return &t->slot[i];
}

/*
 * Room for one more entry, the load kept at half at most. The first
 * table is sized for what a run of n domains usually asks (mail DNS is
 * about 20 lookups a domain), so a large run does not rehash its way up.
 */
static void ctable_reserve(struct ctable *t, size_t ndomains)
{
	struct ctable old = *t;

	if ((t->n + 1) * 2 <= t->cap)
		return;
	if (old.cap)
		t->cap = old.cap * 2;
	else
		for (t->cap = 1024; t->cap < 32 * ndomains; t->cap *= 2)
			;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	for (size_t i = 0; i < old.cap; i++) {
		size_t j = (size_t)old.slot[i].hash & (t->cap - 1);
		if (!old.slot[i].e)
			continue;
		while (t->slot[j].e)
			j = (j + 1) & (t->cap - 1);
		t->slot[j] = old.slot[i];
	}
	free(old.slot);
}

static size_t reach_hash(const struct centry *e, enum purpose p)
{
	return (size_t)(((uint64_t)(uintptr_t)e >> 4) * 0x9e3779b97f4a7c15ULL >> 20) + p;
}

/* Add (e, p) to d's reached set. Returns false if it was there already. */
static bool reach_add(struct dctx *d, struct centry *e, enum purpose p)
{
	size_t i;

	if ((d->nreached + 1) * 2 > d->reached_cap) {
		struct reach *old = d->reached;
		size_t ocap = d->reached_cap;
		d->reached_cap = ocap ? ocap * 2 : 64;
		d->reached = xcalloc(d->reached_cap, sizeof(*d->reached));
		d->nreached = 0;
		for (size_t j = 0; j < ocap; j++)
			if (old[j].e)
				reach_add(d, old[j].e, old[j].p);
		free(old);
	}
	for (i = reach_hash(e, p) & (d->reached_cap - 1); d->reached[i].e;
	     i = (i + 1) & (d->reached_cap - 1))
		if (d->reached[i].e == e && d->reached[i].p == p)
			return false;
	d->reached[i] = (struct reach){ e, p };
	d->nreached++;
	return true;
}

static struct centry *centry_new(const char *name, const char *type, const char *set)
{
	size_t nlen = strlen(name) + 1, tlen = strlen(type) + 1;
	struct centry *e = xcalloc(1, sizeof(*e) + nlen + tlen);

	e->name = memcpy((char *)(e + 1), name, nlen);
	e->type = memcpy(e->name + nlen, type, tlen);
	e->set = set;
	return e;
}

struct zone_ask {
	struct collector *c;
	struct centry *e;
};

/*
 * The zone of e's name is known: ask its servers. When none was found
 * (the resolver knows no NS for any ancestor, or they have no address),
 * the resolver answers, and its TTLs are the cache's (see add_entry()).
 */
static void zone_found(void *arg, const struct zone *z)
{
	struct zone_ask *za = arg;
	struct centry *e = za->e;

	if (z) {
		e->zone = z->apex;
		resolver_submit(za->c->r, e->name, e->type, z->srv, z->n, on_answer, e);
	} else {
		e->via_resolver = true;
		resolver_submit(za->c->r, e->name, e->type, &za->c->bootstrap_ptr, 1, on_answer, e);
	}
	free(za);
}

static void ask_own_zone(struct collector *c, struct centry *e)
{
	struct zone_ask *za = xmalloc(sizeof(*za));

	za->c = c;
	za->e = e;
	zonecut_find(c->zc, e->name, zone_found, za);
}

/*
 * The overlay's answer for name/type into a fresh *out (the caller
 * releases and frees it), or false when the network is to be asked.
 */
static bool overlay_ask(struct collector *c, const char *name, const char *type,
			struct lookup_result **out)
{
	struct lookup_result *res = xcalloc(1, sizeof(*res));

	if (c->overlay->answer(c->overlay->arg, name, type, res)) {
		*out = res;
		return true;
	}
	lookup_result_release(res);
	free(res);
	return false;
}

static void request(struct dctx *d, const char *name, const char *type,
		    enum purpose p, int depth)
{
	struct collector *c = d->c;
	struct server *const *servers;
	const char *set;
	size_t nservers;
	uint64_t h;
	struct cslot *slot;
	struct centry *e;
	struct lookup_result *ov = NULL;

	servers = servers_for(d, name, &nservers, &set);
	/* The overlay speaks for a name whatever the domain: one entry for all. */
	if (c->overlay && overlay_ask(c, name, type, &ov))
		set = "overlay";
	h = key_hash(name, type, set);
	ctable_reserve(&c->cache, c->n);
	slot = ctable_slot(&c->cache, h, name, type, set);
	if (!(e = slot->e)) {
		*slot = (struct cslot){ h, e = centry_new(name, type, set) };
		c->cache.n++;
		if (ov)
			on_answer(e, name, type, ov);   /* no waiter yet: handled below */
		else if (!strcmp(set, "zone"))
			ask_own_zone(c, e);
		else
			resolver_submit(c->r, name, type, servers, nservers, on_answer, e);
	}
	if (ov) {
		lookup_result_release(ov);
		free(ov);
	}
	/*
	 * The same name may be reached for several purposes (mx1's address
	 * as an MX host and as a PTR target); each purpose is handled once
	 * per domain, which is also what ends loops.
	 */
	if (!reach_add(d, e, p))
		return;
	e->refs++;
	if (e->done) {
		handle(d, e, p, depth);
		return;
	}
	struct waiter *w = xcalloc(1, sizeof(*w));
	w->d = d;
	w->p = p;
	w->depth = depth;
	w->next = e->waiters;
	e->waiters = w;
	d->pending++;
}

static void domain_start(struct dctx *d)
{
	const struct domain_conf *conf = d->conf;
	static const char *const plain_txt[] = { "_mta-sts", "_smtp._tls", "default._bimi" };
	char *name;

	d->pending++;   /* hold the domain open while its first questions go out */
	request(d, d->apex, "MX", P_MX, 0);
	request(d, d->apex, "TXT", P_SPF, 0);
	request(d, d->apex, "SPF", P_PLAIN, 0);
	request(d, d->apex, "NS", P_PLAIN, 0);
	name = xasprintf("_dmarc.%s", d->apex);
	request(d, name, "TXT", P_DMARC, 0);
	free(name);
	for (size_t i = 0; i < ARRAY_SIZE(plain_txt); i++) {
		name = xasprintf("%s.%s", plain_txt[i], d->apex);
		request(d, name, "TXT", P_PLAIN, 0);
		free(name);
	}
	for (size_t i = 0; i < conf->dkim_selectors.n; i++) {
		name = xasprintf("%s._domainkey.%s", conf->dkim_selectors.v[i], d->apex);
		request(d, str_lower(name), "TXT", P_PLAIN, 0);
		free(name);
	}
	for (size_t i = 0; i < conf->sending_ips.n; i++) {
		if ((name = addr_reverse_name(conf->sending_ips.v[i]))) {
			request(d, name, "PTR", P_PTR, 0);
			free(name);
		}
	}
	/*
	 * The gateways' addresses: mail the mail hosts send leaves with one of
	 * them. A host firewall's are the mail host's own, which no receiver
	 * sees when a gateway translates them (and are private as often as not).
	 */
	for (size_t f = 0; conf->mail_hosts.n && f < d->c->cfg->nfirewalls; f++) {
		const struct firewall_conf *fc = &d->c->cfg->firewalls[f];
		const struct strlist *pub = &fc->public_ips;

		if (fc->role && !strcmp(fc->role, "host"))
			continue;
		for (size_t i = 0; i < pub->n; i++)
			if ((name = addr_reverse_name(pub->v[i]))) {
				request(d, name, "PTR", P_PTR, 0);
				free(name);
			}
	}
	d->pending--;
	domain_settled(d);
}

/*
 * Start domains while the resolver has little ahead of it. Answers then
 * lead a started domain to completion before new ones crowd the queue:
 * domains finish steadily (progress means something) and the work in
 * memory stays bounded however many domains are configured.
 */
static void feed_domains(struct collector *c)
{
	while (c->started < c->n && resolver_backlog(c->r) < c->backlog_max)
		domain_start(&c->doms[c->started++]);
}

/*
 * The TTL to store for r. A resolver's answer carries what is left of
 * its cached copy's TTL, less on every run: the same record in the last
 * snapshot keeps its TTL there, so an unchanged record stays unchanged.
 */
static unsigned stored_ttl(const struct centry *e, const struct rr *r,
			   const struct domain_snap *prev)
{
	const struct rr *first;
	size_t n;

	if (!e->via_resolver || !prev)
		return r->ttl;
	n = dsnap_find(prev, r->owner, r->type, &first);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(first[i].rdata, r->rdata))
			return first[i].ttl;
	return r->ttl;
}

/*
 * Copy one reached entry into the domain's snapshot. The last domain to
 * copy an entry frees its records, so the cache and the snapshot are not
 * both whole in memory at once.
 */
static void add_entry(struct domain_snap *ds, struct centry *e, const struct domain_snap *prev)
{
	struct lookup *l = dsnap_add_lookup(ds, e->name, e->type, e->res.state);

	l->disagree = e->res.disagree;
	l->cached_ttl = e->via_resolver && !LK_IS_TEMPORARY(e->res.state) && e->res.nrr;
	free(l->servers);
	l->servers = xstrdup(e->res.servers ? e->res.servers : "-");
	l->detail = e->res.detail ? xstrdup(e->res.detail) : NULL;
	for (size_t i = 0; i < e->res.nrr; i++) {
		const struct rr *r = &e->res.rrs[i];
		dsnap_add_rr(ds, r->owner, stored_ttl(e, r, prev), r->type, r->rdata);
	}
	if (!--e->refs)
		lookup_result_release(&e->res);
}

static void free_entry(struct centry *e)
{
	lookup_result_release(&e->res);
	free(e);
}

/* --- finding the authoritative servers (when no --dns-server is given) --- */

struct disc {
	struct dctx *d;
	char *zone;
};

static void add_auth(struct dctx *d, const char *addr)
{
	struct server *s = server_auth_new(addr, d->c->auth_port);

	if (!s)
		return;
	s->zone = d->apex;
	for (size_t i = 0; i < d->nauth; i++) {
		if (!strcmp(d->auth[i]->name, s->name)) {
			server_free(s);
			return;
		}
	}
	d->auth = xrealloc(d->auth, (d->nauth + 1) * sizeof(*d->auth));
	d->auth[d->nauth++] = s;
}

static void disc_host_cb(void *arg, const struct strlist *addrs)
{
	for (size_t i = 0; i < addrs->n; i++)
		add_auth(arg, addrs->v[i]);
}

static void disc_ns_cb(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct disc *q = arg;
	struct collector *c = q->d->c;
	const char *dot;
	bool found = false;

	for (size_t i = 0; i < res->nrr; i++) {
		if (strcmp(res->rrs[i].type, "NS") || strcmp(res->rrs[i].owner, q->zone))
			continue;
		found = true;
		zonecut_host_addrs(c->zc, res->rrs[i].rdata, disc_host_cb, q->d);
	}
	/* No NS here: the zone cut is higher up (a subdomain configured as a domain). */
	if (!found && !LK_IS_TEMPORARY(res->state) && (dot = strchr(q->zone, '.')) && dot[1] &&
	    strchr(dot + 1, '.') && strchr(dot + 1, '.')[1]) {
		char *parent = xstrdup(dot + 1);
		free(q->zone);
		q->zone = parent;
		resolver_submit(c->r, q->zone, "NS", &c->bootstrap_ptr, 1, disc_ns_cb, q);
		return;
	}
	free(q->zone);
	free(q);
}

static int server_name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct server *const *)a)->name, (*(struct server *const *)b)->name);
}

/* Whether the overlay answers for the domain's zone: its servers are not asked then. */
static bool overlay_zone(struct collector *c, const struct dctx *d)
{
	struct lookup_result *res = NULL;

	if (!c->overlay || !overlay_ask(c, d->apex, "NS", &res))
		return false;
	lookup_result_release(res);
	free(res);
	return true;
}

static int discover(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct disc *q;

		if (overlay_zone(c, &c->doms[i]))
			continue;
		q = xcalloc(1, sizeof(*q));
		q->d = &c->doms[i];
		q->zone = xstrdup(c->doms[i].apex);
		resolver_submit(c->r, q->zone, "NS", &c->bootstrap_ptr, 1, disc_ns_cb, q);
	}
	if (resolver_run(c->r))
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		struct dctx *d = &c->doms[i];
		struct strbuf id = STRBUF_INIT;

		if (!d->nauth && overlay_zone(c, d))
			continue;
		if (!d->nauth) {
			warning("no authoritative server found for '%s'; asking %s instead",
				d->conf->name, c->bootstrap.name);
			continue;
		}
		qsort(d->auth, d->nauth, sizeof(*d->auth), server_name_cmp);
		for (size_t j = 0; j < d->nauth; j++)
			sb_addf(&id, "%s%s", j ? "," : "", d->auth[j]->name);
		d->auth_id = sb_detach(&id);
		verbose("%s: authoritative servers %s", d->conf->name, d->auth_id);
	}
	return 0;
}

/* --- the run --- */

static int setup_servers(struct collector *c, const struct config *cfg, const struct cmd_ctx *ctx)
{
	const struct strlist *fixed = ctx->dns_servers.n ? &ctx->dns_servers : &cfg->dns_servers;
	const char *boot = ctx->resolver ? ctx->resolver : cfg->resolver;
	char *sysres = NULL;
	int r;

	c->fixed = xcalloc(fixed->n ? fixed->n : 1, sizeof(*c->fixed));
	c->fixed_ptrs = xcalloc(fixed->n ? fixed->n : 1, sizeof(*c->fixed_ptrs));
	for (size_t i = 0; i < fixed->n; i++) {
		if (server_parse(fixed->v[i], 53, &c->fixed[i]))
			return -1;
		c->fixed_ptrs[c->nfixed++] = &c->fixed[i];
	}
	if (c->nfixed)
		return 0;
	if (!boot && !(boot = sysres = system_resolver()))
		boot = "127.0.0.1";
	r = server_parse(boot, 53, &c->bootstrap);
	free(sysres);
	c->bootstrap.recursive = true;
	/*
	 * A recursive resolver works for each query it takes and drops what
	 * does not fit its queue (Unbound: 1024 a thread): a thousand at once
	 * made it drop a fifth of them, each then costing a retry. The
	 * authoritative servers, which answer at once, take the rest.
	 */
	c->bootstrap.max_inflight = RESOLVER_INFLIGHT;
	c->bootstrap_ptr = &c->bootstrap;
	return r;
}

static void collector_release(struct collector *c)
{
	for (size_t i = 0; i < c->cache.cap; i++)
		if (c->cache.slot[i].e)
			free_entry(c->cache.slot[i].e);
	free(c->cache.slot);
	for (size_t i = 0; i < c->n; i++) {
		struct dctx *d = &c->doms[i];
		free(d->reached);
		for (size_t j = 0; j < d->nauth; j++) {
			server_release(d->auth[j]);
			free(d->auth[j]);
		}
		free(d->auth);
		free(d->auth_id);
		free(d->apex);
	}
	for (size_t i = 0; i < c->nfixed; i++)
		server_release(&c->fixed[i]);
	free(c->fixed);
	free(c->fixed_ptrs);
	server_release(&c->bootstrap);
	free(c->doms);
	zonecut_free(c->zc);
	resolver_free(c->r);
}

static void build_snapshot(struct collector *c, const struct snapshot *prev,
			   struct snapshot *out, struct collect_stats *st)
{
	for (size_t i = 0; i < c->n; i++) {
		struct dctx *d = &c->doms[i];
		struct domain_snap *ds = snapshot_add_domain(out, d->conf->name);
		const struct domain_snap *pd = prev ? snapshot_domain(prev, ds->name) : NULL;

		for (size_t j = 0; j < d->reached_cap; j++)
			if (d->reached[j].e)
				add_entry(ds, d->reached[j].e, pd);
		dsnap_sort(ds);
		free(d->reached);
		d->reached = NULL;
		d->nreached = d->reached_cap = 0;
		for (size_t j = 0; j < ds->nlk; j++)
			st->disagree += ds->lks[j].disagree;
		st->stale += dsnap_carry_stale(ds, pd);
	}
	snapshot_sort(out);
}

int collect_snapshot_stats(const struct config *cfg, const struct cmd_ctx *ctx,
			   const struct snapshot *prev, struct snapshot *out,
			   struct collect_stats *stats)
{
	return collect_snapshot_overlay(cfg, ctx, prev, NULL, out, stats);
}

int collect_snapshot_overlay(const struct config *cfg, const struct cmd_ctx *ctx,
			     const struct snapshot *prev, const struct collect_overlay *overlay,
			     struct snapshot *out, struct collect_stats *stats)
{
	struct collector c = { 0 };
	struct resolver_opts ro = { 0 };
	struct collect_stats st = { 0 };
	int r = -1;

	ro.timeout_ms = ctx->timeout_ms ? ctx->timeout_ms : cfg->timeout_ms;
	ro.max_inflight = cfg->max_inflight;
	ro.server_inflight = cfg->server_inflight;
	ro.server_qps = cfg->server_qps;
	c.r = resolver_new(&ro);
	c.auth_port = ctx->auth_port ? ctx->auth_port : 53;
	c.progress = isatty(STDERR_FILENO) && verbosity >= 0 && cfg->ndomains > 1;
	clock_gettime(CLOCK_MONOTONIC, &c.start);
	c.n = cfg->ndomains;
	c.cfg = cfg;
	c.prev = prev;
	c.overlay = overlay;
	c.doms = xcalloc(c.n ? c.n : 1, sizeof(*c.doms));
	for (size_t i = 0; i < c.n; i++) {
		c.doms[i].c = &c;
		c.doms[i].conf = &cfg->domains[i];
		c.doms[i].apex = name_abs(cfg->domains[i].name);
	}
	if (setup_servers(&c, cfg, ctx))
		goto out;
	if (!c.nfixed) {
		c.zc = zonecut_new(c.r, c.bootstrap_ptr, c.auth_port);
		if (discover(&c))
			goto out;
	}
	c.backlog_max = 2 * (ro.max_inflight ? ro.max_inflight : 1000);
	feed_domains(&c);
	if (resolver_run(c.r))
		goto out;
	show_progress(&c, true);
	resolver_log_servers(c.r);
	st.queries = resolver_queries_sent(c.r);
	st.lookups = c.cache.n;
	st.seconds = elapsed(&c);
	build_snapshot(&c, prev, out, &st);
	verbose("collected %zu domains: %lu lookups, %lu queries in %.2fs, %lu stale, %lu disagreeing",
		c.n, st.lookups, st.queries, st.seconds, st.stale, st.disagree);
	if (stats)
		*stats = st;
	r = 0;
out:
	collector_release(&c);
	return r;
}

int collect_snapshot(const struct config *cfg, const struct cmd_ctx *ctx,
		     const struct snapshot *prev, struct snapshot *out)
{
	return collect_snapshot_stats(cfg, ctx, prev, out, NULL);
}
