/*
 * cmd_timeline.c - `mxaudit timeline [--since WHEN] [--until WHEN]
 * [DOMAIN]`: the findings each stored change introduced and resolved,
 * oldest first, one line each with the commit. For incidents: "mail
 * bounces since this morning" is answered by the first critical line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "cmd.h"
#include "impact.h"
#include "json.h"
#include "timefmt.h"
#include "store.h"

struct timeline_opts {
	time_t since, until;
	const char *domain;
};

static int parse_args(int argc, char **argv, struct timeline_opts *o)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 's' && when_parse("--since", optarg, now, &o->since) < 0)
			return -1;
		if (c == 'u' && when_parse("--until", optarg, now, &o->until) < 0)
			return -1;
		if (c == '?' || c == ':')
			return usage_error("timeline", "timeline: %s '%s'", c == ':' ?
					   "missing value for" : "unknown option", argv[optind - 1]);
	}
	if (argc - optind > 1)
		return usage_error("timeline", "timeline: unexpected argument '%s'", argv[optind + 1]);
	o->domain = optind < argc ? argv[optind] : NULL;
	return 0;
}

static void events(const struct store_commit *c, const struct impact_list *l, const char *what,
		   const char *domain, bool json, json_t *arr)
{
	char date[40];

	fmt_time(c->when, json, date, sizeof(date));
	for (size_t i = 0; i < l->n; i++) {
		const struct impact_item *it = &l->v[i];
		json_t *o;

		if (domain && strcasecmp(domain, it->scope))
			continue;
		if (!json) {
			printf("%s %.12s %-10s %-8s %s: %s %s\n", date, c->id, what,
			       severity_name(it->f.sev), it->scope, it->f.code, it->f.subject);
			continue;
		}
		o = jobj();
		jset_str(o, "commit", c->id);
		jset_str(o, "date", date);
		jset_str(o, "event", what);
		jset_str(o, "severity", severity_name(it->f.sev));
		jset_str(o, "scope", it->scope);
		jset_str(o, "code", it->f.code);
		jset_str(o, "subject", it->f.subject);
		jset_str(o, "message", it->f.message);
		jpush(arr, o);
	}
}

static int walk(struct store *s, const struct store_commit *c, size_t n,
		const struct impact_opts *io, const struct timeline_opts *o, bool json,
		json_t *arr)
{
	/* What the window's changes left open: a fix resolves what it fixes. */
	struct impact_list open = { NULL, 0, 0 };
	int r = 0;

	for (size_t i = n; i-- > 0 && r >= 0;) {          /* oldest first */
		struct impact_pair p;
		struct impact im = IMPACT_INIT;

		r = impact_of_commit(s, c[i].id, io, &p, &im);
		if (r == 0) {
			impact_follow(&im, &open);
			impact_follow_update(&open, &im);
			events(&c[i], &im.introduced, "introduced", o->domain, json, arr);
			events(&c[i], &im.resolved, "resolved", o->domain, json, arr);
		}
		impact_release(&im);
		impact_pair_release(&p);
	}
	impact_list_release(&open);
	return r < 0 ? -1 : 0;
}

int cmd_timeline(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct timeline_opts o = { 0 };
	struct impact_opts io = { .now = time(NULL) };
	struct policy_set ps = POLICY_SET_INIT;
	struct store_commit *c = NULL;
	struct store *s = NULL;
	struct config cfg;
	bool have_cfg = false, json = ctx->format == FMT_JSON;
	json_t *root = jroot(), *arr = jarr();
	size_t n = 0;
	int r = -1;

	if (parse_args(argc, argv, &o) || impact_load_config(ctx, false, &cfg, &have_cfg) ||
	    impact_load_policies(have_cfg ? &cfg : NULL, &ps) ||
	    store_open(ctx->store, false, &s) < 0 ||
	    store_log(s, o.since, o.until, NULL, &c, &n) < 0)
		goto out;
	io.cfg = have_cfg ? &cfg : NULL;
	io.policies = &ps;
	if (walk(s, c, n, &io, &o, json, arr) < 0)
		goto out;
	jset(root, "events", arr);
	arr = NULL;
	r = json && jprint(stdout, root) < 0 ? -1 : EXIT_OK;
out:
	if (arr)
		jfree(arr);
	jfree(root);
	store_commits_free(c, n);
	store_close(s);
	policy_set_release(&ps);
	if (have_cfg)
		config_release(&cfg);
	return r;
}
