/*
 * analyze_mx.c - can mail reach the domain at all? MX records (RFC 5321
 * section 5.1, RFC 7505 null MX), their targets, and target addresses.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"

struct range {
	int family;
	uint8_t net[16];
	unsigned plen;
	const char *name;
	bool lab_ok;       /* allowed when the config says lab: true */
};

/* RFC 6890 and its updates: nothing here is reachable from the Internet. */
static const struct range ranges[] = {
	{ 4, { 0 }, 8, "'this network' 0.0.0.0/8", false },
	{ 4, { 10 }, 8, "private 10.0.0.0/8 (RFC 1918)", true },
	{ 4, { 100, 64 }, 10, "shared CGN 100.64.0.0/10 (RFC 6598)", true },
	{ 4, { 127 }, 8, "loopback 127.0.0.0/8", true },
	{ 4, { 169, 254 }, 16, "link-local 169.254.0.0/16", true },
	{ 4, { 172, 16 }, 12, "private 172.16.0.0/12 (RFC 1918)", true },
	{ 4, { 192, 0, 0 }, 24, "IETF protocol assignments 192.0.0.0/24", true },
	{ 4, { 192, 0, 2 }, 24, "documentation 192.0.2.0/24 (RFC 5737)", true },
	{ 4, { 192, 168 }, 16, "private 192.168.0.0/16 (RFC 1918)", true },
	{ 4, { 198, 18 }, 15, "benchmarking 198.18.0.0/15 (RFC 2544)", true },
	{ 4, { 198, 51, 100 }, 24, "documentation 198.51.100.0/24 (RFC 5737)", true },
	{ 4, { 203, 0, 113 }, 24, "documentation 203.0.113.0/24 (RFC 5737)", true },
	{ 4, { 224 }, 4, "multicast 224.0.0.0/4", false },
	{ 4, { 240 }, 4, "reserved 240.0.0.0/4", false },
	{ 6, { 0 }, 128, "unspecified ::", false },
	{ 6, { [15] = 1 }, 128, "loopback ::1", true },
	{ 6, { [10] = 0xff, [11] = 0xff }, 96, "IPv4-mapped ::ffff:0:0/96", false },
	{ 6, { 0x01 }, 64, "discard-only 100::/64 (RFC 6666)", false },
	{ 6, { 0x20, 0x01, 0x00, 0x02 }, 48, "benchmarking 2001:2::/48", true },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation 2001:db8::/32 (RFC 3849)", true },
	{ 6, { 0x3f, 0xff }, 20, "documentation 3fff::/20 (RFC 9637)", true },
	{ 6, { 0xfc }, 7, "unique-local fc00::/7 (RFC 4193)", true },
	{ 6, { 0xfe, 0x80 }, 10, "link-local fe80::/10", true },
	{ 6, { 0xff }, 8, "multicast ff00::/8", false },
};

static bool prefix_match(const uint8_t *a, const uint8_t *net, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, net, full))
		return false;
	return !rest || ((a[full] ^ net[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static const struct range *find_range(const char *addr)
{
	uint8_t a[16];
	int fam;

	if (inet_pton(AF_INET, addr, a) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, addr, a) == 1)
		fam = 6;
	else
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		if (ranges[i].family == fam && prefix_match(a, ranges[i].net, ranges[i].plen))
			return &ranges[i];
	return NULL;
}

const char *special_use_range(const char *addr)
{
	const struct range *r = find_range(addr);

	return r ? r->name : NULL;
}

/* Is the exchange an IP address written as a name ("192.0.2.1.")? */
static bool is_ip_literal(const char *host)
{
	char buf[64];
	uint8_t a[16];
	size_t n = strlen(host);

	if (n && host[n - 1] == '.')
		n--;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (n > 2 && buf[0] == '[' && buf[n - 1] == ']') {
		memmove(buf, buf + 1, n - 2);
		buf[n - 2] = '\0';
	}
	return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
}

/* What we learned about one MX target. */
struct mxhost {
	const struct rr *rr;
	char *host;
	unsigned pref;
	bool literal, cname, unknown;
	size_t naddr, nusable;
	struct strlist special;   /* "addr (range)" of the unusable addresses */
};

static void host_addresses(const struct domain_snap *d, struct mxhost *h,
			   const struct analyze_opts *o, struct strlist *usable)
{
	static const char *const types[] = { "A", "AAAA" };
	size_t unknown = 0;

	h->cname = dsnap_find(d, h->host, "CNAME", &(const struct rr *){ NULL }) > 0;
	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		const struct rr *r;
		size_t n = dsnap_follow(d, h->host, types[t], &r, NULL, NULL);

		if (!n && lookup_unknown(d, h->host, types[t]))
			unknown++;
		for (size_t i = 0; i < n; i++, r++) {
			const struct range *rg = find_range(r->rdata);
			h->naddr++;
			if (rg && !(o->lab && rg->lab_ok)) {
				sl_push_owned(&h->special, xasprintf("%s (%s)", r->rdata, rg->name));
				continue;
			}
			h->nusable++;
			sl_push(usable, r->rdata);
		}
	}
	h->unknown = unknown && !h->naddr;
}

static void implicit_mx(const struct domain_snap *d, const char *apex,
			struct findings *out)
{
	const struct lookup *l = dsnap_lookup(d, apex, "MX");
	char *ev = l ? lookup_evidence(d, l) : xasprintf("dns/%s.zone: no MX at %s", d->name, apex);
	const struct rr *r;
	size_t na = dsnap_follow(d, apex, "A", &r, NULL, NULL);
	size_t n6 = dsnap_follow(d, apex, "AAAA", &r, NULL, NULL);
	bool asked = dsnap_lookup(d, apex, "A") && dsnap_lookup(d, apex, "AAAA");

	if (na + n6)
		findings_add(out, SEV_CRITICAL, "mx.implicit", apex, ev,
			     "no MX record: senders deliver to the domain's own address "
			     "(implicit MX), usually a web server; publish MX records");
	else if (asked)
		findings_add(out, SEV_CRITICAL, "mx.none", apex, ev,
			     "no MX record and no address: mail to the domain is "
			     "undeliverable; publish MX records");
	else   /* The snapshot does not say whether an implicit MX exists. */
		findings_add(out, SEV_CRITICAL, "mx.none", apex, ev,
			     "no MX record: mail goes to the domain's own address if it "
			     "has one (not collected), usually a web server, or bounces; "
			     "publish MX records");
	free(ev);
}

/* RFC 7505: a single "0 ." means the domain accepts no mail. */
static void null_mx(const struct domain_snap *d, const struct mxhost *h, size_t n,
		    size_t nnull, const struct analyze_opts *o, struct findings *out)
{
	for (size_t i = 0; i < n; i++) {
		char *ev;
		if (strcmp(h[i].host, "."))
			continue;
		ev = rr_evidence(d, h[i].rr);
		if (n > nnull || nnull > 1)
			findings_add(out, SEV_CRITICAL, "mx.null-mixed", h[i].rr->owner, ev,
				     "null MX published together with other MX records: "
				     "senders may bounce mail with 556; remove the '.' record "
				     "or the others");
		else if (o->sending_ips && o->sending_ips->n)
			findings_add(out, SEV_CRITICAL, "mx.null", h[i].rr->owner, ev,
				     "null MX on a domain that sends mail: receivers may reject "
				     "its MAIL FROM (550 5.7.27) and inbound mail bounces (556)");
		else if (!h[i].pref && analyze_parked(d, o))
			findings_add(out, SEV_INFO, "mx.null", h[i].rr->owner, ev,
				     "parked domain: null MX, SPF -all and an enforcing DMARC "
				     "policy: it neither receives nor sends mail");
		else
			findings_add(out, SEV_WARNING, "mx.null", h[i].rr->owner, ev,
				     "null MX: the domain accepts no mail and senders bounce "
				     "at once (556 5.1.10)%s", h[i].pref ? "; its preference "
				     "should be 0 (RFC 7505)" : "");
		free(ev);
	}
}

static void host_findings(const struct domain_snap *d, const struct mxhost *h,
			  bool none_usable, struct findings *out)
{
	enum severity sev = none_usable ? SEV_CRITICAL : SEV_WARNING;
	const char *why = none_usable ? "no MX target is usable: mail is undeliverable"
				      : "less redundancy";
	char *ev = rr_evidence(d, h->rr);

	if (h->literal)
		findings_add(out, sev, "mx.ip-literal", h->host, ev,
			     "MX target is an IP address, which senders read as a host "
			     "name and cannot use (%s); point the MX at a host name", why);
	if (h->cname)
		findings_add(out, SEV_WARNING, "mx.cname", h->host, ev,
			     "MX target is a CNAME (not allowed by RFC 2181 10.3; some "
			     "senders refuse it); point the MX at the canonical name");
	if (!h->literal && !h->unknown && !h->naddr)
		findings_add(out, sev, "mx.no-address", h->host, ev,
			     "MX target has no A or AAAA record (%s); add its address "
			     "or remove the MX", why);
	if (h->special.n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < h->special.n; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", h->special.v[i]);
		findings_add(out, h->nusable ? SEV_WARNING : sev, "mx.special-address",
			     h->host, ev, "MX target has addresses not reachable from "
			     "the Internet: %s (%s)", sb.buf,
			     h->nusable ? "senders may try them first" : why);
		sb_release(&sb);
	}
	free(ev);
}

static void redundancy(const struct domain_snap *d, const char *apex,
		       struct strlist *usable, size_t nhost, const struct rr *first,
		       struct findings *out)
{
	char *ev;

	sl_sort_uniq(usable);
	if (usable->n != 1)
		return;
	ev = rr_evidence(d, first);
	findings_add(out, SEV_INFO, "mx.no-redundancy", apex, ev,
		     "%s: all mail goes to one address, %s; a second MX on another "
		     "address keeps mail queued elsewhere during an outage",
		     nhost > 1 ? "every usable MX target has the same address"
			       : "a single MX target",
		     usable->v[0]);
	free(ev);
}

void analyze_mx(const struct domain_snap *d, const struct analyze_opts *o,
		struct findings *out)
{
	char *apex = name_abs(d->name);
	struct strlist usable = STRLIST_INIT;
	struct mxhost *h;
	const struct rr *r;
	size_t n, nnull = 0, nreal = 0, nusable = 0;
	bool unknown = false;

	if (lookup_unknown(d, apex, "MX") ||
	    !(n = dsnap_follow(d, apex, "MX", &r, NULL, NULL))) {
		if (!lookup_unknown(d, apex, "MX"))
			implicit_mx(d, apex, out);
		free(apex);
		return;
	}
	h = xcalloc(n, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		h[i].rr = &r[i];
		if (rr_mx(&r[i], &h[i].pref, &h[i].host))
			h[i].host = xstrdup("?");
		if (!strcmp(h[i].host, ".")) {
			nnull++;
			continue;
		}
		nreal++;
		h[i].literal = is_ip_literal(h[i].host);
		if (!h[i].literal)
			host_addresses(d, &h[i], o, &usable);
		/* Unknown hosts may be fine: do not call the domain undeliverable. */
		if (h[i].nusable || h[i].unknown)
			nusable++;
		unknown |= h[i].unknown;
	}
	null_mx(d, h, n, nnull, o, out);
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].host, "."))
			host_findings(d, &h[i], !nusable, out);
	if (!nnull && !unknown)
		redundancy(d, apex, &usable, nreal, r, out);
	for (size_t i = 0; i < n; i++) {
		free(h[i].host);
		sl_release(&h[i].special);
	}
	free(h);
	sl_release(&usable);
	free(apex);
}
