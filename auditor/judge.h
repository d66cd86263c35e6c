/*
 * judge.h - the one judging sequence of a domain's snapshot, used by
 * check (stored, --live, --proposed-*), diff, drift, timeline, log
 * --record and report alike: the analyzers (with SPF), the policies'
 * checks, the joint firewall path, then the policies' rules (ignore,
 * severity) over everything found.
 */
#ifndef MXAUDIT_JUDGE_H
#define MXAUDIT_JUDGE_H

#include <stddef.h>
#include <time.h>

#include "analyze.h"
#include "path.h"
#include "policy.h"

/*
 * What d is judged with in history (diff, drift, timeline, log --record):
 * the inputs recorded in its snapshot (selectors,
 * sending IPs, mail hosts, DKIM limits, lab), viewed as a configuration
 * in *dc_view / *cfg_view (lists borrowed, not copied); without recorded
 * inputs, the configured ones of cfg (may be NULL). check judges with
 * the configuration as it is now instead. *cfg_out gets the configuration
 * to judge with; the domain's entry is returned (or NULL).
 */
const struct domain_conf *judge_inputs(const struct domain_snap *d, const struct config *cfg,
				       struct domain_conf *dc_view, struct config *cfg_view,
				       const struct config **cfg_out);

/* Everything the rules find in d (ps and fws may be NULL). */
void judge_find(const struct domain_snap *d, const struct domain_conf *dc,
		const struct config *cfg, const struct policy_set *ps,
		const struct path_fws *fws, struct findings *fs);

/*
 * The policies' rules over fs: ignore (counted into *nignored when not
 * NULL) and severity overrides, as of now. Last, after any finding a
 * caller adds to what judge_find() found.
 */
void judge_apply(const struct domain_snap *d, const struct policy_set *ps, time_t now,
		 struct findings *fs, size_t *nignored);

#endif
