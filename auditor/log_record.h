/*
 * log_record.h - the semantic history of one record type (log --record).
 */
#ifndef MXAUDIT_LOG_RECORD_H
#define MXAUDIT_LOG_RECORD_H

#include "impact.h"

/* log_record.c */
/*
 * For one stored change (p, and its impact im): append to changes one
 * line per owner whose TYPE records changed ("example.com example.com.:
 * 10 mx1., 20 mx2. -> 10 mx1."), and to found the introduced findings
 * those records explain. domain (may be NULL) limits both. Returns the
 * number of changes.
 */
int log_record_commit(const struct impact_pair *p, const struct impact *im, const char *type,
		      const char *domain, struct strlist *changes, struct impact_list *found);

#endif
