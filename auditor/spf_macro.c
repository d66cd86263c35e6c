/*
 * spf_macro.c - SPF macros (RFC 7208 section 7): syntax check and
 * expansion of %{letter digits r delimiters}, %%, %_ and %-.
 *
 * The same scanner serves both, so what the parser accepts is exactly
 * what the evaluator can expand.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"

#define DELIMS ".-+,/_="

struct macro {
	char letter;      /* lower case */
	bool upper;       /* URL-escape the result */
	unsigned digits;  /* 0: keep every part */
	bool reverse;
	char delims[8];   /* NUL-terminated; "." if none given */
};

static int merr(struct spf_error *err, size_t pos, const char *msg)
{
	err->pos = pos;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

/*
 * Scan "%{...}" starting at s[*i] == '%' and s[*i+1] == '{'. Fills m and
 * moves *i past the closing brace.
 */
static int scan_macro(const char *s, size_t len, size_t *i, bool exp,
		      struct macro *m, struct spf_error *err)
{
	size_t start = *i, j = start + 2, nd = 0;
	int c;

	memset(m, 0, sizeof(*m));
	if (j >= len)
		return merr(err, start, "unterminated macro");
	c = (unsigned char)s[j++];
	m->upper = isupper(c);
	m->letter = (char)tolower(c);
	if (!strchr("slodiphv", m->letter) || !m->letter) {
		if (!m->letter || !strchr("crt", m->letter))
			return merr(err, start, "unknown macro letter");
		if (!exp)
			return merr(err, start, "macro letter c, r or t outside exp");
	}
	for (; j < len && isdigit((unsigned char)s[j]); j++)
		m->digits = m->digits > 1000 ? 1001 : m->digits * 10 + (unsigned)(s[j] - '0');
	if (j > start + 3 && !m->digits)
		return merr(err, start, "macro digit transformer must not be zero");
	if (j < len && (s[j] == 'r' || s[j] == 'R'))
		m->reverse = true, j++;
	for (; j < len && s[j] != '}'; j++) {
		if (!strchr(DELIMS, s[j]) || !s[j])
			return merr(err, j, "bad macro delimiter");
		if (nd < sizeof(m->delims) - 1 && !strchr(m->delims, s[j]))
			m->delims[nd++] = s[j];
	}
	if (j >= len)
		return merr(err, start, "unterminated macro");
	if (!nd)
		m->delims[0] = '.';
	*i = j + 1;
	return 0;
}

/*
 * Walk a macro-string. With v NULL only check syntax; otherwise expand
 * into out. exp allows the exp-only letters and spaces (explain-string).
 */
static int walk(const char *s, size_t len, const struct spf_macro_vars *v, bool exp,
		bool *ends_macro, struct strbuf *out, struct spf_error *err);

int spf_macro_check(const char *s, size_t len, bool exp, bool *ends_macro,
		    struct spf_error *err)
{
	return walk(s, len, NULL, exp, ends_macro, NULL, err);
}

static void ip_dotted(const struct spf_macro_vars *v, struct strbuf *sb)
{
	static const char hex[] = "0123456789abcdef";

	if (v->family == 4) {
		sb_addf(sb, "%u.%u.%u.%u", v->ip[0], v->ip[1], v->ip[2], v->ip[3]);
		return;
	}
	for (int k = 0; k < 16; k++) {
		sb_addc(sb, hex[v->ip[k] >> 4]);
		sb_addc(sb, '.');
		sb_addc(sb, hex[v->ip[k] & 15]);
		if (k < 15)
			sb_addc(sb, '.');
	}
}

/* The raw value of a macro letter, before transformers. */
static void letter_value(const struct spf_macro_vars *v, char letter, char **p_cache,
			 struct strbuf *sb)
{
	char buf[INET6_ADDRSTRLEN];

	switch (letter) {
	case 's': sb_adds(sb, v->sender ? v->sender : ""); break;
	case 'l': sb_adds(sb, v->local ? v->local : ""); break;
	case 'o': sb_adds(sb, v->sender_dom ? v->sender_dom : ""); break;
	case 'd': sb_adds(sb, v->domain ? v->domain : ""); break;
	case 'h': sb_adds(sb, v->helo ? v->helo : ""); break;
	case 'i': ip_dotted(v, sb); break;
	case 'v': sb_adds(sb, v->family == 4 ? "in-addr" : "ip6"); break;
	case 'c':
		inet_ntop(v->family == 4 ? AF_INET : AF_INET6, v->ip, buf, sizeof(buf));
		sb_adds(sb, buf);
		break;
	case 'r': sb_adds(sb, v->receiver ? v->receiver : "unknown"); break;
	case 't': sb_addf(sb, "%lld", (long long)v->now); break;
	case 'p':
		if (!*p_cache)
			*p_cache = v->get_p ? v->get_p(v->p_arg) : xstrdup("unknown");
		sb_adds(sb, *p_cache);
		break;
	}
}

/* Split on delimiters, reverse, keep the rightmost digits parts, join with dots. */
static void transform(const struct macro *m, const char *val, size_t n, struct strbuf *out,
		      bool escape)
{
	/* A part per delimiter plus one: at most n + 1 parts. */
	const char **part = xmalloc((n + 1) * sizeof(*part));
	size_t *plen = xmalloc((n + 1) * sizeof(*plen));
	size_t np = 0, first = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || strchr(m->delims, val[i])) {
			part[np] = val + start;
			plen[np++] = i - start;
			start = i + 1;
		}
	}
	if (m->reverse) {
		for (size_t a = 0, b = np - 1; a < b; a++, b--) {
			const char *tp = part[a];
			size_t tl = plen[a];

			part[a] = part[b], plen[a] = plen[b];
			part[b] = tp, plen[b] = tl;
		}
	}
	if (m->digits && m->digits < np)
		first = np - m->digits;
	for (size_t k = first; k < np; k++) {
		if (k > first)
			sb_addc(out, '.');
		for (size_t c = 0; c < plen[k]; c++) {
			unsigned char ch = (unsigned char)part[k][c];

			if (escape && !isalnum(ch) && !strchr("-._~", ch))
				sb_addf(out, "%%%02X", ch);
			else
				sb_addc(out, (char)ch);
		}
	}
	free(part);
	free(plen);
}

static void expand_one(const struct spf_macro_vars *v, const struct macro *m,
		       char **p_cache, struct strbuf *out)
{
	struct strbuf val = STRBUF_INIT;

	letter_value(v, m->letter, p_cache, &val);
	transform(m, val.buf ? val.buf : "", val.len, out, m->upper);
	sb_release(&val);
}

static int walk(const char *s, size_t len, const struct spf_macro_vars *v, bool exp,
		bool *ends_macro, struct strbuf *out, struct spf_error *err)
{
	char *p_cache = NULL;
	bool last_macro = false;
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		struct macro m;

		if (c != '%') {
			if ((c < 0x21 || c > 0x7e) && !(exp && c == ' ')) {
				free(p_cache);
				return merr(err, i, "character not allowed in macro-string");
			}
			if (out)
				sb_addc(out, (char)c);
			i++;
			last_macro = false;
			continue;
		}
		last_macro = true;
		if (i + 1 < len && strchr("%_-", s[i + 1]) && s[i + 1]) {
			if (out)
				sb_adds(out, s[i + 1] == '%' ? "%" : s[i + 1] == '_' ? " " : "%20");
			i += 2;
			continue;
		}
		if (i + 1 >= len || s[i + 1] != '{') {
			free(p_cache);
			return merr(err, i, "'%' not followed by '{', '%', '_' or '-'");
		}
		if (scan_macro(s, len, &i, exp, &m, err) < 0) {
			free(p_cache);
			return -1;
		}
		if (out)
			expand_one(v, &m, &p_cache, out);
	}
	free(p_cache);
	if (ends_macro)
		*ends_macro = last_macro;
	return 0;
}

/* 7.3: over 253 characters, drop labels from the left until it fits. */
static void truncate_domain(struct strbuf *out, size_t start)
{
	size_t cut = start;

	while (out->len - cut > 253) {
		char *dot = memchr(out->buf + cut, '.', out->len - cut);

		if (!dot) {
			cut = out->len - 253;
			break;
		}
		cut = (size_t)(dot - out->buf) + 1;
	}
	if (cut > start) {
		memmove(out->buf + start, out->buf + cut, out->len - cut + 1);
		out->len -= cut - start;
	}
}

int spf_macro_expand(const char *s, size_t len, const struct spf_macro_vars *v,
		     bool exp, bool domain_spec, struct strbuf *out,
		     struct spf_error *err)
{
	size_t start = out->len;

	/* Check first so a bad macro late in s never leaves half an expansion. */
	if (walk(s, len, NULL, exp, NULL, NULL, err) < 0)
		return -1;
	walk(s, len, v, exp, NULL, out, err);
	if (!out->buf)
		sb_adds(out, "");
	if (domain_spec)
		truncate_domain(out, start);
	return 0;
}
