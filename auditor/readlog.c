/*
 * readlog.c - the lookups a finding's analyzer read; see readlog.h.
 *
 * Thread-local because impact judges its two sides on two threads
 * (pair.c), each with a log of its own.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readlog.h"

static _Thread_local struct readlog *current;

void readlog_begin(struct readlog *rl)
{
	memset(rl, 0, sizeof(*rl));
	current = rl;
}

void readlog_end(void)
{
	current = NULL;
}

/*
 * An analyzer asks for the same name again and again (a CNAME walk, a
 * state check after a find): the repeat of the last read is not kept.
 */
void readlog_note(const char *name, const char *type)
{
	struct strlist *cur = current ? &current->cur : NULL;
	size_t nl, tl;
	char *key;

	if (!cur)
		return;
	nl = strlen(name);
	tl = strlen(type);
	if (cur->n) {
		const char *last = cur->v[cur->n - 1];
		if (!strncmp(last, name, nl) && last[nl] == '\t' && !strcmp(last + nl + 1, type))
			return;
	}
	key = xmalloc(nl + tl + 2);
	memcpy(key, name, nl);
	key[nl] = '\t';
	memcpy(key + nl + 1, type, tl + 1);
	sl_push_owned(cur, key);
}

void readlog_stage(const struct findings *fs)
{
	struct readlog *rl = current;

	if (!rl)
		return;
	if (rl->mark > fs->n)
		rl->mark = fs->n;     /* findings were dropped: what is left had its stage */
	if (rl->mark < fs->n) {
		sl_sort_uniq(&rl->cur);
		ALLOC_GROW(rl->stages, rl->nstages + 1, rl->stages_alloc);
		rl->stages[rl->nstages] = rl->cur;
		for (size_t i = rl->mark; i < fs->n; i++) {
			ALLOC_GROW(rl->v, rl->n + 1, rl->alloc);
			rl->v[rl->n].key = xasprintf("%s\t%s", fs->v[i].code, fs->v[i].subject);
			rl->v[rl->n++].stage = rl->nstages;
		}
		rl->nstages++;
		memset(&rl->cur, 0, sizeof(rl->cur));
	}
	sl_release(&rl->cur);
	rl->mark = fs->n;
}

void readlog_reads_of(const struct readlog *rl, const char *code, const char *subject,
		      struct strlist *out)
{
	char *key = xasprintf("%s\t%s", code, subject);
	size_t n = out->n;

	for (size_t i = 0; i < rl->n; i++) {
		const struct strlist *s = &rl->stages[rl->v[i].stage];
		if (strcmp(rl->v[i].key, key))
			continue;
		for (size_t k = 0; k < s->n; k++)
			sl_push(out, s->v[k]);
	}
	if (out->n != n)
		sl_sort_uniq(out);
	free(key);
}

/* Does read "name\ttype" cover name (case aside, "*" every name)? */
static bool read_name(const char *read, const char *name, size_t *len)
{
	const char *tab = strchr(read, '\t');

	*len = tab ? (size_t)(tab - read) : strlen(read);
	if (*len == 1 && read[0] == '*')
		return true;
	return strlen(name) == *len && !strncasecmp(read, name, *len);
}

bool readlog_has(const struct strlist *reads, const char *name, const char *type, bool any_type)
{
	for (size_t i = 0; i < reads->n; i++) {
		const char *r = reads->v[i], *rtype;
		size_t len;

		if (!read_name(r, name, &len) || !r[len])
			continue;
		rtype = r + len + 1;
		if (any_type || !strcmp(rtype, "*") || !strcasecmp(rtype, type))
			return true;
	}
	return false;
}

void readlog_release(struct readlog *rl)
{
	if (current == rl)
		current = NULL;
	sl_release(&rl->cur);
	for (size_t i = 0; i < rl->nstages; i++)
		sl_release(&rl->stages[i]);
	free(rl->stages);
	for (size_t i = 0; i < rl->n; i++)
		free(rl->v[i].key);
	free(rl->v);
	memset(rl, 0, sizeof(*rl));
}
