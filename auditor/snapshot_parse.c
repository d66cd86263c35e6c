/*
 * snapshot_parse.c - reading the canonical files back, and decoding the
 * presentation form of the records analyzers look into (TXT, MX).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "snapshot.h"

/* Split off the next whitespace-separated field of *p (modified in place). */
static char *next_field(char **p, const char *seps)
{
	char *s = *p + strspn(*p, seps), *start;

	if (!*s)
		return NULL;
	start = s;
	s += strcspn(s, seps);
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

/* Iterate the lines of text: returns the next line (NUL-terminated copy in *buf). */
static const char *next_line(const char *text, struct strbuf *buf)
{
	const char *nl = strchr(text, '\n');
	size_t n = nl ? (size_t)(nl - text) : strlen(text);

	sb_reset(buf);
	sb_add(buf, text, n);
	if (buf->len && buf->buf[buf->len - 1] == '\r')
		buf->buf[--buf->len] = '\0';
	return nl ? nl + 1 : text + n;
}

static int parse_zone_line(struct domain_snap *d, char *line)
{
	char *p = line, *owner, *ttl, *cls, *type, *end;
	unsigned long t;

	if (!(owner = next_field(&p, " \t")) || !(ttl = next_field(&p, " \t")) ||
	    !(cls = next_field(&p, " \t")) || !(type = next_field(&p, " \t")))
		return -1;
	t = strtoul(ttl, &end, 10);
	if (*end || !isdigit((unsigned char)*ttl) || t > 0x7fffffffUL || strcmp(cls, "IN"))
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*p)
		return -1;
	dsnap_add_rr(d, str_lower(owner), (unsigned)t, type, p);
	return 0;
}

#define INPUT_PREFIX "; input\t"

static void mark_bad(struct domain_snap *d, const char *file, unsigned lineno,
		     const char *expected)
{
	if (!d->bad)
		d->bad = xasprintf("%s:%u: expected %s", file, lineno, expected);
}

/*
 * Feed each line of text to parse_line; the lines it rejects are
 * skipped, the first noted in d->bad. With inputs, "; input" lines are
 * the domain's recorded inputs.
 */
static int parse_lines(struct domain_snap *d, const char *file, const char *text,
		       int (*parse_line)(struct domain_snap *, char *), const char *expected,
		       bool inputs)
{
	struct strbuf line = STRBUF_INIT;
	unsigned lineno = 0;
	int r = 0;

	while (*text) {
		text = next_line(text, &line);
		lineno++;
		if (inputs && !strncmp(line.buf, INPUT_PREFIX, strlen(INPUT_PREFIX))) {
			if (dsnap_parse_input(d, line.buf + strlen(INPUT_PREFIX))) {
				mark_bad(d, file, lineno, "'; input KEY VALUE', a list of addresses "
					 "for sending_ips, yes or no for flags, two numbers for "
					 "dkim_bits");
				r = -1;
			}
			continue;
		}
		if (!line.len || line.buf[0] == ';')
			continue;
		if (parse_line(d, line.buf)) {
			mark_bad(d, file, lineno, expected);
			r = -1;
		}
	}
	sb_release(&line);
	dsnap_sort(d);
	return r;
}

int dsnap_parse_zone(struct domain_snap *d, const char *file, const char *text)
{
	return parse_lines(d, file, text, parse_zone_line, "'owner TTL IN TYPE RDATA'", false);
}

static int parse_status_line(struct domain_snap *d, char *line)
{
	char *p = line, *name, *type, *state, *flags, *servers, *detail;
	enum lookup_state st;
	struct lookup *l;

	if (!(name = next_field(&p, "\t")) || !(type = next_field(&p, "\t")) ||
	    !(state = next_field(&p, "\t")) || !(flags = next_field(&p, "\t")) ||
	    !(servers = next_field(&p, "\t")) || lookup_state_parse(state, &st))
		return -1;
	detail = next_field(&p, "\t");
	l = dsnap_add_lookup(d, str_lower(name), type, st);
	l->stale = strstr(flags, "stale") != NULL;
	l->disagree = strstr(flags, "disagree") != NULL;
	l->cached_ttl = strstr(flags, "cached-ttl") != NULL;
	free(l->servers);
	l->servers = xstrdup(servers);
	l->detail = detail ? xstrdup(detail) : NULL;
	return 0;
}

int dsnap_parse_status(struct domain_snap *d, const char *file, const char *text)
{
	return parse_lines(d, file, text, parse_status_line, "'name TYPE RESULT FLAGS SERVERS'",
			   true);
}

/*
 * Append one character-string at *pp (quoted or bare), decoded, to out.
 * Runs without escapes are copied whole: analyzers decode the same SPF
 * and DKIM records many times over.
 */
static int txt_string(const char **pp, struct strbuf *out)
{
	const char *p = *pp;
	bool quoted = *p == '"';
	const char *stop = quoted ? "\"\\" : "\\ \t\n\v\f\r";

	p += quoted;
	for (;;) {
		size_t n = strcspn(p, stop);

		sb_add(out, p, n);
		p += n;
		if (*p != '\\')
			break;
		p++;
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2])) {
			int v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
			if (v > 255)
				return -1;
			sb_addc(out, (char)v);
			p += 3;
		} else if (*p) {
			sb_addc(out, *p++);
		} else {
			return -1;
		}
	}
	if (quoted) {
		if (*p != '"')
			return -1;
		p++;
	}
	*pp = p;
	return 0;
}

/* Embedded NULs cannot be represented in C strings; keep them visible. */
static void show_nuls(struct strbuf *sb, size_t from)
{
	for (size_t i = from; i < sb->len; i++)
		if (!sb->buf[i])
			sb->buf[i] = '?';
}

/*
 * Decode r's character-strings: each pushed to out, or (out NULL) all
 * appended to sb.
 */
static int txt_decode(const struct rr *r, struct strbuf *sb, struct strlist *out)
{
	const char *p = r->rdata;
	size_t max = strlen(p) + 1;   /* decoding never lengthens */

	ALLOC_GROW(sb->buf, sb->len + max, sb->alloc);
	for (;;) {
		size_t from = out ? 0 : sb->len;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return 0;
		if (out)
			sb_reset(sb);
		if (txt_string(&p, sb))
			return -1;
		show_nuls(sb, from);
		if (out)
			sl_push(out, sb->buf ? sb->buf : "");
	}
}

int rr_txt_strings(const struct rr *r, struct strlist *out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = txt_decode(r, &sb, out);

	sb_release(&sb);
	return ret;
}

char *rr_txt_join(const struct rr *r)
{
	struct strbuf sb = STRBUF_INIT;

	if (txt_decode(r, &sb, NULL)) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

int rr_mx(const struct rr *r, unsigned *pref, char **host)
{
	char *end;
	unsigned long v = strtoul(r->rdata, &end, 10);

	if (end == r->rdata || v > 65535 || !isspace((unsigned char)*end))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (!*end)
		return -1;
	*pref = (unsigned)v;
	*host = name_abs(end);
	return 0;
}

char *name_abs(const char *name)
{
	size_t n = strlen(name);
	char *s;

	while (n && isspace((unsigned char)name[n - 1]))
		n--;
	if (n && name[n - 1] == '.')
		return str_lower(xstrndup(name, n));
	s = xmalloc(n + 2);
	memcpy(s, name, n);
	s[n] = '.';
	s[n + 1] = '\0';
	return str_lower(s);
}

bool dns_name_valid(const char *name)
{
	size_t n = strlen(name), label = 0;

	if (n && name[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((isalnum(c) && c < 0x80) || c == '-' || c == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

char *mailto_host(const char *uri)
{
	const char *at, *end;
	char *host;

	while (*uri == ' ' || *uri == '\t')
		uri++;
	if (strncasecmp(uri, "mailto:", 7) || !(at = strrchr(uri + 7, '@')) || at == uri + 7)
		return NULL;
	at++;
	end = at + strcspn(at, "!?> \t");
	host = str_lower(xstrndup(at, (size_t)(end - at)));
	if (!dns_name_valid(host)) {
		free(host);
		return NULL;
	}
	return host;
}

char *addr_reverse_name(const char *ip)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char a[16];
	char *s, *p;

	if (inet_pton(AF_INET, ip, a) == 1) {
		struct strbuf sb = STRBUF_INIT;
		for (int i = 3; i >= 0; i--) {
			sb_addu(&sb, a[i]);
			sb_addc(&sb, '.');
		}
		sb_adds(&sb, "in-addr.arpa.");
		return sb_detach(&sb);
	}
	if (inet_pton(AF_INET6, ip, a) != 1)
		return NULL;
	/* 32 nibbles, least significant first, each followed by a dot. */
	p = s = xmalloc(64 + sizeof("ip6.arpa."));
	for (int i = 15; i >= 0; i--) {
		*p++ = hex[a[i] & 0xf];
		*p++ = '.';
		*p++ = hex[a[i] >> 4];
		*p++ = '.';
	}
	memcpy(p, "ip6.arpa.", sizeof("ip6.arpa."));
	return s;
}
