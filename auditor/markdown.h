/*
 * markdown.h - text into a Markdown table cell, escaped in one place.
 */
#ifndef MXAUDIT_MARKDOWN_H
#define MXAUDIT_MARKDOWN_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Write s (NULL writes nothing) so it stays inside one table cell: '|'
 * escaped, '\n' and '\r' as spaces (either ends the row in some
 * renderers); with code, in backticks, its own backticks as quotes.
 */
void md_escape(FILE *out, const char *s, bool code);

#endif
