/*
 * nagios.c - the status line; see nagios.h.
 */
#include "finding.h"
#include "nagios.h"

void nagios_line(FILE *out, int status, const char *text, const size_t counts[3],
		 const size_t *resolved)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	fprintf(out, "MXAUDIT %s - %s | critical=%zu;;1;0 warning=%zu;1;;0 info=%zu;;;0",
		names[status & 3], text, counts[SEV_CRITICAL], counts[SEV_WARNING],
		counts[SEV_INFO]);
	if (resolved)
		fprintf(out, " resolved=%zu;;;0", *resolved);
	fputc('\n', out);
}
