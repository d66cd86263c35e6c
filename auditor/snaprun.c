/*
 * snaprun.c - one collection run, shared by `snapshot` and `drift`: see
 * snaprun.h. What is collected and how the commit message reads is the
 * same for both, so `git log` on the store reads the same either way.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"
#include "snapdiff.h"
#include "snaprun.h"
#include "strmap.h"

#define SUMMARY_MAX 160   /* keep `git log --oneline` readable */

/* "example.com: inputs changed (sending_ips, lab)": only the recorded inputs differ. */
static char *inputs_line(const struct domain_snap *a, const struct domain_snap *b)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist lines = STRLIST_INIT;

	dsnap_inputs_diff(a->inputs, b->inputs, &lines);
	sb_addf(&sb, "%s: inputs changed (", b->name);
	for (size_t i = 0; i < lines.n; i++)     /* "KEY: OLD -> NEW": the keys only */
		sb_addf(&sb, "%s%.*s", i ? ", " : "", (int)strcspn(lines.v[i], ":"), lines.v[i]);
	sb_addc(&sb, ')');
	sl_release(&lines);
	return sb_detach(&sb);
}

/* Per-domain one-line summaries of what changed from prev to cur. */
void snaprun_changes(const struct snapshot *prev, const struct snapshot *cur,
		     struct change_lines *out)
{
	for (size_t i = 0; i < cur->n; i++) {
		const struct domain_snap *b = &cur->domains[i];
		const struct domain_snap *a = prev ? snapshot_domain(prev, b->name) : NULL;
		struct snapdiff d = { 0 };
		char *line;

		out->records += b->nrr;
		snapdiff_domain(a, b, &d);
		if ((line = snapdiff_summary(&d, b->name)))
			sl_push_owned(&out->lines, line);
		else if (a && a->inputs && !dsnap_inputs_equal(a->inputs, b->inputs))
			sl_push_owned(&out->lines, inputs_line(a, b));
		else if (a && !a->inputs && b->inputs)
			out->inputs_recorded++;    /* the first run of a version that records them */
		snapdiff_release(&d);
	}
	for (size_t i = 0; prev && i < prev->n; i++)
		if (!snapshot_domain(cur, prev->domains[i].name))
			sl_push_owned(&out->lines, xasprintf("%s: no longer watched",
							      prev->domains[i].name));
	for (size_t i = 0; i < cur->nfw; i++) {
		const struct fw_snap *b = &cur->fws[i], *a = NULL;
		for (size_t j = 0; prev && j < prev->nfw && !a; j++)
			if (!strcmp(prev->fws[j].name, b->name))
				a = &prev->fws[j];
		if (!a)
			sl_push_owned(&out->lines, xasprintf("firewall %s: new", b->name));
		else if (strcmp(a->rules_text ? a->rules_text : "", b->rules_text ? b->rules_text : ""))
			sl_push_owned(&out->lines, xasprintf("firewall %s: rules changed", b->name));
	}
}

/* The commit message: an impact summary line first, so `git log` alone reads well. */
char *snaprun_message(const struct snapshot *prev, const struct snapshot *cur,
		      const struct change_lines *ch, const char *first, const char *note,
		      const struct collect_stats *st, const char *trailers)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg;

	if (first && prev)
		sb_adds(&sb, first);
	else if (!prev)
		sb_addf(&sb, "baseline: %zu domain%s, %zu records", cur->n,
			cur->n == 1 ? "" : "s", ch->records);
	else if (ch->lines.n == 1 && strlen(ch->lines.v[0]) <= SUMMARY_MAX)
		sb_adds(&sb, ch->lines.v[0]);
	else if (ch->lines.n == 0 && ch->inputs_recorded)
		sb_addf(&sb, "recorded the inputs each domain is judged with (%zu domain%s)",
			ch->inputs_recorded, ch->inputs_recorded == 1 ? "" : "s");
	else if (ch->lines.n == 0)
		sb_adds(&sb, "no record changed; lookup details changed (servers, agreement)");
	else {
		sb_addf(&sb, "%zu domains changed:", ch->lines.n);
		for (size_t i = 0; i < ch->lines.n; i++) {
			const char *colon = strchr(ch->lines.v[i], ':');
			int len = colon ? (int)(colon - ch->lines.v[i]) : (int)strlen(ch->lines.v[i]);
			if (sb.len + (size_t)len > SUMMARY_MAX) {
				sb_addf(&sb, " +%zu more", ch->lines.n - i);
				break;
			}
			sb_addf(&sb, "%s %.*s", i ? "," : "", len, ch->lines.v[i]);
		}
	}
	sb_adds(&sb, "\n\n");
	if (note)
		sb_addf(&sb, "%s\n\n", note);
	for (size_t i = 0; i < ch->lines.n; i++)
		sb_addf(&sb, "%s\n", ch->lines.v[i]);
	if (st->stale)
		sb_addf(&sb, "%s%lu lookups failed temporarily; last good data kept (stale)\n",
			ch->lines.n ? "\n" : "", st->stale);
	if (trailers)
		sb_addf(&sb, "\n%s", trailers);
	msg = str_printable(sb.buf, true);
	sb_release(&sb);
	return msg;
}

/*
 * Each firewall's export, from its file or its command's output (held in
 * memory: no unmasked export touches disk), masked with the store's key.
 */
static int collect_firewalls(const struct config *cfg, const char *store_dir,
			     struct snapshot *snap)
{
	for (size_t i = 0; i < cfg->nfirewalls; i++) {
		const struct firewall_conf *f = &cfg->firewalls[i];
		struct fw_mask mask;
		struct fw_snap *fs;
		char *text = NULL;
		size_t len;
		int r;

		if (fw_mask_init(&mask, store_dir, f->name, &f->mask) < 0)
			return -1;
		ALLOC_GROW(snap->fws, snap->nfw + 1, snap->fw_alloc);
		fs = &snap->fws[snap->nfw];
		memset(fs, 0, sizeof(*fs));
		if (f->command) {
			r = fw_command_run(f->name, f->command, f->command_timeout, &text, &len);
			if (!r) {
				char *label = xasprintf("firewall '%s' command output", f->name);
				r = fw_collect_text(f->name, f->format, label, text, f->ipset_file,
						    &mask, fs);
				free(label);
			}
			free(text);
		} else {
			r = fw_collect(f->name, f->format, f->file, f->ipset_file, &mask, fs);
		}
		fw_mask_release(&mask);
		if (r)
			return error("firewall '%s': export not stored; nothing was committed", f->name);
		snap->nfw++;
	}
	snapshot_sort(snap);
	return 0;
}

static void copy_list(struct strlist *to, const struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		sl_push(to, from->v[i]);
}

/*
 * Record in each domain the configuration it was collected with, so a
 * later diff judges this snapshot by it without reading the configuration.
 */
static void record_inputs(const struct config *cfg, struct snapshot *snap)
{
	struct strmap conf = STRMAP_INIT;

	for (size_t i = 0; i < cfg->ndomains; i++)
		strmap_put(&conf, cfg->domains[i].name, &cfg->domains[i]);
	for (size_t i = 0; i < snap->n; i++) {
		const struct domain_conf *dc = strmap_get(&conf, snap->domains[i].name);
		struct domain_inputs *in = dsnap_set_inputs(&snap->domains[i]);

		if (dc) {
			copy_list(&in->dkim_selectors, &dc->dkim_selectors);
			copy_list(&in->sending_ips, &dc->sending_ips);
			copy_list(&in->mail_hosts, &dc->mail_hosts);
		}
		in->lab = cfg->lab;
		in->dkim_warn_bits = cfg->dkim_warn_bits ? cfg->dkim_warn_bits : 2048;
		in->dkim_crit_bits = cfg->dkim_crit_bits ? cfg->dkim_crit_bits : 1024;
		in->policies = cfg->policies.n > 0;
		in->firewalls = cfg->nfirewalls > 0;
	}
	strmap_release(&conf);
}

double snaprun_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int snaprun_world(const struct config *cfg, const struct cmd_ctx *ctx, const struct snapshot *prev,
		  struct snapshot *out, struct collect_stats *stats)
{
	if (collect_snapshot_stats(cfg, ctx, prev, out, stats) ||
	    collect_firewalls(cfg, ctx->store, out))
		return -1;
	record_inputs(cfg, out);
	return 0;
}

int snaprun_collect(struct snaprun *run, const struct cmd_ctx *ctx, const char *cmd)
{
	double t0 = snaprun_seconds();
	int r;

	if (config_load(ctx->config, &run->cfg))
		return -1;
	run->have_cfg = true;
	if (!run->cfg.ndomains && !run->cfg.nfirewalls)
		return error("%s: nothing to watch: add 'domains' or 'firewalls'", ctx->config);
	if (store_open(ctx->store, true, &run->st) < 0 ||
	    (r = store_resolve(run->st, "HEAD", run->head)) < 0)
		return -1;
	if (r == 0) {
		if (store_read(run->st, run->head, &run->prev) < 0)
			return -1;
		run->have_prev = true;
	}
	run->t_read = snaprun_seconds() - t0;
	t0 = snaprun_seconds();
	if (snaprun_world(&run->cfg, ctx, run->have_prev ? &run->prev : NULL, &run->cur, &run->stats))
		return -1;
	run->t_collect = snaprun_seconds() - t0;
	return 0;
}

void snaprun_release(struct snaprun *run)
{
	snapshot_release(&run->prev);
	snapshot_release(&run->cur);
	store_close(run->st);
	if (run->have_cfg)
		config_release(&run->cfg);
	memset(run, 0, sizeof(*run));
}

#define STALE_NAMED 5

void snaprun_warn_stale(const struct snapshot *cur, unsigned long n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t named = 0, limit = verbosity > 0 ? SIZE_MAX : STALE_NAMED;

	for (size_t i = 0; i < cur->n; i++) {
		const struct domain_snap *d = &cur->domains[i];

		for (size_t k = 0; k < d->nlk; k++) {
			const struct lookup *l = &d->lks[k];

			if (!l->stale || named++ >= limit)
				continue;
			sb_addf(&sb, "%s%s %s (%s)", named > 1 ? ", " : "", l->name, l->type,
				lookup_state_name(l->state));
		}
	}
	if (named > limit)
		sb_addf(&sb, " and %zu more (-v lists them)", named - limit);
	warning("%lu lookups failed (timeout or server failure); their last good data is kept "
		"and marked stale: %s", n, sb.len ? sb.buf : "-");
	sb_release(&sb);
}
