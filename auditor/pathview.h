/*
 * pathview.h - a domain's mail path as links to draw and to export as
 * metrics: inbound MX host -> address -> firewall -> NAT -> filter ->
 * mail host -> host firewall, outbound mail host -> egress -> the
 * address it leaves with (source NAT) -> SPF -> PTR.
 *
 * A link is broken exactly where a finding of the judge says so (the
 * finding names it); the rule of an intact link comes from asking the
 * firewall the same question path.c asks. Nothing here judges anew.
 */
#ifndef MXAUDIT_PATHVIEW_H
#define MXAUDIT_PATHVIEW_H

#include "config.h"
#include "finding.h"
#include "path.h"
#include "snapshot.h"
#include "svg.h"

enum pv_in_link { PV_MX_ADDR, PV_ADDR_FW, PV_FW_NAT, PV_NAT_FILTER, PV_FILTER_HOST,
		  PV_HOST_HOSTFW, PV_IN_LINKS };
enum pv_out_link { PV_HOST_EGRESS, PV_EGRESS_SRC, PV_SRC_SPF, PV_SRC_PTR, PV_OUT_LINKS };

struct pv_link {
	enum link_state st;
	char *why;        /* the deciding rule or finding, one line */
	const char *code; /* the finding's code when one decides, else NULL (borrowed) */
};

/* One inbound row: an MX host and one of its addresses. */
struct pv_in {
	char *mx;         /* "mx1.example.com." or the domain (implicit MX) */
	unsigned pref;
	char *addr;       /* NULL: the host has no address */
	char *fw;         /* the firewall owning addr, or NULL */
	char *nat;        /* where its NAT sends tcp/25, or NULL */
	char *filter;     /* the filter's verdict in a word */
	char *host;       /* the mail host reached, or the expected one */
	char *hostfw;     /* the host's own firewall (role: host), or NULL */
	struct pv_link l[PV_IN_LINKS];
};

/*
 * One outbound row: a mail host and an address its mail leaves a gateway
 * with, or a configured sending IP no gateway row shows.
 */
struct pv_out {
	char *host, *fw;
	char *src;        /* the address receivers see; NULL: it cannot be told */
	char *spf;        /* SPF result for src, e.g. "pass by ip4:192.0.2.0/24" */
	char *ptr;        /* the PTR name, or NULL */
	struct pv_link l[PV_OUT_LINKS];
};

struct pathview {
	struct pv_in *in;
	size_t nin, in_alloc;
	struct pv_out *out;
	size_t nout, out_alloc;
};

/* pathview.c */
/*
 * The path of d: dc may be NULL (then the mail hosts and sending IPs
 * recorded in the snapshot's inputs are used), fws the configured
 * firewalls' models, fs the domain's findings (borrowed; pointers to
 * their codes are kept). Release out with pathview_release().
 */
void pathview_build(const struct domain_snap *d, const struct domain_conf *dc,
		    const struct path_fws *fws, const struct snapshot *snap,
		    const struct finding *const *fs, size_t nfs, struct pathview *out);
void pathview_release(struct pathview *pv);
/*
 * The worst state of the row's links (broken > unknown > ok); the host
 * firewall counts when the mail host has one.
 */
enum link_state pv_in_state(const struct pv_in *r);

#endif
