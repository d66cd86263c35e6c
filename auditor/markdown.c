/*
 * markdown.c - escaping for Markdown tables; see markdown.h.
 */
#include "markdown.h"

void md_escape(FILE *out, const char *s, bool code)
{
	if (code)
		fputc('`', out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else if (*s == '`' && code)
			fputc('\'', out);
		else
			fputc(*s, out);
	}
	if (code)
		fputc('`', out);
}
