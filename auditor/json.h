/*
 * json.h - building JSON output. json.c is the only file that uses
 * jansson for output; values are jansson's, opaque here.
 *
 * Ownership: jset()/jpush() take the value they are given (steal it);
 * the jset_*() and jpush_str() forms copy their strings. Free the root
 * with jfree().
 */
#ifndef MXAUDIT_JSON_H
#define MXAUDIT_JSON_H

#include <stdbool.h>
#include <stdio.h>

typedef struct json_t json_t;

/* json.c */
json_t *jobj(void);
json_t *jarr(void);
/* The root object of a --format json output: schema_version, mxaudit_version. */
json_t *jroot(void);
json_t *jstr(const char *s);            /* NULL gives JSON null */
void jset(json_t *obj, const char *key, json_t *val);
void jset_str(json_t *obj, const char *key, const char *val);
void jset_int(json_t *obj, const char *key, long long val);
void jset_bool(json_t *obj, const char *key, bool val);
void jpush(json_t *arr, json_t *val);
void jpush_str(json_t *arr, const char *s);
/* A DNS record as an object: name, type, ttl, rdata and its zone line. */
json_t *jrecord(const char *name, const char *type, unsigned ttl, const char *rdata,
		const char *line);
/* Print with two-space indent, keys in insertion order, then a newline. */
int jprint(FILE *out, const json_t *root);
void jfree(json_t *root);
/* Another reference to v, for a value kept and also set into an output. */
json_t *jref(json_t *v);

#endif
