/*
 * report.h - the findings of a check, per domain, as text for people,
 * JSON for machines (schema in docs/check.md) or Markdown for tickets.
 */
#ifndef MXAUDIT_REPORT_H
#define MXAUDIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"

struct domain_report {
	char *domain;
	struct findings fs;
	size_t nignored;          /* findings dropped by policy ignore rules */
};

struct check_report {
	struct domain_report *v;
	size_t n, alloc;
	char *label;              /* what was checked: "snapshot 1a2b3c4d", "live" */
	char commit[41];          /* the stored snapshot checked; "" when live */
	struct json_t *state;     /* live: what is open now, as drift reports it; else NULL */
};
#define CHECK_REPORT_INIT { NULL, 0, 0, NULL, "", NULL }

/* report.c */
/* Add a domain (name copied); its findings start empty. */
struct domain_report *report_add(struct check_report *r, const char *domain);
/* Sort each domain's findings, then domains worst first, then by name. */
void report_sort(struct check_report *r);
void report_counts(const struct check_report *r, size_t counts[3]);
enum severity report_worst(const struct check_report *r);
void report_release(struct check_report *r);

void report_text(FILE *out, const struct check_report *r, bool color);
int report_json(FILE *out, const struct check_report *r);
void report_markdown(FILE *out, const struct check_report *r);
/* One Nagios status line; status is the command's exit code (0-3). */
void report_nagios(FILE *out, const struct check_report *r, int status);

#endif
