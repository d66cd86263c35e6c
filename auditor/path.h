/*
 * path.h - the joint inbound mail path: MX host -> A/AAAA -> public IP ->
 * NAT on the firewall that owns that IP -> filter -> internal mail host,
 * and the mail hosts' way out (tcp/25, udp+tcp/53).
 */
#ifndef MXAUDIT_PATH_H
#define MXAUDIT_PATH_H

#include "config.h"
#include "finding.h"
#include "fw.h"
#include "snapshot.h"

/* A configured firewall and its model, rebuilt from the snapshot. */
struct path_fw {
	const struct firewall_conf *conf;
	struct fw_model model;
	bool loaded;                 /* the snapshot holds its export and it parsed */
	struct fw_addrset local[2];  /* public_ips by family: FW_V4 - 1, FW_V6 - 1 */
};

struct path_fws {
	struct path_fw *v;
	size_t n;
};

struct policy_set;

/* path.c */
/* Rebuild the models of cfg's firewalls from snap (once per check run). */
void path_fws_load(const struct config *cfg, const struct snapshot *snap, struct path_fws *out);
void path_fws_release(struct path_fws *fws);
/*
 * The inbound question analyze_path() asks of firewall p for public
 * address to: tcp/25 from every source, in by the outside interface.
 * The report asks it again to draw the links that are intact.
 */
void path_inbound_query(const struct path_fw *p, fw_u128 to, int fam, struct fw_query *q);
/* Is p a mail host's own firewall (role: host) rather than a gateway? */
bool path_host_role(const struct path_fw *p);
/* The host firewall (role: host) running on the mail host at ip, or NULL. */
const struct path_fw *path_host_firewall(const struct path_fws *fws, fw_u128 ip, int fam);
/* The only public address of family fam of p (what a MASQUERADE takes), or false. */
bool path_single_public(const struct path_fw *p, int fam, fw_u128 *ip);
/*
 * The egress question analyze_path() asks of gateway p for the mail host
 * at host: replies come back only to p's public addresses and to the
 * host's own address when it is public; pub receives those (release it
 * with fw_as_release() after the query).
 */
void path_egress_query(const struct path_fw *p, fw_u128 host, int fam, struct fw_addrset *pub,
		       struct fw_query *q);
/*
 * Findings for one domain's path (pure): for each MX address that is a
 * public address of a firewall, tcp/25 must reach the domain's
 * mail_hosts (inbound.*), and the mail hosts must get out (egress.*).
 * An MX set that no longer points at any firewall is inbound.mx-moved.
 * Nothing is checked for a domain without mail_hosts. lp judges
 * blocklists (NULL: the defaults).
 */
void analyze_path(const struct domain_snap *d, const struct domain_conf *dc,
		  const struct path_fws *fws, const struct fw_list_policy *lp,
		  struct findings *out);
/*
 * How the policies of ps that cover domain judge blocklists: the
 * smallest blocklist_share any sets, every must_reach network. Release
 * with fw_list_policy_release().
 */
void path_list_policy(const struct policy_set *ps, const char *domain, struct fw_list_policy *out);

#endif
