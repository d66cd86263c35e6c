/*
 * when.c - the times --since, --until and --at accept.
 *
 *   2026-11-20                 local midnight
 *   2026-11-20 14:00[:30]      local time
 *   2026-11-20T14:00[:30][Z]   local time, or UTC with Z
 *   2026-11-20 14:00:30 +0100  with an offset, as git log prints (%ci);
 *   2026-11-20T14:00:30+01:00  and as ISO 8601 (%cI)
 *   Fri, 20 Nov 2026 14:00:30 +0100   RFC 2822 (%cD)
 *   N second(s)|minute(s)|hour(s)|day(s)|week(s) ago, also git's 3.hours.ago
 *   now, today (local midnight), yesterday (the midnight before),
 *   today 14:00, yesterday 14:00[:30]
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
	"use YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS] [+HHMM]', YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], "
	"'N minutes|hours|days|weeks ago', now, today, yesterday, 'yesterday HH:MM' or @EPOCH";

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

static int parse_ago(const char *str, time_t now, time_t *out)
{
	char unit[16], ago[8], s[48];
	unsigned long n;
	int len = 0;

	/* git writes "3.hours.ago" as well as "3 hours ago". */
	if (strlen(str) >= sizeof(s))
		return -1;
	for (size_t i = 0; (s[i] = str[i] == '.' ? ' ' : str[i]); i++)
		;
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

/* "HH:MM[:SS]" at *s; advances *s past it. */
static int parse_clock(const char **s, int *h, int *mi, int *sec)
{
	int len = 0;

	if (sscanf(*s, "%2d:%2d%n", h, mi, &len) != 2 || len != 5)
		return -1;
	*s += len;
	*sec = 0;
	if (**s == ':' && (sscanf(*s + 1, "%2d%n", sec, &len) != 1 || len != 2))
		return -1;
	if (**s == ':')
		*s += 3;
	return *h > 23 || *mi > 59 || *sec > 60 ? -1 : 0;
}

/*
 * An offset from UTC at *s: "Z", or "+HHMM", "+HH:MM", "-.." after an
 * optional blank. Returns 1 and the offset in seconds east, 0 when there
 * is none, -1 when it is malformed.
 */
static int parse_offset(const char **s, long *east)
{
	const char *p = *s;
	int hh, mm, len = 0;

	if (*p == 'Z' || *p == 'z')
		return *s = p + 1, *east = 0, 1;
	p += *p == ' ';
	if (*p != '+' && *p != '-')
		return 0;
	if (sscanf(p + 1, "%2d%n", &hh, &len) != 1 || len != 2)
		return -1;
	len = p[3] == ':';
	if (sscanf(p + 3 + len, "%2d", &mm) != 1 || !isdigit((unsigned char)p[4 + len]) ||
	    hh > 23 || mm > 59)
		return -1;
	*east = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
	*s = p + 5 + len;
	return 1;
}

/* Seconds since the epoch of a broken-down time, local or at an offset. */
static int make_time(struct tm *tm, int has_offset, long east, time_t *out)
{
	int d = tm->tm_mday, mo = tm->tm_mon;

	tm->tm_isdst = -1;
	*out = has_offset ? timegm(tm) - east : mktime(tm);
	/* mktime normalizes Feb 30 to Mar 2: refuse dates that moved. */
	if (*out == (time_t)-1 || tm->tm_mday != d || tm->tm_mon != mo)
		return -1;
	return 0;
}

static int parse_iso(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, len = 0, n, has_offset = 0;
	long east = 0;

	n = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &len);
	if (n != 3 || len != 10)
		return -1;
	s += len;
	if (*s == ' ' || *s == 'T' || *s == 't') {
		/* Z belongs to the ISO 8601 form only: "2026-11-20 14:00Z" is a typo. */
		bool iso = *s++ != ' ';

		if (parse_clock(&s, &h, &mi, &sec) || (!iso && (*s == 'Z' || *s == 'z')) ||
		    (has_offset = parse_offset(&s, &east)) < 0)
			return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return make_time(&tm, has_offset, east, out);
}

/* RFC 2822, as git log --date=rfc prints it: "Fri, 20 Nov 2026 14:00:30 +0100". */
static int parse_rfc2822(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
	long east;

	if (!end || parse_offset(&end, &east) != 1 || *end)
		return -1;
	return make_time(&tm, 1, east, out);
}

/* "today 14:00", "yesterday 14:00:30": local time on that day. */
static int parse_day_clock(const char *s, time_t now, time_t *out)
{
	static const struct { const char *word; int days; } day[] = {
		{ "today ", 0 }, { "yesterday ", -1 },
	};
	struct tm tm;
	int h, mi, sec;

	for (size_t i = 0; i < ARRAY_SIZE(day); i++) {
		const char *p = s + strlen(day[i].word);
		time_t midnight;

		if (strncasecmp(s, day[i].word, strlen(day[i].word)))
			continue;
		if (parse_clock(&p, &h, &mi, &sec) || *p)
			return -1;
		midnight = local_midnight(now, day[i].days);
		localtime_r(&midnight, &tm);
		tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
		return make_time(&tm, 0, 0, out);
	}
	return -1;
}

/*
 * Parse s relative to now into *out. Returns 0, or -1 after an error
 * that names the option opt and lists the accepted forms.
 */
int when_parse(const char *opt, const char *s, time_t now, time_t *out)
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
	} else if (!parse_ago(s, now, out) || !parse_iso(s, out) || !parse_rfc2822(s, out) ||
		   !parse_day_clock(s, now, out)) {
		return 0;
	}
	return error("%s: '%s' is not a time I understand; %s", opt, s, when_forms);
}
