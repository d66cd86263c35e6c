/*
 * zonecut.c - which servers keep a name's zone, asked of the resolver.
 *
 * A recursive resolver hands out its cached copy of a record with the
 * TTL that is left, a little less on every run: stored as it comes, an
 * unchanged world would look changed on every snapshot. So a name of
 * another zone is asked of that zone's own servers, as the domains'
 * names are: the zone is the deepest ancestor of the name with NS
 * records (each ancestor asked once per run, all at once), its servers
 * the addresses of those NS hosts. An NS host's addresses are asked once
 * per run, whichever zones and domains list it: two thousand domains on
 * the same two servers cost four address lookups, not eight thousand.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "strmap.h"
#include "zonecut.h"

enum cut_state { CUT_ASKING, CUT_NONE, CUT_NS, CUT_UNKNOWN };

struct find;

struct fwait {
	struct find *f;
	struct fwait *next;
};

/* A zone whose servers' addresses are being asked, or known. */
struct zbuild {
	struct zone z;
	struct zonecut *zc;
	struct strlist hosts;      /* the NS hosts */
	size_t pending;            /* address lookups out */
	bool started, ready;
	struct fwait *waiters;
};

/* One ancestor name: whether it has NS records (is a zone's apex). */
struct cut {
	struct zonecut *zc;
	char *name;
	enum cut_state st;
	struct zbuild *zone;       /* when st is CUT_NS */
	struct fwait *waiters;
};

/* One name's search: its ancestors, deepest first. */
struct find {
	zone_cb cb;
	void *arg;
	size_t ncuts, pending;
	struct cut *cuts[];
};

struct hwait {
	host_cb cb;
	void *arg;
	struct hwait *next;
};

/* One NS host: its addresses, once both lookups answered. */
struct nshost {
	struct strlist addrs;
	unsigned pending;          /* A and AAAA lookups out */
	struct hwait *waiters;
};

struct zonecut {
	struct resolver *r;
	struct server *resolver;
	unsigned port;
	struct strmap cuts;        /* name -> struct cut */
	struct strmap hosts;       /* NS host name -> struct nshost */
};

struct server *server_auth_new(const char *addr, unsigned port)
{
	struct server *s = xcalloc(1, sizeof(*s));
	char *spec = strchr(addr, ':') ? xasprintf("[%s]:%u", addr, port) : xasprintf("%s:%u", addr, port);

	if (server_parse(spec, port, s)) {
		free(s);
		free(spec);
		return NULL;
	}
	free(spec);
	/* Show the address alone when the port is the usual one. */
	if (port == 53) {
		free(s->name);
		s->name = xstrdup(addr);
	}
	s->authoritative = true;
	return s;
}

void server_free(struct server *s)
{
	if (!s)
		return;
	server_release(s);
	free(s);
}

struct zonecut *zonecut_new(struct resolver *r, struct server *resolver, unsigned auth_port)
{
	struct zonecut *zc = xcalloc(1, sizeof(*zc));

	zc->r = r;
	zc->resolver = resolver;
	zc->port = auth_port ? auth_port : 53;
	return zc;
}

static void deliver(struct fwait *w, const struct zone *z)
{
	while (w) {
		struct fwait *next = w->next;
		w->f->cb(w->f->arg, z);
		free(w->f);
		free(w);
		w = next;
	}
}

static int server_name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct server *const *)a)->name, (*(struct server *const *)b)->name);
}

static void host_addr_cb(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct nshost *h = arg;
	struct hwait *w;

	for (size_t i = 0; i < res->nrr; i++)
		if (!strcmp(res->rrs[i].type, type) && !sl_has(&h->addrs, res->rrs[i].rdata))
			sl_push(&h->addrs, res->rrs[i].rdata);
	if (--h->pending)
		return;
	w = h->waiters;
	h->waiters = NULL;
	while (w) {
		struct hwait *next = w->next;
		w->cb(w->arg, &h->addrs);
		free(w);
		w = next;
	}
}

void zonecut_host_addrs(struct zonecut *zc, const char *host, host_cb cb, void *arg)
{
	struct nshost *h = strmap_get(&zc->hosts, host);
	struct hwait *w;

	if (!h) {
		h = xcalloc(1, sizeof(*h));
		strmap_put(&zc->hosts, host, h);
		h->pending = 2;
		resolver_submit(zc->r, host, "A", &zc->resolver, 1, host_addr_cb, h);
		resolver_submit(zc->r, host, "AAAA", &zc->resolver, 1, host_addr_cb, h);
	}
	if (!h->pending) {
		cb(arg, &h->addrs);
		return;
	}
	w = xcalloc(1, sizeof(*w));
	w->cb = cb;
	w->arg = arg;
	w->next = h->waiters;
	h->waiters = w;
}

/* One NS host of a zone answered: its addresses are servers of the zone. */
static void zone_host_cb(void *arg, const struct strlist *addrs)
{
	struct zbuild *zb = arg;
	struct fwait *w;

	for (size_t i = 0; i < addrs->n; i++) {
		struct server *s;
		bool dup = false;

		if (!(s = server_auth_new(addrs->v[i], zb->zc->port)))
			continue;
		for (size_t j = 0; j < zb->z.n && !dup; j++)
			dup = !strcmp(zb->z.srv[j]->name, s->name);
		if (dup) {
			server_free(s);
			continue;
		}
		s->zone = zb->z.apex;
		zb->z.srv = xrealloc(zb->z.srv, (zb->z.n + 1) * sizeof(*zb->z.srv));
		zb->z.srv[zb->z.n++] = s;
	}
	if (--zb->pending)
		return;
	qsort(zb->z.srv, zb->z.n, sizeof(*zb->z.srv), server_name_cmp);
	struct strbuf id = STRBUF_INIT;
	for (size_t j = 0; j < zb->z.n; j++)
		sb_addf(&id, "%s%s", j ? "," : "", zb->z.srv[j]->name);
	zb->z.id = sb_detach(&id);
	zb->ready = true;
	verbose("zone %s: servers %s", zb->z.apex, zb->z.n ? zb->z.id : "(none found)");
	w = zb->waiters;
	zb->waiters = NULL;
	deliver(w, zb->z.n ? &zb->z : NULL);
}

/* Hand f the zone of cut c, once its servers' addresses are known. */
static void zone_wait(struct cut *c, struct find *f)
{
	struct zbuild *zb = c->zone;
	struct fwait *w = xcalloc(1, sizeof(*w));

	w->f = f;
	if (zb->ready) {
		deliver(w, zb->z.n ? &zb->z : NULL);
		return;
	}
	w->next = zb->waiters;
	zb->waiters = w;
	if (zb->started)
		return;
	zb->started = true;
	zb->pending = zb->hosts.n;
	for (size_t i = 0; i < zb->hosts.n; i++)
		zonecut_host_addrs(zb->zc, zb->hosts.v[i], zone_host_cb, zb);
}

/*
 * Every ancestor of f's name is known: the deepest with NS records is
 * the zone. An ancestor deeper than that whose NS lookup failed leaves
 * the zone unknown (asking the parent would only draw a referral).
 */
static void find_decide(struct find *f)
{
	for (size_t i = 0; i < f->ncuts; i++) {
		struct cut *c = f->cuts[i];
		if (c->st == CUT_UNKNOWN)
			break;
		if (c->st == CUT_NS) {
			zone_wait(c, f);
			return;
		}
	}
	struct fwait *w = xcalloc(1, sizeof(*w));
	w->f = f;
	deliver(w, NULL);
}

static void ns_cb(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct cut *c = arg;
	struct zbuild *zb = xcalloc(1, sizeof(*zb));
	struct fwait *w;

	for (size_t i = 0; i < res->nrr; i++)
		if (!strcmp(res->rrs[i].type, "NS") && !strcmp(res->rrs[i].owner, c->name))
			sl_push(&zb->hosts, res->rrs[i].rdata);
	if (zb->hosts.n) {
		c->st = CUT_NS;
		zb->zc = c->zc;
		zb->z.apex = xstrdup(c->name);
		c->zone = zb;
	} else {
		c->st = LK_IS_TEMPORARY(res->state) ? CUT_UNKNOWN : CUT_NONE;
		free(zb);
	}
	w = c->waiters;
	c->waiters = NULL;
	while (w) {
		struct fwait *next = w->next;
		if (!--w->f->pending)
			find_decide(w->f);
		free(w);
		w = next;
	}
}

static struct cut *cut_get(struct zonecut *zc, const char *name)
{
	struct cut *c = strmap_get(&zc->cuts, name);

	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	c->zc = zc;
	c->name = xstrdup(name);
	strmap_put(&zc->cuts, name, c);
	resolver_submit(zc->r, c->name, "NS", &zc->resolver, 1, ns_cb, c);
	return c;
}

void zonecut_find(struct zonecut *zc, const char *name, zone_cb cb, void *arg)
{
	size_t n = 0;
	struct find *f;

	for (const char *p = name; *p && strcmp(p, "."); p = strchr(p, '.') + 1)
		n++;
	f = xcalloc(1, sizeof(*f) + n * sizeof(f->cuts[0]));
	f->cb = cb;
	f->arg = arg;
	f->ncuts = n;
	n = 0;
	/* Count every wait before the first answer can come back (none does before resolver_run). */
	for (const char *p = name; *p && strcmp(p, "."); p = strchr(p, '.') + 1) {
		struct cut *c = cut_get(zc, p);
		f->cuts[n++] = c;
		if (c->st == CUT_ASKING) {
			struct fwait *w = xcalloc(1, sizeof(*w));
			w->f = f;
			w->next = c->waiters;
			c->waiters = w;
			f->pending++;
		}
	}
	if (!f->pending)
		find_decide(f);
}

static void cut_free(const char *key, void *val, void *arg)
{
	struct cut *c = val;

	if (c->zone) {
		for (size_t i = 0; i < c->zone->z.n; i++)
			server_free(c->zone->z.srv[i]);
		free(c->zone->z.srv);
		free(c->zone->z.id);
		free(c->zone->z.apex);
		sl_release(&c->zone->hosts);
		free(c->zone);
	}
	free(c->name);
	free(c);
}

static void host_free(const char *key, void *val, void *arg)
{
	struct nshost *h = val;

	sl_release(&h->addrs);
	free(h);
}

void zonecut_free(struct zonecut *zc)
{
	if (!zc)
		return;
	strmap_each(&zc->cuts, cut_free, NULL);
	strmap_release(&zc->cuts);
	strmap_each(&zc->hosts, host_free, NULL);
	strmap_release(&zc->hosts);
	free(zc);
}
