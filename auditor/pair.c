/*
 * pair.c - the two halves of a job, side by side.
 *
 * diff and drift parse and judge the old and the new side of each changed
 * domain; the halves share nothing (parsers and analyzers are pure), so
 * with enough of them one half runs on a second thread. On one core the
 * halves simply take turns.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct half {
	void (*fn)(void *);
	void *arg;
};

static void *run_half(void *p)
{
	struct half *h = p;

	h->fn(h->arg);
	return NULL;
}

/* MXAUDIT_THREADS=0 runs every pair in turn: the tests compare both ways. */
static bool threads_allowed(void)
{
	const char *e = getenv("MXAUDIT_THREADS");

	return !e || strcmp(e, "0");
}

void run_pair(void (*fn)(void *), void *a, void *b, bool threaded)
{
	struct half h = { fn, a };
	pthread_t t;

	if (!threaded || !threads_allowed() || pthread_create(&t, NULL, run_half, &h)) {
		fn(a);
		fn(b);
		return;
	}
	fn(b);
	pthread_join(t, NULL);
}
