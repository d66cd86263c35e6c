/*
 * impact.c - introduced and resolved findings between two snapshots,
 * and which record changes explain them. Pure: see impact.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "analyze.h"
#include "impact.h"
#include "judge.h"
#include "path.h"
#include "readlog.h"
#include "snapdiff.h"

#define UNRESOLVABLE_LIST 6   /* failed lookups spelled out in one finding */

/* ---- the findings of one snapshot ---------------------------------- */

static void drop_code(struct findings *fs, const char *code)
{
	size_t k = 0;

	for (size_t i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		if (strcmp(f->code, code)) {
			fs->v[k++] = *f;
			continue;
		}
		free(f->code);
		free(f->subject);
		free(f->message);
		free(f->evidence);
	}
	fs->n = k;
}

/*
 * Impact is matched by code and subject, so failed lookups need findings
 * with stable subjects: the analyzers' dns.stale / dns.unknown name the
 * first failed lookup, which changes as other lookups fail too. So: one
 * dns.unresolvable for the domain's MX lookup ("example.com. MX"), and
 * one for every other failed lookup of the domain (subject the domain).
 * The wording is "cannot resolve", never "removed": the records of a
 * lookup that failed temporarily are the last good ones. A failed MX
 * lookup in a stored snapshot is critical (senders defer everything),
 * whichever command reads it: drift stores a failure once it has lasted
 * stale_runs runs, snapshot at once, and diff of the two snapshots
 * must say what drift said. Only a live run that is not stored (one
 * failed run, which drift would hold back) makes it a warning. Each
 * finding read the lookups it names, and nothing else (readlog.h).
 */
static void unresolvable(const struct domain_snap *d, const struct impact_opts *o,
			 struct findings *fs)
{
	char *apex = name_abs(d->name), runs[64] = "";
	struct strbuf names = STRBUF_INIT;
	const struct lookup *first = NULL;
	size_t n = 0;

	drop_code(fs, "dns.stale");
	drop_code(fs, "dns.unknown");
	readlog_stage(fs);     /* what the analyzers read is theirs */
	if (o->stale_runs > 1)
		snprintf(runs, sizeof(runs), " in %u consecutive runs", o->stale_runs);
	for (size_t i = 0; i < d->nlk; i++) {
		const struct lookup *l = &d->lks[i];
		bool mx = !strcmp(l->name, apex) && !strcmp(l->type, "MX");
		char *ev, *subject;

		if (!LK_IS_TEMPORARY(l->state))
			continue;
		if (!mx) {
			if (n++ < UNRESOLVABLE_LIST)
				sb_addf(&names, "%s%s %s (%s)", n > 1 ? ", " : "", l->name, l->type,
					lookup_state_name(l->state));
			first = first ? first : l;
			continue;
		}
		ev = lookup_evidence(d, l);
		subject = xasprintf("%s MX", apex);
		readlog_note(l->name, l->type);
		findings_add(fs, o->live ? SEV_WARNING : SEV_CRITICAL, "dns.unresolvable",
			     subject, ev, "cannot resolve %s MX (%s)%s: senders defer mail; the "
			     "last good records are kept and checked (a failed lookup is not a "
			     "removal)", apex, lookup_state_name(l->state), runs);
		readlog_stage(fs);
		free(subject);
		free(ev);
	}
	if (n) {
		char *ev = lookup_evidence(d, first);

		/*
		 * It reads the lookups it names: a change of one is its cause.
		 * Those past the list are summed up in its message, and when
		 * they answer again, in one line of info (explain_status()).
		 */
		for (size_t i = 0, k = 0; i < d->nlk && k < UNRESOLVABLE_LIST; i++)
			if (LK_IS_TEMPORARY(d->lks[i].state) &&
			    (strcmp(d->lks[i].name, apex) || strcmp(d->lks[i].type, "MX"))) {
				readlog_note(d->lks[i].name, d->lks[i].type);
				k++;
			}
		if (n > UNRESOLVABLE_LIST)
			sb_addf(&names, " and %zu more", n - UNRESOLVABLE_LIST);
		findings_add(fs, SEV_WARNING, "dns.unresolvable", apex, ev,
			     "cannot resolve %zu lookup%s%s: %s; the last good records are kept "
			     "and checked, and what was never seen is unknown, not absent",
			     n, n == 1 ? "" : "s", runs, names.buf);
		readlog_stage(fs);
		free(ev);
	}
	sb_release(&names);
	free(apex);
}

/* rl (NULL: not needed) gets what each finding's analyzer read. */
static void domain_findings(const struct domain_snap *d, const struct impact_opts *o,
			    const struct path_fws *fws, struct findings *fs,
			    struct readlog *rl)
{
	struct domain_conf dc_view;
	struct config cfg_view;
	const struct config *cfg;
	const struct domain_conf *dc = judge_inputs(d, o->cfg, &dc_view, &cfg_view, &cfg);

	if (rl)
		readlog_begin(rl);
	judge_find(d, dc, cfg, o->policies, fws, fs);
	unresolvable(d, o, fs);
	readlog_end();
	judge_apply(d, o->policies, o->now, fs, NULL);
}

/*
 * The findings of s's domains named in only (sorted; NULL: every domain);
 * with reads, each with what its analyzer read, for the causes.
 */
static void findings_of(const struct snapshot *s, const struct strlist *only,
			const struct impact_opts *o, struct impact_list *out,
			struct path_fws *fws, bool reads)
{
	path_fws_load(o->cfg, s, fws);
	for (size_t i = 0; i < s->n; i++) {
		struct findings fs = FINDINGS_INIT;
		struct readlog rl = { 0 };
		const char *name = s->domains[i].name;

		/* An empty list has no array: bsearch() of NULL is undefined. */
		if (only && (!only->n || !bsearch(&name, only->v, only->n, sizeof(*only->v), str_cmp_ptr)))
			continue;
		domain_findings(&s->domains[i], o, fws, &fs, reads ? &rl : NULL);
		for (size_t k = 0; k < fs.n; k++) {
			struct impact_item *it = impact_list_add(out, s->domains[i].name);
			it->f = fs.v[k];   /* takes the strings */
			if (reads)
				readlog_reads_of(&rl, it->f.code, it->f.subject, &it->reads);
		}
		readlog_release(&rl);
		free(fs.v);
	}
}

void impact_findings(const struct snapshot *s, const struct impact_opts *o,
		     struct impact_list *out)
{
	struct path_fws fws = { 0 };

	findings_of(s, NULL, o, out, &fws, false);
	path_fws_release(&fws);
}

struct side_job {
	const struct snapshot *s;
	const struct strlist *only;
	const struct impact_opts *o;
	struct impact_list *out;
	struct path_fws *fws;        /* the side's firewall models, kept for the firewall compare */
};

static void side_findings(void *arg)
{
	struct side_job *j = arg;

	findings_of(j->s, j->only, j->o, j->out, j->fws, true);
}

/*
 * The findings of both sides: independent, so with enough domains the
 * old side is judged on a second thread (pair.c).
 */
static void both_sides(const struct snapshot *a, const struct snapshot *b,
		       const struct strlist *only, const struct impact_opts *o,
		       struct impact_list *fa, struct impact_list *fb,
		       struct path_fws *fwa, struct path_fws *fwb)
{
	struct side_job ja = { a, only, o, fa, fwa }, jb = { b, only, o, fb, fwb };
	size_t n = only ? only->n : b->n;

	if (!a)
		side_findings(&jb);
	else
		run_pair(side_findings, &ja, &jb, n >= PAIR_THREAD_MIN);
}

/* ---- introduced and resolved --------------------------------------- */

static void item_copy(struct impact_list *to, const struct impact_item *it)
{
	struct impact_item *c = impact_list_add(to, it->scope);

	c->f.sev = it->f.sev;
	c->f.code = xstrdup(it->f.code);
	c->f.subject = xstrdup(it->f.subject);
	c->f.message = xstrdup(it->f.message);
	c->f.evidence = it->f.evidence ? xstrdup(it->f.evidence) : NULL;
	for (size_t i = 0; i < it->reads.n; i++)
		sl_push(&c->reads, it->reads.v[i]);
}

static int key_cmp(const struct impact_item *a, const struct impact_item *b)
{
	int c;

	if ((c = strcmp(a->scope, b->scope)) || (c = strcmp(a->f.code, b->f.code)))
		return c;
	return strcmp(a->f.subject, b->f.subject);
}

static int key_cmp_ptr(const void *a, const void *b)
{
	return key_cmp(*(const struct impact_item *const *)a, *(const struct impact_item *const *)b);
}

/*
 * Copy to out every item of x that y has no match for (by scope, code,
 * subject). Thousands of domains give tens of thousands of findings on
 * each side: look them up in a sorted index, not pair by pair.
 */
static void only_in(const struct impact_list *x, const struct impact_list *y,
		    struct impact_list *out)
{
	const struct impact_item **idx = xcalloc(y->n ? y->n : 1, sizeof(*idx));

	for (size_t k = 0; k < y->n; k++)
		idx[k] = &y->v[k];
	qsort(idx, y->n, sizeof(*idx), key_cmp_ptr);
	for (size_t i = 0; i < x->n; i++) {
		const struct impact_item *key = &x->v[i];
		if (!y->n || !bsearch(&key, idx, y->n, sizeof(*idx), key_cmp_ptr))
			item_copy(out, &x->v[i]);
	}
	free(idx);
}

static int item_cmp(const void *va, const void *vb)
{
	const struct impact_item *a = va, *b = vb;
	int c;

	if (a->f.sev != b->f.sev)
		return a->f.sev > b->f.sev ? -1 : 1;
	if ((c = strcmp(a->scope, b->scope)) || (c = strcmp(a->f.code, b->f.code)))
		return c;
	return strcmp(a->f.subject, b->f.subject);
}

/*
 * A finding can come and go only because a lookup it depends on failed
 * with nothing to carry over: the analyzers never judge unknown data.
 * Such a finding is not introduced (or resolved) by a change, it was
 * unseen: it moves to the info changes, so a server coming back after
 * an outage does not alert about what was there all along.
 */
static bool unseen(const struct snapshot *s, const struct impact_item *it)
{
	const struct domain_snap *d = s ? snapshot_domain(s, it->scope) : NULL;

	for (size_t i = 0; d && i < d->nlk; i++) {
		const struct lookup *l = &d->lks[i];
		const struct rr *r;
		if (!LK_IS_TEMPORARY(l->state) || dsnap_follow(d, l->name, l->type, &r, NULL, NULL))
			continue;
		if (strstr(it->f.subject, l->name) || strstr(it->f.message, l->name) ||
		    (it->f.evidence && strstr(it->f.evidence, l->name)))
			return strcmp(it->f.code, "dns.unresolvable") != 0;
	}
	return false;
}

static void add_change(struct impact *im, const char *scope, char op, char *text);

static void move_unseen(struct impact_list *l, const struct snapshot *other,
			const char *why, struct impact *im)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct impact_item *it = &l->v[i];
		struct impact_list one = { it, 1, 1 };
		if (!unseen(other, it)) {
			l->v[k++] = *it;
			continue;
		}
		add_change(im, it->scope, '!', xasprintf("%s: %s %s [%s]", why, it->f.code,
							   it->f.subject, severity_name(it->f.sev)));
		impact_list_release_items(&one);
	}
	l->n = k;
}

/* ---- which change explains which finding --------------------------- */

/*
 * A record change explains a finding whose analyzer read its owner and
 * type (a CNAME there changes every read of the name); a lookup that
 * ends differently, one that read that lookup. Nothing else: an MX swap
 * is no cause of a failed _dmarc lookup, nor a DKIM key of an SPF error.
 */
static bool rr_explains(const struct rr *r, const struct impact_item *it)
{
	return readlog_has(&it->reads, r->owner, r->type, !strcmp(r->type, "CNAME"));
}

static bool lookup_explains(const struct lookup *lk, const struct impact_item *it)
{
	return readlog_has(&it->reads, lk->name, lk->type, false);
}

static void add_change(struct impact *im, const char *scope, char op, char *text)
{
	struct impact_change *c;

	ALLOC_GROW(im->changes, im->nchanges + 1, im->changes_alloc);
	c = &im->changes[im->nchanges++];
	c->scope = xstrdup(scope);
	c->op = op;
	c->text = text;
}

/* Attach the change to every finding of scope it explains; false if none. */
static bool attach(struct impact_list *l, const char *scope, const struct rr *r,
		   const struct lookup *lk, const char *line)
{
	bool any = false;

	for (size_t i = 0; i < l->n; i++) {
		struct impact_item *it = &l->v[i];
		bool hit;

		if (strcmp(it->scope, scope))
			continue;
		hit = r ? rr_explains(r, it) : lookup_explains(lk, it);
		if (hit) {
			sl_push(&it->causes, line);
			any = true;
		}
	}
	return any;
}

static void explain(struct impact *im, const char *scope, const struct rr *r,
		    const struct lookup *lk, char *line)
{
	bool a = attach(&im->introduced, scope, r, lk, line);
	bool b = attach(&im->resolved, scope, r, lk, line);

	if (a || b) {
		free(line);
		return;
	}
	add_change(im, scope, line[0], xstrdup(line + 2));
	free(line);
}

static void explain_rrs(struct impact *im, const char *scope, char op,
			const struct rr *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *rl = snapdiff_rr_line(v[i]);
		explain(im, scope, v[i], NULL, xasprintf("%c %s", op, rl));
		free(rl);
	}
}

/* Would the lookup's change explain a finding of l in scope? */
static bool explains_any(const struct impact_list *l, const char *scope, const struct lookup *lk)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].scope, scope) && lookup_explains(lk, &l->v[i]))
			return true;
	return false;
}

/* A lookup that answers again and explains no finding: summarized per domain. */
static bool recovered_only(const struct impact *im, const char *scope, const struct snapdiff_status *st)
{
	return st->from && st->from->stale && !st->to->stale && st->from->disagree == st->to->disagree &&
	       !explains_any(&im->introduced, scope, st->to) && !explains_any(&im->resolved, scope, st->to);
}

/*
 * After an outage every lookup of a big domain answers again: one line
 * for the domain ("94 lookups no longer stale: ..."), not 94 lines
 * burying what the recovery resolved.
 */
static void explain_status(struct impact *im, const char *scope, const struct snapdiff *d)
{
	struct strbuf names = STRBUF_INIT;
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < d->nstatus; i++)
		n += recovered_only(im, scope, &d->status[i]);
	for (size_t i = 0; i < d->nstatus; i++) {
		const struct lookup *t = d->status[i].to;
		char *what;

		if (n > 1 && recovered_only(im, scope, &d->status[i])) {
			if (shown++ < UNRESOLVABLE_LIST)
				sb_addf(&names, "%s%s %s", shown > 1 ? ", " : "", t->name, t->type);
			continue;
		}
		what = snapdiff_status_text(&d->status[i]);
		explain(im, scope, NULL, t, xasprintf("! %s %s: %s", t->name, t->type, what));
		free(what);
	}
	if (n > 1)
		add_change(im, scope, '!', xasprintf("%zu lookups no longer stale, they answer again: %s%s",
						     n, names.buf, n > UNRESOLVABLE_LIST ? " and more" : ""));
	sb_release(&names);
}

static void explain_domain(struct impact *im, const char *scope, const struct snapdiff *d)
{
	explain_rrs(im, scope, '-', d->removed, d->nremoved);
	explain_rrs(im, scope, '+', d->added, d->nadded);
	for (size_t i = 0; i < d->nttl; i++) {
		const struct rr *f = d->ttl[i].from;
		add_change(im, scope, '~', xasprintf("%s %s %s: TTL %u -> %u", f->owner, f->type,
						     f->rdata, f->ttl, d->ttl[i].to->ttl));
	}
	explain_status(im, scope, d);
}

/* ---- the whole comparison ------------------------------------------ */

/* A domain whose records or lookups differ between the two snapshots. */
struct domain_change {
	const char *name;          /* borrowed from the snapshots */
	bool gone;                 /* not in b */
	struct snapdiff d;
	const struct domain_inputs *ia, *ib;   /* recorded inputs, when they differ */
};

struct domain_changes {
	struct domain_change *v;
	size_t n, alloc;
};

static void add_domain_change(struct domain_changes *out, const struct domain_snap *da,
			      const struct domain_snap *db)
{
	struct domain_change *c;
	struct snapdiff d = { 0 };

	snapdiff_domain(da, db, &d);
	if (da && db && snapdiff_empty(&d) && dsnap_inputs_equal(da->inputs, db->inputs)) {
		snapdiff_release(&d);
		return;
	}
	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	c = memset(&out->v[out->n++], 0, sizeof(*c));
	c->name = db ? db->name : da->name;
	c->gone = !db;
	c->d = d;
	if (da && db && da->inputs && db->inputs && !dsnap_inputs_equal(da->inputs, db->inputs)) {
		c->ia = da->inputs;
		c->ib = db->inputs;
	}
}

/* A changed recorded input as info: "* sending_ips: 192.0.2.1 -> 192.0.2.9". */
static void explain_inputs(struct impact *im, const struct domain_change *c)
{
	struct strlist lines = STRLIST_INIT;

	dsnap_inputs_diff(c->ia, c->ib, &lines);
	for (size_t i = 0; i < lines.n; i++)
		add_change(im, c->name, '*', xstrdup(lines.v[i]));
	sl_release(&lines);
}

static int change_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct domain_change *)a)->name,
		      ((const struct domain_change *)b)->name);
}

/*
 * The domains whose records or lookups differ, each diffed once, in name
 * order (so a gone domain is reported where it sorts). A
 * domain's findings depend on that domain alone (its recorded inputs
 * included; policies and unrecorded configuration are the same for both
 * sides), so only these need analyzing: a
 * drift run over thousands of unchanged domains analyzes none of them.
 */
static void changed_domains(const struct snapshot *a, const struct snapshot *b,
			    struct domain_changes *out, struct strlist *names)
{
	for (size_t i = 0; i < b->n; i++)
		add_domain_change(out, a ? snapshot_domain(a, b->domains[i].name) : NULL,
				  &b->domains[i]);
	for (size_t i = 0; a && i < a->n; i++)
		if (!snapshot_domain(b, a->domains[i].name))
			add_domain_change(out, &a->domains[i], NULL);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), change_name_cmp);
	for (size_t i = 0; i < out->n; i++)
		sl_push(names, out->v[i].name);
	sl_sort_uniq(names);
}

static void compare_domains(const struct domain_changes *ch, struct impact *im)
{
	for (size_t i = 0; i < ch->n; i++) {
		const struct domain_change *c = &ch->v[i];

		if (!snapdiff_empty(&c->d) || c->ia) {
			im->nscopes++;
			explain_domain(im, c->name, &c->d);
		}
		if (c->ia)
			explain_inputs(im, c);
		if (c->gone)
			add_change(im, c->name, '-', xstrdup("domain no longer in the snapshot"));
	}
}

static void domain_changes_release(struct domain_changes *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		snapdiff_release(&ch->v[i].d);
	free(ch->v);
}

static const struct fw_snap *find_fw(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; s && i < s->nfw; i++)
		if (!strcmp(s->fws[i].name, name))
			return &s->fws[i];
	return NULL;
}

static bool same_text(const char *x, const char *y)
{
	return !strcmp(x ? x : "", y ? y : "");
}

/*
 * A rule change explains the findings (of any domain) whose analyzer
 * asked that firewall: the joint path's inbound.* and egress.*. The
 * firewall's own fw.* findings compare what it allows, listed with the
 * mail ports. A change no finding read is info.
 */
static void explain_rule(struct impact *im, const char *fw, char op, char *text)
{
	char *line = xasprintf("%c firewall %s: %s", op, fw, text);
	struct impact_list *lists[] = { &im->introduced, &im->resolved };
	bool any = false;

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			struct impact_item *it = &lists[l]->v[i];
			if (!readlog_has(&it->reads, fw, READLOG_FIREWALL, false))
				continue;
			sl_push(&it->causes, line);
			any = true;
		}
	free(line);
	if (!any) {
		char *scope = xasprintf("firewall %s", fw);
		add_change(im, scope, op, text);
		free(scope);
		return;
	}
	free(text);
}

static void compare_firewalls(const struct snapshot *a, const struct snapshot *b,
			      const struct impact_opts *o, const struct path_fws *fwa,
			      const struct path_fws *fwb, struct impact *im)
{
	struct strlist names = STRLIST_INIT;

	for (size_t i = 0; a && i < a->nfw; i++)
		sl_push(&names, a->fws[i].name);
	for (size_t i = 0; i < b->nfw; i++)
		sl_push(&names, b->fws[i].name);
	sl_sort_uniq(&names);
	for (size_t i = 0; i < names.n; i++) {
		const struct fw_snap *fa = find_fw(a, names.v[i]), *fb = find_fw(b, names.v[i]);
		char *scope = xasprintf("firewall %s", names.v[i]);
		struct snapdiff_line *lines = NULL;
		size_t n;

		if (fa && fb && same_text(fa->export_text, fb->export_text)) {
			free(scope);
			continue;
		}
		im->nscopes++;
		n = snapdiff_lines(fa ? fa->rules_text : NULL, fb ? fb->rules_text : NULL, &lines);
		for (size_t k = 0; k < n; k++)
			explain_rule(im, names.v[i], lines[k].op, xstrndup(lines[k].text, lines[k].len));
		if (!n)
			add_change(im, scope, '~', xstrdup("the export changed; its normalized rules did not"));
		free(lines);
		impact_firewall(fa, fb, b, o, fwa, fwb, im);
		free(scope);
	}
	sl_release(&names);
}

static bool firewalls_changed(const struct snapshot *a, const struct snapshot *b)
{
	if ((a ? a->nfw : 0) != b->nfw)
		return true;
	for (size_t i = 0; i < b->nfw; i++) {
		const struct fw_snap *fa = find_fw(a, b->fws[i].name);
		if (!fa || !same_text(fa->export_text, b->fws[i].export_text))
			return true;
	}
	return false;
}

void impact_compute(const struct snapshot *a, const struct snapshot *b,
		    const struct impact_opts *o, struct impact *out)
{
	struct impact_list fa = { 0 }, fb = { 0 };
	struct domain_changes ch = { 0 };
	struct strlist changed = STRLIST_INIT;
	struct path_fws fwa = { 0 }, fwb = { 0 };    /* parsed once a side, judged and compared */
	/* A firewall change can break any domain's inbound path: then analyze them all. */
	const struct strlist *only = firewalls_changed(a, b) ? NULL : &changed;

	changed_domains(a, b, &ch, &changed);
	both_sides(a, b, only, o, &fa, &fb, &fwa, &fwb);
	sl_release(&changed);
	only_in(&fb, &fa, &out->introduced);
	only_in(&fa, &fb, &out->resolved);
	move_unseen(&out->introduced, a, "seen again now that lookups answer", out);
	move_unseen(&out->resolved, b, "not seen while lookups fail", out);
	for (size_t i = 0; i < ch.n; i++)
		impact_mx_primary(a ? snapshot_domain(a, ch.v[i].name) : NULL,
				  snapshot_domain(b, ch.v[i].name), out);
	impact_list_release(&fa);
	impact_list_release(&fb);
	compare_domains(&ch, out);
	domain_changes_release(&ch);
	compare_firewalls(a, b, o, &fwa, &fwb, out);
	path_fws_release(&fwa);
	path_fws_release(&fwb);
	/* qsort() of an empty list that was never allocated (NULL) is undefined. */
	if (out->introduced.n)
		qsort(out->introduced.v, out->introduced.n, sizeof(*out->introduced.v), item_cmp);
	if (out->resolved.n)
		qsort(out->resolved.v, out->resolved.n, sizeof(*out->resolved.v), item_cmp);
	for (size_t i = 0; i < out->introduced.n; i++)
		out->counts[out->introduced.v[i].f.sev]++;
}

enum severity impact_worst(const struct impact *im, bool *any)
{
	if (any)
		*any = im->introduced.n > 0;
	return im->introduced.n ? im->introduced.v[0].f.sev : SEV_INFO;   /* sorted worst first */
}

int impact_exit_code(const struct impact *im)
{
	return im->counts[SEV_CRITICAL] ? EXIT_CRITICAL :
	       im->counts[SEV_WARNING] ? EXIT_WARNING : EXIT_OK;
}

char *impact_summary(const struct impact *im, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < im->introduced.n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		size_t before = sb.len;

		sb_addf(&sb, "%s%s: %s %s [%s]", i ? ", " : "", it->scope, it->f.code,
			it->f.subject, severity_name(it->f.sev));
		if (i && sb.len > max) {
			sb.len = before;
			sb.buf[before] = '\0';
			break;
		}
	}
	if (i < im->introduced.n)
		sb_addf(&sb, ", +%zu more", im->introduced.n - i);
	return sb.len ? sb_detach(&sb) : NULL;
}

void impact_release(struct impact *im)
{
	impact_list_release(&im->introduced);
	impact_list_release(&im->resolved);
	for (size_t i = 0; i < im->nchanges; i++) {
		free(im->changes[i].scope);
		free(im->changes[i].text);
	}
	for (size_t i = 0; i < im->nreach; i++) {
		struct impact_reach *r = &im->reach[i];
		free(r->firewall);
		free(r->to);
		free(r->before);
		free(r->after);
		free(r->before_cidrs);
		free(r->after_cidrs);
		free(r->nat_before);
		free(r->nat_after);
	}
	free(im->changes);
	free(im->reach);
	memset(im, 0, sizeof(*im));
}
