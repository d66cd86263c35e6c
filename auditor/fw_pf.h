/*
 * fw_pf.h - what the pfSense and OPNsense parsers share: both read a
 * config.xml of the same heritage into the model (fw_pfsense.c reads the
 * legacy sections both have; fw_opnsense.c adds OPNsense's MVC ones).
 */
#ifndef MXAUDIT_FW_PF_H
#define MXAUDIT_FW_PF_H

#include "fw.h"
#include "fw_xml.h"

/* An alias: host, network or port lists, possibly nesting other aliases. */
struct pf_alias {
	char *name, *type;
	struct strlist items;
};

/* Where a format adds its own rules among the legacy ones (OPNsense's MVC sections). */
enum pf_stage { PF_AFTER_FORWARDS, PF_BEFORE_OUTBOUND, PF_BEFORE_FILTER };

struct pf {
	struct fw_model *m;
	const char *file;
	const struct fw_xml *root;
	bool opn;                     /* OPNsense: comma lists of interfaces, (self), MVC */
	struct pf_alias *aliases;
	size_t naliases, aliases_alloc;
	struct fw_chain *rdr, *snat, *rules, *out_rules;
	const char *wan;              /* the outside interface's name */
	bool v6;                      /* the rule being read is IPv6 only (ipprotocol inet6) */
	void (*extra)(struct pf *p, enum pf_stage stage);
};

/* fw_pfsense.c */
/* Add an alias (the parsers of both formats collect them first). */
struct pf_alias *pf_alias_add(struct pf *p, const char *name, const char *type);
/* Interfaces, aliases, the firewall's addresses, the chains and the interfaces' own blocks. */
void pf_parse_setup(struct pf *p);
/* The legacy sections' rules: 1:1 NAT, port forwards, outbound NAT, floating and interface rules. */
void pf_parse_rules(struct pf *p);
/* A filter-style rule of fields (interface list, protocol, addresses, ports) into r. */
void pf_iface_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *list);
void pf_proto_match(struct fw_rule *r, const char *proto);
void pf_addr_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *net, bool neg);
void pf_port_match(struct pf *p, struct fw_rule *r, enum fw_mkind kind, const char *port);
struct fw_rule *pf_rule_new(struct pf *p, struct fw_chain *c, const struct fw_xml *x, const char *what);
void pf_release(struct pf *p);
void pf_port_forward(struct pf *p, const struct fw_xml *x);
int pf_parse_root(struct fw_model *m, const char *file, const char *text, const char *want, struct fw_xml **root);
void pf_iface_jumps(struct pf *p);
/* <disabled/> (pfSense) or <disabled>1</disabled> (OPNsense). */
bool pf_is_disabled(const struct fw_xml *x);
/* Keep a rule in place but without a verdict, so diffs show the flip and it never decides. */
void pf_disable(struct fw_rule *r);
void pf_unsupported(struct fw_rule *r, const char *fmt, const char *arg);
void pf_side_match(struct pf *p, struct fw_rule *r, const struct fw_xml *side, bool src);
void pf_family_match(struct pf *p, struct fw_rule *r, const char *ipproto);
/* "line 412: pass on wan tcp from any to ... \"descr\"", for labels; caller frees. */
char *pf_rule_text(const struct fw_xml *x, const char *kind);
void pf_snat_to_iface(struct pf *p, struct fw_rule *r, const char *ifc);
/* Elements both formats mask or leave out of the snapshot. */
bool pf_is_secret(const char *name);
bool pf_is_volatile(const char *name);
bool pf_is_volatile_attr(const char *name);
/* clean with the firewall's own mask: patterns applied (mask may be NULL); takes clean. */
char *pf_mask_site(char *clean, const struct fw_mask *mask);

#endif
