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

/* Which link a part of the inbound answer breaks; NULL when it is fine. */
static const char *inbound_code(const struct fw_part *p, fw_u128 ip, uint16_t port)
{
	bool right = p->to == ip && p->to_port == port;

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

static void inbound_message(struct findings *out, const char *code, const char *subject,
			    const char *file, const struct fw_part *p, const char *rule,
			    const char *peers, const char *want, int fam)
{
	char *got = endpoint(p->to, fam, p->to_port);
	const char *ev = rule ? rule : p->nat_rule;

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
			     "the port-forward sends traffic from %s to %s, not to the mail host %s (%s)",
			     peers, got, want, file);
	else if (!strcmp(code, "inbound.blocked"))
		findings_add(out, SEV_CRITICAL, code, subject, ev,
			     "the filter drops traffic from %s to %s (%s)", peers, want, file);
	else
		findings_add(out, SEV_CRITICAL, code, subject, ev,
			     "the replies of %s to %s are dropped (%s stage; %s)", want, peers,
			     fw_stage_name(p->stage), file);
	free(got);
}

int fw_check_inbound(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     const char *expect, struct findings *out)
{
	struct fw_verdict v;
	fw_u128 ip;
	unsigned long port = q->port;
	char *subject, *file, *want, *to, *colon, addr[64];
	int fam;

	/* expect: "IP" or "IP:PORT" or "[V6]:PORT"; the port defaults to the query's. */
	snprintf(addr, sizeof(addr), "%s", expect + (*expect == '['));
	colon = strrchr(addr, ':');
	if (colon && (*expect == '[' || !strchr(addr, ':') || colon == strchr(addr, ':'))) {
		*colon = '\0';
		port = strtoul(colon + 1, NULL, 10);
		if (*expect == '[' && colon > addr && colon[-1] == ']')
			colon[-1] = '\0';
	}
	if (fw_ip_parse(addr, &ip, &fam) || fam != q->fam || !port || port > 65535)
		return error("mail host '%s' is not an address[:port] of the query's family", expect);
	fw_reach(m, q, &v);
	want = endpoint(ip, fam, (unsigned)port);
	to = endpoint(q->to, fam, q->port);
	subject = xasprintf("%s: %s/%u to %s", fw_name, q->proto == 17 ? "udp" : "tcp", q->port, to);
	free(to);
	file = xasprintf("firewall/%s.rules", fw_name);
	for (size_t i = 0; i < v.n; i++) {
		const char *code = inbound_code(&v.parts[i], ip, (uint16_t)port);
		char *peers;

		if (!code)
			continue;
		peers = peers_text(&v.parts[i].peers, fam, q->from);
		inbound_message(out, code, subject, file, &v.parts[i], fw_part_rule(&v, &v.parts[i]),
				peers, want, fam);
		free(peers);
	}
	free(want);
	free(subject);
	free(file);
	fw_verdict_release(&v);
	return 0;
}

/* One egress question: proto/port from host to every destination. */
static void egress_one(const struct fw_model *m, const char *fw_name, const struct fw_query *base,
		       unsigned proto, unsigned port, const char *code, struct findings *out)
{
	struct fw_query q = *base;
	struct fw_verdict v;
	char host[64], *subject, *peers;

	q.egress = true;
	q.proto = proto;
	q.port = (uint16_t)port;
	fw_reach(m, &q, &v);
	fw_ip_format(q.host, q.fam, host, sizeof(host));
	subject = xasprintf("%s: %s/%u from %s", fw_name, proto == 17 ? "udp" : "tcp", port, host);
	for (size_t i = 0; i < v.n; i++) {
		struct fw_part *p = &v.parts[i];

		if (p->outcome == FW_ALLOWED)
			continue;
		peers = peers_text(&p->peers, q.fam, q.dests);
		if (p->outcome == FW_UNKNOWN)
			findings_add(out, SEV_WARNING, "egress.unknown", subject, fw_part_rule(&v, p),
				     "cannot tell whether %s may send %s/%u to %s: %s (firewall/%s.rules)",
				     host, proto == 17 ? "udp" : "tcp", port, peers,
				     p->why ? p->why : "unsupported rule", fw_name);
		else
			findings_add(out, SEV_CRITICAL, code, subject, fw_part_rule(&v, p),
				     "%s may not send %s/%u to %s (%s stage; firewall/%s.rules)", host,
				     proto == 17 ? "udp" : "tcp", port, peers, fw_stage_name(p->stage), fw_name);
		free(peers);
	}
	free(subject);
	fw_verdict_release(&v);
}

void fw_check_egress(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		     struct findings *out)
{
	egress_one(m, fw_name, q, 6, 25, "egress.smtp-blocked", out);
	egress_one(m, fw_name, q, 17, 53, "egress.dns-blocked", out);
	egress_one(m, fw_name, q, 6, 53, "egress.dns-blocked", out);
}
