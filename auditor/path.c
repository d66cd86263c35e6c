/*
 * path.c - the joint inbound path, from the snapshot's DNS records and
 * firewall exports together. The firewall area answers reachability;
 * this file decides which questions a domain's MX records ask of which
 * firewall.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "path.h"

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

/* tcp/25 to one public address of one firewall, and the way out of its mail hosts. */
static void check_address(const struct path_fw *p, fw_u128 to, int fam,
			  const struct domain_conf *dc, struct findings *out)
{
	const struct firewall_conf *c = p->conf;
	struct fw_query q = { 0 };
	struct fw_addrset from = FW_ADDRSET_INIT;
	bool inbound_done = false;

	internet_sources(fam, &from);
	q.from = &from;
	q.fam = fam;
	q.proto = 6;
	q.to = to;
	q.port = 25;
	/* An appliance's export names its own outside and inside; the configuration overrides. */
	q.in_iface = c->outside_ifaces.n ? c->outside_ifaces.v[0] : p->model.outside_iface;
	q.out_iface = c->inside_ifaces.n ? c->inside_ifaces.v[0] : p->model.inside_iface;
	q.local = &p->local[fam - 1];
	q.to_local = true;
	for (size_t i = 0; i < dc->mail_hosts.n; i++) {
		fw_u128 host;
		if (host_family(dc->mail_hosts.v[i], &host) != fam)
			continue;
		if (!inbound_done) {   /* one inbound answer per address: to the first mail host */
			fw_check_inbound(&p->model, c->name, &q, dc->mail_hosts.v[i], out);
			fw_check_exposure(&p->model, c->name, &q, host, out);
		}
		inbound_done = true;
		struct fw_query e = q;
		e.egress = true;
		e.host = host;
		e.in_iface = q.out_iface;   /* out of the inside, into the outside */
		e.out_iface = q.in_iface;
		fw_check_egress(&p->model, c->name, &e, out);
		fw_check_identity(&p->model, c->name, &e, &dc->sending_ips, out);
	}
	fw_as_release(&from);
}

void analyze_path(const struct domain_snap *d, const struct domain_conf *dc,
		  const struct path_fws *fws, struct findings *out)
{
	struct strlist mx = STRLIST_INIT;
	struct strbuf owned = STRBUF_INIT;
	bool on_fw = false;

	if (!dc || !dc->mail_hosts.n || !fws->n)
		return;
	mx_addresses(d, &mx);
	for (size_t i = 0; i < fws->n; i++) {
		const struct path_fw *p = &fws->v[i];
		for (size_t k = 0; k < p->conf->public_ips.n; k++) {
			const char *pub = p->conf->public_ips.v[k];
			fw_u128 ip;
			int fam;

			sb_addf(&owned, "%s%s %s", owned.len ? ", " : "", p->conf->name, pub);
			if (!sl_has(&mx, pub) || fw_ip_parse(pub, &ip, &fam))
				continue;
			on_fw = true;
			if (!p->loaded)
				findings_add(out, SEV_WARNING, "inbound.unknown", pub, NULL,
					     "MX address %s is on firewall '%s', but the snapshot holds no readable export of it: the path cannot be checked",
					     pub, p->conf->name);
			else
				check_address(p, ip, fam, dc, out);
		}
	}
	if (!on_fw && owned.len)
		findings_add(out, SEV_CRITICAL, "inbound.mx-moved", d->name, NULL,
			     "no MX address of %s is a public address of a configured firewall (%s): mail no longer reaches its mail hosts through them; restore the MX/A records or update the firewall configuration",
			     d->name, owned.buf);
	sb_release(&owned);
	sl_release(&mx);
}
