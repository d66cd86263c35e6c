/*
 * analyze_test.h - helpers for the analyzer unit tests: build a domain
 * snapshot in memory, run an analyzer, and ask what it found.
 * Included by tests/unit/test_analyze_*.c and test_policy.c only.
 */
#ifndef MXAUDIT_ANALYZE_TEST_H
#define MXAUDIT_ANALYZE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"
#include "analyze.h"

static struct snapshot t_snap;
static struct findings t_fs = FINDINGS_INIT;

/* A fresh snapshot with one domain. */
static inline struct domain_snap *t_domain(const char *name)
{
	snapshot_release(&t_snap);
	memset(&t_snap, 0, sizeof(t_snap));
	findings_release(&t_fs);
	return snapshot_add_domain(&t_snap, name);
}

static inline void t_rr(struct domain_snap *d, const char *owner, const char *type,
			const char *rdata)
{
	dsnap_add_rr(d, owner, 300, type, rdata);
	dsnap_sort(d);
}

static inline void t_lk(struct domain_snap *d, const char *name, const char *type,
			enum lookup_state st, bool stale)
{
	struct lookup *l = dsnap_add_lookup(d, name, type, st);
	l->stale = stale;
	dsnap_sort(d);
}

/* How many findings carry code (at severity sev, or any when sev < 0). */
static inline size_t t_count(const char *code, int sev)
{
	size_t n = 0;

	for (size_t i = 0; i < t_fs.n; i++)
		if (!strcmp(t_fs.v[i].code, code) && (sev < 0 || (int)t_fs.v[i].sev == sev))
			n++;
	return n;
}

static inline const struct finding *t_get(const char *code)
{
	for (size_t i = 0; i < t_fs.n; i++)
		if (!strcmp(t_fs.v[i].code, code))
			return &t_fs.v[i];
	return NULL;
}

/* Print the findings: a failing test then shows what was found. */
static inline void t_dump(void)
{
	for (size_t i = 0; i < t_fs.n; i++)
		fprintf(stderr, "#   %s %s %s: %s\n", severity_name(t_fs.v[i].sev),
			t_fs.v[i].code, t_fs.v[i].subject, t_fs.v[i].message);
}

static inline void t_expect(const char *code, int sev, size_t n)
{
	if (t_count(code, sev) != n) {
		fprintf(stderr, "# expected %zu x %s (sev %d)\n", n, code, sev);
		t_dump();
	}
	assert_int_equal(t_count(code, sev), n);
}

/* No finding whose code starts with prefix. */
static inline void t_none(const char *prefix)
{
	for (size_t i = 0; i < t_fs.n; i++) {
		if (!strncmp(t_fs.v[i].code, prefix, strlen(prefix))) {
			t_dump();
			fail_msg("unexpected %s", t_fs.v[i].code);
		}
	}
}

static inline int t_teardown(void **state)
{
	(void)state;
	snapshot_release(&t_snap);
	memset(&t_snap, 0, sizeof(t_snap));
	findings_release(&t_fs);
	return 0;
}

static inline void t_opts(struct analyze_opts *o)
{
	analyze_opts_init(o, NULL, NULL);
}

#endif
