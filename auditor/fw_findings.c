/*
 * fw_findings.c - the firewall's part of the joint inbound mail path and
 * of egress, as findings: which link is broken, for which sources, and
 * which rule in which snapshot file says so. Pure: model in, findings out.
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

#define MAX_CIDRS 6   /* sources listed in a message before "and N more" */

/* "198.51.100.0/28, 203.0.113.0/24 and 3 more", or "every address". */
static char *peers_text(const struct fw_addrset *s, int fam, const struct fw_addrset *asked)
{
	struct strbuf sb = STRBUF_INIT;
	struct fw_addrset all = FW_ADDRSET_INIT;
	bool every;
	size_t n;

	fw_as_set_universe(&all, fam);
	every = fw_as_equal(s, asked ? asked : &all);
	fw_as_release(&all);
	if (every)
		return xstrdup("every source asked about");
	n = fw_as_join_some(s, fam, ", ", MAX_CIDRS, &sb);
	if (n > MAX_CIDRS)
		sb_addf(&sb, " and %zu more", n - MAX_CIDRS);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

static char *endpoint(fw_u128 ip, int fam, unsigned port)
{
	char buf[64];

	fw_ip_format(ip, fam, buf, sizeof(buf));
	return xasprintf(fam == FW_V6 ? "[%s]:%u" : "%s:%u", buf, port);
}

/* An expected endpoint: a mail host and the port it listens on. */
struct host_ep {
	fw_u128 ip;
	uint16_t port;
};

/* The expected endpoint part p reaches, or -1. */
static int reached_host(const struct fw_part *p, const struct host_ep *h, size_t nh)
{
	for (size_t i = 0; i < nh; i++)
		if (p->to == h[i].ip && p->to_port == h[i].port)
			return (int)i;
	return -1;
}

/* Which link a part of the inbound answer breaks; NULL when it is fine. */
static const char *inbound_code(const struct fw_part *p, bool right)
{
	switch (p->outcome) {
	case FW_UNKNOWN:
		return "inbound.unknown";
	case FW_ALLOWED:
		if (right)
			return NULL;
		return p->nat ? "inbound.dnat-wrong-target" : "inbound.no-dnat";
	case FW_BLOCKED:
		if (!p->nat && !right)
			return "inbound.no-dnat";
		if (!right)
			return "inbound.dnat-wrong-target";
		return p->stage == FW_STAGE_REQUEST ? "inbound.blocked" : "inbound.reply-blocked";
	}
	return NULL;
}

/*
 * Blocklists. A rule that drops some sources only (fail2ban's ban list,
 * a crowdsec or ipset blocklist, a "-s NET -j DROP") is a policy of who
 * may send, not a broken path: one finding for the chain that holds the
 * list (fail2ban's f2b-*, crowdsec's chains) or for the rule, counting
 * the networks. It becomes inbound.blocked only when the same chain or
 * rule blocks every source asked about.
 */
static bool blocklist_chain(const struct fw_chain *c)
{
	return c && (!strncasecmp(c->name, "f2b-", 4) || strcasestr(c->name, "crowdsec"));
}

/* A rule that picks its victims by source address (a list or a set). */
static bool source_rule(const struct fw_rule *r)
{
	for (size_t i = 0; r && i < r->nm; i++)
		if (r->m[i].kind == FW_M_SADDR && !r->m[i].neg)
			return true;
	return false;
}

/* What groups part p as a blocklist: its chain or its rule; NULL if it is no blocklist. */
static const void *blocklist_key(const struct fw_part *p)
{
	if (p->outcome != FW_BLOCKED || p->stage != FW_STAGE_REQUEST || !p->rule_at)
		return NULL;
	if (blocklist_chain(p->rule_chain))
		return p->rule_chain;
	return source_rule(p->rule_at) ? (const void *)p->rule_at : NULL;
}

/* How many addresses s holds (saturating is not needed: at most 2^128 - 1 over disjoint ranges of one family). */
static fw_u128 as_size(const struct fw_addrset *s)
{
	fw_u128 n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].hi - s->v[i].lo + 1;
	return n;
}

void fw_list_policy_init(struct fw_list_policy *lp)
{
	memset(lp, 0, sizeof(*lp));
	lp->warn_ppm = FW_LIST_WARN_PPM;
}

void fw_list_policy_release(struct fw_list_policy *lp)
{
	fw_as_release(&lp->must_reach[0]);
	fw_as_release(&lp->must_reach[1]);
	free(lp->share_from);
	free(lp->reach_from);
}

/* More than ppm millionths of the family's addresses? */
static bool over_share(fw_u128 n, int fam, long ppm)
{
	struct fw_range u = fw_universe(fam);
	fw_u128 span = u.hi - u.lo;   /* the family's size less one: 2^128 does not fit */
	fw_u128 limit = span / 1000000 * (fw_u128)ppm + span % 1000000 * (fw_u128)ppm / 1000000;

	return n > limit;
}

/* "0.5%" from 5000 millionths. */
static void share_text(long ppm, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%ld.%04ld", ppm / 10000, ppm % 10000);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	snprintf(buf + n, size - n, "%%");
}

/*
 * Why a blocklist covering all is a warning, as a clause for its message
 * ("" when it is info): a share past the policy's, or networks the
 * policy says must reach the mail hosts.
 */
static char *list_warning(const struct fw_addrset *all, int fam, const struct fw_list_policy *lp)
{
	struct fw_addrset hit = FW_ADDRSET_INIT;
	long ppm = lp ? lp->warn_ppm : FW_LIST_WARN_PPM;
	struct strbuf sb = STRBUF_INIT;
	char share[32];

	if (lp)
		fw_as_intersect(&hit, all, &lp->must_reach[fam - 1]);
	if (!fw_as_empty(&hit)) {
		size_t n;
		sb_adds(&sb, "; it covers ");
		n = fw_as_join_some(&hit, fam, ", ", 6, &sb);
		sb_addf(&sb, "%s, which the policy%s%s says must reach the mail hosts",
			n > 6 ? " and more" : "", lp->reach_from ? " at " : "",
			lp->reach_from ? lp->reach_from : "");
	}
	if (over_share(as_size(all), fam, ppm)) {
		share_text(ppm, share, sizeof(share));
		sb_addf(&sb, "; it covers more than %s of the %s addresses (%s%s)", share,
			fam == FW_V4 ? "IPv4" : "IPv6",
			lp && lp->share_from ? "the policy's share, set at " : "the default share",
			lp && lp->share_from ? lp->share_from : "");
	}
	fw_as_release(&hit);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

static bool finding_exists(const struct findings *out, const char *code, const char *subject,
			   const char *evidence)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].code, code) && !strcmp(out->v[i].subject, subject) &&
		    !strcmp(out->v[i].evidence ? out->v[i].evidence : "", evidence ? evidence : ""))
			return true;
	return false;
}

/*
 * The blocklist finding for sources all, dropped by the chain or rule of
 * part p0 (big: the part dropping the most of them). Its subject names
 * the firewall and the chain or rule, not the address: the same list in
 * front of two MX addresses is one finding. A list that drops every
 * source asked about is no list: inbound.blocked, naming that rule.
 */
static void blocklist_finding(struct fw_verdict *v, struct fw_part *p0, struct fw_part *big,
			      const struct fw_addrset *all, const char *fw_name,
			      const struct fw_query *q, const struct fw_list_policy *lp,
			      struct findings *out)
{
	struct fw_addrset asked = FW_ADDRSET_INIT;
	struct strbuf nets = STRBUF_INIT;
	bool chain = blocklist_chain(p0->rule_chain);
	const char *rule = fw_part_rule(v, p0);
	char *subject, *warn = NULL;
	size_t n;

	subject = chain ? xasprintf("%s: chain %s %s", fw_name, p0->rule_chain->table, p0->rule_chain->name)
			: xasprintf("%s: %s", fw_name, rule);
	fw_as_set_universe(&asked, q->fam);
	if (q->from)
		fw_as_restrict(&asked, q->from);
	if (fw_as_equal(all, &asked)) {
		rule = fw_part_rule(v, big);
		if (!finding_exists(out, "inbound.blocked", subject, rule))
			findings_add(out, SEV_CRITICAL, "inbound.blocked", subject, rule,
				     "%s drops tcp/%u from every source asked about before it reaches the mail hosts (firewall/%s.rules)",
				     chain ? "the blocklist chain" : "the rule", q->port, fw_name);
		goto out;
	}
	n = fw_as_join_some(all, q->fam, ", ", 6, &nets);
	warn = list_warning(all, q->fam, lp);
	if (!finding_exists(out, "inbound.blocklist", subject, chain ? NULL : rule))
		findings_add(out, *warn ? SEV_WARNING : SEV_INFO, "inbound.blocklist",
			     subject, chain ? NULL : rule,
			     "%s drops tcp/%u from %zu listed network%s (%s%s) before the mail hosts: a list of senders refused, not a break of the path%s; deciding rule: %s (firewall/%s.rules)",
			     chain ? "the blocklist chain" : "a rule", q->port, n, n == 1 ? "" : "s",
			     nets.buf ? nets.buf : "", n > 6 ? ", ..." : "", warn, rule, fw_name);
out:
	free(warn);
	free(subject);
	sb_release(&nets);
	fw_as_release(&asked);
}

/*
 * Parts that share a root cause share a finding: the same code, the same
 * deciding rule (or blocklist chain), the same NAT and destination.
 */
struct group_key {
	const char *code;
	const void *ptr;           /* blocklist chain or rule, or the deciding rule */
	const char *str;           /* the NAT rule, or a policy's label */
	fw_u128 to;
	uint16_t port;
	size_t idx;
};

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_key(const void *x, const void *y)
{
	const struct group_key *a = x, *b = y;
	int c;

	if ((c = strcmp(a->code, b->code)))
		return c;
	if (a->ptr != b->ptr)
		return (uintptr_t)a->ptr < (uintptr_t)b->ptr ? -1 : 1;
	if ((c = cmp_str(a->str, b->str)))
		return c;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static bool same_group(const struct group_key *a, const struct group_key *b)
{
	return !strcmp(a->code, b->code) && a->ptr == b->ptr && !cmp_str(a->str, b->str) &&
	       a->to == b->to && a->port == b->port;
}

static struct group_key part_key(struct fw_verdict *v, size_t i, const char *code, bool right)
{
	struct fw_part *p = &v->parts[i];
	struct group_key k = { code, NULL, NULL, p->to, p->to_port, i };

	if (right && blocklist_key(p)) {
		k.code = "inbound.blocklist";
		k.ptr = blocklist_key(p);
		k.to = 0;
		k.port = 0;
	} else if (!strcmp(code, "inbound.dnat-wrong-target") || !strcmp(code, "inbound.no-dnat")) {
		k.str = p->nat_rule;
	} else if (p->rule_at) {
		k.ptr = p->rule_at;
	} else {
		k.str = fw_part_rule(v, p);
	}
	return k;
}

/* A rate limit on the deciding rule passes a connection's first packets: say that it changes nothing here. */
static const char *rate_note(const struct fw_part *p)
{
	for (size_t i = 0; p->rule_at && i < p->rule_at->nm; i++)
		if (p->rule_at->m[i].kind == FW_M_RATE)
			return "; the rule's rate limit does not change whether a connection's first packets pass";
	return "";
}

/*
 * want: where traffic should go ("the mail host A:25" or "a mail host (A:25, B:25)");
 * got: where this part goes.
 */
static void inbound_message(struct findings *out, const char *code, const char *subject,
			    const char *fw_file, const struct fw_part *p, const char *rule,
			    const char *peers, const char *want, const char *got)
{
	const char *ev = rule ? rule : p->nat_rule;
	char *file = xasprintf("%s%s", fw_file, rate_note(p));

	if (!strcmp(code, "inbound.unknown"))
		findings_add(out, SEV_WARNING, code, subject, ev,
			     "cannot tell whether traffic from %s reaches %s: %s (%s)",
			     peers, want, p->why ? p->why : "unsupported rule", file);
	else if (!strcmp(code, "inbound.no-dnat"))
		findings_add(out, SEV_CRITICAL, code, subject, ev,
			     "no port-forward: traffic from %s stays on the firewall instead of reaching %s (%s)",
			     peers, want, file);
	else if (!strcmp(code, "inbound.dnat-wrong-target"))
		findings_add(out, SEV_CRITICAL, code, subject, p->nat_rule ? p->nat_rule : ev,
			     "the port-forward sends traffic from %s to %s, not to %s (%s)",
			     peers, got, want, file);
	else if (!strcmp(code, "inbound.blocked"))
		findings_add(out, SEV_CRITICAL, code, subject, ev,
			     "the filter drops traffic from %s to the mail host %s (%s)", peers, got, file);
	else
		findings_add(out, SEV_CRITICAL, code, subject, ev,
			     "the replies of the mail host %s to %s are dropped (%s stage; %s)", got, peers,
			     fw_stage_name(p->stage), file);
	free(file);
}

/* Parse "IP", "IP:PORT" or "[V6]:PORT"; the port defaults to dflt. */
static int parse_endpoint(const char *spec, unsigned dflt, struct host_ep *ep, int *fam)
{
	unsigned long port = dflt;
	char *colon, addr[64];

	snprintf(addr, sizeof(addr), "%s", spec + (*spec == '['));
	colon = strrchr(addr, ':');
	if (colon && (*spec == '[' || !strchr(addr, ':') || colon == strchr(addr, ':'))) {
		*colon = '\0';
		port = strtoul(colon + 1, NULL, 10);
		if (*spec == '[' && colon > addr && colon[-1] == ']')
			colon[-1] = '\0';
	}
	if (fw_ip_parse(addr, &ep->ip, fam) || !port || port > 65535)
		return -1;
	ep->port = (uint16_t)port;
	return 0;
}

/* "the mail host A:25", or "a mail host (A:25, B:25)". */
static char *want_text(const struct host_ep *h, size_t nh, int fam)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, nh == 1 ? "the mail host " : "a mail host (");
	for (size_t i = 0; i < nh; i++) {
		char *e = endpoint(h[i].ip, fam, h[i].port);
		sb_addf(&sb, "%s%s", i ? ", " : "", e);
		free(e);
	}
	if (nh > 1)
		sb_adds(&sb, ")");
	return sb_detach(&sb);
}

int fw_check_inbound_any(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
			 const char *const *expect, size_t nexpect, struct fw_addrset *reached,
			 const struct fw_list_policy *lp, struct findings *out)
{
	struct host_ep *h = xcalloc(nexpect ? nexpect : 1, sizeof(*h));
	struct fw_verdict v;
	char *subject, *file, *want, *to;
	struct group_key *keys;
	size_t nh = 0, nk = 0;

	for (size_t i = 0; i < nexpect; i++) {
		int fam;
		if (parse_endpoint(expect[i], q->port, &h[i], &fam) || fam != q->fam) {
			free(h);
			return error("mail host '%s' is not an address[:port] of the query's family", expect[i]);
		}
		nh++;
	}
	fw_reach(m, q, &v);
	want = want_text(h, nh, q->fam);
	to = endpoint(q->to, q->fam, q->port);
	subject = xasprintf("%s: %s/%u to %s", fw_name, q->proto == 17 ? "udp" : "tcp", q->port, to);
	free(to);
	file = xasprintf("firewall/%s.rules", fw_name);
	keys = xcalloc(v.n ? v.n : 1, sizeof(*keys));
	for (size_t i = 0; i < v.n; i++) {
		struct fw_part *p = &v.parts[i];
		int k = reached_host(p, h, nh);
		const char *code = inbound_code(p, k >= 0);

		if (reached && k >= 0 && p->outcome == FW_ALLOWED)
			fw_as_merge(&reached[k], &p->peers);
		if (code)
			keys[nk++] = part_key(&v, i, code, k >= 0);
	}
	qsort(keys, nk, sizeof(*keys), cmp_key);
	for (size_t g = 0, e; g < nk; g = e) {
		struct fw_part *p = &v.parts[keys[g].idx], *big = p;
		struct fw_addrset all = FW_ADDRSET_INIT;
		fw_u128 most = 0;
		char *peers, *got;

		for (e = g; e < nk && same_group(&keys[g], &keys[e]); e++) {
			struct fw_part *pe = &v.parts[keys[e].idx];
			fw_u128 sz = as_size(&pe->peers);
			fw_as_merge(&all, &pe->peers);
			if (sz > most)
				most = sz, big = pe;
		}
		if (!strcmp(keys[g].code, "inbound.blocklist")) {
			blocklist_finding(&v, p, big, &all, fw_name, q, lp, out);
		} else {
			peers = peers_text(&all, q->fam, q->from);
			got = endpoint(p->to, q->fam, p->to_port);
			inbound_message(out, keys[g].code, subject, file, p, fw_part_rule(&v, p), peers, want, got);
			free(got);
			free(peers);
		}
		fw_as_release(&all);
	}
	free(keys);
	free(h);
	free(want);
	free(subject);
	free(file);
	fw_verdict_release(&v);
	return 0;
}

int fw_check_inbound(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     const char *expect, struct findings *out)
{
	return fw_check_inbound_any(m, fw_name, q, &expect, 1, NULL, NULL, out);
}

/* What a mail host needs out, in the order findings name them. */
static const struct {
	unsigned proto, port;
	const char *name;
} egress_svc[FW_EGRESS_NSVC] = { { 6, 25, "tcp/25" }, { 17, 53, "udp/53" }, { 6, 53, "tcp/53" } };

/* One part of an egress answer that is not allowed: which host, which service. */
struct egress_item {
	size_t host, svc;
	struct fw_part *part;
	struct fw_verdict *v;
	const char *rule;
	bool grouped;
};

/* Parts with one root cause: the same outcome, deciding rule, stage and kind of break. */
static bool same_cause(const struct egress_item *a, const struct egress_item *b)
{
	return a->part->outcome == b->part->outcome && a->part->stage == b->part->stage &&
	       a->part->no_return == b->part->no_return && !cmp_str(a->rule, b->rule);
}

/* "10.20.0.25, 10.20.0.26" or "tcp/25, udp/53": the members' hosts or services, once each, in order. */
static char *members_text(const struct egress_item *it, const size_t *idx, size_t n, bool svc,
			  const struct fw_egress_host *h, int fam)
{
	struct strbuf sb = STRBUF_INIT;
	size_t max = svc ? FW_EGRESS_NSVC : 0;
	bool *seen;

	for (size_t i = 0; !svc && i < n; i++)
		if (it[idx[i]].host + 1 > max)
			max = it[idx[i]].host + 1;
	seen = xcalloc(max ? max : 1, sizeof(*seen));
	for (size_t k = 0; k < max; k++) {
		for (size_t i = 0; i < n && !seen[k]; i++)
			seen[k] = (svc ? it[idx[i]].svc : it[idx[i]].host) == k;
		if (!seen[k])
			continue;
		if (svc) {
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", egress_svc[k].name);
		} else {
			char buf[64];
			fw_ip_format(h[k].host, fam, buf, sizeof(buf));
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", buf);
		}
	}
	free(seen);
	return sb_detach(&sb);
}

/* The members' distinct reasons, "; "-separated (a reason names its host's source address). */
static char *whys_text(const struct egress_item *it, const size_t *idx, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist seen = STRLIST_INIT;

	for (size_t i = 0; i < n; i++) {
		const char *why = it[idx[i]].part->why ? it[idx[i]].part->why : "unsupported rule";
		if (sl_has(&seen, why))
			continue;
		sl_push(&seen, why);
		sb_addf(&sb, "%s%s", sb.len ? "; " : "", why);
	}
	sl_release(&seen);
	return sb_detach(&sb);
}

/* The finding for one root cause: members idx[0..n) of it. */
static void egress_finding(const char *fw_name, int fam, const struct fw_egress_host *h,
			   const struct egress_item *it, const size_t *idx, size_t n, struct findings *out)
{
	const struct egress_item *first = &it[idx[0]];
	struct fw_addrset dests = FW_ADDRSET_INIT, asked = FW_ADDRSET_INIT;
	char *hosts = members_text(it, idx, n, false, h, fam), *svcs = members_text(it, idx, n, true, h, fam);
	char *subject = xasprintf("%s: %s from %s", fw_name, svcs, hosts), *peers, *whys;
	bool smtp = false, every = true;

	for (size_t i = 0; i < n; i++) {
		const struct fw_egress_host *eh = &h[it[idx[i]].host];
		fw_as_merge(&dests, &it[idx[i]].part->peers);
		smtp |= it[idx[i]].svc == 0;
		every &= !eh->dests[it[idx[i]].svc];
		if (eh->dests[it[idx[i]].svc])
			fw_as_merge(&asked, eh->dests[it[idx[i]].svc]);
	}
	peers = peers_text(&dests, fam, every ? NULL : &asked);
	whys = whys_text(it, idx, n);
	if (first->part->no_return && smtp)
		findings_add(out, SEV_CRITICAL, "outbound.not-translated", subject, first->rule,
			     "%s sends %s to %s, but %s (firewall/%s.rules)", hosts, svcs, peers, whys, fw_name);
	else if (first->part->outcome == FW_UNKNOWN)
		findings_add(out, SEV_WARNING, "egress.unknown", subject, first->rule,
			     "cannot tell whether %s may send %s to %s: %s (firewall/%s.rules)",
			     hosts, svcs, peers, whys, fw_name);
	else
		findings_add(out, SEV_CRITICAL, smtp ? "egress.smtp-blocked" : "egress.dns-blocked", subject,
			     first->rule, "%s may not send %s to %s (%s stage; firewall/%s.rules)", hosts, svcs,
			     peers, fw_stage_name(first->part->stage), fw_name);
	fw_as_release(&dests);
	fw_as_release(&asked);
	free(hosts);
	free(svcs);
	free(subject);
	free(peers);
	free(whys);
}

void fw_check_egress_hosts(const struct fw_model *m, const char *fw_name, const struct fw_query *base,
			   struct fw_egress_host *h, size_t nh, struct findings *out)
{
	struct fw_verdict *v = xcalloc(nh * FW_EGRESS_NSVC + 1, sizeof(*v));
	struct egress_item *it = NULL;
	size_t nit = 0, alloc = 0, *idx;

	for (size_t i = 0; i < nh; i++) {
		for (size_t s = 0; s < FW_EGRESS_NSVC; s++) {
			struct fw_verdict *vs = &v[i * FW_EGRESS_NSVC + s];
			struct fw_query q = *base;

			fw_as_clear(&h[i].passed[s]);
			if (h[i].dests[s] && fw_as_empty(h[i].dests[s]))
				continue;   /* an earlier firewall lets nothing of it through */
			q.egress = true;
			q.host = h[i].host;
			q.dests = h[i].dests[s];
			q.public = h[i].public ? h[i].public : base->public;
			q.proto = egress_svc[s].proto;
			q.port = (uint16_t)egress_svc[s].port;
			fw_reach(m, &q, vs);
			for (size_t k = 0; k < vs->n; k++) {
				struct fw_part *p = &vs->parts[k];
				if (p->outcome != FW_BLOCKED)
					fw_as_merge(&h[i].passed[s], &p->peers);
				if (p->outcome == FW_ALLOWED)
					continue;
				ALLOC_GROW(it, nit + 1, alloc);
				it[nit++] = (struct egress_item){ i, s, p, vs, fw_part_rule(vs, p), false };
			}
		}
	}
	idx = xcalloc(nit + 1, sizeof(*idx));
	for (size_t g = 0; g < nit; g++) {
		size_t n = 0;
		if (it[g].grouped)
			continue;
		for (size_t k = g; k < nit; k++)
			if (!it[k].grouped && same_cause(&it[g], &it[k]))
				it[k].grouped = true, idx[n++] = k;
		egress_finding(fw_name, base->fam, h, it, idx, n, out);
	}
	for (size_t i = 0; i < nh * FW_EGRESS_NSVC; i++)
		fw_verdict_release(&v[i]);   /* a question not asked is zeroed: nothing to free */
	free(idx);
	free(it);
	free(v);
}

void fw_check_egress(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     struct findings *out)
{
	struct fw_egress_host h = { .host = q->host, .dests = { q->dests, q->dests, q->dests } };

	fw_check_egress_hosts(m, fw_name, q, &h, 1, out);
	for (size_t s = 0; s < FW_EGRESS_NSVC; s++)
		fw_as_release(&h.passed[s]);
}

size_t fw_egress_sources(const struct fw_model *m, const struct fw_query *base, struct fw_leave **out)
{
	struct fw_query q = *base;
	struct fw_verdict v;
	size_t n = 0;

	q.egress = true;
	q.proto = 6;
	q.port = 25;
	fw_reach(m, &q, &v);
	*out = xcalloc(v.n + 1, sizeof(**out));
	for (size_t i = 0; i < v.n; i++) {
		const struct fw_part *p = &v.parts[i];
		size_t k;

		if (p->outcome != FW_ALLOWED)
			continue;
		for (k = 0; k < n; k++)
			if ((*out)[k].known == p->src_known && (*out)[k].src == p->src &&
			    !strcmp((*out)[k].rule ? (*out)[k].rule : "", p->snat_rule ? p->snat_rule : ""))
				break;
		if (k < n)
			continue;
		(*out)[n].src = p->src;
		(*out)[n].known = p->src_known;
		(*out)[n].rule = p->snat_rule ? xstrdup(p->snat_rule) : NULL;
		n++;
	}
	fw_verdict_release(&v);
	return n;
}

void fw_leaves_free(struct fw_leave *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].rule);
	free(v);
}
