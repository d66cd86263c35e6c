/*
 * taglist.c - the "tag=value; tag=value" syntax of DKIM key records
 * (RFC 6376 section 3.2), shared by DMARC, MTA-STS, TLS-RPT and BIMI.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "analyze.h"

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* VALCHAR of RFC 6376: printable ASCII except ';'. */
static bool is_valchar(char c)
{
	return (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
}

static int fail(size_t *errpos, const char **errmsg, size_t pos, const char *msg)
{
	*errpos = pos;
	*errmsg = msg;
	return -1;
}

/* Parse one tag-spec in text[*i..] up to ';' or the end. */
static int parse_spec(const char *text, size_t *i, bool icase, struct taglist *out,
		      size_t *errpos, const char **errmsg)
{
	size_t p = *i, name, nlen, vstart, vend;
	struct tag *t;

	while (is_wsp(text[p]))
		p++;
	if (!text[p] || text[p] == ';') {      /* empty spec */
		*i = p;
		return 0;
	}
	if (!isalpha((unsigned char)text[p]))
		return fail(errpos, errmsg, p, "expected a tag name");
	name = p;
	while (isalnum((unsigned char)text[p]) || text[p] == '_')
		p++;
	nlen = p - name;
	while (is_wsp(text[p]))
		p++;
	if (text[p] != '=')
		return fail(errpos, errmsg, p, "expected '=' after the tag name");
	p++;
	while (is_wsp(text[p]))
		p++;
	vstart = vend = p;
	while (text[p] && text[p] != ';') {
		if (is_valchar(text[p]))
			vend = p + 1;
		else if (!is_wsp(text[p]))
			return fail(errpos, errmsg, p, "character not allowed in a tag value");
		p++;
	}
	for (size_t k = 0; k < out->n; k++) {
		const char *o = out->v[k].name;
		if (strlen(o) == nlen && !(icase ? strncasecmp(o, text + name, nlen)
						 : strncmp(o, text + name, nlen)))
			return fail(errpos, errmsg, name, "duplicate tag");
	}
	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	t = &out->v[out->n++];
	t->name = xstrndup(text + name, nlen);
	t->value = xstrndup(text + vstart, vend - vstart);
	t->pos = name;
	t->vpos = vstart;
	*i = p;
	return 0;
}

int taglist_parse(const char *text, bool icase, struct taglist *out,
		  size_t *errpos, const char **errmsg)
{
	size_t i = 0;

	out->v = NULL;
	out->n = out->alloc = 0;
	for (;;) {
		if (parse_spec(text, &i, icase, out, errpos, errmsg)) {
			taglist_release(out);
			return -1;
		}
		if (!text[i])
			return 0;
		i++;   /* the ';' */
	}
}

bool taglist_is_version(const char *s, const char *version)
{
	size_t n = strlen(version);

	while (is_wsp(*s))
		s++;
	if (*s++ != 'v')
		return false;
	while (is_wsp(*s))
		s++;
	if (*s++ != '=')
		return false;
	while (is_wsp(*s))
		s++;
	if (strncmp(s, version, n))
		return false;
	s += n;
	while (is_wsp(*s))
		s++;
	return !*s || *s == ';';
}

const struct tag *taglist_get(const struct taglist *tl, const char *name, bool icase)
{
	for (size_t i = 0; i < tl->n; i++)
		if (!(icase ? strcasecmp(tl->v[i].name, name) : strcmp(tl->v[i].name, name)))
			return &tl->v[i];
	return NULL;
}

void taglist_release(struct taglist *tl)
{
	for (size_t i = 0; i < tl->n; i++) {
		free(tl->v[i].name);
		free(tl->v[i].value);
	}
	free(tl->v);
	tl->v = NULL;
	tl->n = tl->alloc = 0;
}
