/*
 * timefmt.h - the one way a time is printed.
 *
 * Machine output (JSON, ISO form) is ISO 8601 in whole seconds with a
 * numeric offset that has a colon: 2026-12-04T14:52:10+00:00, never Z.
 * Human output is "2026-12-04 14:52:10" in the same local time.
 */
#ifndef MXAUDIT_TIMEFMT_H
#define MXAUDIT_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TIMEFMT_SIZE 32

/* Write t in local time into buf (at least TIMEFMT_SIZE bytes). */
void fmt_time(time_t t, bool iso, char *buf, size_t size);

#endif
