/*
 * impact_load.c - what the impact commands (diff, drift, log --record,
 * timeline) need besides the store: the configuration, optional when
 * only stored snapshots are read, and the policies it names.
 */
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "impact.h"

int impact_load_config(const struct cmd_ctx *ctx, bool required, struct config *cfg,
		       bool *have)
{
	*have = false;
	if (!required && !ctx->config_given && access(ctx->config, F_OK))
		return 0;
	if (config_load(ctx->config, cfg))
		return -1;
	*have = true;
	return 0;
}

int impact_load_policies(const struct config *cfg, struct policy_set *ps)
{
	for (size_t i = 0; cfg && i < cfg->policies.n; i++)
		if (policy_load_file(cfg->policies.v[i], ps))
			return -1;
	return 0;
}
