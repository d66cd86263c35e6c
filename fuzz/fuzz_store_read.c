/*
 * fuzz_store_read.c - what mxaudit reads back from its store: a history
 * of commits (any files, messages, changed-file lists, times) and tags
 * (names, annotated messages) is written into a real bare repository,
 * then read the way the commands read it: log (text, JSON, --record,
 * per domain), timeline, diff, show, check of the stored snapshot, and
 * the store calls under them (the snapshots at HEAD and before, the
 * impact between them, the commit info with its tags).
 *
 * The input is sections, each after a line "%%% WORD [ARG]":
 *
 *   %%% FILE dns/example.com.zone     the file's text in the next commit
 *   %%% DELETE firewall/gw.rules      the file is not in the next commit
 *   %%% MESSAGE                       the next commit's message, as is
 *   %%% CHANGES                       its mxaudit-changes header field
 *   %%% COMMIT [EPOCH]                write the commit (files carry over)
 *   %%% TAG NAME                      tag the last commit; the text, when
 *                                     any, is an annotated tag's message
 *   %%% RECORD TYPE, %%% DOMAIN NAME  log --record TYPE [NAME], timeline NAME
 *   %%% CONFIG                        mxaudit.yaml for the readers (none without)
 *
 * Text before the first header is the first commit's message; the last
 * commit is written at the end if a section is for it (or there is none).
 *
 * One store is kept: each input drops the tags and its first commit, a
 * root commit, moves the branch; the store is made anew every RENEW
 * inputs, as loose objects pile up. A new repository per input made each
 * input about twice as slow (docs/history.md; MXAUDIT_FUZZ_RENEW=1 does
 * that, to compare).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util.h"
#include "cmd.h"
#include "impact.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COMMITS 6
#define MAX_FILES 32
#define RENEW 2000
#define HEADER "%%% "
#define STORE_PREFIX "mxaudit-fuzz-store-"

struct history {
	struct store_file files[MAX_FILES];
	size_t nfiles;
	const char *message, *changes, *record, *domain, *config;
	time_t when;
	size_t ncommits;
	bool pending;          /* a section for the next commit since the last */
	char last[41];
};

static char dir[64], *store_path, *config_path;
static struct store *writer;
static FILE *devnull;
static unsigned long runs, renew_every;

/* rm -rf path */
static void remove_tree(const char *path)
{
	char *cmd = xasprintf("rm -rf '%s'", path);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
	free(cmd);
}

static void cleanup(void)
{
	remove_tree(dir);
}

/*
 * A run that finds something, is killed or ends by _Exit() (libFuzzer's
 * -fork jobs) skips atexit(): a run's store is named after its pid, and
 * the next run removes those whose process is gone.
 */
static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *end, *path;
		long pid;

		if (strncmp(e->d_name, STORE_PREFIX, strlen(STORE_PREFIX)))
			continue;
		pid = strtol(e->d_name + strlen(STORE_PREFIX), &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", base, e->d_name);
		remove_tree(path);
		free(path);
	}
	if (d)
		closedir(d);
}

/* A fresh store. */
static void renew(void)
{
	if (!*dir) {
		/* In memory where there is a tmpfs: each input writes a few files. */
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

		remove_stale(base);
		snprintf(dir, sizeof(dir), "%s/%s%ld", base, STORE_PREFIX, (long)getpid());
		remove_tree(dir);
		if (mkdir(dir, 0700) < 0)
			abort();
		store_path = xasprintf("%s/store", dir);
		config_path = xasprintf("%s/mxaudit.yaml", dir);
		atexit(cleanup);
	}
	remove_tree(store_path);
	if (store_init(store_path) < 0)
		abort();
}

static void set_file(struct history *h, const char *path, const char *text)
{
	for (size_t i = 0; i < h->nfiles; i++)
		if (!strcmp(h->files[i].path, path)) {
			if (text)
				h->files[i].text = text;
			else
				h->files[i] = h->files[--h->nfiles];
			return;
		}
	if (text && h->nfiles < MAX_FILES)
		h->files[h->nfiles++] = (struct store_file){ path, text };
}

static void write_commit(struct history *h)
{
	if (h->ncommits >= MAX_COMMITS)
		return;
	if (store_commit_files(writer, h->files, h->nfiles, h->message ? h->message : "",
			       h->changes, h->when, h->ncommits == 0, h->last) == 0)
		h->ncommits++;
	h->message = h->changes = NULL;
	h->pending = false;
	h->when += 60;
}

static void tag(struct history *h, const char *name, const char *text)
{
	if (!h->ncommits)
		return;
	if (*text)
		(void)store_tag_note(writer, name, h->last, text);
	else
		(void)store_tag(writer, name, h->last);
}

/* One section: header (NUL-terminated, without "%%% ") and its text. */
static void section(struct history *h, char *head, const char *text)
{
	char *arg = strchr(head, ' ');

	if (arg)
		*arg++ = '\0';
	else
		arg = head + strlen(head);
	h->pending |= !strcmp(head, "FILE") || !strcmp(head, "DELETE") ||
		      !strcmp(head, "MESSAGE") || !strcmp(head, "CHANGES");
	if (!strcmp(head, "FILE"))
		set_file(h, arg, text);
	else if (!strcmp(head, "DELETE"))
		set_file(h, arg, NULL);
	else if (!strcmp(head, "MESSAGE"))
		h->message = text;
	else if (!strcmp(head, "CHANGES"))
		h->changes = text;
	else if (!strcmp(head, "COMMIT")) {
		if (*arg)
			h->when = (time_t)strtoll(arg, NULL, 10);
		write_commit(h);
	} else if (!strcmp(head, "TAG"))
		tag(h, arg, text);
	else if (!strcmp(head, "RECORD"))
		h->record = arg;
	else if (!strcmp(head, "DOMAIN"))
		h->domain = arg;
	else if (!strcmp(head, "CONFIG"))
		h->config = text;
}

/*
 * Split text (modified, kept) into sections and write the history. The
 * newline before a header belongs to the header: a file that ends in
 * one is followed by an empty line.
 */
static void write_history(struct history *h, char *text)
{
	char *p = text;

	if (strncmp(p, HEADER, strlen(HEADER))) {
		h->message = p;
		h->pending = true;
		if ((p = strstr(p, "\n" HEADER)))
			*p++ = '\0';
	}
	while (p) {
		char *next = strstr(p, "\n" HEADER), *head = p + strlen(HEADER), *nl;

		if (next)
			*next++ = '\0';
		if ((nl = strchr(head, '\n')))
			*nl = '\0';
		section(h, head, nl ? nl + 1 : "");
		p = next;
	}
	if (h->pending || !h->ncommits)
		write_commit(h);
}

/* The configuration file the commands read: config_path. */
static const char *write_config(const char *text)
{
	FILE *f = fopen(config_path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
	return config_path;
}

static int run(int (*fn)(int, char **, struct cmd_ctx *), struct cmd_ctx *ctx,
	       enum out_format fmt, int argc, ...)
{
	char *argv[8];
	va_list ap;
	int r;

	va_start(ap, argc);
	for (int i = 0; i < argc && i < 7; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	ctx->format = fmt;
	optind = 0;        /* glibc: start getopt afresh */
	r = fn(argc, argv, ctx);
	fflush(stdout);
	return r;
}

/* The store calls the commands are made of, on their own. */
static void read_store(void)
{
	struct impact_opts io = { .now = 1800000000 };
	struct policy_set ps = POLICY_SET_INIT;
	struct store_commit info;
	struct impact_pair p;
	struct impact im = IMPACT_INIT;
	struct snapshot a = { 0 }, b = { 0 };
	struct strlist paths = STRLIST_INIT;
	struct store *s;
	char head[41], prev[41], at[41];

	if (store_open(store_path, false, &s) < 0)
		return;
	io.policies = &ps;
	if (store_resolve(s, "HEAD", head) == 0) {
		(void)store_read(s, head, &b);
		(void)store_ls(s, head, &paths);
		if (store_commit_info(s, head, &info) == 0)
			store_commit_release(&info);
		if (store_rev_exists(s, "HEAD~1", prev) == 0) {
			(void)store_read(s, prev, &a);
			if (impact_pair_load(s, prev, head, false, &p) == 0) {
				impact_compute(&p.a, &p.b, &io, &im);
				impact_release(&im);
			}
			impact_pair_release(&p);
		}
		(void)store_at(s, 1700000000 + 90, at);
	}
	sl_release(&paths);
	snapshot_release(&a);
	snapshot_release(&b);
	store_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history h = { .when = 1700000000 };
	struct cmd_ctx ctx = { .config = "/nonexistent/mxaudit.yaml", .auth_port = 53 };
	char *text = xstrndup((const char *)data, size);
	FILE *saved = stderr;
	char *rec;

	/* MXAUDIT_FUZZ_SHOW=1 shows what the commands print, to see what an input does. */
	if (!devnull && getenv("MXAUDIT_FUZZ_SHOW"))
		devnull = stderr;
	if (!devnull && (!(devnull = fopen("/dev/null", "w")) || !freopen("/dev/null", "w", stdout)))
		abort();
	if (!renew_every) {      /* MXAUDIT_FUZZ_RENEW=1: a new store per input (to measure) */
		const char *e = getenv("MXAUDIT_FUZZ_RENEW");
		renew_every = e && atoi(e) > 0 ? (unsigned long)atoi(e) : RENEW;
	}
	if (runs++ % renew_every == 0)
		renew();
	stderr = devnull;         /* the expected error messages */
	/*
	 * The writer's handle lives for one input, so nothing of one input
	 * but the repository's files outlives it. A store the last input
	 * left unreadable (commits without a branch) is made anew.
	 */
	if (store_open(store_path, false, &writer) < 0) {
		renew();
		if (store_open(store_path, false, &writer) < 0)
			abort();
	}
	if (store_drop_tags(writer) < 0)
		abort();
	write_history(&h, text);
	store_close(writer);
	writer = NULL;
	/* Files it names are read (policies): none that never ends or blocks. */
	if (h.ncommits && h.config && !strstr(h.config, "dev/") && !strstr(h.config, "proc/") &&
	    !strstr(h.config, "sys/"))
		ctx.config = write_config(h.config);
	if (h.ncommits) {
		ctx.store = store_path;
		rec = (char *)(h.record ? h.record : "MX");
		run(cmd_log, &ctx, FMT_TEXT, 1, "log");
		run(cmd_log, &ctx, FMT_JSON, 1, "log");
		if (h.domain) {
			run(cmd_log, &ctx, FMT_TEXT, 2, "log", h.domain);
			run(cmd_log, &ctx, FMT_JSON, 4, "log", "--record", rec, h.domain);
			run(cmd_timeline, &ctx, FMT_TEXT, 2, "timeline", h.domain);
		} else {
			run(cmd_log, &ctx, FMT_TEXT, 3, "log", "--record", rec);
		}
		run(cmd_timeline, &ctx, FMT_JSON, 1, "timeline");
		run(cmd_diff, &ctx, FMT_TEXT, 1, "diff");
		run(cmd_diff, &ctx, FMT_JSON, 1, "diff");
		run(cmd_show, &ctx, FMT_JSON, 1, "show");
		run(cmd_check, &ctx, FMT_TEXT, 1, "check");
		read_store();
	}
	stderr = saved;
	free(text);
	return 0;
}
