/*
 * store.h - the snapshot store: a bare git repository written through
 * libgit2 (store.c is the only file that uses it).
 *
 * Layout of a snapshot tree: dns/<domain>.zone, dns/<domain>.status,
 * firewall/<name>.export, firewall/<name>.rules. Trees are built
 * directly in the object database: no work tree, no checkout, so a run
 * killed at any point leaves the previous snapshot and refs intact (the
 * ref moves last, atomically).
 */
#ifndef MXAUDIT_STORE_H
#define MXAUDIT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "snapshot.h"

struct store;

struct store_commit {
	char id[41];
	char *summary;        /* first line of the message */
	char *message;        /* whole message */
	time_t when;
	int tz_minutes;
	struct strlist tags;  /* tags pointing at it */
};

/* A changed file between two snapshots. */
struct store_change {
	char *path;           /* "dns/example.com.zone" */
	char *old_text;       /* NULL if added */
	char *new_text;       /* NULL if deleted */
};

/* store_open's result when another run holds the store's lock. */
#define STORE_ELOCKED (-2)

/* store.c */
/* Create (with parents); 0 if created, 1 if it already is a store, -1. */
int store_init(const char *path);
/*
 * Open; with lock, take the store's run lock or fail naming who holds it
 * (returns STORE_ELOCKED). Without lock (readers) nothing is written.
 */
int store_open(const char *path, bool lock, struct store **out);
void store_close(struct store *s);           /* releases the lock */
/* Resolve a revision ("HEAD~2", tag, id). Returns 0, 1 if the store is empty, -1. */
int store_resolve(struct store *s, const char *rev, char id[41]);
/* Read a snapshot (all files) at a commit. */
int store_read(struct store *s, const char *id, struct snapshot *out);
/* Read one file at a commit; *out NULL if absent. */
int store_read_file(struct store *s, const char *id, const char *path, char **out);
/*
 * Write snap as a new commit on HEAD if its tree differs from HEAD's.
 * *changed says whether a commit was made; id gets the new (or current)
 * commit. message: first line is the summary.
 */
int store_commit(struct store *s, const struct snapshot *snap,
		 const char *message, bool *changed, char id[41]);
int store_tag(struct store *s, const char *name, const char *id);
/* Files that differ between two commits (a may be NULL: everything is new). */
int store_diff(struct store *s, const char *a, const char *b,
	       struct store_change **out, size_t *n);
void store_changes_free(struct store_change *c, size_t n);
/*
 * Commits reachable from HEAD, newest first; path_prefix filters to commits
 * touching it. since/until of 0 mean no bound; both are inclusive.
 */
int store_log(struct store *s, time_t since, time_t until, const char *path_prefix,
	      struct store_commit **out, size_t *n);
/* Like store_log, but only commits that change one of the exact paths. */
int store_log_paths(struct store *s, time_t since, time_t until,
		    const struct strlist *paths,
		    struct store_commit **out, size_t *n);
/* Silent store_resolve: 0 if rev names a commit (id filled), 1 if not. */
int store_rev_exists(struct store *s, const char *rev, char id[41]);
/* Append every file path of the snapshot at a commit to paths, sorted. */
int store_ls(struct store *s, const char *id, struct strlist *paths);
void store_commits_free(struct store_commit *c, size_t n);
/* One commit (id or rev) with its tags; the caller releases it with store_commit_release(). */
int store_commit_info(struct store *s, const char *id, struct store_commit *out);
void store_commit_release(struct store_commit *c);
/* The commit at or before a time ("--at"), 1 if none. */
int store_at(struct store *s, time_t when, char id[41]);

/*
 * A history written as given, not as a snapshot would be (tests and
 * fuzz/fuzz_store_read.c feed the readers with it). store_commit_files:
 * a commit of a tree of exactly files f (paths may name directories; one
 * git refuses is left out) with message as is, at when, with changes
 * (when not NULL) as its list of changed files; on the branch's commit
 * unless root; the branch moves to it whatever it pointed at.
 * store_tag_note: an annotated tag (replaced if it exists).
 * store_drop_tags: removes every tag. (A store that holds commits but
 * no branch is refused by store_open: a new root commit replaces the
 * history instead.)
 */
struct store_file {
	const char *path;
	const char *text;
};
int store_commit_files(struct store *s, const struct store_file *f, size_t n,
		       const char *message, const char *changes, time_t when, bool root,
		       char id[41]);
int store_tag_note(struct store *s, const char *name, const char *id, const char *message);
int store_drop_tags(struct store *s);

/*
 * Push the store's branch (to refs/heads/<branch>, default main) and its
 * tags to remote: a remote configured in the store, or a URL or path.
 * Fails on rejection (e.g. not a fast-forward). Returns 0 or -1.
 */
int store_push(struct store *s, const char *remote, const char *branch);

/*
 * changelist.c: the files a commit changed against its parent, the text
 * store.c keeps in the commit ("OLD NEW PATH" lines; ids in hex or "-").
 */
#define CHANGELIST_IDLEN 20      /* bytes of a blob id */
struct changed_file {
	char *path;
	unsigned char id[2][CHANGELIST_IDLEN];   /* [0] in the parent, [1] in the commit */
	bool has[2];
};
int changelist_parse(const char *text, struct changed_file **out, size_t *n);  /* 0 or -1 */
char *changelist_format(const struct changed_file *v, size_t n);
void changelist_free(struct changed_file *v, size_t n);

/*
 * store_certs.c: libgit2's CA bundle is noted at start-up and parsed only
 * when a push needs it. certs_needed() ends the deferral and returns the
 * bundle to load (NULL: nothing was deferred); certs_deferred() is that
 * path while still deferred; certs_parsed() counts bundles parsed since.
 */
const char *certs_needed(void);
const char *certs_deferred(void);
unsigned certs_parsed(void);

/* when.c: parse "2026-11-20 14:00", "1 day ago", "yesterday", "@EPOCH", ... */
int when_parse(const char *opt, const char *s, time_t now, time_t *out);

#endif
