/*
 * cmd_diff.c - `mxaudit diff [A [B]]`: what changed between two
 * snapshots, record by record for each domain, line by line for each
 * firewall's normalized rules.
 *
 * Default: the previous snapshot (HEAD~1) against the latest (HEAD); one
 * argument compares it against HEAD. After the record list comes the
 * impact (impact.h): the findings the change introduced and resolved,
 * and what firewall changes do to the mail ports. The exit code is the
 * worst introduced finding: 0, 1 warning, 2 critical (3: could not run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "impact.h"
#include "json.h"
#include "snapdiff.h"
#include "snaplayout.h"
#include "store.h"

#define SHORT_ID 12

/* One changed domain or firewall, with what the two snapshots hold. */
struct dom_change {
	char *name;
	struct snapshot a, b;            /* one domain each, or none */
	struct snapdiff d;
};

struct fw_change {
	char *name;
	char *old_rules, *new_rules;
	bool export_only;                /* the export changed, the rules did not */
	struct snapdiff_line *lines;
	size_t nlines;
};

struct diff_result {
	char from[41], to[41];           /* from "" when B is the first snapshot */
	const char *from_name, *to_name; /* as given on the command line; NULL: defaulted */
	struct dom_change *doms;
	size_t ndoms, doms_alloc;
	struct fw_change *fws;
	size_t nfws, fws_alloc;
	size_t added, removed;
};

/* A changed domain's two files, as store_diff() gave them (NULL: unchanged). */
struct dom_files {
	char *name;
	const struct store_change *zone, *status;
};

/*
 * One file of a changed domain on one side: the text the change carries
 * (*text borrows it), else (the file did not change) read from the store
 * into *owned. *text NULL: absent on that side.
 */
static int side_text(struct store *s, const char *id, const char *path,
		     const struct store_change *ch, bool new_side,
		     const char **text, char **owned)
{
	int r = 0;

	*owned = NULL;
	if (ch)
		*text = new_side ? ch->new_text : ch->old_text;
	else if (*id)
		r = store_read_file(s, id, path, owned);
	if (!ch)
		*text = *owned;
	return r;
}

/*
 * A changed domain's files on both sides ([0] old, [1] new), read from
 * the store first so both sides can then be parsed at once (pair.c).
 */
struct dom_texts {
	const char *name;
	char *zpath, *spath;
	const char *zone[2], *status[2];   /* NULL: absent on that side */
	char *owned[4];                    /* texts read here rather than borrowed */
	struct snapshot *snap[2];
};

static int read_texts(struct store *s, const struct diff_result *res,
		      const struct dom_files *f, struct dom_change *c, struct dom_texts *t)
{
	const char *ids[2] = { res->from, res->to };
	int r = 0;

	t->name = f->name;
	t->zpath = snap_path(SNAP_DNS, f->name, SNAP_ZONE);
	t->spath = snap_path(SNAP_DNS, f->name, SNAP_STATUS);
	t->snap[0] = &c->a;
	t->snap[1] = &c->b;
	for (int k = 0; k < 2 && r >= 0; k++)
		if ((r = side_text(s, ids[k], t->zpath, f->zone, k, &t->zone[k],
				   &t->owned[2 * k])) >= 0)
			r = side_text(s, ids[k], t->spath, f->status, k, &t->status[k],
				      &t->owned[2 * k + 1]);
	return r;
}

static void texts_release(struct dom_texts *t)
{
	free(t->zpath);
	free(t->spath);
	for (int k = 0; k < 4; k++)
		free(t->owned[k]);
}

/* Parse one side of every changed domain; r is -1 if any file is bad. */
struct parse_side {
	struct dom_texts *t;
	size_t n;
	int k, r;
};

static void parse_side(void *arg)
{
	struct parse_side *p = arg;

	for (size_t i = 0; i < p->n; i++) {
		struct dom_texts *t = &p->t[i];
		struct domain_snap *d;

		if (!t->zone[p->k] && !t->status[p->k])
			continue;
		d = snapshot_add_domain(t->snap[p->k], t->name);
		/* A bad line costs that line; d->bad makes it a finding. */
		if (t->zone[p->k])
			dsnap_parse_zone(d, t->zpath, t->zone[p->k]);
		if (t->status[p->k])
			dsnap_parse_status(d, t->spath, t->status[p->k]);
	}
}

static struct dom_change *add_change(struct diff_result *res, const char *name)
{
	struct dom_change *c;

	ALLOC_GROW(res->doms, res->ndoms + 1, res->doms_alloc);
	c = memset(&res->doms[res->ndoms++], 0, sizeof(*c));
	c->name = xstrdup(name);
	return c;
}

/* Read, parse (both sides at once) and diff the changed domains. */
static int add_domains(struct store *s, struct diff_result *res,
		       const struct dom_files *f, size_t n)
{
	struct dom_texts *t = xcalloc(n ? n : 1, sizeof(*t));
	struct parse_side old = { t, n, 0, 0 }, new = { t, n, 1, 0 };
	size_t first = res->ndoms;
	int r = 0;

	ALLOC_GROW(res->doms, res->ndoms + n, res->doms_alloc);   /* t keeps pointers into it */
	for (size_t i = 0; i < n && r >= 0; i++)
		r = read_texts(s, res, &f[i], add_change(res, f[i].name), &t[i]);
	if (r >= 0) {
		run_pair(parse_side, &old, &new, n >= PAIR_THREAD_MIN);
		r = old.r < 0 || new.r < 0 ? -1 : 0;
	}
	for (size_t i = first; i < res->ndoms && r >= 0; i++) {
		struct dom_change *c = &res->doms[i];
		snapdiff_domain(c->a.n ? &c->a.domains[0] : NULL,
				c->b.n ? &c->b.domains[0] : NULL, &c->d);
		res->added += c->d.nadded;
		res->removed += c->d.nremoved;
	}
	for (size_t i = 0; i < n; i++)
		texts_release(&t[i]);
	free(t);
	return r;
}

static void add_firewall(struct diff_result *res, char *name, int which,
			 const struct store_change *ch)
{
	struct fw_change *c = NULL;

	for (size_t i = 0; i < res->nfws; i++)
		if (!strcmp(res->fws[i].name, name))
			c = &res->fws[i];
	if (c) {
		free(name);
	} else {
		ALLOC_GROW(res->fws, res->nfws + 1, res->fws_alloc);
		c = memset(&res->fws[res->nfws++], 0, sizeof(*c));
		c->name = name;
		c->export_only = true;
	}
	if (which != SNAP_RULES)
		return;
	c->export_only = false;
	c->old_rules = ch->old_text ? xstrdup(ch->old_text) : NULL;
	c->new_rules = ch->new_text ? xstrdup(ch->new_text) : NULL;
	c->nlines = snapdiff_lines(c->old_rules, c->new_rules, &c->lines);
}

static int files_cmp(const void *x, const void *y)
{
	return strcmp(((const struct dom_files *)x)->name, ((const struct dom_files *)y)->name);
}

/*
 * Changed domains in name order (dns/a.zone and dns/a.status need not
 * be adjacent in path order), each with the changes of its two files.
 */
static int collect(struct store *s, struct diff_result *res,
		   const struct store_change *ch, size_t n)
{
	struct dom_files *f = NULL;
	size_t nf = 0, alloc = 0, k = 0;
	int r = 0, which;

	for (size_t i = 0; i < n; i++) {
		char *name;
		if ((name = snap_path_name(ch[i].path, SNAP_DNS, &which))) {
			ALLOC_GROW(f, nf + 1, alloc);
			f[nf].name = name;
			f[nf].zone = which == SNAP_ZONE ? &ch[i] : NULL;
			f[nf++].status = which == SNAP_STATUS ? &ch[i] : NULL;
		} else if ((name = snap_path_name(ch[i].path, SNAP_FW, &which))) {
			add_firewall(res, name, which, &ch[i]);
		}
	}
	if (nf)
		qsort(f, nf, sizeof(*f), files_cmp);
	for (size_t i = 0; i < nf; i++) {     /* merge a domain's two entries */
		if (k && !strcmp(f[k - 1].name, f[i].name)) {
			f[k - 1].zone = f[k - 1].zone ? f[k - 1].zone : f[i].zone;
			f[k - 1].status = f[k - 1].status ? f[k - 1].status : f[i].status;
			free(f[i].name);
		} else {
			f[k++] = f[i];
		}
	}
	r = add_domains(s, res, f, k);
	for (size_t i = 0; i < k; i++)
		free(f[i].name);
	free(f);
	return r;
}

static void result_release(struct diff_result *res)
{
	for (size_t i = 0; i < res->ndoms; i++) {
		snapdiff_release(&res->doms[i].d);
		snapshot_release(&res->doms[i].a);
		snapshot_release(&res->doms[i].b);
		free(res->doms[i].name);
	}
	for (size_t i = 0; i < res->nfws; i++) {
		free(res->fws[i].name);
		free(res->fws[i].old_rules);
		free(res->fws[i].new_rules);
		free(res->fws[i].lines);
	}
	free(res->doms);
	free(res->fws);
}

static const char *paint(bool color, char op)
{
	if (!color)
		return "";
	return op == '-' ? "\033[31m" : op == '+' ? "\033[32m" : op == '!' ? "\033[33m" : "\033[36m";
}

static void print_rr(bool color, char op, const struct rr *r)
{
	char *line = snapdiff_rr_line(r);

	printf("  %s%c %s%s\n", paint(color, op), op, line, color ? "\033[0m" : "");
	free(line);
}

static void print_domain(const struct dom_change *c, bool color)
{
	const struct snapdiff *d = &c->d;
	const char *end = color ? "\033[0m" : "";

	printf("%s%s\n", c->name, !c->b.n ? " (no longer in the snapshot)" :
	       !c->a.n ? " (new)" : "");
	for (size_t i = 0; i < d->nremoved; i++)
		print_rr(color, '-', d->removed[i]);
	for (size_t i = 0; i < d->nadded; i++)
		print_rr(color, '+', d->added[i]);
	for (size_t i = 0; i < d->nttl; i++) {
		const struct rr *f = d->ttl[i].from;
		printf("  %s~ %s %s %s: TTL %u -> %u%s\n", paint(color, '~'), f->owner, f->type,
		       f->rdata, f->ttl, d->ttl[i].to->ttl, end);
	}
	for (size_t i = 0; i < d->nstatus; i++) {
		char *what = snapdiff_status_text(&d->status[i]);
		printf("  %s! %s %s: %s%s\n", paint(color, '!'), d->status[i].to->name,
		       d->status[i].to->type, what, end);
		free(what);
	}
}

static const struct domain_inputs *inputs_of(const struct snapshot *side)
{
	return side->n ? side->domains[0].inputs : NULL;
}

/*
 * The recorded inputs that changed, "* sending_ips: 192.0.2.1 -> 192.0.2.9";
 * returns how many lines it printed. Snapshots from before inputs were
 * recorded have none: their first successor only starts recording.
 */
static size_t print_inputs(const struct dom_change *c, bool color)
{
	const struct domain_inputs *a = inputs_of(&c->a), *b = inputs_of(&c->b);
	struct strlist lines = STRLIST_INIT;
	size_t n;

	if (!c->a.n || !c->b.n || dsnap_inputs_equal(a, b))
		return 0;
	if (!a || !b) {
		printf("  (the configuration it is judged with is %s)\n",
		       b ? "recorded from this snapshot on" : "no longer recorded");
		return 1;
	}
	dsnap_inputs_diff(a, b, &lines);
	for (size_t i = 0; i < lines.n; i++)
		printf("  %s* %s%s\n", paint(color, '*'), lines.v[i], color ? "\033[0m" : "");
	n = lines.n;
	sl_release(&lines);
	return n;
}

static void print_firewall(const struct fw_change *c, bool color)
{
	printf("firewall %s%s\n", c->name, !c->new_rules && !c->export_only ? " (no longer in the snapshot)" :
	       !c->old_rules && !c->export_only ? " (new)" : "");
	if (c->export_only)
		printf("  (the export changed; its normalized rules did not)\n");
	for (size_t i = 0; i < c->nlines; i++)
		printf("  %s%c %.*s%s\n", paint(color, c->lines[i].op), c->lines[i].op,
		       (int)c->lines[i].len, c->lines[i].text, color ? "\033[0m" : "");
}

static void print_text(const struct diff_result *res, bool color)
{
	size_t nd = 0;

	printf("snapshot %.*s -> %.*s\n", SHORT_ID, *res->from ? res->from : "(none)",
	       SHORT_ID, res->to);
	for (size_t i = 0; i < res->ndoms; i++) {
		print_domain(&res->doms[i], color);
		if (!print_inputs(&res->doms[i], color) && snapdiff_empty(&res->doms[i].d))
			printf("  (no record or result changed; only lookup details, "
			       "such as which servers answered)\n");
		nd++;
	}
	for (size_t i = 0; i < res->nfws; i++)
		print_firewall(&res->fws[i], color);
	if (!nd && !res->nfws) {
		printf("no changes\n");
		return;
	}
	printf("\n%zu domain%s changed: %zu record%s added, %zu removed", nd, nd == 1 ? "" : "s",
	       res->added, res->added == 1 ? "" : "s", res->removed);
	if (res->nfws)
		printf("; %zu firewall%s changed", res->nfws, res->nfws == 1 ? "" : "s");
	putchar('\n');
}

static json_t *json_rrs(const struct rr *const *v, size_t n)
{
	json_t *arr = jarr();

	for (size_t i = 0; i < n; i++) {
		char *line = snapdiff_rr_line(v[i]);
		jpush(arr, jrecord(v[i]->owner, v[i]->type, v[i]->ttl, v[i]->rdata, line));
		free(line);
	}
	return arr;
}

static json_t *json_domain(const struct dom_change *c)
{
	const struct snapdiff *d = &c->d;
	json_t *o = jobj(), *ttl = jarr(), *st = jarr();

	jset_str(o, "domain", c->name);
	jset(o, "added", json_rrs(d->added, d->nadded));
	jset(o, "removed", json_rrs(d->removed, d->nremoved));
	for (size_t i = 0; i < d->nttl; i++) {
		json_t *t = jobj();
		char *line = snapdiff_rr_line(d->ttl[i].to);
		jset_str(t, "record", line);
		jset_int(t, "from", d->ttl[i].from->ttl);
		jset_int(t, "to", d->ttl[i].to->ttl);
		jpush(ttl, t);
		free(line);
	}
	jset(o, "ttl_changed", ttl);
	for (size_t i = 0; i < d->nstatus; i++) {
		const struct lookup *f = d->status[i].from, *t = d->status[i].to;
		json_t *x = jobj();
		jset_str(x, "name", t->name);
		jset_str(x, "type", t->type);
		jset_str(x, "from", f ? lookup_state_name(f->state) : NULL);
		jset_str(x, "to", lookup_state_name(t->state));
		jset_bool(x, "stale", t->stale);
		jset_bool(x, "disagree", t->disagree);
		jpush(st, x);
	}
	jset(o, "status", st);
	return o;
}

static json_t *json_firewall(const struct fw_change *c)
{
	json_t *o = jobj(), *add = jarr(), *rem = jarr();

	jset_str(o, "name", c->name);
	for (size_t i = 0; i < c->nlines; i++) {
		char *line = xstrndup(c->lines[i].text, c->lines[i].len);
		jpush_str(c->lines[i].op == '+' ? add : rem, line);
		free(line);
	}
	jset(o, "added", add);
	jset(o, "removed", rem);
	jset_bool(o, "export_changed_only", c->export_only);
	return o;
}

static int print_json(const struct diff_result *res, const struct impact *im)
{
	json_t *root = jroot(), *doms = jarr(), *fws = jarr();
	int r;

	jset_str(root, "from", *res->from ? res->from : NULL);
	jset_str(root, "to", res->to);
	for (size_t i = 0; i < res->ndoms; i++)
		jpush(doms, json_domain(&res->doms[i]));
	for (size_t i = 0; i < res->nfws; i++)
		jpush(fws, json_firewall(&res->fws[i]));
	jset(root, "domains", doms);
	jset(root, "firewalls", fws);
	jset(root, "impact", impact_json(im));
	r = jprint(stdout, root);
	jfree(root);
	return r;
}

/* Resolve A and B; with no A, A is B's predecessor HEAD~1, or none. */
static int resolve_pair(struct store *s, int argc, char **argv, const char *store,
			struct diff_result *res)
{
	const char *b = argc > 2 ? argv[2] : "HEAD";
	int r;

	res->from_name = argc > 1 ? argv[1] : NULL;
	res->to_name = argc > 2 ? argv[2] : NULL;
	if ((r = store_resolve(s, b, res->to)) > 0)
		return error("the store '%s' has no snapshots yet; run 'mxaudit snapshot'", store);
	if (r < 0)
		return r;
	if (argc > 1)
		return store_resolve(s, argv[1], res->from);
	if (store_rev_exists(s, "HEAD~1", res->from))
		res->from[0] = '\0';     /* only one snapshot: everything is new */
	return 0;
}

/*
 * The snapshots impact needs. Findings of a domain depend on that domain
 * only, so the changed domains suffice (a diff of two huge snapshots
 * reads only what changed); a changed firewall is judged against every
 * MX address, and configured firewalls are part of each domain's inbound
 * path, so then both snapshots are read whole.
 */
static int impact_input(struct store *s, const struct diff_result *res, bool firewalls,
			struct snapshot *a, struct snapshot *b, bool *whole)
{
	*whole = res->nfws > 0 || firewalls;
	if (*whole)
		return (*res->from && store_read(s, res->from, a) < 0) ||
		       store_read(s, res->to, b) < 0 ? -1 : 0;
	for (size_t i = 0; i < res->ndoms; i++) {
		const struct dom_change *c = &res->doms[i];
		if (c->a.n) {
			ALLOC_GROW(a->domains, a->n + 1, a->alloc);
			a->domains[a->n++] = c->a.domains[0];    /* borrowed */
		}
		if (c->b.n) {
			ALLOC_GROW(b->domains, b->n + 1, b->alloc);
			b->domains[b->n++] = c->b.domains[0];
		}
	}
	a->sorted = b->sorted = true;
	return 0;
}

/* Whether a snapshot side's domain needs the configuration to be judged. */
static bool side_needs_config(const struct snapshot *side)
{
	const struct domain_inputs *in = side->n ? side->domains[0].inputs : NULL;

	return side->n && (!in || in->policies || in->firewalls);
}

/*
 * The changed domains record what they are judged with (snapinputs.c),
 * so the configuration, thousands of domains long, is read only for what
 * they do not record: policies, firewall settings, the inputs of
 * snapshots taken before they were recorded, or when -c names it.
 */
static bool needs_config(const struct cmd_ctx *ctx, const struct diff_result *res)
{
	if (ctx->config_given || res->nfws)
		return true;
	for (size_t i = 0; i < res->ndoms; i++)
		if (side_needs_config(&res->doms[i].a) || side_needs_config(&res->doms[i].b))
			return true;
	return false;
}

static int compute_impact(struct store *s, const struct cmd_ctx *ctx,
			  const struct diff_result *res, struct impact *im)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct policy_set ps = POLICY_SET_INIT;
	struct config cfg;
	struct impact_opts o = { .now = time(NULL) };
	bool have_cfg = false, whole = false;
	int r = -1;

	if ((needs_config(ctx, res) && impact_load_config(ctx, false, &cfg, &have_cfg)) ||
	    impact_load_policies(have_cfg ? &cfg : NULL, &ps) ||
	    impact_input(s, res, have_cfg && cfg.nfirewalls, &a, &b, &whole))
		goto out;
	o.cfg = have_cfg ? &cfg : NULL;
	o.policies = &ps;
	impact_compute(*res->from ? &a : NULL, &b, &o, im);
	r = 0;
out:
	if (whole) {
		snapshot_release(&a);
		snapshot_release(&b);
	} else {
		free(a.domains);
		free(b.domains);
	}
	policy_set_release(&ps);
	if (have_cfg)
		config_release(&cfg);
	return r;
}

static int print_result(const struct cmd_ctx *ctx, const struct diff_result *res,
			const struct impact *im)
{
	switch (ctx->format) {
	case FMT_JSON:
		return print_json(res, im);
	case FMT_MARKDOWN:
	case FMT_NAGIOS: {
		const struct impact_ends e = { *res->from ? res->from : NULL, res->to,
					       res->from_name, res->to_name };
		return impact_print_ends(stdout, im, ctx->format, &e, false);
	}
	case FMT_PROMETHEUS:    /* refused by main: metrics are check's and drift's */
		return 0;
	case FMT_TEXT:
		if (verbosity < 0)
			return 0;
		print_text(res, ctx->color);
		if (res->ndoms || res->nfws)
			impact_print(stdout, im, FMT_TEXT, NULL, NULL, ctx->color);
		return 0;
	}
	return 0;
}

int cmd_diff(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct diff_result res = { 0 };
	struct impact im = IMPACT_INIT;
	struct store_change *ch = NULL;
	struct store *s = NULL;
	size_t n = 0;
	int r;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("diff", "diff: unknown option '%s'", argv[i]);
	if (argc > 3)
		return usage_error("diff", "diff: unexpected argument '%s'", argv[3]);
	if ((r = store_open(ctx->store, false, &s)) < 0)
		return r;
	if ((r = resolve_pair(s, argc, argv, ctx->store, &res)) < 0 ||
	    (r = store_diff(s, *res.from ? res.from : NULL, res.to, &ch, &n)) < 0 ||
	    (r = collect(s, &res, ch, n)) < 0 ||
	    (r = compute_impact(s, ctx, &res, &im)) < 0 ||
	    (r = print_result(ctx, &res, &im)) < 0)
		goto out;
	r = impact_exit_code(&im);
out:
	impact_release(&im);
	store_changes_free(ch, n);
	result_release(&res);
	store_close(s);
	return r;
}
