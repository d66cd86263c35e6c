/*
 * yamltree.c - libyaml events folded into a tree with positions. The
 * only file that includes yaml.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"
#include "yamltree.h"

#define YAML_MAX_DEPTH 64   /* hostile input must not exhaust the stack */

struct yparse {
	yaml_parser_t parser;
	const char *file;
};

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	free(n->scalar);
	for (size_t i = 0; n->kind == Y_SEQ && i < n->n; i++)
		ynode_free(n->items[i]);
	for (size_t i = 0; n->kind == Y_MAP && i < n->n; i++) {
		ynode_free(n->pairs[i].key);
		ynode_free(n->pairs[i].value);
	}
	free(n->items);
	free(n->pairs);
	free(n);
}

static int next_event(struct yparse *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(&p->parser, ev))
		return 0;
	return error("%s:%zu:%zu: %s%s%s", p->file,
		     p->parser.problem_mark.line + 1,
		     p->parser.problem_mark.column + 1,
		     p->parser.problem ? p->parser.problem : "invalid YAML",
		     p->parser.context ? " " : "",
		     p->parser.context ? p->parser.context : "");
}

static int parse_node(struct yparse *p, yaml_event_t *ev, int depth, struct ynode **out);

static int parse_children(struct yparse *p, struct ynode *n, int depth)
{
	yaml_event_type_t end = n->kind == Y_SEQ ? YAML_SEQUENCE_END_EVENT
						 : YAML_MAPPING_END_EVENT;
	size_t alloc = 0;

	for (;;) {
		yaml_event_t ev;
		struct ynode *child;

		if (next_event(p, &ev))
			return -1;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (parse_node(p, &ev, depth + 1, &child))
			return -1;
		if (n->kind == Y_SEQ) {
			ALLOC_GROW(n->items, n->n + 1, alloc);
			n->items[n->n++] = child;
			continue;
		}
		if (child->kind != Y_SCALAR) {
			yerror(p->file, child, "mapping keys must be plain scalars");
			ynode_free(child);
			return -1;
		}
		if (ymap_get(n, child->scalar)) {
			yerror(p->file, child, "duplicate key '%s'", child->scalar);
			ynode_free(child);
			return -1;
		}
		ALLOC_GROW(n->pairs, n->n + 1, alloc);
		n->pairs[n->n].key = child;
		n->pairs[n->n].value = NULL;
		if (next_event(p, &ev) || parse_node(p, &ev, depth + 1, &n->pairs[n->n].value)) {
			n->n++;
			return -1;
		}
		n->n++;
	}
}

/* Consume ev (already read) and what follows it into *out. */
static int parse_node(struct yparse *p, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct ynode *n = NULL;
	int r = 0;

	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = node_new(Y_SCALAR, &ev->start_mark);
		n->scalar = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = node_new(ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, &ev->start_mark);
		if (depth > YAML_MAX_DEPTH)
			r = yerror(p->file, n, "nested too deeply");
		else
			r = parse_children(p, n, depth);
		break;
	case YAML_ALIAS_EVENT:
		r = error("%s:%zu:%zu: aliases are not supported", p->file,
			  ev->start_mark.line + 1, ev->start_mark.column + 1);
		break;
	default:
		r = error("%s:%zu:%zu: unexpected YAML event", p->file,
			  ev->start_mark.line + 1, ev->start_mark.column + 1);
	}
	yaml_event_delete(ev);
	if (r) {
		ynode_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

/* Read documents until the stream ends; max 0 means all. */
static int load(const char *name, const char *buf, size_t len, size_t max,
		struct ynode ***docs, size_t *ndocs)
{
	struct yparse p = { .file = name };
	size_t alloc = 0;
	int r = -1;

	*docs = NULL;
	*ndocs = 0;
	if (!yaml_parser_initialize(&p.parser))
		return error("%s: cannot initialize the YAML parser", name);
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_t ev;
		struct ynode *root = NULL;
		yaml_event_type_t t;

		if (next_event(&p, &ev))
			goto out;
		t = ev.type;
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
		if (t != YAML_DOCUMENT_START_EVENT)
			continue;   /* STREAM_START */
		if (next_event(&p, &ev))
			goto out;
		if (ev.type != YAML_DOCUMENT_END_EVENT && parse_node(&p, &ev, 0, &root))
			goto out;
		if (ev.type == YAML_DOCUMENT_END_EVENT)
			yaml_event_delete(&ev);
		else if (next_event(&p, &ev))   /* DOCUMENT_END */
			goto out_root;
		else
			yaml_event_delete(&ev);
		ALLOC_GROW(*docs, *ndocs + 1, alloc);
		(*docs)[(*ndocs)++] = root;
		if (max && *ndocs == max)
			break;
		continue;
out_root:
		ynode_free(root);
		goto out;
	}
	r = 0;
out:
	yaml_parser_delete(&p.parser);
	if (r) {
		for (size_t i = 0; i < *ndocs; i++)
			ynode_free((*docs)[i]);
		free(*docs);
		*docs = NULL;
		*ndocs = 0;
	}
	return r;
}

int yaml_load_all(const char *name, const char *buf, size_t len,
		  struct ynode ***docs, size_t *ndocs)
{
	return load(name, buf, len, 0, docs, ndocs);
}

int yaml_load_buffer(const char *name, const char *buf, size_t len, struct ynode **out)
{
	struct ynode **docs;
	size_t n;

	*out = NULL;
	if (load(name, buf, len, 0, &docs, &n))
		return -1;
	/* A second document would be ignored: say so rather than read half the file. */
	if (n > 1) {
		for (size_t i = 0; i < n; i++)
			ynode_free(docs[i]);
		free(docs);
		return error("%s: holds %zu YAML documents (separated by '---'); expected one",
			     name, n);
	}
	if (n)
		*out = docs[0];
	free(docs);
	return 0;
}

int yaml_load_file(const char *path, struct ynode **out)
{
	char *buf;
	size_t len;
	int r;

	*out = NULL;
	if (read_file_max(path, INPUT_MAX_TEXT, &buf, &len))
		return -1;
	r = yaml_load_buffer(path, buf, len, out);
	free(buf);
	return r;
}

const char *ynode_kind_name(enum ynode_kind k)
{
	switch (k) {
	case Y_SCALAR: return "a scalar";
	case Y_SEQ: return "a list";
	case Y_MAP: return "a mapping";
	}
	return "?";
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->pairs[i].key->scalar, key))
			return map->pairs[i].value;
	return NULL;
}

int yerror(const char *file, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mxaudit: %s:%u:%u: ", file, at ? at->line : 0, at ? at->col : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int yexpect(const char *file, const struct ynode *n, enum ynode_kind kind, const char *what)
{
	if (n->kind == kind)
		return 0;
	return yerror(file, n, "expected %s for '%s', found %s", ynode_kind_name(kind),
		      what, ynode_kind_name(n->kind));
}

int yget_bool(const char *file, const struct ynode *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "True", "TRUE" };
	static const char *const no[] = { "false", "no", "off", "False", "FALSE" };

	if (yexpect(file, n, Y_SCALAR, what))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(n->scalar, yes[i]))
			return *out = true, 0;
		if (!strcmp(n->scalar, no[i]))
			return *out = false, 0;
	}
	return yerror(file, n, "expected true or false for '%s', found '%s'", what, n->scalar);
}

int yget_uint(const char *file, const struct ynode *n, const char *what, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (yexpect(file, n, Y_SCALAR, what))
		return -1;
	errno = 0;
	v = strtoul(n->scalar, &end, 10);
	if (errno || !*n->scalar || *end || n->scalar[0] == '-' || v > max)
		return yerror(file, n, "expected a number from 0 to %u for '%s', found '%s'",
			      max, what, n->scalar);
	*out = (unsigned)v;
	return 0;
}
