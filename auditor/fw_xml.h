/*
 * fw_xml.h - config.xml (pfSense, OPNsense) and PAN-OS XML as a tree of elements, for
 * the parsers of those formats; fw_xml.c is the only user of libxml2.
 */
#ifndef MXAUDIT_FW_XML_H
#define MXAUDIT_FW_XML_H

#include <stdbool.h>

#include "util.h"

struct fw_xml {
	char *name;
	char *text;                   /* a leaf's text, trimmed; "" for elements with children */
	char *uuid;                   /* the uuid attribute (OPNsense MVC), or NULL */
	char *attr_name;              /* the name attribute (PAN-OS <entry name="...">), or NULL */
	char *attr_loc;               /* the loc attribute (PAN-OS: a pushed entry's device group or "shared"), or NULL */
	unsigned line;
	struct fw_xml **kids;
	size_t n, alloc;
};

/* Parse text; errors name file:line. *out is the root element; free it with fw_xml_free(). */
int fw_xml_parse(const char *file, const char *text, struct fw_xml **out);
/*
 * One document, or several saved one after another, each from a line that
 * starts with its declaration or root; lines are the file's. Free each
 * with fw_xml_free() and the array with free().
 */
int fw_xml_parse_docs(const char *file, const char *text, struct fw_xml ***out, size_t *n);
/* The first child named name, or NULL (x may be NULL). */
const struct fw_xml *fw_xml_child(const struct fw_xml *x, const char *name);
/* Children by a "a/b/c" path, or NULL. */
const struct fw_xml *fw_xml_path(const struct fw_xml *x, const char *path);
/* The text of the first child named name, or NULL if there is none. */
const char *fw_xml_text(const struct fw_xml *x, const char *name);
bool fw_xml_has(const struct fw_xml *x, const char *name);
void fw_xml_free(struct fw_xml *x);

/* Which elements a format leaves out of the snapshot and which it masks. */
struct fw_xml_rules {
	bool (*is_volatile)(const char *name);
	bool (*is_secret)(const char *name);
	bool (*is_volatile_attr)(const char *name);   /* may be NULL */
};
/* The document with volatile elements removed and secret ones' text masked; NULL if not XML. */
char *fw_xml_clean(const char *text, const struct fw_xml_rules *rules);
/* The same for several documents saved one after another (see fw_xml_parse_docs). */
char *fw_xml_clean_docs(const char *text, const struct fw_xml_rules *rules);

#endif
