/*
 * svg.h - writing HTML text and inline SVG by hand: escaping, and the
 * few shapes the report draws (boxes, links, markers, text). Every
 * drawing gets a <title>; every state is shown by colour and by a
 * second sign (a dash pattern, a mark, a shape), so it reads printed in
 * grey and by a screen reader.
 */
#ifndef MXAUDIT_SVG_H
#define MXAUDIT_SVG_H

#include <stdio.h>

#include "finding.h"

/* The state of one link of a path. */
enum link_state { LINK_OK, LINK_BROKEN, LINK_UNKNOWN };

/* svg.c */
/* Write s with &, <, >, " and ' escaped (s may be NULL: nothing). */
void html_esc(FILE *out, const char *s);
/* The same, cut to max characters (UTF-8 aware) with "…" when longer. */
void html_esc_cut(FILE *out, const char *s, size_t max);
const char *link_state_name(enum link_state st);   /* "ok", "broken", "unknown" */
const char *link_state_mark(enum link_state st);   /* "✓", "✗", "?" */

/* <svg> sized by its viewBox (it scales to the page) with its <title> and <desc>. */
void svg_open(FILE *out, const char *cls, int w, int h, const char *title, const char *desc);
void svg_close(FILE *out);
/* A box with one or two lines of text; title (may be NULL) is its hover text. */
void svg_box(FILE *out, int x, int y, int w, int h, const char *line1, const char *line2,
	     const char *title);
/*
 * A link from (x1,y1) to (x2,y2) in the state's colour and dash pattern,
 * with its mark at the middle; attrs (may be NULL) are extra attributes
 * of its group (data-*), title the deciding rule.
 */
void svg_link(FILE *out, int x1, int y1, int x2, int y2, enum link_state st,
	      const char *attrs, const char *title);
/* A severity marker: critical a square, warning a triangle, info a circle; hollow when resolved. */
void svg_marker(FILE *out, int x, int y, enum severity sev, int hollow, const char *title);
void svg_text(FILE *out, int x, int y, const char *cls, const char *anchor, const char *text,
	      size_t max);

#endif
