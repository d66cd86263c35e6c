/*
 * fw_xml.c - the one file that uses libxml2: pfSense and OPNsense
 * config.xml as a small tree of elements (name, text, line, children,
 * uuid), and the stored form of such a file with volatile elements left
 * out and secret ones masked.
 *
 * The parser takes no network (XML_PARSE_NONET), substitutes no entity,
 * and refuses a document with a DTD, so a hostile file can make it
 * neither fetch nor expand.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "fw_xml.h"

static char *trimmed(const xmlChar *s)
{
	const char *p = (const char *)s;
	size_t n;

	if (!p)
		return xstrdup("");
	p += strspn(p, " \t\r\n");
	n = strlen(p);
	while (n && strchr(" \t\r\n", p[n - 1]))
		n--;
	return xstrndup(p, n);
}

/* Depth is bounded: a config.xml is a few levels deep, a hostile one may not be. */
#define XML_DEPTH 64

static struct fw_xml *convert(xmlNode *n, int depth)
{
	struct fw_xml *x = xcalloc(1, sizeof(*x));
	xmlChar *uuid = xmlGetProp(n, (const xmlChar *)"uuid");
	bool has_elems = false;

	x->name = xstrdup((const char *)n->name);
	x->line = (unsigned)xmlGetLineNo(n);
	x->uuid = uuid ? xstrdup((const char *)uuid) : NULL;
	xmlFree(uuid);
	uuid = xmlGetProp(n, (const xmlChar *)"name");   /* PAN-OS: <entry name="..."> */
	x->attr_name = uuid ? xstrdup((const char *)uuid) : NULL;
	xmlFree(uuid);
	uuid = xmlGetProp(n, (const xmlChar *)"loc");    /* PAN-OS: where Panorama defined a pushed entry */
	x->attr_loc = uuid ? xstrdup((const char *)uuid) : NULL;
	xmlFree(uuid);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		has_elems = true;
		if (depth >= XML_DEPTH)
			continue;
		ALLOC_GROW(x->kids, x->n + 1, x->alloc);
		x->kids[x->n++] = convert(c, depth + 1);
	}
	if (!has_elems) {
		xmlChar *t = xmlNodeGetContent(n);
		x->text = trimmed(t);
		xmlFree(t);
	} else {
		x->text = xstrdup("");
	}
	return x;
}

/* The line of the first error: later ones ("premature end of data") only follow from it. */
static _Thread_local unsigned first_error_line;

static void on_error(void *ctx, const xmlError *e)
{
	(void)ctx;
	if (!first_error_line && e && e->level >= XML_ERR_ERROR)
		first_error_line = e->line > 0 ? (unsigned)e->line : 1;
}

static xmlDoc *read_doc(const char *file, const char *text, unsigned *bad_line, int extra)
{
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | extra;
	xmlDoc *doc;

	first_error_line = 0;
	xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)on_error);
	doc = xmlReadMemory(text, (int)strnlen(text, 1u << 30), file, NULL, opts);
	xmlSetStructuredErrorFunc(NULL, NULL);
	*bad_line = first_error_line ? first_error_line : 1;
	/*
	 * A config.xml has no DTD. One with a DTD could declare entities
	 * whose expansion (in xmlNodeGetContent) grows without bound.
	 */
	if (doc && (doc->intSubset || doc->extSubset)) {
		*bad_line = doc->intSubset ? (unsigned)xmlGetLineNo((xmlNode *)doc->intSubset) : 1;
		*bad_line = *bad_line > 0 && *bad_line < 1u << 31 ? *bad_line : 1;
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int fw_xml_parse(const char *file, const char *text, struct fw_xml **out)
{
	unsigned line;
	xmlDoc *doc = read_doc(file, text, &line, XML_PARSE_NOCDATA);
	xmlNode *root;

	*out = NULL;
	if (!doc || !(root = xmlDocGetRootElement(doc))) {
		if (doc)
			xmlFreeDoc(doc);
		return error("%s:%u: expected well-formed XML without a DTD (a config.xml)", file, line);
	}
	*out = convert(root, 0);
	xmlFreeDoc(doc);
	return 0;
}

static void shift_lines(struct fw_xml *x, unsigned by)
{
	x->line += by;
	for (size_t i = 0; i < x->n; i++)
		shift_lines(x->kids[i], by);
}

/* Where a document starts a line: the declaration, or the root of an export saved after another. */
static bool doc_start(const char *s)
{
	return !strncmp(s, "<?xml", 5) || !strncmp(s, "<config", 7) || !strncmp(s, "<policy", 7) ||
	       !strncmp(s, "<response", 9);
}

static void docs_free(struct fw_xml **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fw_xml_free(v[i]);
	free(v);
}

/*
 * Several documents saved one after another (a firewall's configuration,
 * then what Panorama pushed to it) are not one XML document: when the
 * whole text is not, it is cut where a line starts a document, and each
 * part must be one. Lines stay those of the file.
 */
struct part {
	size_t at;
	unsigned line;
};

/* Only a declaration so far: the root on the next line belongs to the same document. */
static bool only_declaration(const char *from, const char *to)
{
	const char *end = strstr(from, "?>");

	if (strncmp(from, "<?xml", 5) || !end || end + 2 > to)
		return false;
	for (end += 2; end < to; end++)
		if (!strchr(" \t\r\n", *end))
			return false;
	return true;
}

/* Where each document starts; fewer than two: the text is not several documents. */
static size_t split_docs(const char *text, struct part **out)
{
	size_t n = 0, alloc = 0;
	unsigned ln = 1;

	*out = NULL;
	for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL, ln++) {
		if (!doc_start(p) || (n && only_declaration(text + (*out)[n - 1].at, p)))
			continue;
		ALLOC_GROW(*out, n + 1, alloc);
		(*out)[n++] = (struct part){ (size_t)(p - text), ln };
	}
	if (n && (*out)[0].at != strspn(text, " \t\r\n"))
		n = 0;   /* something before the first document */
	return n;
}

int fw_xml_parse_docs(const char *file, const char *text, struct fw_xml ***out, size_t *n)
{
	struct part *parts = NULL;
	size_t alloc = 0, nparts;
	unsigned line, first_bad;
	xmlDoc *doc = read_doc(file, text, &line, XML_PARSE_NOCDATA);

	*out = NULL, *n = 0;
	if (doc) {
		xmlFreeDoc(doc);
		ALLOC_GROW(*out, 1, alloc);
		if (fw_xml_parse(file, text, &(*out)[0]))
			return free(*out), *out = NULL, -1;
		*n = 1;
		return 0;
	}
	first_bad = line;
	nparts = split_docs(text, &parts);
	if (nparts < 2) {
		free(parts);
		return error("%s:%u: expected well-formed XML without a DTD (a config.xml)", file, first_bad);
	}
	for (size_t i = 0; i < nparts; i++) {
		size_t end = i + 1 < nparts ? parts[i + 1].at : strlen(text);
		char *part = xstrndup(text + parts[i].at, end - parts[i].at);
		struct fw_xml *x = NULL;

		doc = read_doc(file, part, &line, XML_PARSE_NOCDATA);
		if (doc) {
			xmlFreeDoc(doc);
			if (fw_xml_parse(file, part, &x))
				x = NULL;
		}
		free(part);
		if (!x) {
			docs_free(*out, *n), *out = NULL, *n = 0;
			line += parts[i].line - 1;
			free(parts);
			return error("%s:%u: expected well-formed XML without a DTD (a config.xml)", file, line);
		}
		shift_lines(x, parts[i].line - 1);
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = x;
	}
	free(parts);
	return 0;
}

const struct fw_xml *fw_xml_child(const struct fw_xml *x, const char *name)
{
	for (size_t i = 0; x && i < x->n; i++)
		if (!strcmp(x->kids[i]->name, name))
			return x->kids[i];
	return NULL;
}

const struct fw_xml *fw_xml_path(const struct fw_xml *x, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;

	for (char *t = strtok_r(copy, "/", &save); t && x; t = strtok_r(NULL, "/", &save))
		x = fw_xml_child(x, t);
	free(copy);
	return x;
}

const char *fw_xml_text(const struct fw_xml *x, const char *name)
{
	const struct fw_xml *c = fw_xml_child(x, name);

	return c ? c->text : NULL;
}

bool fw_xml_has(const struct fw_xml *x, const char *name)
{
	return fw_xml_child(x, name) != NULL;
}

void fw_xml_free(struct fw_xml *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		fw_xml_free(x->kids[i]);
	free(x->kids);
	free(x->name);
	free(x->text);
	free(x->uuid);
	free(x->attr_name);
	free(x->attr_loc);
	free(x);
}

/* ---- the stored form ---- */

static void clean_node(xmlNode *n, const struct fw_xml_rules *rules, int depth)
{
	xmlNode *next;

	for (xmlNode *c = n->children; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (rules->is_volatile((const char *)c->name)) {
			/* Drop the indentation before it too, so the file reads as if it never was. */
			if (c->prev && c->prev->type == XML_TEXT_NODE && xmlIsBlankNode(c->prev)) {
				xmlNode *ws = c->prev;
				xmlUnlinkNode(ws);
				xmlFreeNode(ws);
			}
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		for (xmlAttr *a = c->properties, *an; rules->is_volatile_attr && a; a = an) {
			an = a->next;
			if (rules->is_volatile_attr((const char *)a->name))
				xmlRemoveProp(a);
		}
		if (rules->is_secret((const char *)c->name) && c->children) {
			xmlNodeSetContent(c, (const xmlChar *)"*****");
			continue;
		}
		if (depth < XML_DEPTH)
			clean_node(c, rules, depth + 1);
	}
}

char *fw_xml_clean(const char *text, const struct fw_xml_rules *rules)
{
	unsigned line;
	/* CDATA kept and empty elements written open and closed: the stored file reads like the saved one. */
	xmlDoc *doc = read_doc("export", text, &line, 0);
	xmlBuffer *buf;
	xmlSaveCtxt *save;
	char *out;

	if (!doc || !xmlDocGetRootElement(doc)) {
		if (doc)
			xmlFreeDoc(doc);
		return NULL;
	}
	clean_node(xmlDocGetRootElement(doc), rules, 0);
	buf = xmlBufferCreate();
	save = xmlSaveToBuffer(buf, NULL, XML_SAVE_NO_EMPTY | XML_SAVE_AS_XML);
	if (save) {
		xmlSaveDoc(save, doc);
		xmlSaveClose(save);
	}
	out = xstrdup(xmlBufferContent(buf) ? (const char *)xmlBufferContent(buf) : "");
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

/* Each document cleaned, one after another; NULL if one is not XML. */
char *fw_xml_clean_docs(const char *text, const struct fw_xml_rules *rules)
{
	char *one = fw_xml_clean(text, rules);
	struct strbuf sb = STRBUF_INIT;
	struct part *parts;
	size_t n;

	if (one)
		return one;
	n = split_docs(text, &parts);
	for (size_t i = 0; i < n; i++) {
		size_t end = i + 1 < n ? parts[i + 1].at : strlen(text);
		char *part = xstrndup(text + parts[i].at, end - parts[i].at), *c = fw_xml_clean(part, rules);

		free(part);
		if (!c) {
			free(parts);
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s", c);
		free(c);
	}
	free(parts);
	if (n < 2) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}
