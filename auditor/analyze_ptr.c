/*
 * analyze_ptr.c - reverse DNS of the addresses that send and receive
 * mail. Gmail (and others) reject mail from an address whose PTR name
 * does not resolve back to it (forward-confirmed reverse DNS): 550 5.7.25.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"

char *reverse_name(const char *addr)
{
	return addr_reverse_name(addr);   /* one implementation (snapshot_parse.c) */
}

static bool same_addr(const char *x, const char *y)
{
	uint8_t a[16], b[16];

	if (inet_pton(AF_INET, x, a) == 1)
		return inet_pton(AF_INET, y, b) == 1 && !memcmp(a, b, 4);
	if (inet_pton(AF_INET6, x, a) == 1)
		return inet_pton(AF_INET6, y, b) == 1 && !memcmp(a, b, 16);
	return false;
}

/* The role of an address decides how bad a reverse-DNS failure is. */
struct addr_role {
	char *addr;
	bool sending;
	char *mxhost;    /* an MX target it belongs to, or NULL */
};

/* 1 confirmed, 0 not, -1 unknown (the forward lookups failed temporarily). */
static int forward_confirms(const struct domain_snap *d, const char *ptrname,
			    const char *addr)
{
	const char *type = strchr(addr, ':') ? "AAAA" : "A";
	const struct rr *r;
	size_t n = dsnap_follow(d, ptrname, type, &r, NULL, NULL);

	for (size_t i = 0; i < n; i++)
		if (same_addr(r[i].rdata, addr))
			return 1;
	return !n && lookup_unknown(d, ptrname, type) ? -1 : 0;
}

int ptr_fcrdns(const struct domain_snap *d, const char *addr, char **ptrname)
{
	char *rev = reverse_name(addr);
	const struct rr *r;
	size_t n;
	int res = -2, unknown = 0;

	*ptrname = NULL;
	if (!rev || lookup_unknown(d, rev, "PTR") || !dsnap_lookup(d, rev, "PTR"))
		goto out;
	res = 0;
	if (!(n = dsnap_find(d, rev, "PTR", &r)))
		goto out;
	*ptrname = xstrdup(r[0].rdata);
	for (size_t i = 0; i < n; i++) {
		char *name = name_abs(r[i].rdata);
		int c = forward_confirms(d, name, addr);
		free(name);
		if (c > 0) {
			res = 1;
			goto out;
		}
		unknown |= c < 0;
	}
	res = unknown ? -2 : -1;
out:
	free(rev);
	return res;
}

/* A confirmed name can still be one an access provider gave a whole pool. */
static void generic(const struct domain_snap *d, const struct addr_role *a,
		    const char *role, const struct rr *r, struct findings *out)
{
	char why[120], *ev;

	if (!ptr_generic(r->rdata, a->addr, why, sizeof(why)))
		return;
	ev = rr_evidence(d, r);
	findings_add(out, SEV_WARNING, "ptr.generic", a->addr, ev,
		     "%s %s: its PTR name %s looks generic (%s): large receivers score "
		     "mail from such names as from a home or dial-up line; ask the "
		     "address owner for a PTR naming the mail server", role, a->addr,
		     r->rdata, why);
	free(ev);
}

static void check_addr(const struct domain_snap *d, const struct addr_role *a,
		       struct findings *out)
{
	enum severity sev = a->sending ? SEV_CRITICAL : SEV_WARNING;
	const char *role = a->sending ? "sending IP" : "MX address";
	char *rev = reverse_name(a->addr), *ev;
	const struct rr *r;
	size_t n;
	int unknown = 0;

	if (!rev || lookup_unknown(d, rev, "PTR"))
		goto out;
	if (!(n = dsnap_find(d, rev, "PTR", &r))) {
		const struct lookup *l = dsnap_lookup(d, rev, "PTR");
		if (!l) {
			/* Configured after this snapshot was taken: nothing to judge. */
			findings_add(out, SEV_INFO, "ptr.not-collected", a->addr, NULL,
				     "%s %s: this snapshot holds no reverse lookup for it%s",
				     role, a->addr, a->sending ? " (it was taken before the "
				     "address was configured?)" : "");
			goto out;
		}
		ev = lookup_evidence(d, l);
		findings_add(out, sev, "ptr.missing", a->addr, ev,
			     "%s %s%s%s has no PTR record: receivers such as Gmail reject "
			     "its mail (550 5.7.25); ask the address owner for a PTR "
			     "naming a host that resolves back to it", role, a->addr,
			     a->mxhost ? " of " : "", a->mxhost ? a->mxhost : "");
		free(ev);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *name = name_abs(r[i].rdata);
		int c = forward_confirms(d, name, a->addr);
		free(name);
		if (c > 0) {
			generic(d, a, role, &r[i], out);
			goto out;
		}
		unknown |= c < 0;
	}
	if (unknown)
		goto out;
	ev = rr_evidence(d, r);
	findings_add(out, sev, "ptr.mismatch", a->addr, ev,
		     "%s %s: its PTR name %s does not resolve back to it (no "
		     "forward-confirmed reverse DNS; Gmail rejects with 550 5.7.25); "
		     "add the address to that name or change the PTR", role, a->addr,
		     r->rdata);
	free(ev);
out:
	free(rev);
}

static struct addr_role *role_of(struct addr_role **v, size_t *n, size_t *alloc,
				 const char *addr)
{
	for (size_t i = 0; i < *n; i++)
		if (same_addr((*v)[i].addr, addr) || !strcmp((*v)[i].addr, addr))
			return &(*v)[i];
	ALLOC_GROW(*v, *n + 1, *alloc);
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].addr = xstrdup(addr);
	return &(*v)[(*n)++];
}

static void mx_addresses(const struct domain_snap *d, struct addr_role **v,
			 size_t *n, size_t *alloc)
{
	static const char *const types[] = { "A", "AAAA" };
	char *apex = name_abs(d->name);
	const struct rr *mx;
	size_t nmx = dsnap_follow(d, apex, "MX", &mx, NULL, NULL);

	for (size_t i = 0; i < nmx; i++) {
		unsigned pref;
		char *host;

		if (rr_mx(&mx[i], &pref, &host))
			continue;
		for (size_t t = 0; strcmp(host, ".") && t < ARRAY_SIZE(types); t++) {
			const struct rr *r;
			size_t na = dsnap_follow(d, host, types[t], &r, NULL, NULL);
			for (size_t k = 0; k < na; k++) {
				struct addr_role *a = role_of(v, n, alloc, r[k].rdata);
				if (!a->mxhost)
					a->mxhost = xstrdup(host);
			}
		}
		free(host);
	}
	free(apex);
}

void analyze_ptr(const struct domain_snap *d, const struct analyze_opts *o,
		 struct findings *out)
{
	struct addr_role *v = NULL;
	size_t n = 0, alloc = 0;

	mx_addresses(d, &v, &n, &alloc);
	for (size_t i = 0; o->sending_ips && i < o->sending_ips->n; i++)
		role_of(&v, &n, &alloc, o->sending_ips->v[i])->sending = true;
	for (size_t i = 0; i < n; i++) {
		/* Private addresses never meet an outside receiver (labs stand in). */
		if (o->lab || !special_use_range(v[i].addr))
			check_addr(d, &v[i], out);
		free(v[i].addr);
		free(v[i].mxhost);
	}
	free(v);
}
