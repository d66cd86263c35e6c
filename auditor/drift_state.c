/*
 * drift_state.c - what is wrong now, next to what changed in this run.
 *
 * Nagios and Icinga are level-triggered: a check that says OK on the run
 * after a critical change (because nothing changed since) sends the
 * service back to OK while port 25 is still blocked. So drift judges the
 * current snapshot as a whole every run: every open warning or critical
 * finding counts, and the exit status and nagios line follow the worst.
 *
 * Firewall findings exist only as the comparison of two exports (what a
 * port allowed before and after), so they are kept open here until a
 * later change touches the same address and port. The file
 * <store>/mxaudit-drift.open keeps, per open finding, when it was first
 * seen: "epoch<TAB>severity<TAB>scope<TAB>code<TAB>subject". Losing it
 * only restarts the ages (and forgets open firewall findings).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "strmap.h"
#include "drift.h"

struct open_item {
	time_t since;
	enum severity sev;
	char *key;                 /* "scope\tcode\tsubject" */
	bool fw;
};

/* The open findings, and an index by key: an estate has tens of thousands. */
struct open_set {
	struct open_item *v;
	size_t n, alloc;
	struct strmap idx;         /* key -> position + 1 */
};

static void open_add(struct open_set *s, time_t since, enum severity sev, char *key)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n].since = since;
	s->v[s->n].sev = sev;
	s->v[s->n].fw = !strncmp(strchr(key, '\t') + 1, "fw.", 3);
	s->v[s->n++].key = key;
	strmap_put(&s->idx, key, (void *)(uintptr_t)s->n);
}

static const struct open_item *open_find(const struct open_set *s, const char *key)
{
	uintptr_t i = (uintptr_t)strmap_get(&s->idx, key);

	return i ? &s->v[i - 1] : NULL;
}

static void open_release(struct open_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].key);
	free(s->v);
	strmap_release(&s->idx);
	memset(s, 0, sizeof(*s));
}

static int parse_sev(const char *s, enum severity *out)
{
	for (int i = SEV_INFO; i <= SEV_CRITICAL; i++)
		if (!strcmp(severity_name((enum severity)i), s)) {
			*out = (enum severity)i;
			return 0;
		}
	return -1;
}

static int open_load(const char *path, struct open_set *s)
{
	char *text = NULL, *line, *save = NULL;
	FILE *f = fopen(path, "r");

	if (!f)
		return errno == ENOENT ? 0 : error("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (read_file(path, &text, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL, *end;
		enum severity sev;
		long long since;

		if (!t2 || !strchr(t2 + 1, '\t'))
			continue;     /* a damaged line only restarts its age */
		*t1 = *t2 = '\0';
		since = strtoll(line, &end, 10);
		if (*end || parse_sev(t1 + 1, &sev))
			continue;
		open_add(s, (time_t)since, sev, xstrdup(t2 + 1));
	}
	free(text);
	return 0;
}

static int open_save(const char *path, const struct open_set *s)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int r = 0;

	if (!f) {
		r = error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%lld\t%s\t%s\n", (long long)s->v[i].since,
			severity_name(s->v[i].sev), s->v[i].key);
	if (fclose(f) || rename(tmp, path))
		r = error("cannot write '%s': %s", path, strerror(errno));
out:
	free(tmp);
	return r;
}

static char *item_key(const struct impact_item *it)
{
	return xasprintf("%s\t%s\t%s", it->scope, it->f.code, it->f.subject ? it->f.subject : "");
}

/* Does this run's change touch the firewall finding's address and port? */
static bool fw_touched(const struct impact *im, const char *key)
{
	const char *code = strchr(key, '\t') + 1, *subj = strchr(code, '\t') + 1;
	const struct impact_list *lists[2] = { &im->introduced, &im->resolved };

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct impact_item *it = &lists[l]->v[i];
			if (!strncmp(it->f.code, "fw.", 3) && it->f.subject &&
			    !strcmp(it->f.subject, subj) &&
			    !strncmp(key, it->scope, (size_t)(code - 1 - key)) &&
			    strlen(it->scope) == (size_t)(code - 1 - key))
				return true;
		}
	return false;
}

/*
 * The open findings as impact items, so this run's change reads as
 * the earlier ones left it (impact_follow): a fix resolves the finding
 * it fixes, at the severity it was open with.
 */
static void follow(struct impact *im, const struct open_set *old)
{
	struct impact_list open = { NULL, 0, 0 };

	for (size_t i = 0; i < old->n; i++) {
		char *scope = xstrdup(old->v[i].key), *code = strchr(scope, '\t') + 1;
		char *subject = strchr(code, '\t');
		struct impact_item *it;

		if (!subject) {
			free(scope);
			continue;
		}
		code[-1] = *subject++ = '\0';
		it = impact_list_add(&open, scope);
		it->f.sev = old->v[i].sev;
		it->f.code = xstrdup(code);
		it->f.subject = xstrdup(subject);
		it->f.message = xstrdup("");
		free(scope);
	}
	impact_follow(im, &open);
	impact_list_release(&open);
}

/* Add one open finding to now, with its first-seen time from old (or now). */
static void keep(struct open_set *now, const struct open_set *old, char *key,
		 enum severity sev, time_t t)
{
	const struct open_item *was = open_find(old, key);

	if (open_find(now, key)) {
		free(key);
		return;
	}
	open_add(now, was ? was->since : t, sev, key);
}

static void age_buf(char *buf, size_t size, time_t s);

static int worst_first(const void *va, const void *vb)
{
	const struct open_item *a = va, *b = vb;

	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* One line per open finding, worst and oldest first (now is sorted here: its index is stale after). */
static void state_lines(struct open_set *now, time_t t, struct drift_state *st)
{
	if (now->n)
		qsort(now->v, now->n, sizeof(*now->v), worst_first);
	for (size_t i = 0; i < now->n; i++) {
		const struct open_item *it = &now->v[i];
		const char *code = strchr(it->key, '\t') + 1, *subject = strchr(code, '\t') + 1;
		char a[32];

		age_buf(a, sizeof(a), t > it->since ? t - it->since : 0);
		sl_push_owned(&st->lines, xasprintf("%s %.*s: %.*s %s, open %s", severity_name(it->sev),
						   (int)(code - 1 - it->key), it->key,
						   (int)(subject - 1 - code), code, subject, a));
	}
}

static void tally(const struct open_set *now, time_t t, struct drift_state *st)
{
	for (size_t i = 0; i < now->n; i++) {
		const struct open_item *it = &now->v[i];
		st->open[it->sev]++;
		if (!st->any || it->sev > st->worst ||
		    (it->sev == st->worst && it->since < st->oldest)) {
			st->worst = it->sev;
			st->oldest = it->since;
			st->any = true;
		}
	}
	st->oldest_age = st->any && t > st->oldest ? t - st->oldest : 0;
}

static int state_compute(const char *path, const struct snapshot *cur,
			 const struct impact_opts *o, struct impact *im,
			 struct drift_state *st, bool save)
{
	struct open_set old = { 0 }, now = { 0 };
	struct impact_list all = { NULL, 0, 0 };
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (open_load(path, &old))
		return -1;
	follow(im, &old);
	impact_findings(cur, o, &all);
	for (size_t i = 0; i < all.n; i++)
		if (all.v[i].f.sev >= SEV_WARNING)
			keep(&now, &old, item_key(&all.v[i]), all.v[i].f.sev, o->now);
	for (size_t i = 0; i < old.n; i++)
		if (old.v[i].fw && !fw_touched(im, old.v[i].key))
			keep(&now, &old, xstrdup(old.v[i].key), old.v[i].sev, o->now);
	for (size_t i = 0; i < im->introduced.n; i++) {
		const struct impact_item *it = &im->introduced.v[i];
		if (!strncmp(it->f.code, "fw.", 3) && it->f.sev >= SEV_WARNING)
			keep(&now, &old, item_key(it), it->f.sev, o->now);
	}
	tally(&now, o->now, st);
	state_lines(&now, o->now, st);
	if (save)
		r = open_save(path, &now);
	impact_list_release(&all);
	open_release(&old);
	open_release(&now);
	return r;
}

int drift_state_update(const char *path, const struct snapshot *cur,
		       const struct impact_opts *o, struct impact *im,
		       struct drift_state *st)
{
	return state_compute(path, cur, o, im, st, true);
}

int drift_state_peek(const char *path, const struct snapshot *cur,
		     const struct impact_opts *o, struct impact *im,
		     struct drift_state *st)
{
	return state_compute(path, cur, o, im, st, false);
}

int drift_state_exit(const struct drift_state *st)
{
	return st->open[SEV_CRITICAL] ? EXIT_CRITICAL : st->open[SEV_WARNING] ? EXIT_WARNING : EXIT_OK;
}

const char *drift_state_name(const struct drift_state *st)
{
	return st->open[SEV_CRITICAL] ? "critical" : st->open[SEV_WARNING] ? "warning" : "ok";
}

/* "3h", "2d": an open finding's age, coarse enough to read at a glance. */
static void age_buf(char *buf, size_t size, time_t s)
{
	if (s >= 2 * 86400)
		snprintf(buf, size, "%lldd", (long long)(s / 86400));
	else if (s >= 2 * 3600)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else if (s >= 120)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else
		snprintf(buf, size, "%llds", (long long)s);
}

static void age(FILE *out, time_t s)
{
	char buf[32];

	age_buf(buf, sizeof(buf), s);
	fputs(buf, out);
}

void drift_state_nagios(FILE *out, const struct drift_state *st, const char *change)
{
	static const char *const upper[] = { "OK", "WARNING", "CRITICAL" };
	size_t n = st->open[SEV_CRITICAL] ? st->open[SEV_CRITICAL] : st->open[SEV_WARNING];

	fprintf(out, "MXAUDIT %s - ", upper[drift_state_exit(st)]);
	if (n) {
		fprintf(out, "%zu %s open (oldest ", n, drift_state_name(st));
		age(out, st->oldest_age);
		fputs("); ", out);
	}
	fprintf(out, "%s | open_critical=%zu;;1;0 open_warning=%zu;1;;0 oldest_open=%llds;;;0\n",
		change, st->open[SEV_CRITICAL], st->open[SEV_WARNING], (long long)st->oldest_age);
}

json_t *drift_state_json(const struct drift_state *st)
{
	json_t *o = jobj();

	jset_str(o, "status", drift_state_name(st));
	jset_int(o, "exit", drift_state_exit(st));
	jset_int(o, "critical", (long long)st->open[SEV_CRITICAL]);
	jset_int(o, "warning", (long long)st->open[SEV_WARNING]);
	jset_int(o, "oldest_open_seconds", (long long)st->oldest_age);
	return o;
}

void drift_state_text(FILE *out, const struct drift_state *st)
{
	size_t c = st->open[SEV_CRITICAL], w = st->open[SEV_WARNING];

	fprintf(out, "state: %s", drift_state_name(st));
	if (!c && !w) {
		fputs(", nothing open\n", out);
		return;
	}
	fputs(", ", out);
	if (c)
		fprintf(out, "%zu critical%s", c, w ? " and " : "");
	if (w)
		fprintf(out, "%zu warning%s", w, w == 1 ? "" : "s");
	fputs(" open (oldest ", out);
	age(out, st->oldest_age);
	fputs(")\n", out);
	for (size_t i = 0; i < st->lines.n; i++)
		fprintf(out, "  %s\n", st->lines.v[i]);
}

void drift_state_release(struct drift_state *st)
{
	sl_release(&st->lines);
}
