/*
 * fw_opnsense.c - OPNsense config.xml into the model (format opnsense).
 *
 * OPNsense keeps pfSense's legacy sections (<filter>, <nat> port
 * forwards, outbound NAT, 1:1 NAT), read by fw_pfsense.c, and adds MVC
 * sections under <OPNsense>: aliases whose <content> is one entry a
 * line, "automation" filter and source NAT rules, and, from 26.x, the
 * destination NAT model mounted on <nat><rule uuid> with an explicit
 * <sequence> (the order, not the file's), <disabled>0|1 and <pass>.
 *
 * OPNsense's documentation does not say where automation rules fall
 * among the legacy floating and interface rules, nor automation source
 * NAT among the outbound rules: each such rule makes the traffic it
 * matches unknown, naming it (docs/firewall.md). Legacy port forwards
 * come before the uuid ones when a file has both (an assumption: the
 * 26.x migration converts them all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_pf.h"

static bool enabled(const struct fw_xml *x)
{
	const char *e = fw_xml_text(x, "enabled");

	return !e || strcmp(e, "0");
}

static void mvc_aliases(struct pf *p)
{
	const struct fw_xml *al = fw_xml_path(p->root, "OPNsense/Firewall/Alias/aliases");

	for (size_t i = 0; al && i < al->n; i++) {
		const struct fw_xml *x = al->kids[i];
		const char *name = fw_xml_text(x, "name"), *content = fw_xml_text(x, "content");
		struct pf_alias *a;
		char *copy, *save = NULL;

		if (strcmp(x->name, "alias") || !name || !enabled(x))
			continue;
		a = pf_alias_add(p, name, fw_xml_text(x, "type"));
		copy = xstrdup(content ? content : "");
		for (char *t = strtok_r(copy, "\n,", &save); t; t = strtok_r(NULL, "\n,", &save)) {
			t += strspn(t, " \t\r");
			if (*t)
				sl_push(&a->items, t);
		}
		free(copy);
	}
}

/* An MVC rule's fields (source_net, destination_port, ...) as matches. */
static void mvc_matches(struct pf *p, struct fw_rule *r, const struct fw_xml *x, bool out)
{
	const char *ifc = fw_xml_text(x, "interface");
	static const char *const sides[] = { "source", "destination" };

	if (ifc && *ifc)
		pf_iface_match(p, r, out ? FW_M_OIF : FW_M_IIF, ifc);
	pf_family_match(p, r, fw_xml_text(x, "ipprotocol"));
	pf_proto_match(r, fw_xml_text(x, "protocol"));
	for (int s = 0; s < 2; s++) {
		char key[32];
		const char *net, *neg, *port;

		snprintf(key, sizeof(key), "%s_net", sides[s]);
		net = fw_xml_text(x, key);
		snprintf(key, sizeof(key), "%s_not", sides[s]);
		neg = fw_xml_text(x, key);
		snprintf(key, sizeof(key), "%s_port", sides[s]);
		port = fw_xml_text(x, key);
		pf_addr_match(p, r, s ? FW_M_DADDR : FW_M_SADDR, net ? net : "any", neg && !strcmp(neg, "1"));
		pf_port_match(p, r, s ? FW_M_DPORT : FW_M_SPORT, port);
	}
}

static char *mvc_text(const struct fw_xml *x, const char *kind)
{
	const char *d = fw_xml_text(x, "description"), *seq = fw_xml_text(x, "sequence");

	return xasprintf("line %u: %s %s (sequence %s)%s%s%s", x->line, kind, x->uuid ? x->uuid : "",
			 seq ? seq : "-", d && *d ? " \"" : "", d && *d ? d : "", d && *d ? "\"" : "");
}

/*
 * Automation rules: each makes what it matches unknown, placed ahead
 * of everything it could precede (filter rules before the floating ones,
 * source NAT before the outbound rules).
 */
static void mvc_rules(struct pf *p, const char *path, struct fw_chain *c, const char *kind, bool out)
{
	const struct fw_xml *rules = fw_xml_path(p->root, path);

	for (size_t i = 0; rules && i < rules->n; i++) {
		const struct fw_xml *x = rules->kids[i];
		char *what;
		struct fw_rule *r;

		if (strcmp(x->name, "rule") || !enabled(x))
			continue;
		what = mvc_text(x, kind);
		r = pf_rule_new(p, c, x, what);
		free(what);
		mvc_matches(p, r, x, out);
		r->target = FW_T_UNSUPPORTED;
		r->target_name = xasprintf("%s: its order among the legacy rules is not documented", kind);
	}
}

static long sequence(const struct fw_xml *x)
{
	const char *s = fw_xml_text(x, "sequence");

	return s ? strtol(s, NULL, 10) : 0;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct fw_xml *x = *(const struct fw_xml *const *)a, *y = *(const struct fw_xml *const *)b;
	long sx = sequence(x), sy = sequence(y);

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;   /* stable: file order for equal sequences */
}

/* The destination NAT model: <nat><rule uuid>, in <sequence> order. */
static void mvc_port_forwards(struct pf *p)
{
	const struct fw_xml *nat = fw_xml_child(p->root, "nat");
	const struct fw_xml **v;
	size_t n = 0;

	if (!nat)
		return;
	v = xcalloc(nat->n + 1, sizeof(*v));
	for (size_t i = 0; i < nat->n; i++)
		if (!strcmp(nat->kids[i]->name, "rule") && nat->kids[i]->uuid)
			v[n++] = nat->kids[i];
	qsort(v, n, sizeof(*v), cmp_seq);
	for (size_t i = 0; i < n; i++)
		pf_port_forward(p, v[i]);
	free(v);
}

static void mvc_stage(struct pf *p, enum pf_stage stage)
{
	if (stage == PF_AFTER_FORWARDS)
		mvc_port_forwards(p);
	else if (stage == PF_BEFORE_OUTBOUND)
		mvc_rules(p, "OPNsense/Firewall/Filter/snatrules", p->snat, "automation source NAT rule", true);
	else
		mvc_rules(p, "OPNsense/Firewall/Filter/rules", p->rules, "automation filter rule", false);
}

int fw_parse_opnsense(struct fw_model *m, const char *file, const char *text)
{
	struct fw_xml *root = NULL;
	struct pf p = { .m = m, .file = file, .opn = true, .extra = mvc_stage };
	int r = pf_parse_root(m, file, text, "opnsense", &root);

	if (!r) {
		p.root = root;
		mvc_aliases(&p);
		pf_parse_setup(&p);
		pf_parse_rules(&p);
		pf_iface_jumps(&p);
	}
	pf_release(&p);
	fw_xml_free(root);
	return r;
}

bool fw_opnsense_detect(const char *text)
{
	return !strncmp(text, "<?xml", 5) ? strstr(text, "<opnsense>") != NULL : !strncmp(text, "<opnsense>", 10);
}

char *fw_opnsense_clean(const char *text, const struct fw_mask *mask)
{
	static const struct fw_xml_rules rules = { pf_is_volatile, pf_is_secret, pf_is_volatile_attr };

	return pf_mask_site(fw_xml_clean(text, &rules), mask);
}
