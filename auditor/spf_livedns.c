/*
 * spf_livedns.c - the SPF evaluator's lookup callback asking a DNS server
 * (`mxaudit spf` without a snapshot): the only part of SPF that touches
 * the network, kept apart from the pure evaluator and the offline one.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolver.h"
#include "spf.h"

static double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum lookup_state live_lookup(void *ctx, const char *name, const char *type,
				     const struct rr **rrs, size_t *n)
{
	struct spf_livedns *l = ctx;
	struct lookup_result res;
	enum lookup_state st;
	char *pn;

	rrs_free(l->rrs, l->nrr);
	l->rrs = NULL;
	l->nrr = 0;
	*rrs = NULL;
	*n = 0;
	if (now_monotonic() > l->deadline)
		return LK_TIMEOUT;
	l->queries++;
	pn = spf_present_name(name);
	if (resolve_one(l->srv, l->opts, pn, type, &res) < 0) {
		free(pn);
		lookup_result_release(&res);
		return LK_SERVFAIL;
	}
	free(pn);
	st = res.state;
	l->rrs = res.rrs;
	l->nrr = res.nrr;
	res.rrs = NULL;
	res.nrr = 0;
	lookup_result_release(&res);
	*rrs = l->rrs;
	*n = l->nrr;
	return st;
}

void spf_livedns_init(struct spf_livedns *l, const struct server *srv,
		      const struct resolver_opts *opts, struct spf_dns *dns)
{
	memset(l, 0, sizeof(*l));
	l->srv = srv;
	l->opts = opts;
	l->deadline = now_monotonic() + SPF_TIME_LIMIT;
	dns->lookup = live_lookup;
	dns->ctx = l;
}

void spf_livedns_release(struct spf_livedns *l)
{
	rrs_free(l->rrs, l->nrr);
	l->rrs = NULL;
	l->nrr = 0;
}
