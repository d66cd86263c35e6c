/*
 * fw_exposure.c - a firewall that lets every port through to the mail
 * host. RouterOS has no implicit deny: a router without a final drop
 * forwards whatever it translates or routes, and a dst-nat without
 * dst-port forwards every port. Asking a few ports no mail host should
 * offer to the Internet tells such a router from one that forwards mail
 * only. Pure: model in, findings out.
 */
#include <stdlib.h>
#include <string.h>

#include "fw.h"

/* Remote desktop, SMB, SSH, PostgreSQL, and a high port: none belongs on a mail host's outside. */
static const uint16_t probes[] = { 3389, 445, 22, 5432, 49152 };

/* Does part p reach host:port, allowed only by a chain's default accept? */
static bool by_default(struct fw_verdict *v, struct fw_part *p, fw_u128 host, uint16_t port)
{
	const char *rule = fw_part_rule(v, p);

	return p->outcome == FW_ALLOWED && p->stage == FW_STAGE_REQUEST && p->to == host &&
	       p->to_port == port && (!rule || strstr(rule, " policy ACCEPT"));
}

void fw_check_exposure(const struct fw_model *m, const char *fw_name, const struct fw_query *q,
		       fw_u128 host, struct findings *out)
{
	struct strbuf ports = STRBUF_INIT;
	char *rule = NULL, *subject, to[64], hs[64];

	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		struct fw_verdict v = FW_VERDICT_INIT;
		struct fw_query p = *q;
		bool hit = false;

		p.port = probes[i];
		p.proto = 6;
		fw_reach(m, &p, &v);
		for (size_t k = 0; k < v.n && !hit; k++)
			if (by_default(&v, &v.parts[k], host, probes[i])) {
				hit = true;
				if (!rule && fw_part_rule(&v, &v.parts[k]))
					rule = xstrdup(fw_part_rule(&v, &v.parts[k]));
			}
		if (hit)
			sb_addf(&ports, "%s%u", ports.len ? ", " : "", probes[i]);
		fw_verdict_release(&v);
	}
	if (ports.len) {
		fw_ip_format(q->to, q->fam, to, sizeof(to));
		fw_ip_format(host, q->fam, hs, sizeof(hs));
		subject = xasprintf("%s: tcp to %s", fw_name, to);
		findings_add(out, SEV_WARNING, "inbound.default-accept", subject, rule,
			     "tcp/%s to %s reach the mail host %s too: no rule drops them and the firewall's default accepts them, so the mail host is exposed on every port it listens on (firewall/%s.rules)",
			     ports.buf, to, hs, fw_name);
		free(subject);
	}
	free(rule);
	sb_release(&ports);
}
