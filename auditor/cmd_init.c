/*
 * cmd_init.c - `mxaudit init [--store DIR]`: create the snapshot store.
 *
 * The global --store (or $MXAUDIT_STORE, else ./snapshots) names it;
 * running init on an existing store is fine and changes nothing.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "store.h"

int cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	int r;

	opterr = 0;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return usage_error("init", "init: unknown option '%s'", argv[optind - 1]);
	if (optind < argc)
		return usage_error("init", "init: unexpected argument '%s'", argv[optind]);
	if ((r = store_init(ctx->store)) < 0)
		return r;
	if (verbosity >= 0)
		printf(r ? "%s is already an mxaudit store\n" : "initialized empty mxaudit store in %s\n",
		       ctx->store);
	return EXIT_OK;
}
