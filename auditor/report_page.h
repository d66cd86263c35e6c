/*
 * report_page.h - `mxaudit report`: one self-contained HTML page of a
 * snapshot, or of a change between two snapshots (with the findings
 * each stored change in between introduced and resolved), for change
 * tickets and incidents.
 *
 * report_page.c gathers what the judge says (the same findings as
 * check, the impact as diff, the events as timeline); render_*.c draw
 * it. Nothing in the page points outside the file.
 */
#ifndef MXAUDIT_REPORT_PAGE_H
#define MXAUDIT_REPORT_PAGE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "impact.h"
#include "path.h"
#include "store.h"

/* One stored change in the window, with its impact against its parent. */
struct page_commit {
	struct store_commit c;
	struct impact im;
};

struct report_page {
	struct store_commit from, to;  /* from.id[0] == '\0': a single snapshot */
	struct snapshot a, b;          /* a empty without from */
	bool have_from, window;        /* window: --since/--until were given */
	time_t since, until;
	const struct config *cfg;      /* may be NULL */
	struct strlist only;           /* domains to show; empty: every one */
	struct path_fws fws;           /* of b */
	struct impact_list findings;   /* of b, as check gives them */
	struct impact im;              /* a -> b */
	struct page_commit *commits;   /* the window, oldest first */
	size_t ncommits;
	time_t made;                   /* when the page was written */
};

/* report_page.c */
/*
 * Load snapshot `to` and, when from is non-NULL, `from` and every
 * commit after it up to `to` with its impact. since/until (0: open)
 * describe a time window instead, already resolved to from/to by the
 * caller. cfg and ps may be NULL. Release p in any case.
 */
int report_page_load(struct store *s, const char *from, const char *to,
		     const struct config *cfg, const struct policy_set *ps,
		     struct report_page *p);
void report_page_release(struct report_page *p);
/* Does the page show domain (the DOMAIN arguments, or all)? */
bool report_page_shows(const struct report_page *p, const char *domain);
/* The worst severity of b's shown findings; *any: there is at least one. */
enum severity report_page_worst(const struct report_page *p, bool *any);
/*
 * report_write.c: write the page of p to path atomically (a temporary
 * file beside it, then rename). Returns 0 or -1 (printed).
 */
int report_page_write(const struct report_page *p, const char *path);

/*
 * The page of the change from (NULL: none) to `to`, written to a new
 * temporary file whose path goes to *path (the caller unlinks and frees
 * it). For `drift --exec`. Returns 0 or -1 (printed).
 */
int report_page_tempfile(struct store *s, const char *from, const char *to,
			 const struct config *cfg, char **path);

/* render_html.c */
void render_page(FILE *out, const struct report_page *p);
/* render_path.c */
void render_paths(FILE *out, const struct report_page *p, const struct domain_snap *d);
/* render_spf.c */
void render_spf(FILE *out, const struct report_page *p, const struct domain_snap *d);
/* render_timeline.c */
void render_timeline(FILE *out, const struct report_page *p);

/* The domain's findings from p->findings, as pointers (caller frees the array). */
const struct finding **report_page_domain_findings(const struct report_page *p, const char *domain,
						  size_t *n);

#endif
