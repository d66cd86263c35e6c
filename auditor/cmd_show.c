/*
 * cmd_show.c - `mxaudit show [REV] [NAME]`: the files of a snapshot,
 * as stored (default HEAD). With NAME, only that firewall's or domain's
 * two files: a firewall's name is taken as written, a domain's in any
 * case and with or without the final dot.
 *
 * One argument is a revision if the store knows it, else a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "snapdiff.h"
#include "snaplayout.h"
#include "snapshot.h"
#include "store.h"

#define LIST_MAX 10

/* The names of one part's files (domains or firewalls), sorted and unique. */
static void names_in(const struct strlist *paths, enum snap_part part, struct strlist *out)
{
	for (size_t i = 0; i < paths->n; i++) {
		char *name = snap_path_name(paths->v[i], part, NULL);
		if (name)
			sl_push_owned(out, name);
	}
	sl_sort_uniq(out);
}

/* Up to LIST_MAX names, "a, b and N more", or "none". */
static void list_some(struct strbuf *sb, const struct strlist *names)
{
	for (size_t i = 0; i < names->n && i < LIST_MAX; i++)
		sb_addf(sb, "%s%s", i ? ", " : "", names->v[i]);
	if (names->n > LIST_MAX)
		sb_addf(sb, " and %zu more", names->n - LIST_MAX);
	if (!names->n)
		sb_adds(sb, "none");
}

static int no_such_name(const struct strlist *doms, const struct strlist *fws, const char *name,
			const char *rev, bool maybe_rev)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	sb_adds(&sb, "its domains: ");
	list_some(&sb, doms);
	if (fws->n) {
		sb_adds(&sb, "; its firewalls: ");
		list_some(&sb, fws);
	}
	if (maybe_rev)
		r = error("'%s' is neither a revision nor a domain or firewall of snapshot '%s'; %s",
			  name, rev, sb.buf);
	else
		r = error("snapshot '%s' has no domain or firewall '%s'; %s", rev, name, sb.buf);
	sb_release(&sb);
	return r;
}

/* The domain NAME stands for: lower case, no final dot. The caller frees it. */
static char *domain_of(const char *name)
{
	char *d = str_lower(xstrdup(name));
	size_t len = strlen(d);

	if (len > 1 && d[len - 1] == '.')
		d[len - 1] = '\0';
	return d;
}

/* The records of a .zone text as objects; a line that does not parse is left out (the text beside it is whole). */
static json_t *zone_records(const char *name, const char *text)
{
	struct snapshot tmp = { 0 };
	struct domain_snap *d = snapshot_add_domain(&tmp, name);
	json_t *arr = jarr();

	dsnap_parse_zone(d, name, text);
	for (size_t i = 0; i < d->nrr; i++) {
		const struct rr *r = &d->rrs[i];
		char *line = snapdiff_rr_line(r);
		jpush(arr, jrecord(r->owner, r->type, r->ttl, r->rdata, line));
		free(line);
	}
	snapshot_release(&tmp);
	return arr;
}

/* Print (or add to JSON object o) the files <dir><name><ext> that exist. */
static int show_files(struct store *s, const char *id, enum snap_part part, const char *name,
		      const char *const keys[2], json_t *o)
{
	for (int k = 0; k < 2; k++) {
		char *path = snap_path(part, name, k), *text = NULL;
		int r = store_read_file(s, id, path, &text);

		if (r < 0) {
			free(path);
			return r;
		}
		if (o) {
			jset_str(o, keys[k], text);
			if (part == SNAP_DNS && k == SNAP_ZONE)
				jset(o, "records", text ? zone_records(name, text) : jarr());
		} else if (text)
			printf("== %s ==\n%s%s", path, text,
			       *text && text[strlen(text) - 1] != '\n' ? "\n" : "");
		free(text);
		free(path);
	}
	return 0;
}

static int show(struct store *s, const char *id, const struct strlist *doms,
		const struct strlist *fws, bool json)
{
	static const char *const dkeys[] = { "zone", "status" }, *const fkeys[] = { "export", "rules" };
	json_t *root = json ? jroot() : NULL, *ja = json ? jarr() : NULL, *fa = json ? jarr() : NULL;
	int r = 0;

	for (size_t i = 0; i < doms->n && r >= 0; i++) {
		json_t *o = json ? jobj() : NULL;
		if (o) {
			jset_str(o, "domain", doms->v[i]);
			jpush(ja, o);
		}
		r = show_files(s, id, SNAP_DNS, doms->v[i], dkeys, o);
	}
	for (size_t i = 0; i < fws->n && r >= 0; i++) {
		json_t *o = json ? jobj() : NULL;
		if (o) {
			jset_str(o, "name", fws->v[i]);
			jpush(fa, o);
		}
		r = show_files(s, id, SNAP_FW, fws->v[i], fkeys, o);
	}
	if (json) {
		jset_str(root, "commit", id);
		jset(root, "domains", ja);
		jset(root, "firewalls", fa);
		if (r >= 0 && jprint(stdout, root) < 0)
			r = -1;
		jfree(root);
	}
	return r;
}

/* Sort out [REV] [NAME]; *rev defaults to HEAD, *name to NULL. */
static int parse_args(struct store *s, int argc, char **argv, const char **rev,
		      const char **name)
{
	char id[41];
	const char *d = NULL;

	*rev = "HEAD";
	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		return usage_error("show", "show: unknown option '%s'", argv[1]);
	if (argc > 3)
		return usage_error("show", "show: unexpected argument '%s'", argv[3]);
	if (argc == 3)
		*rev = argv[1], d = argv[2];
	else if (argc == 2 && !store_rev_exists(s, argv[1], id))
		*rev = argv[1];
	else if (argc == 2)
		d = argv[1];
	*name = d;
	return 0;
}

int cmd_show(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strlist paths = STRLIST_INIT, doms = STRLIST_INIT, fws = STRLIST_INIT;
	struct store *s = NULL;
	const char *rev, *name = NULL;
	char *domain = NULL, id[41];
	int r;

	if ((r = store_open(ctx->store, false, &s)) < 0)
		return r;
	if ((r = parse_args(s, argc, argv, &rev, &name)) < 0)
		goto out;
	if ((r = store_resolve(s, rev, id)) != 0) {
		if (r > 0)
			r = error("the store '%s' has no snapshots yet; run 'mxaudit snapshot'", ctx->store);
		goto out;
	}
	if ((r = store_ls(s, id, &paths)) < 0)
		goto out;
	names_in(&paths, SNAP_DNS, &doms);
	names_in(&paths, SNAP_FW, &fws);
	if (name && sl_has(&fws, name)) {
		sl_release(&doms);
		sl_release(&fws);
		sl_push(&fws, name);
	} else if (name) {
		domain = domain_of(name);
		if (!sl_has(&doms, domain)) {
			r = no_such_name(&doms, &fws, name, rev, argc == 2);
			goto out;
		}
		sl_release(&doms);
		sl_push(&doms, domain);
		sl_release(&fws);
	}
	r = show(s, id, &doms, &fws, ctx->format == FMT_JSON);
out:
	sl_release(&paths);
	sl_release(&doms);
	sl_release(&fws);
	free(domain);
	store_close(s);
	return r < 0 ? r : EXIT_OK;
}
