/*
 * fw_ipset.c - `ipset save` output: the members of the sets that
 * iptables' "-m set --match-set NAME src|dst" refers to.
 *
 *   create NAME hash:net family inet hashsize 1024 maxelem 65536
 *   add NAME 198.51.100.0/28
 *   add NAME 198.51.100.7 nomatch
 *
 * Only sets of addresses (hash:ip, hash:net, bitmap:ip) are modelled;
 * a match on any other type (hash:ip,port, list:set, ...) stays unknown.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

struct ipset_parse {
	struct fw_model *m;
	const char *file;
	unsigned line;
	struct fw_addrset *nomatch;   /* per set, subtracted at the end */
};

static struct fw_set *set_named(struct fw_model *m, const char *name, size_t *idx)
{
	for (size_t i = 0; i < m->nsets; i++)
		if (!m->sets[i].table && !strcmp(m->sets[i].name, name))
			return *idx = i, &m->sets[i];
	return NULL;
}

static int words(char *line, char **w, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	return n;
}

static int ipset_create(struct ipset_parse *p, char **w, int n)
{
	struct fw_set *s;
	size_t idx;

	if (n < 3)
		return error("%s:%u: expected 'create NAME TYPE', not a shorter line", p->file, p->line);
	if (set_named(p->m, w[1], &idx))
		return error("%s:%u: set '%s' is created twice", p->file, p->line, w[1]);
	s = fw_model_add_set(p->m, NULL, w[1]);
	s->is_addr = !strcmp(w[2], "hash:ip") || !strcmp(w[2], "hash:net") || !strcmp(w[2], "bitmap:ip");
	s->fam = FW_V4;
	for (int i = 3; i + 1 < n; i++)
		if (!strcmp(w[i], "family") && !strcmp(w[i + 1], "inet6"))
			s->fam = FW_V6;
	p->nomatch = xrealloc(p->nomatch, p->m->nsets * sizeof(*p->nomatch));
	memset(&p->nomatch[p->m->nsets - 1], 0, sizeof(*p->nomatch));
	return 0;
}

/* A member: "ADDR", "ADDR/LEN" or "A-B" (bitmap:ip ranges). */
static int member_range(const char *s, struct fw_range *r, int *fam)
{
	const char *dash = strchr(s, '-');
	char a[64];
	int f2;

	if (!dash)
		return fw_cidr_parse(s, r, fam);
	if ((size_t)(dash - s) >= sizeof(a))
		return -1;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - s), s);
	if (fw_ip_parse(a, &r->lo, fam) || fw_ip_parse(dash + 1, &r->hi, &f2) || *fam != f2 || r->lo > r->hi)
		return -1;
	return 0;
}

static int ipset_add(struct ipset_parse *p, char **w, int n)
{
	struct fw_set *s;
	struct fw_range r;
	size_t idx;
	int fam;
	bool nomatch = false;

	if (n < 3)
		return error("%s:%u: expected 'add NAME MEMBER'", p->file, p->line);
	if (!(s = set_named(p->m, w[1], &idx)))
		return error("%s:%u: set '%s' is not created before its members", p->file, p->line, w[1]);
	if (!s->is_addr)
		return 0;
	for (int i = 3; i < n; i++)
		nomatch |= !strcmp(w[i], "nomatch");
	if (member_range(w[2], &r, &fam) || fam != s->fam)
		return error("%s:%u: expected an address of the set's family, not '%s'", p->file, p->line, w[2]);
	fw_as_add(nomatch ? &p->nomatch[idx] : &s->addrs, r.lo, r.hi);
	return 0;
}

int fw_parse_ipset(struct fw_model *m, const char *file, const char *text)
{
	struct ipset_parse p = { .m = m, .file = file };
	size_t first = m->nsets;
	int r = 0;

	m->ipset_loaded = true;
	p.nomatch = xcalloc(m->nsets + 1, sizeof(*p.nomatch));
	for (const char *s = text; *s && !r;) {
		size_t len = strcspn(s, "\n");
		char *line = xstrndup(s, len), *w[16];
		int n;

		p.line++;
		line[strcspn(line, "\r")] = '\0';
		n = words(line, w, (int)ARRAY_SIZE(w));
		if (!n || w[0][0] == '#')
			;
		else if (!strcmp(w[0], "create") || !strcmp(w[0], "-N"))
			r = ipset_create(&p, w, n);
		else if (!strcmp(w[0], "add") || !strcmp(w[0], "-A"))
			r = ipset_add(&p, w, n);
		else
			r = error("%s:%u: expected 'create' or 'add', not '%s'", file, p.line, w[0]);
		free(line);
		s += len + (s[len] == '\n');
	}
	for (size_t i = first; i < m->nsets; i++) {
		fw_as_remove(&m->sets[i].addrs, &p.nomatch[i]);
		fw_as_release(&p.nomatch[i]);
	}
	free(p.nomatch);
	return r;
}
