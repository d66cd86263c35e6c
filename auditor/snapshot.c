/*
 * snapshot.c - the in-memory snapshot, its canonical text files, and
 * carrying last good data over temporary failures.
 *
 * dns/<domain>.zone: one record a line, "owner<TAB>ttl<TAB>IN<TAB>type<TAB>rdata",
 * sorted by owner, type, rdata. dns/<domain>.status: one lookup a line,
 * "name<TAB>type<TAB>result<TAB>flags<TAB>servers[<TAB>detail]". Nothing
 * time-varying goes in, so the same world gives the same bytes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "snapshot.h"
#include "readlog.h"

static const char *const lk_names[] = {
	"NOERROR", "NODATA", "NXDOMAIN", "SERVFAIL", "TIMEOUT",
};

const char *lookup_state_name(enum lookup_state s)
{
	return lk_names[s];
}

int lookup_state_parse(const char *s, enum lookup_state *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(lk_names); i++) {
		if (!strcmp(s, lk_names[i])) {
			*out = (enum lookup_state)i;
			return 0;
		}
	}
	return -1;
}

struct domain_snap *snapshot_add_domain(struct snapshot *s, const char *name)
{
	struct domain_snap *d;

	ALLOC_GROW(s->domains, s->n + 1, s->alloc);
	d = &s->domains[s->n++];
	memset(d, 0, sizeof(*d));
	s->sorted = false;
	d->name = str_lower(xstrdup(name));
	return d;
}

static int dsnap_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct domain_snap *)a)->name,
		      ((const struct domain_snap *)b)->name);
}

struct domain_snap *snapshot_domain(const struct snapshot *s, const char *name)
{
	struct domain_snap key = { 0 }, *d;

	if (!s->sorted) {
		for (size_t i = 0; i < s->n; i++)
			if (!strcasecmp(s->domains[i].name, name))
				return &s->domains[i];
		return NULL;
	}
	/* Names are stored lower case; thousands of domains need the bisection. */
	key.name = str_lower(xstrdup(name));
	d = s->n ? bsearch(&key, s->domains, s->n, sizeof(*s->domains), dsnap_name_cmp) : NULL;
	free(key.name);
	return d;
}

static int fw_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fw_snap *)a)->name, ((const struct fw_snap *)b)->name);
}

void snapshot_sort(struct snapshot *s)
{
	if (s->n)
		qsort(s->domains, s->n, sizeof(*s->domains), dsnap_name_cmp);
	if (s->nfw)
		qsort(s->fws, s->nfw, sizeof(*s->fws), fw_name_cmp);
	for (size_t i = 0; i < s->n; i++)
		dsnap_sort(&s->domains[i]);
	s->sorted = true;
}

static void lookup_release(struct lookup *l)
{
	free(l->name);
	free(l->type);
	free(l->servers);
	free(l->detail);
}

static void dsnap_release(struct domain_snap *d)
{
	for (size_t i = 0; i < d->nrr; i++) {
		free(d->rrs[i].owner);
		free(d->rrs[i].type);
		free(d->rrs[i].rdata);
	}
	for (size_t i = 0; i < d->nlk; i++)
		lookup_release(&d->lks[i]);
	free(d->rrs);
	free(d->lks);
	free(d->name);
	free(d->bad);
	dsnap_inputs_free(d->inputs);
}

void snapshot_release(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		dsnap_release(&s->domains[i]);
	for (size_t i = 0; i < s->nfw; i++) {
		free(s->fws[i].name);
		free(s->fws[i].format);
		free(s->fws[i].export_text);
		free(s->fws[i].rules_text);
	}
	free(s->domains);
	free(s->fws);
	memset(s, 0, sizeof(*s));
}

void dsnap_add_rr(struct domain_snap *d, const char *owner, unsigned ttl,
		  const char *type, const char *rdata)
{
	struct rr *r;

	ALLOC_GROW(d->rrs, d->nrr + 1, d->rr_alloc);
	r = &d->rrs[d->nrr++];
	r->owner = xstrdup(owner);
	r->ttl = ttl;
	r->type = xstrdup(type);
	r->rdata = xstrdup(rdata);
}

struct lookup *dsnap_add_lookup(struct domain_snap *d, const char *name,
				const char *type, enum lookup_state state)
{
	struct lookup *l;

	ALLOC_GROW(d->lks, d->nlk + 1, d->lk_alloc);
	l = &d->lks[d->nlk++];
	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->type = xstrdup(type);
	l->state = state;
	l->servers = xstrdup("-");
	return l;
}

int rr_cmp_key(const struct rr *a, const struct rr *b)
{
	int c;

	if ((c = strcmp(a->owner, b->owner)))
		return c;
	if ((c = strcmp(a->type, b->type)))
		return c;
	return strcmp(a->rdata, b->rdata);
}

static int rr_cmp(const void *va, const void *vb)
{
	const struct rr *a = va, *b = vb;
	int c = rr_cmp_key(a, b);

	if (c)
		return c;
	return a->ttl < b->ttl ? -1 : a->ttl > b->ttl;
}

static int lookup_cmp(const void *va, const void *vb)
{
	const struct lookup *a = va, *b = vb;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->type, b->type);
}

/* qsort, unless base is in order already: files read back from the store always are. */
static void sort_unless_sorted(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *p = base;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0) {
			qsort(base, n, size, cmp);
			return;
		}
}

void dsnap_sort(struct domain_snap *d)
{
	size_t j = 0;

	if (d->nrr) {
		sort_unless_sorted(d->rrs, d->nrr, sizeof(*d->rrs), rr_cmp);
		for (size_t i = 1; i < d->nrr; i++) {
			if (!rr_cmp_key(&d->rrs[i], &d->rrs[j])) {
				free(d->rrs[i].owner);
				free(d->rrs[i].type);
				free(d->rrs[i].rdata);
			} else {
				d->rrs[++j] = d->rrs[i];
			}
		}
		d->nrr = j + 1;
	}
	j = 0;
	if (d->nlk) {
		sort_unless_sorted(d->lks, d->nlk, sizeof(*d->lks), lookup_cmp);
		for (size_t i = 1; i < d->nlk; i++) {
			if (!lookup_cmp(&d->lks[i], &d->lks[j]))
				lookup_release(&d->lks[i]);
			else
				d->lks[++j] = d->lks[i];
		}
		d->nlk = j + 1;
	}
}

size_t dsnap_find(const struct domain_snap *d, const char *owner,
		  const char *type, const struct rr **first)
{
	size_t lo = 0, hi = d->nrr, n = 0;
	bool any = type[0] == '*' && !type[1];

	*first = NULL;
	readlog_note(owner, type);
	/* Binary search for the first record at owner. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->rrs[mid].owner, owner) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < d->nrr && !strcmp(d->rrs[i].owner, owner); i++) {
		if (!any && strcmp(d->rrs[i].type, type)) {
			if (n)
				break;
			continue;
		}
		if (!n++)
			*first = &d->rrs[i];
	}
	return n;
}

const struct lookup *dsnap_lookup(const struct domain_snap *d,
				  const char *name, const char *type)
{
	struct lookup key = { .name = (char *)name, .type = (char *)type };

	readlog_note(name, type);
	if (!d->nlk)
		return NULL;
	return bsearch(&key, d->lks, d->nlk, sizeof(*d->lks), lookup_cmp);
}

void rr_where(struct strbuf *sb, const struct domain_snap *d, const struct rr *r)
{
	sb_adds(sb, "dns/");
	sb_adds(sb, d->name);
	sb_adds(sb, ".zone: ");
	sb_adds(sb, r->owner);
	sb_addc(sb, ' ');
	sb_addu(sb, r->ttl);
	sb_adds(sb, " IN ");
	sb_adds(sb, r->type);
	sb_addc(sb, ' ');
}

/*
 * Append s as one field of a canonical file: a byte that would end the
 * field or the line, or that a terminal would act on, is written as
 * "\DDD", which is how zone files spell any byte (RFC 1035 5.1). Wire
 * data comes escaped already; names built from record content, or a
 * file written by an older version, may not. Escaping an escaped field
 * changes nothing, so the files stay canonical. A space or tab ends a
 * name field, so it is escaped too, except in rdata (the last field of a
 * zone line, whose strings hold them). A leading ';' is escaped: the line
 * would read as a comment.
 */
static void sb_add_field(struct strbuf *sb, const char *s, bool rdata)
{
	if (*s == ';') {   /* at a line's start it would make the line a comment */
		sb_adds(sb, "\\059");
		s++;
	}
	for (;;) {
		const char *p = s;
		unsigned char c;

		while ((c = (unsigned char)*p) > 0x20 && c < 0x7f)
			p++;
		sb_add(sb, s, (size_t)(p - s));
		if (!c)
			return;
		if ((c == '\t' || c == ' ') && rdata)
			sb_addc(sb, (char)c);
		else
			sb_addf(sb, "\\%03u", c);
		s = p + 1;
	}
}

char *dsnap_zone_text(const struct domain_snap *d)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < d->nrr; i++) {
		const struct rr *r = &d->rrs[i];
		sb_add_field(&sb, r->owner, false);
		sb_addc(&sb, '\t');
		sb_addu(&sb, r->ttl);
		sb_adds(&sb, "\tIN\t");
		sb_add_field(&sb, r->type, false);
		sb_addc(&sb, '\t');
		sb_add_field(&sb, r->rdata, true);
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

static void lookup_flags(const struct lookup *l, struct strbuf *sb)
{
	size_t start = sb->len;

	if (l->stale)
		sb_adds(sb, "stale");
	if (l->disagree)
		sb_addf(sb, "%sdisagree", sb->len > start ? "," : "");
	if (l->cached_ttl)
		sb_addf(sb, "%scached-ttl", sb->len > start ? "," : "");
	if (sb->len == start)
		sb_adds(sb, "-");
}

char *dsnap_status_text(const struct domain_snap *d)
{
	struct strbuf sb = STRBUF_INIT;

	dsnap_inputs_text(d->inputs, &sb);
	sb_adds(&sb, "; name\ttype\tresult\tflags\tservers\tdisagreement\n");
	for (size_t i = 0; i < d->nlk; i++) {
		const struct lookup *l = &d->lks[i];
		sb_add_field(&sb, l->name, false);
		sb_addc(&sb, '\t');
		sb_add_field(&sb, l->type, false);
		sb_addf(&sb, "\t%s\t", lookup_state_name(l->state));
		lookup_flags(l, &sb);
		sb_addc(&sb, '\t');
		sb_add_field(&sb, l->servers ? l->servers : "-", false);
		if (l->detail) {
			sb_addc(&sb, '\t');
			sb_add_field(&sb, l->detail, false);
		}
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}
