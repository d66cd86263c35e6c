/*
 * finding.h - what analyzers produce: data, not errors.
 *
 * A finding says something about the mail setup ("MX host has no
 * address"); an error means mxaudit could not do its job. Codes are
 * stable dotted names documented in README's finding table.
 */
#ifndef MXAUDIT_FINDING_H
#define MXAUDIT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum severity {
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_CRITICAL = 2,
};

struct finding {
	enum severity sev;
	char *code;      /* "spf.lookup-limit" */
	char *subject;   /* the name, address or rule it is about */
	char *message;   /* one line, for people */
	char *evidence;  /* the record or file line it came from; may be NULL */
};

struct findings {
	struct finding *v;
	size_t n, alloc;
};
#define FINDINGS_INIT { NULL, 0, 0 }

/* finding.c */
const char *severity_name(enum severity sev);
int severity_parse(const char *s, enum severity *out);
/* Append a finding; every string is copied. evidence may be NULL. */
void findings_add(struct findings *fs, enum severity sev, const char *code,
		  const char *subject, const char *evidence,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Sort worst first, then by code and subject, so output is stable. */
void findings_sort(struct findings *fs);
enum severity findings_worst(const struct findings *fs);  /* SEV_INFO if empty */
void findings_release(struct findings *fs);

/* finding_codes.c */
/* Is code one mxaudit reports (or "area.*" of a known area)? */
bool finding_code_known(const char *code);

#endif
