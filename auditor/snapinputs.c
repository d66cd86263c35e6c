/*
 * snapinputs.c - a domain's recorded inputs: the configuration it was
 * collected and is judged with, kept as "; input" lines at the top of
 * its .status file.
 *
 *   ; input	dkim_selectors	s1 s2
 *   ; input	sending_ips	192.0.2.1 2001:db8::1
 *   ; input	mail_hosts	192.0.2.25:25
 *   ; input	lab	no
 *   ; input	dkim_bits	2048 1024
 *   ; input	policies	no
 *   ; input	firewalls	no
 *
 * They are comment lines, so readers that predate them skip them. A key
 * this version does not know is skipped too (a newer writer's addition).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"

enum ikind { I_LIST, I_IPS, I_BOOL, I_BITS };

static const struct ikey {
	const char *key;
	enum ikind kind;
	size_t off;
} ikeys[] = {
	{ "dkim_selectors", I_LIST, offsetof(struct domain_inputs, dkim_selectors) },
	{ "sending_ips", I_IPS, offsetof(struct domain_inputs, sending_ips) },
	{ "mail_hosts", I_LIST, offsetof(struct domain_inputs, mail_hosts) },
	{ "lab", I_BOOL, offsetof(struct domain_inputs, lab) },
	{ "dkim_bits", I_BITS, 0 },
	{ "policies", I_BOOL, offsetof(struct domain_inputs, policies) },
	{ "firewalls", I_BOOL, offsetof(struct domain_inputs, firewalls) },
};

struct domain_inputs *dsnap_set_inputs(struct domain_snap *d)
{
	dsnap_inputs_free(d->inputs);
	d->inputs = xcalloc(1, sizeof(*d->inputs));
	d->inputs->dkim_warn_bits = 2048;
	d->inputs->dkim_crit_bits = 1024;
	return d->inputs;
}

void dsnap_inputs_free(struct domain_inputs *in)
{
	if (!in)
		return;
	sl_release(&in->dkim_selectors);
	sl_release(&in->sending_ips);
	sl_release(&in->mail_hosts);
	free(in);
}

static bool sl_equal(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

bool dsnap_inputs_equal(const struct domain_inputs *a, const struct domain_inputs *b)
{
	if (!a || !b)
		return !a && !b;
	return sl_equal(&a->dkim_selectors, &b->dkim_selectors) &&
	       sl_equal(&a->sending_ips, &b->sending_ips) &&
	       sl_equal(&a->mail_hosts, &b->mail_hosts) && a->lab == b->lab &&
	       a->dkim_warn_bits == b->dkim_warn_bits && a->dkim_crit_bits == b->dkim_crit_bits &&
	       a->policies == b->policies && a->firewalls == b->firewalls;
}

/* The value of one key as written after its tab. */
static void value_text(const struct domain_inputs *in, const struct ikey *k, struct strbuf *sb)
{
	const struct strlist *l = (const struct strlist *)((const char *)in + k->off);
	const bool *b = (const bool *)((const char *)in + k->off);

	switch (k->kind) {
	case I_LIST:
	case I_IPS:
		for (size_t i = 0; i < l->n; i++)
			sb_addf(sb, "%s%s", i ? " " : "", l->v[i]);
		break;
	case I_BOOL:
		sb_adds(sb, *b ? "yes" : "no");
		break;
	case I_BITS:
		sb_addf(sb, "%u %u", in->dkim_warn_bits, in->dkim_crit_bits);
		break;
	}
}

void dsnap_inputs_text(const struct domain_inputs *in, struct strbuf *sb)
{
	for (size_t i = 0; in && i < ARRAY_SIZE(ikeys); i++) {
		sb_addf(sb, "; input\t%s\t", ikeys[i].key);
		value_text(in, &ikeys[i], sb);
		sb_addc(sb, '\n');
	}
}

void dsnap_inputs_diff(const struct domain_inputs *a, const struct domain_inputs *b,
		       struct strlist *out)
{
	for (size_t i = 0; a && b && i < ARRAY_SIZE(ikeys); i++) {
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

		value_text(a, &ikeys[i], &x);
		value_text(b, &ikeys[i], &y);
		if (x.len != y.len || (x.len && memcmp(x.buf, y.buf, x.len)))
			sl_push_owned(out, xasprintf("%s: %s -> %s", ikeys[i].key,
						     x.len ? x.buf : "(none)", y.len ? y.buf : "(none)"));
		sb_release(&x);
		sb_release(&y);
	}
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Space-separated words of v (modified) into the key's field. */
static int parse_value(struct domain_inputs *in, const struct ikey *k, char *v)
{
	struct strlist *l = (struct strlist *)((char *)in + k->off);
	bool *b = (bool *)((char *)in + k->off);
	unsigned char ip[16];
	char *save = NULL, *w;

	switch (k->kind) {
	case I_LIST:
	case I_IPS:
		sl_release(l);
		for (w = strtok_r(v, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (k->kind == I_IPS && inet_pton(AF_INET, w, ip) != 1 &&
			    inet_pton(AF_INET6, w, ip) != 1)
				return -1;
			sl_push(l, w);
		}
		return 0;
	case I_BOOL:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return -1;
		*b = !strcmp(v, "yes");
		return 0;
	case I_BITS:
		if (!(w = strtok_r(v, " ", &save)) || parse_uint(w, &in->dkim_warn_bits) ||
		    !(w = strtok_r(NULL, " ", &save)) || parse_uint(w, &in->dkim_crit_bits) ||
		    strtok_r(NULL, " ", &save))
			return -1;
		return 0;
	}
	return -1;
}

int dsnap_parse_input(struct domain_snap *d, char *line)
{
	char *tab = strchr(line, '\t');
	const char *value = tab ? tab + 1 : "";

	if (tab)
		*tab = '\0';
	if (!d->inputs)
		dsnap_set_inputs(d);
	for (size_t i = 0; i < ARRAY_SIZE(ikeys); i++)
		if (!strcmp(ikeys[i].key, line)) {
			char *v = xstrdup(value);
			int r = parse_value(d->inputs, &ikeys[i], v);
			free(v);
			return r;
		}
	return 0;
}
