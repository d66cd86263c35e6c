/*
 * zonecheck.h - checks on a zone file's text that ldns does not make.
 */
#ifndef MXAUDIT_ZONECHECK_H
#define MXAUDIT_ZONECHECK_H

/*
 * Check text (the zone file file, for domain apex "example.com."): a
 * quote not closed on its line, parentheses that do not pair, a TTL above 2^31-1, an MX preference
 * above 65535, or an absolute $ORIGIN outside apex is an error naming
 * file:line (-1); else 0.
 */
int zone_text_check(const char *file, const char *text, const char *apex);

#endif
