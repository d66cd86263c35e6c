/*
 * timefmt.c - printing times; see timefmt.h.
 */
#include <stdio.h>
#include <string.h>

#include "timefmt.h"

void fmt_time(time_t t, bool iso, char *buf, size_t size)
{
	struct tm tm;
	char z[8];
	size_t len;

	localtime_r(&t, &tm);
	if (!iso) {
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
		return;
	}
	/* strftime's %z is +0100; ISO 8601 extended form wants +01:00 */
	strftime(z, sizeof(z), "%z", &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	len = strlen(buf);
	snprintf(buf + len, size - len, "%.3s:%.2s", z, z + 3);
}
