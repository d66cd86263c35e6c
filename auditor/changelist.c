/*
 * changelist.c - the files a snapshot commit changed against its parent,
 * as text: one line a file, "OLD NEW PATH", OLD and NEW each a blob id in
 * 40 hex digits or "-" where the file is absent on that side.
 *
 * store.c writes the list into the commit as a header field, so a diff
 * of a snapshot against its parent reads the changed files and never the
 * megabyte trees of a 10,000-domain snapshot (git's commit-graph keeps
 * changed-path filters for the same reason). This file is the format
 * alone: pure, and fuzzed (fuzz_snapfiles).
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "store.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One side's id: 40 lower-case hex digits, or "-"; *p moves past it and one blank. */
static int parse_id(const char **p, unsigned char id[CHANGELIST_IDLEN], bool *has)
{
	const char *s = *p;

	if (s[0] == '-' && s[1] == ' ') {
		*has = false;
		*p = s + 2;
		return 0;
	}
	for (int i = 0; i < CHANGELIST_IDLEN; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		id[i] = (unsigned char)(hi << 4 | lo);
	}
	if (s[2 * CHANGELIST_IDLEN] != ' ')
		return -1;
	*has = true;
	*p = s + 2 * CHANGELIST_IDLEN + 1;
	return 0;
}

static int parse_line(const char *line, size_t len, struct changed_file *f)
{
	char *copy = xstrndup(line, len);
	const char *p = copy;
	int r = -1;

	memset(f, 0, sizeof(*f));
	if (parse_id(&p, f->id[0], &f->has[0]) == 0 && parse_id(&p, f->id[1], &f->has[1]) == 0 &&
	    (f->has[0] || f->has[1]) && *p && !strchr(p, '\n')) {
		f->path = xstrdup(p);
		r = 0;
	}
	free(copy);
	return r;
}

int changelist_parse(const char *text, struct changed_file **out, size_t *n)
{
	struct changed_file *v = NULL;
	size_t alloc = 0, k = 0;

	*out = NULL;
	*n = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		ALLOC_GROW(v, k + 1, alloc);
		if (!len || memchr(text, '\0', len) || parse_line(text, len, &v[k]) < 0) {
			changelist_free(v, k);
			return -1;
		}
		k++;
		text += len + (nl != NULL);
	}
	*out = v;
	*n = k;
	return 0;
}

static void add_id(struct strbuf *sb, const unsigned char id[CHANGELIST_IDLEN], bool has)
{
	static const char hex[] = "0123456789abcdef";

	if (!has) {
		sb_adds(sb, "- ");
		return;
	}
	for (int i = 0; i < CHANGELIST_IDLEN; i++) {
		sb_addc(sb, hex[id[i] >> 4]);
		sb_addc(sb, hex[id[i] & 15]);
	}
	sb_addc(sb, ' ');
}

char *changelist_format(const struct changed_file *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		add_id(&sb, v[i].id[0], v[i].has[0]);
		add_id(&sb, v[i].id[1], v[i].has[1]);
		sb_adds(&sb, v[i].path);
		if (i + 1 < n)
			sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

void changelist_free(struct changed_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}
