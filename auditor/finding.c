/*
 * finding.c - the finding list shared by every analyzer.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "finding.h"

static const char *const sev_names[] = { "info", "warning", "critical" };

const char *severity_name(enum severity sev)
{
	return sev_names[sev];
}

int severity_parse(const char *s, enum severity *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(sev_names); i++) {
		if (!strcmp(s, sev_names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -1;
}

void findings_add(struct findings *fs, enum severity sev, const char *code,
		  const char *subject, const char *evidence,
		  const char *fmt, ...)
{
	struct finding *f;
	va_list ap;
	char *msg;

	ALLOC_GROW(fs->v, fs->n + 1, fs->alloc);
	f = &fs->v[fs->n++];
	f->sev = sev;
	f->code = xstrdup(code);
	/* Record content may carry control bytes: findings reach terminals and commits. */
	f->subject = str_printable(subject ? subject : "", false);
	f->evidence = evidence ? str_printable(evidence, false) : NULL;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory)");
	va_end(ap);
	f->message = str_printable(msg, false);
	free(msg);
}

static int finding_cmp(const void *va, const void *vb)
{
	const struct finding *a = va, *b = vb;
	int c;

	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	if ((c = strcmp(a->code, b->code)))
		return c;
	if ((c = strcmp(a->subject, b->subject)))
		return c;
	return strcmp(a->message, b->message);
}

void findings_sort(struct findings *fs)
{
	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), finding_cmp);
}

enum severity findings_worst(const struct findings *fs)
{
	enum severity worst = SEV_INFO;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].sev > worst)
			worst = fs->v[i].sev;
	return worst;
}

void findings_release(struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].code);
		free(fs->v[i].subject);
		free(fs->v[i].message);
		free(fs->v[i].evidence);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->alloc = 0;
}
