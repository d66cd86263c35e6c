/*
 * impact_fw.c - a firewall change judged by what it allows: for each
 * mail address and mail port, the sources that reach it before and after.
 * Two rule sets that read differently but allow the same traffic have
 * no impact; one changed rule that closes tcp/25 is critical. Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "fw.h"
#include "impact.h"

static const unsigned mail_ports[] = { 25, 465, 587 };

/* The addresses whose mail ports matter: configured, else every MX address. */
static void targets(const struct firewall_conf *fc, const struct snapshot *s,
		    struct strlist *out)
{
	if (fc && fc->public_ips.n) {
		for (size_t i = 0; i < fc->public_ips.n; i++)
			sl_push(out, fc->public_ips.v[i]);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct domain_snap *d = &s->domains[i];
		for (size_t k = 0; k < d->nrr; k++) {
			const struct rr *r = &d->rrs[k], *a;
			unsigned pref;
			char *host;
			size_t n;

			if (strcmp(r->type, "MX") || rr_mx(r, &pref, &host))
				continue;
			n = dsnap_follow(d, host, "A", &a, NULL, NULL);
			for (size_t j = 0; j < n; j++)
				sl_push(out, a[j].rdata);
			n = dsnap_follow(d, host, "AAAA", &a, NULL, NULL);
			for (size_t j = 0; j < n; j++)
				sl_push(out, a[j].rdata);
			free(host);
		}
	}
	sl_sort_uniq(out);
}

/* Addresses in a set, roughly: enough to tell "most" from "some". */
static long double as_size(const struct fw_addrset *s)
{
	long double n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += (long double)(s->v[i].hi - s->v[i].lo) + 1;
	return n;
}

/*
 * "every source", "no source", the CIDRs, or "every source except
 * CIDRs" when that is shorter: a port opened to the world minus a block
 * list reads as the block list.
 */
static char *describe(const struct fw_addrset *s, int fam)
{
	struct fw_addrset all = FW_ADDRSET_INIT, rest = FW_ADDRSET_INIT;
	char *text, *list;

	fw_as_set_universe(&all, fam);
	fw_as_subtract(&rest, &all, s);
	if (fw_as_empty(s))
		text = xstrdup("no source");
	else if (fw_as_empty(&rest))
		text = xstrdup("every source");
	else if (rest.n < s->n) {
		list = fw_as_join(&rest, fam);
		text = xasprintf("every source except %s", list);
		free(list);
	} else {
		text = fw_as_join(s, fam);
	}
	fw_as_release(&all);
	fw_as_release(&rest);
	return text;
}

/* Where a request is forwarded to, "192.0.2.25:25", or NULL (whether it then passes or not). */
static char *nat_target(const struct fw_verdict *v)
{
	char ip[64];

	for (size_t i = 0; i < v->n; i++) {
		const struct fw_part *p = &v->parts[i];
		if (p->stage != FW_STAGE_REQUEST || !p->nat)
			continue;
		fw_ip_format(p->to, p->to_fam, ip, sizeof(ip));
		return xasprintf(p->to_fam == FW_V6 ? "[%s]:%u" : "%s:%u", ip, p->to_port);
	}
	return NULL;
}

/* The sources allowed through m. */
static void reach(const struct fw_model *m, const struct fw_query *q,
		  struct fw_addrset *allowed, char **nat, char **rule)
{
	struct fw_verdict v = FW_VERDICT_INIT;

	fw_reach(m, q, &v);
	fw_as_copy(allowed, &v.allowed);
	*nat = nat_target(&v);
	for (size_t i = 0; i < v.n && !*rule; i++)
		if (v.parts[i].outcome != FW_ALLOWED && fw_part_rule(&v, &v.parts[i]))
			*rule = xstrdup(fw_part_rule(&v, &v.parts[i]));
	fw_verdict_release(&v);
}

struct port_change {
	const char *scope, *to;
	unsigned port;
	int fam;
	struct fw_addrset before, after;
	char *nat_before, *nat_after, *rule;
};

static void add_finding(struct impact *im, const struct port_change *c, enum severity sev,
			const char *code, char *message)
{
	struct impact_item *it = impact_list_add(&im->introduced, c->scope);

	it->f.sev = sev;
	it->f.code = xstrdup(code);
	it->f.subject = xasprintf(c->fam == FW_V6 ? "[%s]:%u/tcp" : "%s:%u/tcp", c->to, c->port);
	it->f.message = message;
	it->f.evidence = c->rule ? xasprintf("%s: %s", c->scope, c->rule) : NULL;
}

/*
 * tcp/25 is how mail arrives: losing most sources (or all) is critical,
 * losing a few (a new block list entry) a warning. 465 and 587 carry
 * submission from users: losing any source is a warning.
 */
static void judge(struct impact *im, const struct port_change *c)
{
	struct fw_addrset lost = FW_ADDRSET_INIT, gained = FW_ADDRSET_INIT;

	fw_as_subtract(&lost, &c->before, &c->after);
	fw_as_subtract(&gained, &c->after, &c->before);
	if (!fw_as_empty(&lost)) {
		bool most = as_size(&lost) * 2 >= as_size(&c->before);
		char *who = describe(&lost, c->fam), *left = describe(&c->after, c->fam);
		add_finding(im, c, c->port == 25 && most ? SEV_CRITICAL : SEV_WARNING, "fw.port-blocked",
			    xasprintf("tcp/%u to %s no longer passes from %s; it now passes from %s%s",
				      c->port, c->to, who, left, c->port == 25 ?
				      ": inbound mail from them cannot arrive" :
				      ": mail submission from them fails"));
		free(who);
		free(left);
	}
	if (!fw_as_empty(&gained)) {
		char *who = describe(&gained, c->fam);
		add_finding(im, c, SEV_INFO, "fw.port-opened",
			    xasprintf("tcp/%u to %s now also passes from %s", c->port, c->to, who));
		free(who);
	}
	if (c->nat_before && c->nat_after && strcmp(c->nat_before, c->nat_after))
		add_finding(im, c, SEV_WARNING, "fw.nat-changed",
			    xasprintf("tcp/%u to %s is now forwarded to %s instead of %s: "
				      "check that a mail server listens there",
				      c->port, c->to, c->nat_after, c->nat_before));
	fw_as_release(&lost);
	fw_as_release(&gained);
}

static void add_reach(struct impact *im, const char *name, const struct port_change *c)
{
	struct impact_reach *r;

	ALLOC_GROW(im->reach, im->nreach + 1, im->reach_alloc);
	r = &im->reach[im->nreach++];
	r->firewall = xstrdup(name);
	r->to = xasprintf(c->fam == FW_V6 ? "[%s]:%u/tcp" : "%s:%u/tcp", c->to, c->port);
	r->before = describe(&c->before, c->fam);
	r->after = describe(&c->after, c->fam);
	r->before_cidrs = fw_as_join(&c->before, c->fam);
	r->after_cidrs = fw_as_join(&c->after, c->fam);
	r->nat_before = c->nat_before ? xstrdup(c->nat_before) : NULL;
	r->nat_after = c->nat_after ? xstrdup(c->nat_after) : NULL;
}

static void query_init(struct fw_query *q, const struct firewall_conf *fc,
		       const struct fw_addrset *local)
{
	memset(q, 0, sizeof(*q));
	q->proto = 6;
	q->local = local;
	q->to_local = true;
	if (fc && fc->outside_ifaces.n == 1)
		q->in_iface = fc->outside_ifaces.v[0];
	if (fc && fc->inside_ifaces.n == 1)
		q->out_iface = fc->inside_ifaces.v[0];
}

static bool same_nat(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

static void compare_port(const struct fw_model *ma, const struct fw_model *mb,
			 struct fw_query *q, const char *name, const char *to,
			 struct impact *im)
{
	struct port_change c = { .to = to, .port = q->port, .fam = q->fam };
	char *scope = xasprintf("firewall %s", name), *rule_a = NULL;

	c.scope = scope;
	reach(ma, q, &c.before, &c.nat_before, &rule_a);
	reach(mb, q, &c.after, &c.nat_after, &c.rule);
	if (!fw_as_equal(&c.before, &c.after) || !same_nat(c.nat_before, c.nat_after)) {
		add_reach(im, name, &c);
		judge(im, &c);
	}
	fw_as_release(&c.before);
	fw_as_release(&c.after);
	free(c.nat_before);
	free(c.nat_after);
	free(c.rule);
	free(rule_a);
	free(scope);
}

static const struct firewall_conf *fw_conf(const struct config *cfg, const char *name)
{
	for (size_t i = 0; cfg && i < cfg->nfirewalls; i++)
		if (!strcmp(cfg->firewalls[i].name, name))
			return &cfg->firewalls[i];
	return NULL;
}

/*
 * The model of fs: the one judging its side already parsed (fws), else
 * rebuilt into m. NULL when there is no firewall or it cannot be read.
 */
static const struct fw_model *model(const struct fw_snap *fs, const struct path_fws *fws,
				    struct fw_model *m, bool *bad)
{
	if (!fs)
		return NULL;
	for (size_t i = 0; fws && i < fws->n; i++) {
		if (strcmp(fws->v[i].conf->name, fs->name))
			continue;
		if (fws->v[i].loaded)
			return &fws->v[i].model;
		*bad = true;
		return NULL;
	}
	if (fw_model_from_snap(fs, m) == 0)
		return m;
	*bad = true;
	return NULL;
}

static void unreadable(struct impact *out, const char *name)
{
	char *scope = xasprintf("firewall %s", name);
	struct impact_item *it = impact_list_add(&out->introduced, scope);

	it->f.sev = SEV_WARNING;
	it->f.code = xstrdup("fw.unreadable");
	it->f.subject = xstrdup(name);
	it->f.message = xstrdup("the stored export cannot be parsed: what the change "
				"does to the mail ports is unknown");
	free(scope);
}

void impact_firewall(const struct fw_snap *a, const struct fw_snap *b,
		     const struct snapshot *s, const struct impact_opts *o,
		     const struct path_fws *fwa, const struct path_fws *fwb,
		     struct impact *out)
{
	const char *name = b ? b->name : a->name;
	const struct firewall_conf *fc = fw_conf(o->cfg, name);
	struct fw_model ma = FW_MODEL_INIT, mb = FW_MODEL_INIT;
	struct fw_addrset local = FW_ADDRSET_INIT;
	struct strlist to = STRLIST_INIT;
	const struct fw_model *pa, *pb;
	bool bad = false;

	if (!a || !b)
		return;        /* a firewall added or removed has no before or after to compare */
	pa = model(a, fwa, &ma, &bad);
	pb = model(b, fwb, &mb, &bad);
	if (bad)
		unreadable(out, name);
	targets(fc, s, &to);
	for (size_t i = 0; i < to.n; i++) {
		struct fw_range r;
		int fam;
		if (!fw_cidr_parse(to.v[i], &r, &fam))
			fw_as_add(&local, r.lo, r.hi);
	}
	for (size_t i = 0; !bad && i < to.n; i++) {
		struct fw_query q;

		query_init(&q, fc, &local);
		/* An appliance's export names its outside and inside; the configuration wins. */
		if (!q.in_iface && pb)
			q.in_iface = pb->outside_iface;
		if (!q.out_iface && pb)
			q.out_iface = pb->inside_iface;
		if (fw_ip_parse(to.v[i], &q.to, &q.fam))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(mail_ports); k++) {
			q.port = (uint16_t)mail_ports[k];
			compare_port(pa, pb, &q, name, to.v[i], out);
		}
	}
	fw_as_release(&local);
	sl_release(&to);
	fw_model_release(&ma);
	fw_model_release(&mb);
}
