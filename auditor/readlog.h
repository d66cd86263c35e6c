/*
 * readlog.h - which lookups the analyzers read while judging a domain,
 * so that impact blames a finding only on the changes that can cause it.
 *
 * The analyzers read the snapshot through dsnap_find() and
 * dsnap_lookup(); while a log is begun on a thread, those note each
 * name and type read. The judging sequence marks a stage after each
 * analyzer (readlog_stage()): the findings added since the previous
 * stage get what was read since. Nothing is noted, and a stage costs
 * one test, when no log is begun (check, timeline): only impact needs it.
 */
#ifndef MXAUDIT_READLOG_H
#define MXAUDIT_READLOG_H

#include "finding.h"
#include "util.h"

/* The type noted for a firewall an analyzer consulted (name: the firewall's). */
#define READLOG_FIREWALL "firewall"

struct readlog_entry {
	char *key;                 /* "code\tsubject" */
	size_t stage;
};

struct readlog {
	struct strlist cur;        /* "name\ttype" read since the last stage */
	struct strlist *stages;    /* each stage's reads, sorted */
	size_t nstages, stages_alloc;
	struct readlog_entry *v;
	size_t n, alloc;
	size_t mark;               /* findings already given a stage */
};

/* This thread notes its reads into rl (zeroed) until readlog_end(). */
void readlog_begin(struct readlog *rl);
void readlog_end(void);
/* Called by the snapshot's readers: name (absolute) and type ("*": any) were read. */
void readlog_note(const char *name, const char *type);
/* The findings of fs added since the last stage read what was noted since. */
void readlog_stage(const struct findings *fs);
/*
 * The reads ("name\ttype") of every stage that found code/subject,
 * appended to out, sorted and unique.
 */
void readlog_reads_of(const struct readlog *rl, const char *code, const char *subject,
		      struct strlist *out);
/*
 * Did one of reads ("name\ttype", name "*": every name) read name/type?
 * A CNAME at a name (any_type) changes every read of it.
 */
bool readlog_has(const struct strlist *reads, const char *name, const char *type, bool any_type);
void readlog_release(struct readlog *rl);

#endif
