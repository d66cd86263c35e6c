/*
 * when.c - the times --since, --until and --at accept.
 *
 *   2026-11-20                 local midnight
 *   2026-11-20 14:00[:30]      local time
 *   2026-11-20T14:00[:30][Z]   local time, or UTC with Z
 *   N second(s)|minute(s)|hour(s)|day(s)|week(s) ago
 *   now, today (local midnight), yesterday (the midnight before)
 *   @1764000000                seconds since the epoch
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store.h"

static const char when_forms[] =
	"use YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]', YYYY-MM-DDTHH:MM[:SS][Z], "
	"'N minutes|hours|days|weeks ago', now, today, yesterday or @EPOCH";

static const struct {
	const char *name;
	long secs;
} units[] = {
	{ "second", 1 }, { "minute", 60 }, { "hour", 3600 },
	{ "day", 86400 }, { "week", 7 * 86400 },
};

/* Local midnight of the day of t, days later (negative: earlier). */
static time_t local_midnight(time_t t, int days)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int parse_ago(const char *s, time_t now, time_t *out)
{
	char unit[16], ago[8];
	unsigned long n;
	int len = 0;

	if (sscanf(s, "%lu %15[a-zA-Z] %7[a-zA-Z]%n", &n, unit, ago, &len) != 3 ||
	    s[len] || strcasecmp(ago, "ago") || !isdigit((unsigned char)*s))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		size_t ul = strlen(units[i].name), l = strlen(unit);
		if (strncasecmp(unit, units[i].name, ul) ||
		    (l != ul && !(l == ul + 1 && tolower((unsigned char)unit[ul]) == 's')))
			continue;
		if (n > (unsigned long)(3650L * 86400 / units[i].secs))
			return -1;
		*out = now - (time_t)n * units[i].secs;
		return 0;
	}
	return -1;
}

static int parse_iso(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, len = 0, n;
	char sep = 0;
	bool utc = false;

	n = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &len);
	if (n != 3 || len != 10)
		return -1;
	s += len;
	if (*s == ' ' || *s == 'T' || *s == 't') {
		sep = *s++;
		if (sscanf(s, "%2d:%2d%n", &h, &mi, &len) != 2 || len != 5)
			return -1;
		s += len;
		if (*s == ':' && (sscanf(s + 1, "%2d%n", &sec, &len) != 1 || len != 2))
			return -1;
		if (*s == ':')
			s += 3;
		if (sep != ' ' && (*s == 'Z' || *s == 'z'))
			utc = true, s++;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	*out = utc ? timegm(&tm) : mktime(&tm);
	/* mktime normalizes Feb 30 to Mar 2: refuse dates that moved. */
	if (*out == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	return 0;
}

/*
 * Parse s relative to now into *out. Returns 0, or -1 after an error
 * that lists the accepted forms.
 */
int when_parse(const char *s, time_t now, time_t *out)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!strcasecmp(s, "now"))
		return *out = now, 0;
	if (!strcasecmp(s, "today"))
		return *out = local_midnight(now, 0), 0;
	if (!strcasecmp(s, "yesterday"))
		return *out = local_midnight(now, -1), 0;
	if (*s == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (!errno && end != s + 1 && !*end && v >= 0)
			return *out = (time_t)v, 0;
	} else if (!parse_ago(s, now, out) || !parse_iso(s, out)) {
		return 0;
	}
	return error("'%s' is not a time I understand; %s", s, when_forms);
}
