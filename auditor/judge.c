/*
 * judge.c - the judging sequence of a domain; see judge.h.
 */
#include <string.h>

#include "judge.h"
#include "readlog.h"

const struct domain_conf *judge_inputs(const struct domain_snap *d, const struct config *cfg,
				       struct domain_conf *dc_view, struct config *cfg_view,
				       const struct config **cfg_out)
{
	const struct domain_inputs *in = d->inputs;

	*cfg_out = cfg;
	if (!in)
		return cfg ? config_domain(cfg, d->name) : NULL;
	memset(cfg_view, 0, sizeof(*cfg_view));
	cfg_view->lab = in->lab;
	cfg_view->dkim_warn_bits = in->dkim_warn_bits;
	cfg_view->dkim_crit_bits = in->dkim_crit_bits;
	*cfg_out = cfg_view;
	memset(dc_view, 0, sizeof(*dc_view));
	dc_view->name = d->name;
	dc_view->dkim_selectors = in->dkim_selectors;
	dc_view->sending_ips = in->sending_ips;
	dc_view->mail_hosts = in->mail_hosts;
	return dc_view;
}

void judge_find(const struct domain_snap *d, const struct domain_conf *dc,
		const struct config *cfg, const struct policy_set *ps,
		const struct path_fws *fws, struct findings *fs)
{
	struct analyze_opts o;
	struct fw_list_policy lp;

	analyze_domain(d, dc, cfg, fs);
	analyze_opts_init(&o, dc, cfg);
	for (size_t i = 0; ps && i < ps->n; i++)
		if (policy_covers(&ps->v[i], d->name)) {
			policy_check(&ps->v[i], d, &o, fs);
			readlog_stage(fs);
		}
	/* The joint inbound path: MX address -> firewall NAT -> filter -> mail host. */
	path_list_policy(ps, d->name, &lp);
	analyze_path(d, dc, fws, &lp, fs);
	readlog_stage(fs);
	fw_list_policy_release(&lp);
}

void judge_apply(const struct domain_snap *d, const struct policy_set *ps, time_t now,
		 struct findings *fs, size_t *nignored)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		if (policy_covers(&ps->v[i], d->name))
			policy_apply(&ps->v[i], now, fs, nignored);
}
