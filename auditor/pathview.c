/*
 * pathview.c - the mail path of one domain as rows of links (pathview.h),
 * coloured by the judge's findings. A broken link is where a finding
 * names it; an intact link shows the rule that lets mail through, from
 * the same firewall question analyze_path() asks.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "pathview.h"
#include "spf.h"

static void set(struct pv_link *l, enum link_state st, const char *code, char *why)
{
	free(l->why);
	l->st = st;
	l->code = code;
	l->why = why;
}

/* The first finding with code (prefix when it ends in '.') and subject, or NULL. */
static const struct finding *find(const struct finding *const *fs, size_t n, const char *code,
				  const char *subject)
{
	size_t cl = strlen(code);
	bool prefix = cl && code[cl - 1] == '.';

	for (size_t i = 0; i < n; i++)
		if ((prefix ? !strncmp(fs[i]->code, code, cl) : !strcmp(fs[i]->code, code)) &&
		    (!subject || !strcmp(fs[i]->subject, subject)))
			return fs[i];
	return NULL;
}

static char *finding_why(const struct finding *f)
{
	return f->evidence ? xasprintf("%s: %s (rule: %s)", f->code, f->message, f->evidence)
			   : xasprintf("%s: %s", f->code, f->message);
}

static void set_finding(struct pv_link *l, enum link_state st, const struct finding *f)
{
	set(l, st, f->code, finding_why(f));
}

static const struct path_fw *owner_of(const struct path_fws *fws, const char *addr)
{
	for (size_t i = 0; fws && i < fws->n; i++)
		if (sl_has(&fws->v[i].conf->public_ips, addr))
			return &fws->v[i];
	return NULL;
}

static struct pv_in *add_in(struct pathview *pv, const char *mx, unsigned pref, const char *addr)
{
	struct pv_in *r;

	ALLOC_GROW(pv->in, pv->nin + 1, pv->in_alloc);
	r = &pv->in[pv->nin++];
	memset(r, 0, sizeof(*r));
	r->mx = xstrdup(mx);
	r->pref = pref;
	r->addr = addr ? xstrdup(addr) : NULL;
	for (int k = 0; k < PV_IN_LINKS; k++)
		set(&r->l[k], LINK_UNKNOWN, NULL, xstrdup("not reached: an earlier link is not intact"));
	return r;
}

/* Ask the firewall what analyze_path() asked, for the rules of the intact links. */
static void intact_rules(const struct path_fw *p, const char *addr, struct pv_in *r)
{
	struct fw_query q;
	struct fw_verdict v = FW_VERDICT_INIT;
	fw_u128 ip;
	int fam;
	char to[64];

	if (fw_ip_parse(addr, &ip, &fam))
		return;
	path_inbound_query(p, ip, fam, &q);
	fw_reach(&p->model, &q, &v);
	for (size_t i = 0; i < v.n; i++) {
		struct fw_part *part = &v.parts[i];
		const char *rule;

		if (part->outcome != FW_ALLOWED || part->stage != FW_STAGE_REQUEST)
			continue;
		rule = fw_part_rule(&v, part);
		fw_ip_format(part->to, part->to_fam ? part->to_fam : fam, to, sizeof(to));
		r->nat = part->nat ? xasprintf(fam == FW_V6 ? "[%s]:%u" : "%s:%u", to, part->to_port)
				   : xstrdup("no translation");
		set(&r->l[PV_FW_NAT], LINK_OK, NULL, part->nat_rule ? xasprintf("DNAT rule: %s", part->nat_rule)
				       : xstrdup("the address is not translated"));
		set(&r->l[PV_NAT_FILTER], LINK_OK, NULL, xasprintf("accepted by %s", rule ? rule : "the policy"));
		r->filter = xstrdup("accept");
		break;
	}
	fw_verdict_release(&v);
}

/* The address of a mail host "IP", "IP:PORT" or "[V6]:PORT" into buf; its family, 0 if none. */
static int host_addr(const char *spec, char *buf, size_t len, fw_u128 *ip)
{
	char *end;
	int fam;

	snprintf(buf, len, "%s", spec + (*spec == '['));
	if ((end = strchr(buf, ']')) || ((end = strrchr(buf, ':')) && end == strchr(buf, ':')))
		*end = '\0';
	return fw_ip_parse(buf, ip, &fam) ? 0 : fam;
}

/* The mail host the port-forward reaches ("10.20.0.26:25"), else the first one. */
static const char *reached_host(const struct strlist *hosts, const char *nat)
{
	char a[64], b[64];
	fw_u128 ip;

	if (nat && host_addr(nat, a, sizeof(a), &ip))
		for (size_t i = 0; i < hosts->n; i++)
			if (host_addr(hosts->v[i], b, sizeof(b), &ip) && !strcmp(a, b))
				return hosts->v[i];
	return hosts->v[0];
}

/* The rule of host firewall hf that lets tcp/25 in to the mail host, as analyze_path() asks. */
static char *hostfw_rule(const struct path_fw *hf, fw_u128 ip, int fam)
{
	struct fw_query q;
	struct fw_verdict v = FW_VERDICT_INIT;
	char *why = NULL;

	path_inbound_query(hf, ip, fam, &q);
	q.out_iface = NULL;
	fw_reach(&hf->model, &q, &v);
	for (size_t i = 0; i < v.n && !why; i++)
		if (v.parts[i].outcome == FW_ALLOWED && v.parts[i].stage == FW_STAGE_REQUEST) {
			const char *rule = fw_part_rule(&v, &v.parts[i]);
			why = xasprintf("accepted by host firewall '%s': %s", hf->conf->name,
					rule ? rule : "its policy");
		}
	fw_verdict_release(&v);
	return why ? why : xasprintf("no finding: host firewall '%s' lets tcp/25 in", hf->conf->name);
}

/* The last inbound link: the mail host's own firewall (role: host), as check judges it. */
static void hostfw_link(const struct path_fws *fws, const struct finding *const *fs, size_t n,
			struct pv_in *r)
{
	struct pv_link *l = &r->l[PV_HOST_HOSTFW];
	char addr[64], *subject;
	fw_u128 ip;
	int fam = host_addr(r->host, addr, sizeof(addr), &ip);
	const struct path_fw *hf = fam && fws ? path_host_firewall(fws, ip, fam) : NULL;
	const struct finding *f;

	if (!hf) {
		set(l, LINK_UNKNOWN, NULL, xasprintf("no host firewall (role: host) of %s in the "
						     "configuration: not checked", r->host));
		return;
	}
	r->hostfw = xstrdup(hf->conf->name);
	if (r->l[PV_FILTER_HOST].st != LINK_OK)
		return;   /* not reached, as check does not ask it either */
	if (!hf->loaded) {
		f = find(fs, n, "inbound.unknown", addr);
		set(l, LINK_UNKNOWN, f ? f->code : NULL, f ? finding_why(f)
		    : xasprintf("the snapshot holds no readable export of '%s'", hf->conf->name));
		return;
	}
	subject = xasprintf(fam == FW_V6 ? "%s: tcp/25 to [%s]:25" : "%s: tcp/25 to %s:25",
			    hf->conf->name, addr);
	if ((f = find(fs, n, "inbound.blocked", subject)) || (f = find(fs, n, "inbound.reply-blocked", subject)) ||
	    (f = find(fs, n, "inbound.no-dnat", subject)) || (f = find(fs, n, "inbound.dnat-wrong-target", subject)))
		set_finding(l, LINK_BROKEN, f);
	else if ((f = find(fs, n, "inbound.unknown", subject)))
		set_finding(l, LINK_UNKNOWN, f);
	else
		set(l, LINK_OK, NULL, hostfw_rule(hf, ip, fam));
	free(subject);
}

/* The firewall links of one address owned by p, as the findings say. */
static void fw_links(const struct path_fws *fws, const struct path_fw *p, const char *addr,
		     const struct strlist *hosts, const struct finding *const *fs, size_t n,
		     struct pv_in *r)
{
	char *subject = xasprintf(strchr(addr, ':') ? "%s: tcp/25 to [%s]:25" : "%s: tcp/25 to %s:25",
				  p->conf->name, addr);
	const struct finding *f;

	r->fw = xstrdup(p->conf->name);
	set(&r->l[PV_ADDR_FW], LINK_OK, NULL, xasprintf("%s is a public address of firewall '%s'",
							addr, p->conf->name));
	if (!hosts || !hosts->n) {
		set(&r->l[PV_FW_NAT], LINK_UNKNOWN, NULL,
		    xstrdup("no mail_hosts configured for the domain: the path is not checked"));
	} else if (!p->loaded) {
		f = find(fs, n, "inbound.unknown", addr);
		set(&r->l[PV_FW_NAT], LINK_UNKNOWN, f ? f->code : NULL, f ? finding_why(f)
		    : xasprintf("the snapshot holds no readable export of '%s'", p->conf->name));
	} else {
		intact_rules(p, addr, r);
		if ((f = find(fs, n, "inbound.no-dnat", subject)) ||
		    (f = find(fs, n, "inbound.dnat-wrong-target", subject)))
			set_finding(&r->l[PV_FW_NAT], LINK_BROKEN, f);
		else if (!r->nat && (f = find(fs, n, "inbound.unknown", subject)))
			set_finding(&r->l[PV_FW_NAT], LINK_UNKNOWN, f);
		else if (!r->nat)
			set(&r->l[PV_FW_NAT], LINK_OK, NULL, xstrdup("no finding: the port-forward is in place"));
		if ((f = find(fs, n, "inbound.blocked", subject)) ||
		    (f = find(fs, n, "inbound.reply-blocked", subject)))
			set_finding(&r->l[PV_NAT_FILTER], LINK_BROKEN, f);
		else if ((f = find(fs, n, "inbound.unknown", subject)))
			set_finding(&r->l[PV_NAT_FILTER], LINK_UNKNOWN, f);
		else if (!r->filter && r->l[PV_FW_NAT].st == LINK_OK)
			set(&r->l[PV_NAT_FILTER], LINK_OK, NULL, xstrdup("no finding: the filter lets tcp/25 through"));
		if (r->l[PV_NAT_FILTER].st == LINK_BROKEN) {
			free(r->filter);
			r->filter = xstrdup("drop");
		}
	}
	r->host = xstrdup(hosts && hosts->n ? reached_host(hosts, r->nat) : "(no mail host configured)");
	if (r->l[PV_FW_NAT].st == LINK_OK && r->l[PV_NAT_FILTER].st == LINK_OK)
		set(&r->l[PV_FILTER_HOST], LINK_OK, NULL, xasprintf("tcp/25 reaches %s", r->host));
	if (hosts && hosts->n)
		hostfw_link(fws, fs, n, r);
	free(subject);
}

static void inbound_row(const struct domain_snap *d, const char *mx, unsigned pref,
			const char *addr, const struct path_fws *fws, const struct strlist *hosts,
			const struct finding *const *fs, size_t n, struct pathview *pv)
{
	struct pv_in *r = add_in(pv, mx, pref, addr);
	const struct path_fw *p = owner_of(fws, addr);
	const struct finding *f;

	set(&r->l[PV_MX_ADDR], LINK_OK, NULL, xasprintf("%s has address %s", mx, addr));
	if (p) {
		fw_links(fws, p, addr, hosts, fs, n, r);
	} else if ((f = find(fs, n, "inbound.mx-moved", d->name))) {
		set_finding(&r->l[PV_ADDR_FW], LINK_BROKEN, f);
	} else {
		set(&r->l[PV_ADDR_FW], LINK_UNKNOWN, NULL,
		    xasprintf("%s is not a public address of a configured firewall: not checked", addr));
	}
}

static void inbound(const struct domain_snap *d, const struct path_fws *fws,
		    const struct strlist *hosts, const struct finding *const *fs, size_t n,
		    struct pathview *pv)
{
	static const char *const types[] = { "A", "AAAA" };
	char *apex = name_abs(d->name);
	const struct rr *mx, *a;
	size_t nmx = dsnap_find(d, apex, "MX", &mx);

	for (size_t i = 0; i <= nmx; i++) {
		unsigned pref = 0;
		char *host = NULL;
		size_t got = 0;

		if (i == nmx ? nmx != 0 : rr_mx(&mx[i], &pref, &host))
			continue;
		for (size_t t = 0; t < 2; t++) {
			size_t na = dsnap_find(d, host ? host : apex, types[t], &a);
			for (size_t k = 0; k < na; k++, got++)
				inbound_row(d, host ? host : apex, pref, a[k].rdata, fws, hosts, fs, n, pv);
		}
		if (!got) {
			struct pv_in *r = add_in(pv, host ? host : apex, pref, NULL);
			const struct finding *f = find(fs, n, "mx.", host ? host : apex);
			if (f)
				set_finding(&r->l[PV_MX_ADDR], f->sev == SEV_INFO ? LINK_UNKNOWN : LINK_BROKEN, f);
			else
				set(&r->l[PV_MX_ADDR], LINK_BROKEN, NULL, xstrdup("no A or AAAA record in the snapshot"));
		}
		free(host);
	}
	free(apex);
}

/* "192.0.2.10" -> "10.2.0.192.in-addr.arpa."; the nibble form for IPv6. */
static char *reverse_name(const char *ip)
{
	unsigned char b[16];
	struct strbuf sb = STRBUF_INIT;

	if (inet_pton(AF_INET, ip, b) == 1) {
		sb_addf(&sb, "%u.%u.%u.%u.in-addr.arpa.", b[3], b[2], b[1], b[0]);
	} else if (inet_pton(AF_INET6, ip, b) == 1) {
		for (int i = 15; i >= 0; i--)
			sb_addf(&sb, "%x.%x.", b[i] & 15, b[i] >> 4);
		sb_adds(&sb, "ip6.arpa.");
	} else {
		return NULL;
	}
	return sb_detach(&sb);
}

/* SPF for the row's address, evaluated on the snapshot as check does; a finding overrides. */
static void spf_link(const struct snapshot *snap, const struct domain_snap *d, struct pv_out *r)
{
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_query q = { .ip = r->src, .domain = d->name, .now = 1 };
	struct spf_eval e = { 0 };
	enum link_state st;

	spf_snapdns_init(&sd, snap, d, &dns);
	if (spf_check_host(&dns, &q, &e) == 0) {
		st = e.result == SPF_PASS ? LINK_OK : e.result == SPF_TEMPERROR ? LINK_UNKNOWN : LINK_BROKEN;
		r->spf = e.term ? xasprintf("%s by %s", spf_result_name(e.result), e.term)
				: xstrdup(spf_result_name(e.result));
		set(&r->l[PV_SRC_SPF], st, NULL, xasprintf("SPF %s for %s: %s", spf_result_name(e.result),
							   r->src, e.reason ? e.reason : ""));
	}
	spf_eval_release(&e);
	spf_snapdns_release(&sd);
}

static void ptr_link(const struct domain_snap *d, const struct finding *const *fs, size_t n,
		     struct pv_out *r)
{
	char *rev = reverse_name(r->src);
	const struct rr *p;
	const struct finding *f;
	size_t np = rev ? dsnap_find(d, rev, "PTR", &p) : 0;

	if (np)
		r->ptr = xstrdup(p[0].rdata);
	if ((f = find(fs, n, "ptr.missing", r->src)) || (f = find(fs, n, "ptr.mismatch", r->src)))
		set_finding(&r->l[PV_SRC_PTR], LINK_BROKEN, f);
	else if ((f = find(fs, n, "ptr.", r->src)))
		set_finding(&r->l[PV_SRC_PTR], LINK_UNKNOWN, f);
	else if (np)
		set(&r->l[PV_SRC_PTR], LINK_OK, NULL, xasprintf("PTR %s, which resolves back to %s",
								r->ptr, r->src));
	else
		set(&r->l[PV_SRC_PTR], LINK_UNKNOWN, NULL, xstrdup("no reverse lookup in the snapshot"));
	free(rev);
}

/*
 * Is subject an egress finding's "FW: SERVICES from A, B" of firewall fw
 * naming host addr? One finding covers every mail host and service a
 * root cause hits.
 */
static bool egress_subject(const char *subject, const char *fw, const char *addr)
{
	size_t fl = strlen(fw), al = strlen(addr);
	const char *from, *h;

	if (strncmp(subject, fw, fl) || strncmp(subject + fl, ": ", 2) || !(from = strstr(subject + fl, " from ")))
		return false;
	for (h = from + 6; h; h = strstr(h, ", ") ? strstr(h, ", ") + 2 : NULL)
		if (!strncmp(h, addr, al) && (!h[al] || !strncmp(h + al, ", ", 2)))
			return true;
	return false;
}

/* The finding with code whose egress subject names host addr behind fw, or NULL. */
static const struct finding *find_from(const struct finding *const *fs, size_t n, const char *code,
				       const char *fw, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i]->code, code) && egress_subject(fs[i]->subject, fw, addr))
			return fs[i];
	return NULL;
}

/* The worst egress finding of firewall fw for host addr: broken before unknown. */
static const struct finding *egress_finding(const struct finding *const *fs, size_t n, const char *fw,
					    const char *addr)
{
	static const char *const codes[] = { "outbound.not-translated", "egress.smtp-blocked",
					     "egress.dns-blocked", "egress.unknown" };

	const struct finding *f;

	for (size_t c = 0; c < ARRAY_SIZE(codes); c++)
		if ((f = find_from(fs, n, codes[c], fw, addr)))
			return f;
	return NULL;
}

/* The egress link of host through firewall p, as the egress.* findings say. */
static void egress_link(const struct path_fw *p, const char *host, const struct finding *const *fs,
			size_t n, struct pv_out *r)
{
	const struct finding *f;
	char addr[64], *end;

	snprintf(addr, sizeof(addr), "%s", host + (*host == '['));
	if ((end = strchr(addr, ']')) || ((end = strrchr(addr, ':')) && end == strchr(addr, ':')))
		*end = '\0';
	r->fw = xstrdup(p->conf->name);
	f = egress_finding(fs, n, p->conf->name, addr);
	if (f)
		set_finding(&r->l[PV_HOST_EGRESS], strcmp(f->code, "egress.unknown") ? LINK_BROKEN
			    : LINK_UNKNOWN, f);
	else if (p->loaded)
		set(&r->l[PV_HOST_EGRESS], LINK_OK, NULL,
		    xasprintf("no egress finding: firewall '%s' lets %s send tcp/25 and ask DNS", p->conf->name, addr));
	else
		set(&r->l[PV_HOST_EGRESS], LINK_UNKNOWN, NULL,
		    xasprintf("the snapshot holds no readable export of '%s'", p->conf->name));
}

static struct pv_out *add_out(struct pathview *pv, const char *host)
{
	struct pv_out *r;

	ALLOC_GROW(pv->out, pv->nout + 1, pv->out_alloc);
	r = &pv->out[pv->nout++];
	memset(r, 0, sizeof(*r));
	for (int k = 0; k < PV_OUT_LINKS; k++)
		set(&r->l[k], LINK_UNKNOWN, NULL, xstrdup("not reached: an earlier link is not intact"));
	r->host = xstrdup(host);
	return r;
}

/* One source tcp/25 of a mail host leaves a gateway with. */
struct leave {
	fw_u128 src;
	bool known;        /* src is that address (no MASQUERADE, no range) */
	bool back;         /* replies to src come back through the gateway */
	char *rule;        /* the SNAT or MASQUERADE rule; NULL: not translated */
};

/* The sources of tcp/25 from the mail host at ip through gateway p, as analyze_path() asks. */
static size_t leaves(const struct path_fw *p, fw_u128 ip, int fam, struct leave **out)
{
	struct fw_addrset pub = FW_ADDRSET_INIT;
	struct fw_verdict v = FW_VERDICT_INIT;
	struct fw_query q;
	size_t n = 0;

	path_egress_query(p, ip, fam, &pub, &q);
	q.proto = 6;
	q.port = 25;
	fw_reach(&p->model, &q, &v);
	*out = xcalloc(v.n + 1, sizeof(**out));
	for (size_t i = 0; i < v.n; i++) {
		struct fw_part *part = &v.parts[i];
		const char *rule = part->no_return ? fw_part_rule(&v, part) : part->snat_rule;
		size_t k;

		if (part->outcome != FW_ALLOWED && !part->no_return)
			continue;   /* blocked on the way out: the egress link says so */
		for (k = 0; k < n; k++)
			if ((*out)[k].src == part->src && (*out)[k].known == part->src_known &&
			    (*out)[k].back == !part->no_return &&
			    !strcmp((*out)[k].rule ? (*out)[k].rule : "", rule ? rule : ""))
				break;
		if (k < n)
			continue;
		(*out)[n++] = (struct leave){ part->src, part->src_known, !part->no_return,
					      rule ? xstrdup(rule) : NULL };
	}
	fw_verdict_release(&v);
	fw_as_release(&pub);
	return n;
}

/* SPF and reverse DNS of the address mail leaves gateway p with: check's outbound.* findings decide. */
static void source_links(const struct snapshot *snap, const struct domain_snap *d, const struct path_fw *p,
			 const struct finding *const *fs, size_t n, struct pv_out *r)
{
	char *subject = xasprintf("%s: tcp/25 leaves as %s", p->conf->name, r->src);
	const struct finding *f;

	spf_link(snap, d, r);
	if ((f = find(fs, n, "outbound.not-authorized", subject)))
		set_finding(&r->l[PV_SRC_SPF], LINK_BROKEN, f);
	else if (r->l[PV_SRC_SPF].st == LINK_UNKNOWN && (f = find(fs, n, "outbound.unknown", subject)))
		set_finding(&r->l[PV_SRC_SPF], LINK_UNKNOWN, f);
	ptr_link(d, fs, n, r);
	if ((f = find(fs, n, "outbound.no-fcrdns", subject)))
		set_finding(&r->l[PV_SRC_PTR], LINK_BROKEN, f);
	free(subject);
}

/* The source NAT link of one source; false when what follows cannot be judged. */
static bool snat_link(const struct path_fw *p, const char *addr, int fam, const struct leave *lv,
		      const struct finding *const *fs, size_t n, struct pv_out *r)
{
	struct pv_link *l = &r->l[PV_EGRESS_SRC];
	const struct finding *f;
	fw_u128 ip = lv->src;
	char src[64];
	bool told = lv->known || path_single_public(p, fam, &ip);

	if (told) {
		fw_ip_format(ip, fam, src, sizeof(src));
		r->src = xstrdup(src);
	}
	if (!lv->back) {
		f = find_from(fs, n, "outbound.not-translated", p->conf->name, addr);
		if (f)
			set_finding(l, LINK_BROKEN, f);
		else
			set(l, LINK_BROKEN, NULL, xasprintf("replies to %s cannot come back through '%s' (rule: %s)",
							     told ? src : addr, p->conf->name, lv->rule ? lv->rule : "none"));
		for (int k = PV_SRC_SPF; k <= PV_SRC_PTR; k++)
			set(&r->l[k], LINK_UNKNOWN, NULL, xstrdup("not judged: no receiver sees an address replies never reach"));
	} else if (!told) {
		f = find_from(fs, n, "outbound.unknown", p->conf->name, addr);
		set(l, LINK_UNKNOWN, f ? f->code : NULL, f ? finding_why(f)
		    : xstrdup("the address the kernel picks (MASQUERADE or a range) cannot be told"));
	} else {
		set(l, LINK_OK, NULL, lv->rule ? xasprintf("%s leaves '%s' as %s by %s", addr, p->conf->name, src, lv->rule)
		    : xasprintf("%s leaves '%s' untranslated, with its own public address", addr, p->conf->name));
	}
	return told && lv->back;
}

/* The rows of mail host `host` leaving gateway p: one per address it leaves with. */
static void gateway_rows(const struct snapshot *snap, const struct domain_snap *d, const struct path_fw *p,
			 const char *host, const struct finding *const *fs, size_t n, struct pathview *out)
{
	char addr[64];
	fw_u128 ip;
	int fam = host_addr(host, addr, sizeof(addr), &ip);
	struct leave *lv = NULL;
	size_t nl = fam && p->loaded ? leaves(p, ip, fam, &lv) : 0;

	for (size_t i = 0; i < (nl ? nl : 1); i++) {
		struct pv_out *r = add_out(out, host);

		egress_link(p, host, fs, n, r);   /* names r->fw */
		if (!nl && p->loaded)
			set(&r->l[PV_EGRESS_SRC], LINK_UNKNOWN, NULL,
			    xasprintf("no tcp/25 of %s leaves '%s': no address to judge", addr, p->conf->name));
		else if (nl && snat_link(p, addr, fam, &lv[i], fs, n, r))
			source_links(snap, d, p, fs, n, r);
	}
	for (size_t i = 0; i < nl; i++)
		free(lv[i].rule);
	free(lv);
}

/* A configured sending IP that no gateway row shows: SPF and reverse DNS only. */
static void sender_row(const struct snapshot *snap, const struct domain_snap *d, const char *host,
		       const char *ip, const struct finding *const *fs, size_t n, struct pathview *out)
{
	struct pv_out *r = add_out(out, host);
	const struct finding *f;

	r->src = xstrdup(ip);
	set(&r->l[PV_HOST_EGRESS], LINK_UNKNOWN, NULL,
	    xasprintf("%s is a sending IP of the configuration that no mail host leaves a gateway of "
		      "the MX addresses with: the way out is not checked", ip));
	set(&r->l[PV_EGRESS_SRC], LINK_UNKNOWN, NULL,
	    xasprintf("source NAT is not modelled for %s: it is taken as the configuration lists it", ip));
	spf_link(snap, d, r);
	if ((f = find(fs, n, "spf.ip-not-authorized", ip)))
		set_finding(&r->l[PV_SRC_SPF], LINK_BROKEN, f);
	ptr_link(d, fs, n, r);
}

/* Is p a gateway of the domain's mail for family fam: does it own one of its MX addresses? */
static bool gateway_of(const struct path_fw *p, int fam, const struct pathview *pv, const struct path_fws *fws)
{
	if (path_host_role(p))
		return false;
	for (size_t i = 0; i < pv->nin; i++)
		if (pv->in[i].addr && owner_of(fws, pv->in[i].addr) == p &&
		    (strchr(pv->in[i].addr, ':') ? FW_V6 : FW_V4) == fam)
			return true;
	return false;
}

/*
 * The way out: each mail host through each gateway that owns an MX
 * address of its family (as analyze_path() goes), one row per address
 * it leaves with; then each sending IP of the configuration that no
 * such row shows.
 */
static void outbound(const struct snapshot *snap, const struct domain_snap *d,
		     const struct path_fws *fws, const struct strlist *hosts,
		     const struct strlist *ips, const struct finding *const *fs, size_t n,
		     struct pathview *out)
{
	size_t nhosts = hosts ? hosts->n : 0, ngw = 0;

	for (size_t h = 0; h < nhosts; h++) {
		char addr[64];
		fw_u128 ip;
		int fam = host_addr(hosts->v[h], addr, sizeof(addr), &ip);

		for (size_t k = 0; fws && fam && k < fws->n; k++)
			if (gateway_of(&fws->v[k], fam, out, fws)) {
				gateway_rows(snap, d, &fws->v[k], hosts->v[h], fs, n, out);
				ngw++;
			}
	}
	for (size_t s = 0; ips && s < ips->n; s++) {
		bool shown = false;

		for (size_t i = 0; i < out->nout && !shown; i++)
			shown = out->out[i].src && !strcmp(out->out[i].src, ips->v[s]);
		if (!shown)
			sender_row(snap, d, ngw ? "(another sender)" : nhosts ? hosts->v[0]
				   : "(mail host not configured)", ips->v[s], fs, n, out);
	}
}

void pathview_build(const struct domain_snap *d, const struct domain_conf *dc,
		    const struct path_fws *fws, const struct snapshot *snap,
		    const struct finding *const *fs, size_t nfs, struct pathview *out)
{
	const struct strlist *hosts = dc ? &dc->mail_hosts : d->inputs ? &d->inputs->mail_hosts : NULL;
	const struct strlist *ips = dc ? &dc->sending_ips : d->inputs ? &d->inputs->sending_ips : NULL;

	memset(out, 0, sizeof(*out));
	inbound(d, fws, hosts, fs, nfs, out);
	outbound(snap, d, fws, hosts, ips, fs, nfs, out);
}

enum link_state pv_in_state(const struct pv_in *r)
{
	enum link_state st = LINK_OK;

	for (int k = 0; k < (r->hostfw ? PV_IN_LINKS : PV_HOST_HOSTFW); k++)
		if (r->l[k].st == LINK_BROKEN)
			return LINK_BROKEN;
		else if (r->l[k].st == LINK_UNKNOWN)
			st = LINK_UNKNOWN;
	return st;
}

void pathview_release(struct pathview *pv)
{
	for (size_t i = 0; i < pv->nin; i++) {
		struct pv_in *r = &pv->in[i];
		for (int k = 0; k < PV_IN_LINKS; k++)
			free(r->l[k].why);
		free(r->mx), free(r->addr), free(r->fw), free(r->nat), free(r->filter), free(r->host);
		free(r->hostfw);
	}
	for (size_t i = 0; i < pv->nout; i++) {
		struct pv_out *r = &pv->out[i];
		for (int k = 0; k < PV_OUT_LINKS; k++)
			free(r->l[k].why);
		free(r->host), free(r->fw), free(r->src), free(r->spf), free(r->ptr);
	}
	free(pv->in);
	free(pv->out);
	memset(pv, 0, sizeof(*pv));
}
