/*
 * yamltree.h - YAML documents as a small tree with positions.
 *
 * yamltree.c is the only file that uses libyaml. Config and policy
 * readers walk this tree and report errors as file:line:column using the
 * positions kept on every node (1-based, as editors show them).
 */
#ifndef MXAUDIT_YAMLTREE_H
#define MXAUDIT_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ypair;

struct ynode {
	enum ynode_kind kind;
	unsigned line, col;
	char *scalar;          /* Y_SCALAR: the value */
	bool quoted;           /* Y_SCALAR: written in quotes (so never null/bool) */
	struct ynode **items;  /* Y_SEQ */
	struct ypair *pairs;   /* Y_MAP, in document order */
	size_t n;              /* items or pairs */
};

struct ypair {
	struct ynode *key;     /* always a scalar */
	struct ynode *value;
};

/* yamltree.c */
/*
 * Load the first document of a file or buffer. *out is the caller's to
 * free with ynode_free(); NULL for an empty document. Errors (syntax,
 * aliases, non-scalar keys, duplicate keys) are printed as
 * "file:line:col: ..." and return -1.
 */
int yaml_load_file(const char *path, struct ynode **out);
int yaml_load_buffer(const char *name, const char *buf, size_t len, struct ynode **out);
/* All documents of a buffer (the SPF suite has many). */
int yaml_load_all(const char *name, const char *buf, size_t len,
		  struct ynode ***docs, size_t *ndocs);
void ynode_free(struct ynode *n);

const char *ynode_kind_name(enum ynode_kind k);   /* "a scalar", "a list", "a mapping" */
const struct ynode *ymap_get(const struct ynode *map, const char *key);  /* borrowed */
/* Print "file:line:col: fmt" and return -1. */
int yerror(const char *file, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Check the kind; on mismatch print "expected <kind> for 'what'" and return -1. */
int yexpect(const char *file, const struct ynode *n, enum ynode_kind kind, const char *what);
/* Scalar conversions with file:line:col errors. */
int yget_bool(const char *file, const struct ynode *n, const char *what, bool *out);
int yget_uint(const char *file, const struct ynode *n, const char *what, unsigned max, unsigned *out);

#endif
