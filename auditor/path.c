/*
 * path.c - the joint inbound path, from the snapshot's DNS records and
 * firewall exports together. The firewall area answers reachability;
 * this file decides which questions a domain's MX records ask of which
 * firewall.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "analyze.h"
#include "path.h"
#include "policy.h"
#include "readlog.h"
#include "spf.h"

void path_fws_load(const struct config *cfg, const struct snapshot *snap, struct path_fws *out)
{
	out->n = cfg ? cfg->nfirewalls : 0;
	out->v = xcalloc(out->n ? out->n : 1, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		struct path_fw *p = &out->v[i];
		const struct fw_snap *fs = NULL;

		p->conf = &cfg->firewalls[i];
		p->model = (struct fw_model)FW_MODEL_INIT;
		for (size_t k = 0; k < snap->nfw && !fs; k++)
			if (!strcmp(snap->fws[k].name, p->conf->name))
				fs = &snap->fws[k];
		p->loaded = fs && fw_model_from_snap(fs, &p->model) == 0;
		for (size_t k = 0; k < p->model.self.n; k++) {
			const struct fw_range *r = &p->model.self.v[k];
			int fam = (r->lo >> 32) == 0xffff ? FW_V4 : FW_V6;
			fw_as_add(&p->local[fam - 1], r->lo, r->hi);
		}
		for (size_t k = 0; k < p->conf->public_ips.n; k++) {
			fw_u128 ip;
			int fam;
			if (!fw_ip_parse(p->conf->public_ips.v[k], &ip, &fam))
				fw_as_add(&p->local[fam - 1], ip, ip);
		}
	}
}

void path_fws_release(struct path_fws *fws)
{
	for (size_t i = 0; i < fws->n; i++) {
		fw_model_release(&fws->v[i].model);
		fw_as_release(&fws->v[i].local[0]);
		fw_as_release(&fws->v[i].local[1]);
	}
	free(fws->v);
	fws->v = NULL;
	fws->n = 0;
}

/* The addresses mail for d is delivered to: its MX hosts', or its own (implicit MX). */
static void mx_addresses(const struct domain_snap *d, struct strlist *out)
{
	char *apex = name_abs(d->name);
	const struct rr *mx, *a;
	size_t nmx = dsnap_find(d, apex, "MX", &mx);
	static const char *const types[] = { "A", "AAAA" };

	for (size_t i = 0; i <= nmx; i++) {
		unsigned pref;
		char *host = NULL;

		if (i == nmx ? nmx != 0 : rr_mx(&mx[i], &pref, &host))
			continue;
		for (size_t t = 0; t < 2; t++) {
			size_t n = dsnap_find(d, host ? host : apex, types[t], &a);
			for (size_t k = 0; k < n; k++)
				sl_push(out, a[k].rdata);
		}
		free(host);
	}
	sl_sort_uniq(out);
	free(apex);
}

/* The family of a mail host "IP", "IP:PORT" or "[V6]:PORT"; 0 if none. */
static int host_family(const char *spec, fw_u128 *ip)
{
	char buf[64], *end;
	int fam;

	snprintf(buf, sizeof(buf), "%s", spec + (*spec == '['));
	if ((end = strchr(buf, ']')) || ((end = strrchr(buf, ':')) && end == strchr(buf, ':')))
		*end = '\0';
	return fw_ip_parse(buf, ip, &fam) ? 0 : fam;
}

/* The host-role firewall running on the mail host at ip, or NULL. */
const struct path_fw *path_host_firewall(const struct path_fws *fws, fw_u128 ip, int fam)
{
	for (size_t i = 0; i < fws->n; i++)
		if (path_host_role(&fws->v[i]) && fw_as_contains(&fws->v[i].local[fam - 1], ip))
			return &fws->v[i];
	return NULL;
}

/* The mail hosts of one family: their specs, and their addresses. */
struct hosts {
	const char **spec;
	fw_u128 *ip;
	struct fw_addrset *reached;   /* sources that reach each through the gateways */
	size_t n;
	int fam;
};

static void hosts_init(struct hosts *h, const struct domain_conf *dc, int fam)
{
	size_t n = dc->mail_hosts.n ? dc->mail_hosts.n : 1;

	h->spec = xcalloc(n, sizeof(*h->spec));
	h->ip = xcalloc(n, sizeof(*h->ip));
	h->reached = xcalloc(n, sizeof(*h->reached));
	h->n = 0;
	h->fam = fam;
	for (size_t i = 0; i < dc->mail_hosts.n; i++) {
		fw_u128 ip;
		if (host_family(dc->mail_hosts.v[i], &ip) != fam)
			continue;
		h->spec[h->n] = dc->mail_hosts.v[i];
		h->ip[h->n++] = ip;
	}
}

static void hosts_release(struct hosts *h)
{
	for (size_t i = 0; i < h->n; i++)
		fw_as_release(&h->reached[i]);
	free(h->spec);
	free(h->ip);
	free(h->reached);
}

/*
 * The sources mail can come from: every address but the private,
 * loopback, link-local and shared ranges, which never arrive from the
 * Internet (pfSense's default "block private networks" on WAN drops them,
 * and that breaks no mail).
 */
static void internet_sources(int fam, struct fw_addrset *out)
{
	static const char *const v4[] = {
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.168.0.0/16",
	};
	static const char *const v6[] = { "::1/128", "fc00::/7", "fe80::/10" };
	struct fw_addrset not = FW_ADDRSET_INIT;

	fw_as_set_universe(out, fam);
	for (size_t i = 0; i < (fam == FW_V4 ? ARRAY_SIZE(v4) : ARRAY_SIZE(v6)); i++) {
		struct fw_range r;
		int f;
		if (!fw_cidr_parse(fam == FW_V4 ? v4[i] : v6[i], &r, &f))
			fw_as_add(&not, r.lo, r.hi);
	}
	fw_as_remove(out, &not);
	fw_as_release(&not);
}

void path_inbound_query(const struct path_fw *p, fw_u128 to, int fam, struct fw_query *q)
{
	const struct firewall_conf *c = p->conf;

	memset(q, 0, sizeof(*q));
	q->fam = fam;
	q->proto = 6;
	q->to = to;
	q->port = 25;
	/* An appliance's export names its own outside and inside; the configuration overrides. */
	q->in_iface = c->outside_ifaces.n ? c->outside_ifaces.v[0] : p->model.outside_iface;
	q->out_iface = c->inside_ifaces.n ? c->inside_ifaces.v[0] : p->model.inside_iface;
	q->local = &p->local[fam - 1];
	q->to_local = true;
}

/*
 * tcp/25 to one public address of a firewall: right when it reaches any
 * of the mail hosts. The sources that get through are kept per host for
 * the host's own firewall, the next link (when the firewall asked is
 * that host firewall itself, asking it again changes nothing: the
 * sources it let through pass again).
 */
static void check_address(const struct path_fw *p, fw_u128 to, int fam, struct hosts *h,
			  const struct fw_list_policy *lp, struct findings *out)
{
	struct fw_addrset from = FW_ADDRSET_INIT;
	struct fw_query q;

	if (!h->n)
		return;
	path_inbound_query(p, to, fam, &q);
	internet_sources(fam, &from);
	q.from = &from;
	fw_check_inbound_any(&p->model, p->conf->name, &q, h->spec, h->n, h->reached, lp, out);
	fw_check_exposure(&p->model, p->conf->name, &q, h->ip[0], out);
	fw_as_release(&from);
}

/*
 * The last link inbound: the sources the gateways let through to a mail
 * host must pass that host's own firewall (INPUT) to the port.
 */
static void check_host_firewalls(const struct path_fws *fws, struct hosts *h,
				 const struct fw_list_policy *lp, struct findings *out)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct path_fw *hf = path_host_firewall(fws, h->ip[i], h->fam);
		struct fw_query q;
		char addr[64];

		if (!hf || fw_as_empty(&h->reached[i]))
			continue;
		fw_ip_format(h->ip[i], h->fam, addr, sizeof(addr));
		if (!hf->loaded) {
			findings_add(out, SEV_WARNING, "inbound.unknown", addr, NULL,
				     "mail host %s has the host firewall '%s', but the snapshot holds no readable export of it: the last link of the path cannot be checked",
				     addr, hf->conf->name);
			continue;
		}
		path_inbound_query(hf, h->ip[i], h->fam, &q);
		q.from = &h->reached[i];
		q.out_iface = NULL;
		fw_check_inbound_any(&hf->model, hf->conf->name, &q, &h->spec[i], 1, NULL, lp, out);
	}
}

static struct fw_query egress_query(const struct path_fw *p, fw_u128 host, int fam, bool local)
{
	const struct firewall_conf *c = p->conf;
	struct fw_query e = { 0 };

	e.fam = fam;
	e.egress = true;
	e.host = host;
	e.host_local = local;
	e.in_iface = local ? NULL : c->inside_ifaces.n ? c->inside_ifaces.v[0] : p->model.inside_iface;
	e.out_iface = c->outside_ifaces.n ? c->outside_ifaces.v[0] : p->model.outside_iface;
	e.local = &p->local[fam - 1];
	return e;
}

/* Addresses nothing routes to from outside (RFC 1918, CGNAT, ULA, link-local, loopback). */
static bool private_addr(fw_u128 ip, int fam)
{
	static const char *const nets[] = {
		"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
		"169.254.0.0/16", "127.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128",
	};

	for (size_t i = 0; i < ARRAY_SIZE(nets); i++) {
		struct fw_range r;
		int f;
		if (!fw_cidr_parse(nets[i], &r, &f) && f == fam && ip >= r.lo && ip <= r.hi)
			return true;
	}
	return false;
}

void path_egress_query(const struct path_fw *p, fw_u128 host, int fam, struct fw_addrset *pub,
		       struct fw_query *q)
{
	fw_as_copy(pub, &p->local[fam - 1]);
	if (!private_addr(host, fam))
		fw_as_add(pub, host, host);
	*q = egress_query(p, host, fam, false);
	q->public = pub;
}

bool path_host_role(const struct path_fw *p)
{
	return p->conf->role && !strcmp(p->conf->role, "host");
}

static bool finding_seen(const struct findings *out, const char *code, const char *subject)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].code, code) && !strcmp(out->v[i].subject, subject))
			return true;
	return false;
}

bool path_single_public(const struct path_fw *p, int fam, fw_u128 *ip)
{
	const struct fw_addrset *l = &p->local[fam - 1];

	if (l->n != 1 || l->v[0].lo != l->v[0].hi)
		return false;
	*ip = l->v[0].lo;
	return true;
}

/*
 * The address receivers see: it must pass the domain's SPF and have
 * forward-confirmed reverse DNS, both judged from the snapshot. One
 * finding per firewall, address and code, whichever mail host sends.
 */
static void judge_source(const struct domain_snap *d, const struct path_fw *p, const char *host,
			 const char *src, const char *rule, struct findings *out)
{
	struct spf_query sq = { .ip = src, .domain = d->name, .now = 1, .result_only = true };
	char *subject = xasprintf("%s: tcp/25 leaves as %s", p->conf->name, src), *ptr = NULL;
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_eval e;
	int fc;

	spf_snapdns_init(&sd, NULL, d, &dns);
	if (spf_check_host(&dns, &sq, &e) == 0 && e.result != SPF_PASS &&
	    !finding_seen(out, e.result == SPF_TEMPERROR ? "outbound.unknown" : "outbound.not-authorized", subject))
		findings_add(out, e.result == SPF_TEMPERROR ? SEV_WARNING : SEV_CRITICAL,
			     e.result == SPF_TEMPERROR ? "outbound.unknown" : "outbound.not-authorized", subject, rule,
			     "mail from %s leaves firewall '%s' as %s, for which the SPF of %s gives %s%s%s%s: receivers reject or junk it; SNAT to an authorized address or add this one to SPF (firewall/%s.rules)",
			     host, p->conf->name, src, d->name, spf_result_name(e.result),
			     e.term ? " (decided by '" : "", e.term ? e.term : "", e.term ? "')" : "", p->conf->name);
	spf_eval_release(&e);
	spf_snapdns_release(&sd);
	fc = ptr_fcrdns(d, src, &ptr);
	if (fc == 0 && !finding_seen(out, "outbound.no-fcrdns", subject))
		findings_add(out, SEV_CRITICAL, "outbound.no-fcrdns", subject, rule,
			     "mail from %s leaves firewall '%s' as %s, which has no PTR record: receivers such as Gmail reject it (550 5.7.25) (firewall/%s.rules)",
			     host, p->conf->name, src, p->conf->name);
	else if (fc == -1 && !finding_seen(out, "outbound.no-fcrdns", subject))
		findings_add(out, SEV_CRITICAL, "outbound.no-fcrdns", subject, rule,
			     "mail from %s leaves firewall '%s' as %s, whose PTR name %s does not resolve back to it: receivers such as Gmail reject it (550 5.7.25) (firewall/%s.rules)",
			     host, p->conf->name, src, ptr, p->conf->name);
	else if (fc == -2 && !finding_seen(out, "outbound.unknown", subject))
		findings_add(out, SEV_WARNING, "outbound.unknown", subject, rule,
			     "mail from %s leaves firewall '%s' as %s, but the snapshot holds no reverse lookup of it: its reverse DNS cannot be judged",
			     host, p->conf->name, src);
	free(ptr);
	free(subject);
}

/* Outbound identity: the sources tcp/25 of one mail host leaves gateway p with. */
static void check_identity(const struct domain_snap *d, const struct path_fw *p,
			   const struct fw_query *e, struct findings *out)
{
	struct fw_leave *lv;
	size_t n = fw_egress_sources(&p->model, e, &lv);
	char host[64], src[64];

	fw_ip_format(e->host, e->fam, host, sizeof(host));
	for (size_t i = 0; i < n; i++) {
		fw_u128 ip = lv[i].src;

		if (!lv[i].known && !path_single_public(p, e->fam, &ip)) {
			char *subject = xasprintf("%s: tcp/25 from %s", p->conf->name, host);
			findings_add(out, SEV_WARNING, "outbound.unknown", subject, lv[i].rule,
				     "mail from %s leaves firewall '%s' with an address the kernel picks (MASQUERADE or a range) and the firewall has several public_ips: which one receivers see cannot be told (firewall/%s.rules)",
				     host, p->conf->name, p->conf->name);
			free(subject);
			continue;
		}
		fw_ip_format(ip, e->fam, src, sizeof(src));
		judge_source(d, p, host, src, lv[i].rule, out);
	}
	fw_leaves_free(lv, n);
}

/*
 * The way out of each mail host is one path: its own firewall (OUTPUT),
 * then every gateway on the domain's inbound path (FORWARD, source NAT),
 * which sees only what the host firewall lets through, so a break is
 * one finding, on the firewall that breaks it. Through a gateway,
 * replies come back only to its public addresses (or to a mail host's
 * own public address, routed to it), so mail that leaves with any other
 * source is not delivered; what it leaves with is then judged. A
 * gateway's findings with one root cause cover every mail host.
 */
static void check_egress(const struct domain_snap *d, const struct path_fws *fws, const bool *gateway,
			 const struct hosts *h, struct findings *out)
{
	struct fw_egress_host *eh = xcalloc(h->n ? h->n : 1, sizeof(*eh));
	struct fw_egress_host *own = xcalloc(h->n ? h->n : 1, sizeof(*own));
	struct fw_addrset *pub = xcalloc(h->n ? h->n : 1, sizeof(*pub));

	for (size_t i = 0; i < h->n; i++) {
		const struct path_fw *hf = path_host_firewall(fws, h->ip[i], h->fam);

		eh[i].host = own[i].host = h->ip[i];
		if (hf && !hf->loaded) {
			char addr[64];

			fw_ip_format(h->ip[i], h->fam, addr, sizeof(addr));
			findings_add(out, SEV_WARNING, "outbound.unknown", addr, NULL,
				     "mail host %s has the host firewall '%s', but the snapshot holds no readable export of it: what it lets out cannot be checked; the gateway is checked for every destination",
				     addr, hf->conf->name);
		}
		if (hf && hf->loaded) {
			struct fw_query e = egress_query(hf, h->ip[i], h->fam, true);
			fw_check_egress_hosts(&hf->model, hf->conf->name, &e, &own[i], 1, out);
			for (size_t s = 0; s < FW_EGRESS_NSVC; s++)
				eh[i].dests[s] = &own[i].passed[s];
		}
	}
	for (size_t k = 0; k < fws->n; k++) {
		struct fw_query e;

		if (!gateway[k] || !h->n)
			continue;
		for (size_t i = 0; i < h->n; i++) {
			path_egress_query(&fws->v[k], h->ip[i], h->fam, &pub[i], &e);
			eh[i].public = &pub[i];
		}
		e = egress_query(&fws->v[k], h->ip[0], h->fam, false);
		fw_check_egress_hosts(&fws->v[k].model, fws->v[k].conf->name, &e, eh, h->n, out);
		for (size_t i = 0; i < h->n; i++) {
			/* identity only for the mail the host firewall lets out */
			if (!eh[i].dests[0] || !fw_as_empty(eh[i].dests[0])) {
				e = egress_query(&fws->v[k], h->ip[i], h->fam, false);
				e.public = &pub[i];
				e.dests = eh[i].dests[0];
				check_identity(d, &fws->v[k], &e, out);
			}
			fw_as_release(&pub[i]);
			for (size_t s = 0; s < FW_EGRESS_NSVC; s++)
				fw_as_release(&eh[i].passed[s]);
		}
	}
	for (size_t i = 0; i < h->n; i++)
		for (size_t s = 0; s < FW_EGRESS_NSVC; s++)
			fw_as_release(&own[i].passed[s]);
	free(pub);
	free(own);
	free(eh);
}

/* One address family of the path; *on_fw is set when an MX address is on a firewall. */
static void path_family(const struct domain_snap *d, const struct strlist *mx, const struct domain_conf *dc,
			const struct path_fws *fws, const struct fw_list_policy *lp, int fam, bool *on_fw,
			struct findings *out)
{
	bool *gateway = xcalloc(fws->n ? fws->n : 1, sizeof(*gateway));
	struct hosts h;

	hosts_init(&h, dc, fam);
	for (size_t i = 0; i < fws->n; i++) {
		const struct path_fw *p = &fws->v[i];
		for (size_t k = 0; k < p->conf->public_ips.n; k++) {
			const char *pub = p->conf->public_ips.v[k];
			fw_u128 ip;
			int f;

			if (!sl_has(mx, pub) || fw_ip_parse(pub, &ip, &f) || f != fam)
				continue;
			*on_fw = true;
			if (!p->loaded) {
				findings_add(out, SEV_WARNING, "inbound.unknown", pub, NULL,
					     "MX address %s is on firewall '%s', but the snapshot holds no readable export of it: the path cannot be checked",
					     pub, p->conf->name);
				continue;
			}
			gateway[i] = !path_host_role(p);
			check_address(p, ip, fam, &h, lp, out);
		}
	}
	check_host_firewalls(fws, &h, lp, out);
	check_egress(d, fws, gateway, &h, out);
	hosts_release(&h);
	free(gateway);
}

void analyze_path(const struct domain_snap *d, const struct domain_conf *dc,
		  const struct path_fws *fws, const struct fw_list_policy *lp,
		  struct findings *out)
{
	struct strlist mx = STRLIST_INIT;
	struct strbuf owned = STRBUF_INIT;
	bool on_fw = false;

	if (!dc || !dc->mail_hosts.n || !fws->n)
		return;
	mx_addresses(d, &mx);
	for (size_t i = 0; i < fws->n; i++) {
		/* every firewall is asked (whether the MX addresses are its): a change of its rules is a cause */
		readlog_note(fws->v[i].conf->name, READLOG_FIREWALL);
		for (size_t k = 0; k < fws->v[i].conf->public_ips.n; k++)
			sb_addf(&owned, "%s%s %s", owned.len ? ", " : "", fws->v[i].conf->name,
				fws->v[i].conf->public_ips.v[k]);
	}
	path_family(d, &mx, dc, fws, lp, FW_V4, &on_fw, out);
	path_family(d, &mx, dc, fws, lp, FW_V6, &on_fw, out);
	if (!on_fw && owned.len)
		findings_add(out, SEV_CRITICAL, "inbound.mx-moved", d->name, NULL,
			     "no MX address of %s is a public address of a configured firewall (%s): mail no longer reaches its mail hosts through them; restore the MX/A records or update the firewall configuration",
			     d->name, owned.buf);
	sb_release(&owned);
	sl_release(&mx);
}

void path_list_policy(const struct policy_set *ps, const char *domain, struct fw_list_policy *out)
{
	fw_list_policy_init(out);
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct policy *p = &ps->v[i];

		if (!policy_covers(p, domain))
			continue;
		if (p->blocklist_ppm >= 0 && (!out->share_from || p->blocklist_ppm < out->warn_ppm)) {
			free(out->share_from);
			out->warn_ppm = p->blocklist_ppm;
			out->share_from = xasprintf("%s:%u:%u", p->file, p->blocklist_at.line, p->blocklist_at.col);
		}
		for (size_t k = 0; k < p->must_reach.n; k++) {
			struct fw_range r;
			int fam;
			/* the policy loader checked the syntax */
			if (fw_cidr_parse(p->must_reach.v[k], &r, &fam))
				continue;
			fw_as_add(&out->must_reach[fam - 1], r.lo, r.hi);
		}
		if (p->must_reach.n && !out->reach_from)
			out->reach_from = xasprintf("%s:%u:%u", p->file, p->must_reach_at.line, p->must_reach_at.col);
	}
}
