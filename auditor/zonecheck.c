/*
 * zonecheck.c - what ldns lets pass in a zone file but a proposed zone
 * must not: a quote left open, a TTL or MX preference too large for its
 * field (ldns wraps them silently: 65536 becomes 0), an $ORIGIN outside
 * the domain. Run on the text before ldns reads it, so each error names
 * file:line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "zonecheck.h"

#define TTL_MAX   2147483647UL   /* RFC 2181 8 */
#define TOKENS    8              /* the first tokens of an entry are all that is looked at */

struct entry {
	char *tok[TOKENS];
	size_t ntok;
	bool owner;                  /* the entry starts with an owner (no leading blank) */
	unsigned line;
};

static bool in_domain(const char *name, const char *apex)
{
	size_t n = strlen(name), a = strlen(apex);

	return !strcasecmp(name, apex) ||
	       (n > a && name[n - a - 1] == '.' && !strcasecmp(name + n - a, apex));
}

/* Does s hold only digits, and is its value above max? (Other forms are ldns's business.) */
static bool number_over(const char *s, unsigned long max)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return true;
	}
	return false;
}

static bool is_class(const char *t)
{
	return !strcasecmp(t, "IN") || !strcasecmp(t, "CH") || !strcasecmp(t, "HS") ||
	       !strncasecmp(t, "CLASS", 5);
}

static int check_entry(const char *file, const struct entry *e, const char *apex)
{
	size_t i = e->owner;

	if (!e->ntok)
		return 0;
	if (e->owner && e->tok[0][0] == '$') {
		if (!strcasecmp(e->tok[0], "$ORIGIN") && e->ntok > 1) {
			size_t n = strlen(e->tok[1]);
			if (n && e->tok[1][n - 1] == '.' && !in_domain(e->tok[1], apex))
				return error("%s:%u: $ORIGIN %s is outside %s", file, e->line,
					     e->tok[1], apex);
		}
		if (!strcasecmp(e->tok[0], "$TTL") && e->ntok > 1 && number_over(e->tok[1], TTL_MAX))
			return error("%s:%u: TTL %s is larger than %lu", file, e->line, e->tok[1], TTL_MAX);
		return 0;
	}
	for (; i < e->ntok && i < e->owner + 2u; i++) {
		if (number_over(e->tok[i], TTL_MAX))
			return error("%s:%u: TTL %s is larger than %lu", file, e->line, e->tok[i], TTL_MAX);
		if (!isdigit((unsigned char)e->tok[i][0]) && !is_class(e->tok[i]))
			break;
	}
	if (i + 1 < e->ntok && !strcasecmp(e->tok[i], "MX") && number_over(e->tok[i + 1], 65535))
		return error("%s:%u: MX preference %s is larger than 65535", file, e->line,
			     e->tok[i + 1]);
	return 0;
}

static void entry_reset(struct entry *e)
{
	for (size_t i = 0; i < e->ntok; i++)
		free(e->tok[i]);
	e->ntok = 0;
}

/*
 * Split one physical line into e's tokens (quotes kept whole, comments
 * dropped), tracking parentheses across lines. Returns -1 for a quote
 * still open at the end of the line.
 */
static int scan_line(const char *p, const char *end, struct entry *e, int *paren)
{
	while (p < end) {
		const char *start;
		bool quoted = false;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '(' || *p == ')'))
			*paren += *p == '(' ? 1 : *p == ')' ? -1 : 0, p++;
		if (p >= end || *p == ';')
			return 0;
		start = p;
		while (p < end && (quoted || !strchr(" \t\r();", *p))) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (quoted)
			return -1;
		if (e->ntok < TOKENS)
			e->tok[e->ntok++] = xstrndup(start, (size_t)(p - start));
	}
	return 0;
}

int zone_text_check(const char *file, const char *text, const char *apex)
{
	struct entry e = { .ntok = 0 };
	unsigned line = 0;
	int paren = 0, r = 0;

	for (const char *p = text; *p && r == 0; ) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

		line++;
		if (paren <= 0) {
			entry_reset(&e);
			e.owner = *p != ' ' && *p != '\t';
			e.line = line;
			paren = 0;
		}
		if (scan_line(p, end, &e, &paren) < 0)
			r = error("%s:%u: a quoted string is not closed on its line", file, line);
		else if (paren < 0)
			r = error("%s:%u: ')' without '('", file, line);
		else if (paren == 0)
			r = check_entry(file, &e, apex);
		p = nl ? nl + 1 : end;
	}
	if (!r && paren > 0)
		r = error("%s:%u: '(' is not closed", file, e.line);
	entry_reset(&e);
	return r;
}
