/*
 * strmap.h - a string-keyed hash map (open addressing, FNV-1a).
 * Keys are copied; values are borrowed pointers the caller manages.
 */
#ifndef MXAUDIT_STRMAP_H
#define MXAUDIT_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	char *key;
	void *val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};
#define STRMAP_INIT { NULL, 0, 0 }

/* strmap.c */
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *val);
/* Call fn on every value (order unspecified). */
void strmap_each(const struct strmap *m, void (*fn)(const char *key, void *val, void *arg), void *arg);
void strmap_release(struct strmap *m);

#endif
