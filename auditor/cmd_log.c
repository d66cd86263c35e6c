/*
 * cmd_log.c - `mxaudit log [--since WHEN] [--until WHEN] [DOMAIN]`: the
 * snapshots that changed something, newest first, with their summary.
 *
 * Every commit in the store changed something (store_commit makes none
 * otherwise), so this is the store's history, filtered by time and, with
 * DOMAIN, to the commits that changed dns/DOMAIN.zone or .status.
 * With --record TYPE it is the semantic history of that record type:
 * old -> new per owner, and the severity of what each change introduced.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "impact.h"
#include "json.h"
#include "timefmt.h"
#include "log_record.h"
#include "snaplayout.h"
#include "store.h"

#define SHORT_ID 12

static void print_text(const struct store_commit *c, size_t n)
{
	char date[32];

	for (size_t i = 0; i < n; i++) {
		fmt_time(c[i].when, false, date, sizeof(date));
		printf("%.*s %s ", SHORT_ID, c[i].id, date);
		if (c[i].tags.n) {
			putchar('[');
			for (size_t k = 0; k < c[i].tags.n; k++)
				printf("%s%s", k ? ", " : "", c[i].tags.v[k]);
			printf("] ");
		}
		printf("%s\n", c[i].summary);
	}
}

static int print_json(const struct store_commit *c, size_t n)
{
	json_t *root = jroot(), *arr = jarr();
	char date[40];
	int r;

	for (size_t i = 0; i < n; i++) {
		json_t *o = jobj(), *tags = jarr();

		fmt_time(c[i].when, true, date, sizeof(date));
		jset_str(o, "id", c[i].id);
		jset_str(o, "date", date);
		for (size_t k = 0; k < c[i].tags.n; k++)
			jpush_str(tags, c[i].tags.v[k]);
		jset(o, "tags", tags);
		jset_str(o, "summary", c[i].summary);
		jpush(arr, o);
	}
	jset(root, "commits", arr);
	r = jprint(stdout, root);
	jfree(root);
	return r;
}

static int parse_args(int argc, char **argv, time_t *since, time_t *until, const char **domain,
		      const char **record)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "record", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 's' && when_parse("--since", optarg, now, since) < 0)
			return -1;
		if (c == 'u' && when_parse("--until", optarg, now, until) < 0)
			return -1;
		if (c == 'r' && (!*optarg || strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != strlen(optarg)))
			return usage_error("log", "log: --record: '%s' is not a record type (MX, TXT, A, ...)", optarg);
		if (c == 'r')
			*record = optarg;
		if (c == '?' || c == ':')
			return usage_error("log", "log: %s '%s'", c == ':' ? "missing value for" :
					   "unknown option", argv[optind - 1]);
	}
	if (argc - optind > 1)
		return usage_error("log", "log: unexpected argument '%s'", argv[optind + 1]);
	*domain = optind < argc ? argv[optind] : NULL;
	return 0;
}

/* One commit of the record history, text or into a JSON array. */
static void record_entry(const struct store_commit *c, const struct strlist *changes,
			 const struct impact_list *found, json_t *arr)
{
	json_t *o, *ch, *fs;

	if (!arr) {
		print_text(c, 1);
		for (size_t i = 0; i < changes->n; i++)
			printf("  %s\n", changes->v[i]);
		for (size_t i = 0; i < found->n; i++)
			printf("  introduced %s %s %s\n", severity_name(found->v[i].f.sev),
			       found->v[i].f.code, found->v[i].f.subject);
		if (!found->n)
			printf("  introduced nothing\n");
		return;
	}
	o = jobj(), ch = jarr(), fs = jarr();
	jset_str(o, "id", c->id);
	jset_str(o, "summary", c->summary);
	for (size_t i = 0; i < changes->n; i++)
		jpush_str(ch, changes->v[i]);
	for (size_t i = 0; i < found->n; i++) {
		json_t *f = jobj();
		jset_str(f, "severity", severity_name(found->v[i].f.sev));
		jset_str(f, "scope", found->v[i].scope);
		jset_str(f, "code", found->v[i].f.code);
		jset_str(f, "subject", found->v[i].f.subject);
		jpush(fs, f);
	}
	jset(o, "changes", ch);
	jset(o, "introduced", fs);
	jpush(arr, o);
}

static int record_history(struct store *s, const struct cmd_ctx *ctx, const struct store_commit *c,
			  size_t n, const char *type, const char *domain)
{
	struct impact_opts io = { .now = time(NULL) };
	struct policy_set ps = POLICY_SET_INIT;
	struct config cfg;
	bool have_cfg = false;
	json_t *root = jroot(), *arr = ctx->format == FMT_JSON ? jarr() : NULL;
	int r = -1;

	if (impact_load_config(ctx, false, &cfg, &have_cfg) ||
	    impact_load_policies(have_cfg ? &cfg : NULL, &ps))
		goto out;
	io.cfg = have_cfg ? &cfg : NULL;
	io.policies = &ps;
	for (size_t i = 0; i < n; i++) {
		struct impact_pair p;
		struct impact im = IMPACT_INIT;
		struct impact_list found = { 0 };
		struct strlist changes = STRLIST_INIT;
		int k = impact_of_commit(s, c[i].id, &io, &p, &im);

		if (k == 0 && log_record_commit(&p, &im, type, domain, &changes, &found) > 0)
			record_entry(&c[i], &changes, &found, arr);
		sl_release(&changes);
		impact_list_release(&found);
		impact_release(&im);
		impact_pair_release(&p);
		if (k < 0)
			goto out;
	}
	r = EXIT_OK;
	if (arr) {
		jset(root, "commits", arr);
		arr = NULL;
		r = jprint(stdout, root) < 0 ? -1 : EXIT_OK;
	}
out:
	if (arr)
		jfree(arr);
	jfree(root);
	policy_set_release(&ps);
	if (have_cfg)
		config_release(&cfg);
	return r;
}

/* DOMAIN as the store names it: lower case, no final dot; "" stays "". Caller frees. */
static char *domain_key(const char *domain)
{
	char *d = str_lower(xstrdup(domain));
	size_t len = strlen(d);

	if (len > 1 && d[len - 1] == '.')
		d[len - 1] = '\0';
	return d;
}

int cmd_log(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strlist paths = STRLIST_INIT;
	struct store_commit *c = NULL;
	struct store *s = NULL;
	time_t since = 0, until = 0;
	const char *domain = NULL, *record = NULL;
	size_t n = 0;
	int r;

	if ((r = parse_args(argc, argv, &since, &until, &domain, &record)) < 0)
		return r;
	if ((r = store_open(ctx->store, false, &s)) < 0)
		return r;
	if (domain) {
		char *d = domain_key(domain);
		sl_push_owned(&paths, snap_path(SNAP_DNS, d, SNAP_ZONE));
		sl_push_owned(&paths, snap_path(SNAP_DNS, d, SNAP_STATUS));
		free(d);
		r = store_log_paths(s, since, until, &paths, &c, &n);
	} else {
		r = store_log(s, since, until, NULL, &c, &n);
	}
	if (r >= 0 && record) {
		char *d = domain ? domain_key(domain) : NULL;
		char *type = xstrdup(record);
		for (char *t = type; *t; t++)
			*t = (char)toupper((unsigned char)*t);
		r = record_history(s, ctx, c, n, type, d);
		free(type);
		free(d);
	} else if (r >= 0) {
		if (ctx->format == FMT_JSON)
			r = print_json(c, n) < 0 ? -1 : EXIT_OK;
		else
			print_text(c, n);
	}
	store_commits_free(c, n);
	sl_release(&paths);
	store_close(s);
	return r < 0 ? r : EXIT_OK;
}
