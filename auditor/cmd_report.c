/*
 * cmd_report.c - `mxaudit report [A [B] | --since WHEN [--until WHEN]]
 * [DOMAIN...] -o FILE.html`: one self-contained HTML page of a snapshot
 * (REV, default the latest) or of the change from A to B, or of the
 * snapshots of a time window, for change tickets and incidents. The
 * exit code is that of `check` for the later snapshot: 0, 1 warning,
 * 2 critical, 3 could not run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "cmd.h"
#include "impact.h"
#include "report_page.h"
#include "store.h"

struct report_opts {
	const char *output;
	const char *since_s, *until_s;
	time_t since, until;
	struct strlist args;
};

static int parse_options(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		if (c == 'o')
			o->output = optarg;
		else if (c == 's' && (o->since_s = optarg) && when_parse("--since", optarg, now, &o->since) < 0)
			return -1;
		else if (c == 'u' && (o->until_s = optarg) && when_parse("--until", optarg, now, &o->until) < 0)
			return -1;
		else if (c == '?' || c == ':')
			return usage_error("report", "%s '%s'", c == ':' ? "missing value for" :
					   "unknown option", argv[optind - 1]);
	}
	for (; optind < argc; optind++)
		sl_push(&o->args, argv[optind]);
	if (!o->output)
		return usage_error("report", "report: -o FILE.html is required");
	return 0;
}

/*
 * Split the arguments: up to two snapshots first (without --since or
 * --until), then domains. A word is a snapshot when the store knows it.
 */
static int split_args(struct store *s, const struct report_opts *o, char from[41], char to[41],
		      struct strlist *domains)
{
	size_t nrev = 0;
	char id[41];

	for (size_t i = 0; i < o->args.n; i++) {
		if (!domains->n && nrev < 2 && !o->since_s && !o->until_s &&
		    store_rev_exists(s, o->args.v[i], id) == 0) {
			memcpy(nrev++ ? to : from, id, 41);
			continue;
		}
		sl_push(domains, o->args.v[i]);
	}
	if (nrev == 1) {              /* one snapshot: its state alone */
		memcpy(to, from, 41);
		from[0] = '\0';
	}
	return (int)nrev;
}

/* --since/--until: the snapshot in force at each end. */
static int window(struct store *s, const struct report_opts *o, char from[41], char to[41])
{
	int r;

	from[0] = '\0';
	if (o->until_s) {
		if ((r = store_at(s, o->until, to)) != 0)
			return r < 0 ? -1 : error("no snapshot at or before '%s'", o->until_s);
	} else if (store_resolve(s, "HEAD", to) != 0) {
		return error("the store has no snapshots yet; run 'mxaudit snapshot'");
	}
	if (o->since_s && (r = store_at(s, o->since, from)) < 0)
		return -1;
	return 0;
}

static int check_domains(const struct report_page *p)
{
	for (size_t i = 0; i < p->only.n; i++)
		if (!snapshot_domain(&p->b, p->only.v[i]))
			return error("'%s' is neither a snapshot nor a domain of snapshot %.12s",
				     p->only.v[i], p->to.id);
	return 0;
}

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct report_opts o = { 0 };
	struct report_page p = { 0 };
	struct policy_set ps = POLICY_SET_INIT;
	struct store *s = NULL;
	struct config cfg;
	bool have_cfg = false, any;
	char from[41] = "", to[41] = "";
	enum severity worst;
	int r = -1;

	if (parse_options(argc, argv, &o) || impact_load_config(ctx, false, &cfg, &have_cfg) ||
	    impact_load_policies(have_cfg ? &cfg : NULL, &ps) || store_open(ctx->store, false, &s) < 0)
		goto out;
	if (o.since_s || o.until_s) {
		p.window = true;
		p.since = o.since_s ? o.since : 0;
		p.until = o.until_s ? o.until : 0;
		split_args(s, &o, from, to, &p.only);
		if (window(s, &o, from, to))
			goto out;
	} else if (split_args(s, &o, from, to, &p.only) == 0 && store_resolve(s, "HEAD", to)) {
		error("the store '%s' has no snapshots yet; run 'mxaudit snapshot'", ctx->store);
		goto out;
	}
	if (report_page_load(s, from[0] ? from : NULL, to, have_cfg ? &cfg : NULL, &ps, &p) < 0 ||
	    check_domains(&p) || report_page_write(&p, o.output) < 0)
		goto out;
	worst = report_page_worst(&p, &any);
	verbose("wrote '%s'", o.output);
	r = !any || worst == SEV_INFO ? EXIT_OK : worst == SEV_WARNING ? EXIT_WARNING : EXIT_CRITICAL;
out:
	report_page_release(&p);
	store_close(s);
	policy_set_release(&ps);
	sl_release(&o.args);
	if (have_cfg)
		config_release(&cfg);
	return r;
}
