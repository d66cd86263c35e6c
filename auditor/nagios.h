/*
 * nagios.h - the monitoring-plugins status line, written in one place.
 *
 * "MXAUDIT STATUS - text | critical=N;;1;0 warning=N;1;;0 info=N;;;0"
 * and " resolved=N;;;0" when the output compares two snapshots. Status
 * is the exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN); the caller
 * words the text.
 */
#ifndef MXAUDIT_NAGIOS_H
#define MXAUDIT_NAGIOS_H

#include <stddef.h>
#include <stdio.h>

/* counts[] is indexed by severity (critical, warning, info). */
void nagios_line(FILE *out, int status, const char *text, const size_t counts[3],
		 const size_t *resolved);

#endif
