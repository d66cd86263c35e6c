/*
 * config.c - mxaudit.yaml into struct config.
 *
 * Each mapping is read against a table of its keys, so an unknown key or
 * a wrong type is an error naming file:line:column and the keys allowed.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamltree.h"
#include "strmap.h"
#include "config.h"
#include "fw.h"

/* F_NESTED: a list read by its own function (domains, firewalls). */
/*
 * F_NAMELIST: DNS names (DKIM selectors); F_WORDLIST: no blanks or
 * control characters (mail hosts). Both are recorded in snapshot files,
 * one space-separated line each (snapinputs.c).
 */
enum ftype { F_STR, F_PATH, F_STRLIST, F_IPLIST, F_NAMELIST, F_WORDLIST, F_BOOL, F_UINT,
	     F_SECONDS, F_NAME, F_NESTED };

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	bool required;
};

struct reader {
	const char *file;
	char *dir;          /* the config's directory, for relative paths */
};

static const struct field top_fields[] = {
	{ "lab", F_BOOL, offsetof(struct config, lab), false },
	{ "policies", F_STRLIST, offsetof(struct config, policies), false },
	{ "dns_servers", F_STRLIST, offsetof(struct config, dns_servers), false },
	{ "resolver", F_STR, offsetof(struct config, resolver), false },
	{ "timeout", F_SECONDS, offsetof(struct config, timeout_ms), false },
	{ "max_inflight", F_UINT, offsetof(struct config, max_inflight), false },
	{ "server_max_inflight", F_UINT, offsetof(struct config, server_inflight), false },
	{ "server_qps", F_UINT, offsetof(struct config, server_qps), false },
	{ "dkim_warn_bits", F_UINT, offsetof(struct config, dkim_warn_bits), false },
	{ "dkim_crit_bits", F_UINT, offsetof(struct config, dkim_crit_bits), false },
	{ "stale_runs", F_UINT, offsetof(struct config, stale_runs), false },
	{ "domains", F_NESTED, 0, false },
	{ "firewalls", F_NESTED, 0, false },
};

static const struct field domain_fields[] = {
	{ "name", F_NAME, offsetof(struct domain_conf, name), true },
	{ "dkim_selectors", F_NAMELIST, offsetof(struct domain_conf, dkim_selectors), false },
	{ "sending_ips", F_IPLIST, offsetof(struct domain_conf, sending_ips), false },
	{ "mail_hosts", F_WORDLIST, offsetof(struct domain_conf, mail_hosts), false },
};

static const struct field firewall_fields[] = {
	{ "name", F_STR, offsetof(struct firewall_conf, name), true },
	{ "format", F_STR, offsetof(struct firewall_conf, format), true },
	{ "file", F_PATH, offsetof(struct firewall_conf, file), false },
	{ "command", F_STR, offsetof(struct firewall_conf, command), false },
	{ "command_timeout", F_UINT, offsetof(struct firewall_conf, command_timeout), false },
	{ "mask", F_STRLIST, offsetof(struct firewall_conf, mask), false },
	{ "ipset_file", F_PATH, offsetof(struct firewall_conf, ipset_file), false },
	{ "public_ips", F_IPLIST, offsetof(struct firewall_conf, public_ips), false },
	{ "outside_ifaces", F_STRLIST, offsetof(struct firewall_conf, outside_ifaces), false },
	{ "inside_ifaces", F_STRLIST, offsetof(struct firewall_conf, inside_ifaces), false },
	{ "role", F_STR, offsetof(struct firewall_conf, role), false },
};


static bool valid_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* A domain name we can query: LDH labels (and '_'), 1-63 chars, <= 253. */
static bool valid_domain(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (!len || len > 253 || s[0] == '.')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static void known_keys(const struct field *f, size_t n, struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "%s%s", i ? ", " : "", f[i].key);
}

static bool is_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* NULL if item fits the list type, else what it should be. */
static const char *list_item_error(enum ftype t, const char *item)
{
	if (t == F_IPLIST && !valid_ip(item))
		return "an IP address";
	/* "*": the wildcard selector, a parked domain's "*._domainkey" with empty p= */
	if (t == F_NAMELIST && !valid_domain(item) && strcmp(item, "*"))
		return "a DNS name";
	if (t == F_WORDLIST && (!*item || !is_word(item)))
		return "IP[:PORT] without blanks";
	return NULL;
}

static int read_strlist(struct reader *rd, const struct ynode *v, const char *key,
			enum ftype t, struct strlist *out)
{
	const char *want;

	if (v->kind == Y_SCALAR) {   /* one value may stand alone */
		if ((want = list_item_error(t, v->scalar)))
			return yerror(rd->file, v, "'%s' is not %s", v->scalar, want);
		sl_push(out, v->scalar);
		return 0;
	}
	if (yexpect(rd->file, v, Y_SEQ, key))
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		if (yexpect(rd->file, it, Y_SCALAR, key))
			return -1;
		if ((want = list_item_error(t, it->scalar)))
			return yerror(rd->file, it, "'%s' in '%s' is not %s", it->scalar, key, want);
		sl_push(out, it->scalar);
	}
	return 0;
}

static int read_field(struct reader *rd, const struct field *f, const struct ynode *v, void *base)
{
	char **sp = (char **)((char *)base + f->off);
	unsigned *up = (unsigned *)((char *)base + f->off);

	switch (f->type) {
	case F_NESTED:
		return 0;
	case F_STR:
	case F_PATH:
	case F_NAME:
		if (yexpect(rd->file, v, Y_SCALAR, f->key))
			return -1;
		if (!*v->scalar)
			return yerror(rd->file, v, "'%s' must not be empty", f->key);
		free(*sp);
		if (f->type == F_PATH && v->scalar[0] != '/')
			*sp = xasprintf("%s/%s", rd->dir, v->scalar);
		else
			*sp = xstrdup(v->scalar);
		if (f->type == F_NAME) {
			size_t n = strlen(*sp);
			if (n > 1 && (*sp)[n - 1] == '.')
				(*sp)[n - 1] = '\0';
			if (!valid_domain(str_lower(*sp)))
				return yerror(rd->file, v, "'%s' is not a domain name", v->scalar);
		}
		return 0;
	case F_STRLIST:
	case F_IPLIST:
	case F_NAMELIST:
	case F_WORDLIST:
		return read_strlist(rd, v, f->key, f->type, (struct strlist *)up);
	case F_BOOL:
		return yget_bool(rd->file, v, f->key, (bool *)up);
	case F_UINT:
		return yget_uint(rd->file, v, f->key, 1000000, up);
	case F_SECONDS:
		if (yget_uint(rd->file, v, f->key, 3600, up))
			return -1;
		if (!*up)
			return yerror(rd->file, v, "'%s' must be at least 1 second", f->key);
		*up *= 1000;
		return 0;
	}
	return -1;
}

/* Read map's keys into base against fields. */
static int read_map(struct reader *rd, const struct ynode *map, const char *what,
		    const struct field *fields, size_t nfields, void *base)
{
	if (yexpect(rd->file, map, Y_MAP, what))
		return -1;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;
		const struct field *f = NULL;

		for (size_t j = 0; j < nfields && !f; j++)
			if (!strcmp(fields[j].key, k->scalar))
				f = &fields[j];
		if (!f) {
			struct strbuf sb = STRBUF_INIT;
			known_keys(fields, nfields, &sb);
			yerror(rd->file, k, "unknown key '%s' in %s (known: %s)", k->scalar, what, sb.buf);
			sb_release(&sb);
			return -1;
		}
		if (read_field(rd, f, map->pairs[i].value, base))
			return -1;
	}
	for (size_t j = 0; j < nfields; j++)
		if (fields[j].required && !ymap_get(map, fields[j].key))
			return yerror(rd->file, map, "%s needs '%s'", what, fields[j].key);
	return 0;
}

/* Thousands of domains: no pairwise check for duplicates, no linear lookup. */
static int read_domains(struct reader *rd, const struct ynode *list, struct config *c)
{
	if (yexpect(rd->file, list, Y_SEQ, "domains"))
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		struct domain_conf *d;

		ALLOC_GROW(c->domains, c->ndomains + 1, c->domains_alloc);
		d = &c->domains[c->ndomains++];
		memset(d, 0, sizeof(*d));
		d->line = list->items[i]->line;
		if (read_map(rd, list->items[i], "a domain", domain_fields,
			     ARRAY_SIZE(domain_fields), d))
			return -1;
		/* Index + 1, not a pointer: growing domains moves them. */
		if (strmap_put(&c->by_name, d->name, (void *)(uintptr_t)c->ndomains))
			return yerror(rd->file, list->items[i], "domain '%s' is listed twice", d->name);
	}
	return 0;
}

static int check_firewall(struct reader *rd, const struct ynode *at, const struct firewall_conf *f)
{
	if (!fw_format_find(f->format))
		return yerror(rd->file, at, "firewall '%s': format '%s' is not one of %s",
			      f->name, f->format, fw_format_names());
	if (f->role && strcmp(f->role, "gateway") && strcmp(f->role, "host"))
		return yerror(rd->file, at, "firewall '%s': role '%s' is not one of gateway, host",
			      f->name, f->role);
	if (!f->file == !f->command)
		return yerror(rd->file, at, "firewall '%s' needs exactly one of 'file' or 'command'",
			      f->name);
	for (const char *p = f->name; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x21)
			return yerror(rd->file, at, "firewall name '%s' must not contain '/', spaces or control characters",
				      f->name);
	return 0;
}

static int read_firewalls(struct reader *rd, const struct ynode *list, struct config *c)
{
	if (yexpect(rd->file, list, Y_SEQ, "firewalls"))
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		struct firewall_conf *f;

		ALLOC_GROW(c->firewalls, c->nfirewalls + 1, c->firewalls_alloc);
		f = &c->firewalls[c->nfirewalls++];
		memset(f, 0, sizeof(*f));
		f->line = list->items[i]->line;
		if (read_map(rd, list->items[i], "a firewall", firewall_fields,
			     ARRAY_SIZE(firewall_fields), f) ||
		    check_firewall(rd, list->items[i], f))
			return -1;
		for (size_t j = 0; j + 1 < c->nfirewalls; j++)
			if (!strcmp(c->firewalls[j].name, f->name))
				return yerror(rd->file, list->items[i],
					      "firewall '%s' is listed twice", f->name);
	}
	return 0;
}

int config_load(const char *path, struct config *c)
{
	char *buf;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	if (read_file_max(path, INPUT_MAX_TEXT, &buf, &len))
		return -1;
	r = config_parse(path, buf, len, c);
	free(buf);
	return r;
}

int config_parse(const char *path, const char *buf, size_t len, struct config *c)
{
	struct reader rd = { .file = path };
	struct ynode *root = NULL;
	const struct ynode *v;
	const char *slash = strrchr(path, '/');
	int r = -1;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	c->dkim_warn_bits = 2048;
	c->dkim_crit_bits = 1024;
	c->stale_runs = 2;
	rd.dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (yaml_load_buffer(path, buf, len, &root))
		goto out;
	if (!root) {
		error("%s:1:1: the configuration is empty; it needs 'domains'", path);
		goto out;
	}
	if (read_map(&rd, root, "the configuration", top_fields, ARRAY_SIZE(top_fields), c))
		goto out;
	if ((v = ymap_get(root, "domains")) && read_domains(&rd, v, c))
		goto out;
	if ((v = ymap_get(root, "firewalls")) && read_firewalls(&rd, v, c))
		goto out;
	for (size_t i = 0; i < c->policies.n; i++) {
		if (c->policies.v[i][0] != '/') {
			char *p = xasprintf("%s/%s", rd.dir, c->policies.v[i]);
			free(c->policies.v[i]);
			c->policies.v[i] = p;
		}
	}
	if (c->dkim_crit_bits > c->dkim_warn_bits) {
		yerror(path, ymap_get(root, "dkim_crit_bits"),
		       "dkim_crit_bits (%u) is above dkim_warn_bits (%u)",
		       c->dkim_crit_bits, c->dkim_warn_bits);
		goto out;
	}
	r = 0;
out:
	ynode_free(root);
	free(rd.dir);
	if (r)
		config_release(c);
	return r;
}

const struct domain_conf *config_domain(const struct config *c, const char *name)
{
	uintptr_t k = (uintptr_t)strmap_get(&c->by_name, name);

	if (!k) {          /* names are stored lower case */
		char *lower = str_lower(xstrdup(name));
		k = (uintptr_t)strmap_get(&c->by_name, lower);
		free(lower);
	}
	return k ? &c->domains[k - 1] : NULL;
}

void config_release(struct config *c)
{
	for (size_t i = 0; i < c->ndomains; i++) {
		struct domain_conf *d = &c->domains[i];
		free(d->name);
		sl_release(&d->dkim_selectors);
		sl_release(&d->sending_ips);
		sl_release(&d->mail_hosts);
	}
	for (size_t i = 0; i < c->nfirewalls; i++) {
		struct firewall_conf *f = &c->firewalls[i];
		free(f->name);
		free(f->format);
		free(f->role);
		free(f->file);
		free(f->command);
		free(f->ipset_file);
		sl_release(&f->public_ips);
		sl_release(&f->outside_ifaces);
		sl_release(&f->inside_ifaces);
		sl_release(&f->mask);
	}
	free(c->domains);
	strmap_release(&c->by_name);
	free(c->firewalls);
	free(c->path);
	free(c->resolver);
	sl_release(&c->policies);
	sl_release(&c->dns_servers);
	memset(c, 0, sizeof(*c));
}
