/*
 * usage.c - the usage line of the running command, for its option errors;
 * see cmd.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "util.h"
#include "cmd.h"

static const char *current;

void usage_set(const char *usage)
{
	current = usage;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (current)
		fprintf(stderr, "usage: mxaudit %s\n", current);
	else
		fprintf(stderr, "see 'mxaudit %s --help'\n", cmd);
	return -1;
}
