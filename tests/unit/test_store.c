/*
 * test_store.c - the snapshot store against real bare git repositories
 * in scratch directories, checked through the API and the git CLI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

struct fx {
	char dir[64];
	char *path;      /* the store, two levels below dir */
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/mxaudit-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->path = xasprintf("%s/a/b/snapshots", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->path);
	free(f);
	return 0;
}

/* Output of a shell command, trailing newline removed; the caller frees. */
static char *run(const char *fmt, ...)
{
	va_list ap;
	char *cmd, buf[4096];
	struct strbuf sb = STRBUF_INIT;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&sb, buf, n);
	pclose(p);
	free(cmd);
	if (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	return sb_detach(&sb);
}

static void assert_run(const char *expect, const char *fmt, const char *arg)
{
	char *out = run(fmt, arg);
	assert_string_equal(out, expect);
	free(out);
}

/* Capture stderr around a call. */
static int saved_fd = -1;
static char errfile[] = "/tmp/mxaudit-stderr-XXXXXX";

static void capture_start(void)
{
	int fd = mkstemp(errfile);

	assert_true(fd >= 0);
	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *capture_end(void)
{
	char *text = NULL;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	assert_int_equal(read_file(errfile, &text, NULL), 0);
	unlink(errfile);
	strcpy(errfile, "/tmp/mxaudit-stderr-XXXXXX");
	return text;
}

/* A small snapshot; variant changes one domain's records. */
static void make_snap(struct snapshot *s, int variant)
{
	struct domain_snap *d = snapshot_add_domain(s, "example.com");
	struct lookup *l;

	dsnap_add_rr(d, "example.com.", 3600, "MX", "10 mx1.example.com.");
	dsnap_add_rr(d, "mx1.example.com.", 3600, "A", "192.0.2.25");
	if (variant == 0)
		dsnap_add_rr(d, "mx2.example.com.", 3600, "A", "192.0.2.26");
	else
		dsnap_add_rr(d, "_dmarc.example.com.", 3600, "TXT", "\"v=DMARC1; p=reject\"");
	dsnap_add_lookup(d, "example.com.", "MX", LK_NOERROR);
	l = dsnap_add_lookup(d, "mx1.example.com.", "A", LK_NOERROR);
	free(l->servers);
	l->servers = xstrdup("127.0.0.1");
	dsnap_sort(d);

	d = snapshot_add_domain(s, "example.org");
	dsnap_add_rr(d, "example.org.", 300, "TXT", "\"v=spf1 -all\"");
	dsnap_add_lookup(d, "example.org.", "TXT", LK_NOERROR);
	dsnap_sort(d);

	ALLOC_GROW(s->fws, s->nfw + 1, s->fw_alloc);
	memset(&s->fws[s->nfw], 0, sizeof(s->fws[0]));
	s->fws[s->nfw].name = xstrdup("edge");
	s->fws[s->nfw].export_text = xstrdup("*filter\n-A INPUT -p tcp --dport 25 -j ACCEPT\nCOMMIT\n");
	s->fws[s->nfw++].rules_text = xstrdup("filter INPUT 1 tcp dport 25 ACCEPT\n");
	ALLOC_GROW(s->fws, s->nfw + 1, s->fw_alloc);
	memset(&s->fws[s->nfw], 0, sizeof(s->fws[0]));
	s->fws[s->nfw].name = xstrdup("inner");
	s->fws[s->nfw].export_text = xstrdup("{\"nftables\": []}\n");
	s->fws[s->nfw++].rules_text = xstrdup("# mxaudit firewall model 1, format nft-json\n");
	snapshot_sort(s);
}

/* Commit snapshot variant; returns whether a commit was made. */
static bool commit_variant(struct store *st, int variant, const char *msg, char id[41])
{
	struct snapshot s = { 0 };
	bool changed = true;

	make_snap(&s, variant);
	assert_int_equal(store_commit(st, &s, msg, &changed, id), 0);
	snapshot_release(&s);
	return changed;
}

static void test_init(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_init(f->path), 1);   /* already a store */
	assert_run("true", "git --git-dir='%s' rev-parse --is-bare-repository", f->path);
	assert_run("refs/heads/main", "git --git-dir='%s' symbolic-ref HEAD", f->path);
}

static void test_init_refuses_non_store(void **state)
{
	struct fx *f = *state;
	char *file = xasprintf("%s/file", f->dir), *full = xasprintf("%s/full", f->dir);
	char *wt = xasprintf("%s/worktree", f->dir), *out;

	out = run("touch '%s' && mkdir '%s' && touch '%s/x' && git init -q '%s' && echo done",
		  file, full, full, wt);
	assert_string_equal(out, "done");
	free(out);
	capture_start();
	assert_int_equal(store_init(file), -1);
	assert_int_equal(store_init(full), -1);
	assert_int_equal(store_init(wt), -1);
	out = capture_end();
	assert_non_null(strstr(out, "not a directory"));
	assert_non_null(strstr(out, "is not an mxaudit store"));
	assert_non_null(strstr(out, "work tree"));
	free(out);
	/* Nothing was created inside them. */
	assert_run("x", "ls '%s'", full);
	free(file);
	free(full);
	free(wt);
}

static void test_commit_only_on_change(void **state)
{
	struct fx *f = *state;
	struct store *st;
	char id1[41], id2[41], id3[41], *out;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_true(commit_variant(st, 0, "first\n\nbody", id1));
	assert_int_equal(strlen(id1), 40);
	assert_false(commit_variant(st, 0, "same", id2));
	assert_string_equal(id1, id2);
	assert_true(commit_variant(st, 1, "second", id3));
	assert_string_not_equal(id1, id3);
	store_close(st);

	assert_run("2", "git --git-dir='%s' rev-list --count HEAD", f->path);
	assert_run("mxaudit <mxaudit@localhost>|mxaudit <mxaudit@localhost>\n"
		   "mxaudit <mxaudit@localhost>|mxaudit <mxaudit@localhost>",
		   "git --git-dir='%s' log --format='%%an <%%ae>|%%cn <%%ce>'", f->path);
	out = run("git --git-dir='%s' rev-parse HEAD HEAD~1", f->path);
	{
		char *expect = xasprintf("%s\n%s", id3, id1);
		assert_string_equal(out, expect);
		free(expect);
	}
	free(out);
	assert_run("dns/example.com.status\ndns/example.com.zone\ndns/example.org.status\n"
		   "dns/example.org.zone\nfirewall/edge.export\nfirewall/edge.rules\n"
		   "firewall/inner.export\nfirewall/inner.rules",
		   "git --git-dir='%s' ls-tree -r --name-only HEAD", f->path);
	assert_run("first", "git --git-dir='%s' log -1 --format=%%s HEAD~1", f->path);
	assert_run("", "git --git-dir='%s' fsck --no-dangling 2>&1", f->path);
}

/*
 * libgit2 (mbedTLS on Debian) would parse the CA bundle when the store
 * opens; store_certs.c defers that until a push, which then parses it.
 */
static void test_certs_wait_for_push(void **state)
{
	struct fx *f = *state;
	char *remote = xasprintf("%s/remote.git", f->dir), id[41];
	struct store *st;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_non_null(certs_deferred());     /* noted at start-up, not parsed */
	assert_int_equal(certs_parsed(), 0);
	assert_true(commit_variant(st, 0, "first", id));
	assert_int_equal(certs_parsed(), 0);   /* local work never reads it */
	free(run("git init -q --bare '%s'", remote));
	assert_int_equal(store_push(st, remote, NULL), 0);
	assert_null(certs_deferred());
	assert_int_equal(certs_parsed(), 1);   /* the push loaded it, and it parsed */
	store_close(st);
	assert_run(id, "git --git-dir='%s' rev-parse main", remote);
	free(remote);
}

static void test_read_back(void **state)
{
	struct fx *f = *state;
	struct snapshot want = { 0 }, got = { 0 };
	struct store *st;
	char id[41], *text = NULL;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	commit_variant(st, 1, "x", id);
	make_snap(&want, 1);
	assert_int_equal(store_read(st, id, &got), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.nfw, 2);
	for (size_t i = 0; i < want.n; i++) {
		char *a = dsnap_zone_text(&want.domains[i]), *b = dsnap_zone_text(&got.domains[i]);
		char *c = dsnap_status_text(&want.domains[i]), *d = dsnap_status_text(&got.domains[i]);
		assert_string_equal(want.domains[i].name, got.domains[i].name);
		assert_string_equal(a, b);
		assert_string_equal(c, d);
		free(a), free(b), free(c), free(d);
	}
	assert_string_equal(got.fws[0].name, "edge");
	assert_null(got.fws[0].format);                     /* rules do not say */
	assert_string_equal(got.fws[1].format, "nft-json");   /* from the rules header */
	assert_string_equal(got.fws[0].export_text, want.fws[0].export_text);
	assert_string_equal(got.fws[0].rules_text, want.fws[0].rules_text);
	assert_int_equal(store_read_file(st, "HEAD", "firewall/edge.rules", &text), 0);
	assert_string_equal(text, want.fws[0].rules_text);
	free(text);
	assert_int_equal(store_read_file(st, "HEAD", "dns/nope.zone", &text), 0);
	assert_null(text);
	snapshot_release(&want);
	snapshot_release(&got);
	store_close(st);
}

static void test_diff_lists_changed_files(void **state)
{
	struct fx *f = *state;
	struct store_change *c;
	struct store *st;
	char id1[41], id2[41];
	size_t n;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	commit_variant(st, 0, "a", id1);
	commit_variant(st, 1, "b", id2);
	assert_int_equal(store_diff(st, id1, id2, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].path, "dns/example.com.zone");
	assert_non_null(strstr(c[0].old_text, "mx2.example.com."));
	assert_null(strstr(c[0].new_text, "mx2.example.com."));
	assert_non_null(strstr(c[0].new_text, "_dmarc"));
	store_changes_free(c, n);

	assert_int_equal(store_diff(st, NULL, "HEAD", &c, &n), 0);
	assert_int_equal(n, 8);      /* from nothing: every file is new */
	assert_null(c[0].old_text);
	assert_non_null(c[0].new_text);
	store_changes_free(c, n);
	store_close(st);
}

/*
 * Domains and a firewall added, removed and changed at once: the changed
 * files are exactly those git itself lists, each with the right sides.
 */
/* store_diff's answer is git's: the same paths in order, the same old and new texts. */
static void assert_changes_as_git(struct fx *f, const char *a, const char *b,
				  const struct store_change *ch, size_t n)
{
	struct strbuf paths = STRBUF_INIT;
	char *git = run("git --git-dir='%s' diff --no-renames --name-only %s %s", f->path, a, b);

	for (size_t i = 0; i < n; i++) {
		const char *texts[2] = { ch[i].old_text, ch[i].new_text };
		const char *revs[2] = { a, b };

		sb_addf(&paths, "%s%s", i ? "\n" : "", ch[i].path);
		for (int k = 0; k < 2; k++) {
			char *spec = xasprintf("%s:%s", revs[k], ch[i].path);
			char *want = run("git --git-dir='%s' show %s 2>/dev/null || echo ABSENT",
					 f->path, spec);
			char *have = texts[k] ? xstrdup(texts[k]) : xstrdup("ABSENT\n");
			size_t len = strlen(have);
			if (len && have[len - 1] == '\n')
				have[len - 1] = '\0';   /* run() drops the final newline */
			assert_string_equal(have, want);
			free(have);
			free(want);
			free(spec);
		}
	}
	assert_string_equal(paths.buf ? paths.buf : "", git);
	sb_release(&paths);
	free(git);
}

static void test_diff_agrees_with_git(void **state)
{
	struct fx *f = *state;
	struct snapshot a = { 0 }, b = { 0 };
	struct store_change *c;
	struct strbuf paths = STRBUF_INIT;
	struct store *st;
	char id1[41], id2[41], *git;
	bool changed;
	size_t n;

	make_snap(&a, 0);
	snapshot_add_domain(&a, "b.example");
	dsnap_add_lookup(&a.domains[a.n - 1], "b.example.", "MX", LK_NXDOMAIN);
	snapshot_sort(&a);
	make_snap(&b, 1);
	dsnap_add_rr(snapshot_add_domain(&b, "d.example"), "d.example.", 60, "MX", "0 .");
	free(b.fws[1].name);                   /* "inner" renamed "zinner" */
	b.fws[1].name = xstrdup("zinner");
	snapshot_sort(&b);
	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_int_equal(store_commit(st, &a, "a", &changed, id1), 0);
	assert_int_equal(store_commit(st, &b, "b", &changed, id2), 0);
	assert_int_equal(store_diff(st, id1, id2, &c, &n), 0);
	for (size_t i = 0; i < n; i++) {
		sb_addf(&paths, "%s\n", c[i].path);
		if (strstr(c[i].path, "b.example") || strstr(c[i].path, "/inner.")) {
			assert_non_null(c[i].old_text);
			assert_null(c[i].new_text);
		} else if (strstr(c[i].path, "d.example") || strstr(c[i].path, "zinner")) {
			assert_null(c[i].old_text);
			assert_non_null(c[i].new_text);
		} else {
			assert_non_null(c[i].old_text);
			assert_non_null(c[i].new_text);
			assert_string_not_equal(c[i].old_text, c[i].new_text);
		}
	}
	git = run("git --git-dir='%s' diff --no-renames --name-only %s %s", f->path, id1, id2);
	paths.buf[--paths.len] = '\0';        /* run() drops the last newline too */
	assert_string_equal(paths.buf, git);
	assert_non_null(strstr(paths.buf, "dns/d.example.zone\n"));
	free(git);
	sb_release(&paths);
	store_changes_free(c, n);
	store_close(st);
	snapshot_release(&a);
	snapshot_release(&b);
}

/* The list of changed files a commit keeps: its text format. */
static void test_changelist_format(void **state)
{
	static const char *const bad[] = {
		"- - dns/a.zone",                                        /* absent on both sides */
		"- 0123456789abcdef0123456789abcdef0123456 dns/a.zone",  /* 39 digits */
		"- 0123456789ABCDEF0123456789abcdef01234567 dns/a.zone", /* upper case */
		"- 0123456789abcdef0123456789abcdef01234567 ",           /* no path */
		"- 0123456789abcdef0123456789abcdef01234567",
		"x 0123456789abcdef0123456789abcdef01234567 dns/a.zone",
		"- 0123456789abcdef0123456789abcdef01234567 dns/a.zone\n\n- - b",
	};
	const char *good = "- 0123456789abcdef0123456789abcdef01234567 dns/a.zone\n"
			   "0123456789abcdef0123456789abcdef01234567 - firewall/my edge.rules";
	struct changed_file *v;
	size_t n;
	char *again;

	assert_int_equal(changelist_parse(good, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_false(v[0].has[0]);
	assert_true(v[0].has[1]);
	assert_int_equal(v[0].id[1][0], 0x01);
	assert_int_equal(v[0].id[1][19], 0x67);
	assert_string_equal(v[1].path, "firewall/my edge.rules");
	again = changelist_format(v, n);
	assert_string_equal(again, good);
	free(again);
	changelist_free(v, n);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(changelist_parse(bad[i], &v, &n), -1);
	assert_int_equal(changelist_parse("", &v, &n), 0);
	assert_int_equal(n, 0);
}

/*
 * A commit lists the files it changed against its parent, and diff reads
 * that list instead of walking the trees. A list that does not parse,
 * or a diff of commits that are not parent and child, walks the trees:
 * the answer is git's either way.
 */
static void test_changes_listed(void **state)
{
	struct fx *f = *state;
	struct snapshot a = { 0 }, b = { 0 }, c = { 0 };
	struct store_change *ch;
	struct store *st;
	char id1[41], id2[41], id3[41], *out, *forged, *expect;
	bool changed;
	size_t n;

	make_snap(&a, 0);
	make_snap(&b, 1);
	make_snap(&c, 0);
	dsnap_add_rr(&c.domains[1], "example.org.", 300, "A", "192.0.2.80");
	dsnap_sort(&c.domains[1]);
	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_int_equal(store_commit(st, &a, "a", &changed, id1), 0);
	assert_int_equal(store_commit(st, &b, "b", &changed, id2), 0);
	assert_int_equal(store_commit(st, &c, "c", &changed, id3), 0);
	out = run("git --git-dir='%s' cat-file -p %s", f->path, id1);
	assert_null(strstr(out, "mxaudit-changes"));     /* the first has no parent to list against */
	free(out);
	out = run("git --git-dir='%s' cat-file commit %s | awk '/^$/ { exit } "
		  "/^mxaudit-changes / || (on && /^ /) { on = 1; print $NF; next } { on = 0 }'",
		  f->path, id2);
	expect = run("git --git-dir='%s' diff --no-renames --name-only %s %s", f->path, id1, id2);
	assert_string_equal(out, expect);
	free(out);
	free(expect);
	assert_run("", "git --git-dir='%s' fsck --strict --no-dangling 2>&1", f->path);

	/* Listed (parent and child), and across two commits (walked): both as git has it. */
	assert_int_equal(store_diff(st, id1, id2, &ch, &n), 0);
	assert_changes_as_git(f, id1, id2, ch, n);
	store_changes_free(ch, n);
	assert_int_equal(store_diff(st, id1, id3, &ch, &n), 0);
	assert_changes_as_git(f, id1, id3, ch, n);
	store_changes_free(ch, n);

	/* A child of id1 whose list does not parse: the trees are walked. */
	forged = run("git --git-dir='%s' cat-file commit %s | "
		     "sed 's/^mxaudit-changes [0-9a-f-]* /mxaudit-changes zz /' | "
		     "git --git-dir='%s' hash-object -t commit -w --stdin", f->path, id2, f->path);
	assert_int_equal(strlen(forged), 40);
	assert_int_equal(store_diff(st, id1, forged, &ch, &n), 0);
	assert_changes_as_git(f, id1, forged, ch, n);
	store_changes_free(ch, n);
	free(forged);
	store_close(st);
	snapshot_release(&a);
	snapshot_release(&b);
	snapshot_release(&c);
}

static void test_log_tags_and_at(void **state)
{
	struct fx *f = *state;
	struct store_commit *c;
	struct strlist paths = STRLIST_INIT;
	struct store *st;
	char id1[41], id2[41], id[41];
	time_t now = time(NULL);
	size_t n;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_int_equal(store_log(st, 0, 0, NULL, &c, &n), 0);   /* empty store */
	assert_int_equal(n, 0);
	assert_int_equal(store_at(st, now, id), 1);
	assert_int_equal(store_resolve(st, "HEAD", id), 1);
	commit_variant(st, 0, "one: mx2 there", id1);
	commit_variant(st, 1, "two: mx2 gone\n\ndetails", id2);
	assert_int_equal(store_tag(st, "CHG-42-pre", id1), 0);
	assert_int_equal(store_tag(st, "CHG-42-pre", id1), 0);    /* same place: fine */
	capture_start();
	assert_int_equal(store_tag(st, "CHG-42-pre", id2), -1);
	assert_int_equal(store_tag(st, "bad..name", id2), -1);
	assert_int_equal(store_tag(st, "-x", id2), -1);
	free(capture_end());
	assert_int_equal(store_tag(st, "post", "HEAD"), 0);

	assert_int_equal(store_log(st, 0, 0, NULL, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].id, id2);       /* newest first */
	assert_string_equal(c[0].summary, "two: mx2 gone");
	assert_string_equal(c[1].id, id1);
	assert_int_equal(c[1].tags.n, 1);
	assert_string_equal(c[1].tags.v[0], "CHG-42-pre");
	assert_string_equal(c[0].tags.v[0], "post");
	assert_true(c[0].when >= now - 5 && c[0].when <= now + 5);
	store_commits_free(c, n);

	/* Only the first commit touched example.org; both touched example.com. */
	assert_int_equal(store_log(st, 0, 0, "dns/example.org.", &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].id, id1);
	store_commits_free(c, n);
	assert_int_equal(store_log(st, 0, 0, "dns/example.com.", &c, &n), 0);
	assert_int_equal(n, 2);
	store_commits_free(c, n);
	sl_push(&paths, "dns/example.org.zone");
	assert_int_equal(store_log_paths(st, 0, 0, &paths, &c, &n), 0);
	assert_int_equal(n, 1);
	store_commits_free(c, n);
	sl_release(&paths);

	assert_int_equal(store_log(st, now + 3600, 0, NULL, &c, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_log(st, 0, now - 3600, NULL, &c, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_log(st, now - 3600, now + 3600, NULL, &c, &n), 0);
	assert_int_equal(n, 2);
	store_commits_free(c, n);

	assert_int_equal(store_at(st, now + 60, id), 0);
	assert_string_equal(id, id2);
	assert_int_equal(store_at(st, now - 3600, id), 1);
	assert_int_equal(store_resolve(st, "CHG-42-pre", id), 0);
	assert_string_equal(id, id1);
	assert_int_equal(store_resolve(st, "HEAD~1", id), 0);
	assert_string_equal(id, id1);
	capture_start();
	assert_int_equal(store_resolve(st, "HEAD~5", id), -1);
	free(capture_end());
	store_close(st);
	assert_run("CHG-42-pre\npost", "git --git-dir='%s' tag", f->path);
}

static void test_lock(void **state)
{
	struct fx *f = *state;
	struct store *a, *b, *c;
	char *err, *pid = xasprintf("(pid %ld)", (long)getpid()), *file;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &a), 0);
	capture_start();
	assert_int_equal(store_open(f->path, true, &b), STORE_ELOCKED);
	err = capture_end();
	assert_null(b);
	assert_non_null(strstr(err, "is locked by another mxaudit run"));
	assert_non_null(strstr(err, pid));
	free(err);
	assert_int_equal(store_open(f->path, false, &c), 0);   /* readers do not lock */
	store_close(c);
	store_close(a);
	assert_int_equal(store_open(f->path, true, &b), 0);    /* released */
	store_close(b);

	/* A ref lock left by a killed run does not block the next one. */
	file = xasprintf("%s/refs/heads/main.lock", f->path);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	capture_start();
	assert_int_equal(store_open(f->path, true, &a), 0);
	err = capture_end();
	assert_non_null(strstr(err, "removed stale lock"));
	free(err);
	{
		char id[41];
		assert_true(commit_variant(a, 0, "after a crash", id));
	}
	store_close(a);
	free(file);
	free(pid);
}

static void test_missing_and_corrupt(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char id[41], *err, *obj, *before, *after, *empty = xasprintf("%s/empty", f->dir);

	capture_start();
	assert_int_equal(store_open(f->path, true, &st), -1);
	mkdir(empty, 0755);
	assert_int_equal(store_open(empty, false, &st), -1);
	err = capture_end();
	assert_null(st);
	assert_non_null(strstr(err, "no mxaudit store at"));
	assert_non_null(strstr(err, "not an mxaudit store"));
	assert_non_null(strstr(err, "mxaudit init"));
	free(err);

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	commit_variant(st, 0, "x", id);
	store_close(st);
	/* Lose the objects (a snapshot is written as one pack): the store is corrupt. */
	obj = run("ls '%s'/objects/pack/*.pack '%s'/objects/pack/*.idx | xargs rm -v | wc -l", f->path, f->path);
	assert_string_equal(obj, "2");
	before = run("cd '%s' && find . -type f | sort | xargs md5sum", f->path);
	capture_start();
	assert_int_equal(store_open(f->path, true, &st), -1);
	err = capture_end();
	assert_non_null(strstr(err, "is corrupt"));
	after = run("cd '%s' && find . -type f | sort | xargs md5sum", f->path);
	assert_string_equal(before, after);       /* left untouched */
	free(err);
	free(before);
	free(after);
	free(obj);
	free(empty);
}

/* Many domains in one commit; only what changed is rewritten. */
static void test_scale(void **state)
{
	struct fx *f = *state;
	struct snapshot s = { 0 };
	struct store_commit *c;
	struct store_change *ch;
	struct store *st;
	char id[41], name[64], addr[96];
	bool changed;
	size_t n;
	/* Under valgrind everything is 50 times slower: a smaller store. */
	bool slow = getenv("MXAUDIT_VALGRIND") != NULL;
	int ndomains = slow ? 2000 : 20000;

	for (int i = 0; i < ndomains; i++) {
		struct domain_snap *d;
		snprintf(name, sizeof(name), "d%05d.example", i);
		d = snapshot_add_domain(&s, name);
		snprintf(name, sizeof(name), "d%05d.example.", i);
		snprintf(addr, sizeof(addr), "10 mx.%s", name);
		dsnap_add_rr(d, name, 3600, "MX", addr);
		dsnap_add_lookup(d, name, "MX", LK_NOERROR);
	}
	snapshot_sort(&s);
	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, true, &st), 0);
	assert_int_equal(store_commit(st, &s, "big", &changed, id), 0);
	assert_true(changed);
	/*
	 * 40 domains change: enough that the old side's big dns/ tree (at
	 * 20,000 domains) and files are read on the second thread.
	 */
	for (int i = 0; i < 40; i++) {
		struct domain_snap *d = &s.domains[(123 + 997 * i) % ndomains];
		char *owner = xasprintf("%s.", d->name);
		dsnap_add_rr(d, owner, 60, "TXT", "\"changed\"");
		dsnap_sort(d);
		free(owner);
	}
	assert_int_equal(store_commit(st, &s, "40 domains", &changed, id), 0);
	assert_true(changed);
	assert_int_equal(store_diff(st, "HEAD~1", "HEAD", &ch, &n), 0);
	assert_int_equal(n, 40);
	{
		struct strbuf paths = STRBUF_INIT;
		char *git = run("git --git-dir='%s' diff --name-only HEAD~1 HEAD", f->path);
		char *old = run("git --git-dir='%s' show HEAD~1:%s", f->path, ch[7].path);
		char *new = run("git --git-dir='%s' show HEAD:%s", f->path, ch[7].path);

		for (size_t i = 0; i < n; i++) {
			sb_addf(&paths, "%s%s", i ? "\n" : "", ch[i].path);
			assert_null(strstr(ch[i].old_text, "changed"));
			assert_non_null(strstr(ch[i].new_text, "\"changed\""));
		}
		assert_string_equal(paths.buf, git);
		assert_non_null(strstr(paths.buf, "dns/d00123.example.zone"));
		/* run() drops the final newline. */
		ch[7].old_text[strlen(ch[7].old_text) - 1] = '\0';
		ch[7].new_text[strlen(ch[7].new_text) - 1] = '\0';
		assert_string_equal(ch[7].old_text, old);
		assert_string_equal(ch[7].new_text, new);
		sb_release(&paths);
		free(git);
		free(old);
		free(new);
	}
	store_changes_free(ch, n);
	assert_int_equal(store_log(st, 0, 0, "dns/d00123.example.", &c, &n), 0);
	assert_int_equal(n, 2);
	store_commits_free(c, n);
	assert_int_equal(store_log(st, 0, 0, "dns/d00124.example.", &c, &n), 0);
	assert_int_equal(n, 1);
	store_commits_free(c, n);
	assert_run(slow ? "4000" : "40000",
		   "git --git-dir='%s' ls-tree -r --name-only HEAD | wc -l", f->path);
	store_close(st);
	snapshot_release(&s);
}

/*
 * A history written as given (the fuzzer's way in): files in any
 * directory, a raw message, a hand-made list of changed files, an
 * annotated tag; read back through log, read, ls and diff. A store with
 * no tag and a dns/ directory with no snapshot file in it read as
 * empty (both once sorted a NULL array).
 */
static void test_commit_files(void **state)
{
	struct fx *f = *state;
	struct store_file v1[] = { { "dns/notes.txt", "not a snapshot file\n" },
				   { "README", "hi\n" } };
	struct store_file v2[] = { { "dns/example.com.zone",
				     "example.com.\t300\tIN\tMX\t10 mx.example.com.\n" },
				   { "firewall/gw.rules", "# mxaudit firewall model 1, format iptables\n" } };
	struct store_commit *c = NULL;
	struct store_change *ch = NULL;
	struct strlist paths = STRLIST_INIT;
	struct snapshot snap = { 0 };
	struct store *s;
	char id1[41], id2[41];
	size_t n = 0;

	assert_int_equal(store_init(f->path), 0);
	assert_int_equal(store_open(f->path, false, &s), 0);
	assert_int_equal(store_commit_files(s, v1, 2, "first\n\nbody\n", NULL, 1700000000, true, id1), 0);
	assert_int_equal(store_log(s, 0, 0, NULL, &c, &n), 0);     /* no tag */
	assert_int_equal(n, 1);
	assert_string_equal(c[0].summary, "first");
	assert_int_equal(c[0].tags.n, 0);
	store_commits_free(c, n);
	assert_int_equal(store_read(s, id1, &snap), 0);            /* dns/ without a .zone */
	assert_int_equal(snap.n, 0);
	assert_int_equal(snap.nfw, 0);
	snapshot_release(&snap);

	/* A list of changed files that is not the truth is what diff reports. */
	assert_int_equal(store_commit_files(s, v2, 2, "second", "- 0123456789012345678901234567890123456789 dns/x.zone",
					    1700000060, false, id2), 0);
	assert_int_equal(store_tag_note(s, "v2", id2, "annotated\n"), 0);
	assert_int_equal(store_tag(s, "plain", id1), 0);
	assert_int_equal(store_log(s, 0, 0, NULL, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].id, id2);
	assert_int_equal(c[0].tags.n, 1);
	assert_string_equal(c[0].tags.v[0], "v2");
	assert_string_equal(c[1].tags.v[0], "plain");
	store_commits_free(c, n);
	assert_int_equal(store_ls(s, id2, &paths), 0);
	assert_int_equal(paths.n, 2);
	assert_string_equal(paths.v[0], "dns/example.com.zone");
	sl_release(&paths);
	assert_int_equal(store_read(s, id2, &snap), 0);
	assert_int_equal(snap.n, 1);
	assert_int_equal(snap.nfw, 1);
	assert_string_equal(snap.fws[0].format, "iptables");
	snapshot_release(&snap);
	capture_start();
	assert_int_equal(store_diff(s, id1, id2, &ch, &n), -1);    /* the listed blob is missing */
	free(capture_end());
	store_changes_free(ch, 0);

	/* Dropped tags, a new first commit: its history alone, no tag. */
	assert_int_equal(store_drop_tags(s), 0);
	assert_int_equal(store_commit_files(s, v1, 1, "again", NULL, 1700000120, true, id1), 0);
	store_close(s);
	assert_int_equal(store_open(f->path, false, &s), 0);
	assert_int_equal(store_log(s, 0, 0, NULL, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].summary, "again");
	assert_int_equal(c[0].tags.n, 0);
	store_commits_free(c, n);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_refuses_non_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_only_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certs_wait_for_push, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_lists_changed_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_agrees_with_git, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changelist_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_tags_and_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
