/*
 * store.c - the snapshot store: a bare git repository written through
 * libgit2. This is the only file that includes libgit2's headers; its
 * errors are translated into mxaudit's error() here.
 *
 * Writes go straight into the object database (blobs, then trees built
 * with treebuilders, then the commit) and the branch moves last, through
 * libgit2's lock-file-and-rename ref update. A run killed at any point
 * leaves unreferenced objects at worst, never a broken HEAD.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "snaplayout.h"
#include "store.h"
#include "store_pack.h"

#define BRANCH "refs/heads/main"
/*
 * The commit header field that lists the files a snapshot changed
 * against its parent (changelist.c), and the most files it lists: a
 * commit that changes more (a first snapshot) has none, and a diff then
 * walks the trees, which costs little next to reading that many files.
 */
#define CHANGES_FIELD "mxaudit-changes"
#define CHANGES_MAX 2000
#define LOCK_FILE "mxaudit.lock"
#define SIG_NAME "mxaudit"
#define SIG_EMAIL "mxaudit@localhost"

struct tag_map {
	git_oid oid;
	char *name;
};

struct store {
	git_repository *repo;
	git_odb *odb;
	/*
	 * A second handle on the same repository for a second thread
	 * (libgit2 objects are used by one thread at a time): diff reads the
	 * old side's big trees and files with it meanwhile. Opened on first use.
	 */
	git_repository *aux;
	git_odb *aux_odb;
	git_odb_backend *mempack;  /* new objects gather here, then go to disk as one pack */
	size_t nwritten;           /* blobs the current commit put into mempack */
	struct {                   /* the two revisions store_read_file() read last */
		char *rev;         /* (diff reads two, alternately) ... */
		git_tree *tree;    /* ... and their trees, kept for the next file */
	} trees[2];
	char *path;
	int lock_fd;
	struct tag_map *tags;   /* loaded on first use by store_log */
	size_t ntags, tags_alloc;
	bool tags_loaded;
};

/*
 * Files that differ between two trees: the tree walk's answer, and the
 * list a commit keeps (changelist.c), in the one form.
 */
struct changes {
	struct changed_file *f;
	size_t n, alloc;
};

/* Print what libgit2 said about the last failure, after what we tried. */
static int git_fail(const char *fmt, const char *arg)
{
	const git_error *e = git_error_last();
	char *what = xasprintf(fmt, arg);

	error("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
	free(what);
	return -1;
}

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			r = error("cannot create '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return r;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/*
 * Is path an existing store? 1 yes, 0 it does not exist, -1 (after an
 * error) it exists but is not a store.
 */
static int probe_store(const char *path)
{
	git_repository *repo = NULL;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return error("'%s' exists and is not a directory, so it cannot be a store", path);
	r = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (r == GIT_ENOTFOUND)
		return dir_is_empty(path) ? 0 :
			error("'%s' exists and is not an mxaudit store (not a git repository)", path);
	if (r < 0)
		return git_fail("cannot open '%s'", path);
	r = git_repository_is_bare(repo) ? 1 :
		error("'%s' is a git work tree, not an mxaudit store (a bare repository)", path);
	git_repository_free(repo);
	return r;
}

int store_init(const char *path)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	int r;

	git_libgit2_init();
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if ((r = probe_store(path)) != 0)
		goto out;
	if ((r = mkdir_p(path)) < 0)
		goto out;
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	opts.description = "mxaudit snapshot store\n";
	if (git_repository_init_ext(&repo, path, &opts) < 0) {
		r = git_fail("cannot create store '%s'", path);
		goto out;
	}
	r = 0;
out:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return r;
}

/* Take the run lock: flock on <gitdir>/mxaudit.lock, holding our pid. */
static int take_lock(struct store *s)
{
	char *file = xasprintf("%s%s", git_repository_path(s->repo), LOCK_FILE);
	char pid[32] = "unknown";
	ssize_t n;
	int fd, r = 0;

	fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = error("cannot open lock file '%s': %s", file, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			if ((n = pread(fd, pid, sizeof(pid) - 1, 0)) > 0) {
				pid[n] = '\0';
				pid[strcspn(pid, "\n")] = '\0';
			}
			error("store '%s' is locked by another mxaudit run (pid %s)", s->path, pid);
			r = STORE_ELOCKED;
		} else {
			r = error("cannot lock '%s': %s", file, strerror(errno));
		}
		close(fd);
		goto out;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		warning("cannot write pid to '%s': %s", file, strerror(errno));
	s->lock_fd = fd;
out:
	free(file);
	return r;
}

/*
 * With the run lock held no other mxaudit writes the store, so a ref
 * lock file left by a killed run is stale; it would block every later
 * commit, so remove it.
 */
static void remove_stale_ref_locks(struct store *s)
{
	static const char *const names[] = { "HEAD.lock", BRANCH ".lock", "packed-refs.lock" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *f = xasprintf("%s%s", git_repository_path(s->repo), names[i]);
		if (!unlink(f))
			warning("removed stale lock '%s' left by an interrupted run", f);
		free(f);
	}
}

static int is_commit(const git_oid *id, void *odb)
{
	size_t size;
	git_object_t type;

	if (git_odb_read_header(&size, &type, odb, id) == 0 && type == GIT_OBJECT_COMMIT)
		return 1;   /* stops the walk */
	return 0;
}

/* Does the store hold a commit, though its branch is missing? */
static bool has_history(struct store *s)
{
	git_odb *odb = NULL;
	bool found = false;

	if (git_repository_odb(&odb, s->repo) == 0)
		found = git_odb_foreach(odb, is_commit, odb) == 1;
	git_error_clear();
	git_odb_free(odb);
	return found;
}

/*
 * Refuse a store whose HEAD does not lead to a readable commit and tree,
 * and one whose branch is gone while its snapshots are still there: a
 * new baseline would hide them.
 */
static int check_head(struct store *s)
{
	git_reference *head = NULL;
	git_commit *c = NULL;
	git_tree *t = NULL;
	int r;

	r = git_repository_head(&head, s->repo);
	if ((r == GIT_EUNBORNBRANCH || r == GIT_ENOTFOUND) && has_history(s)) {
		git_error_clear();
		return error("store '%s' holds snapshots but its branch %s is missing; nothing "
			     "was changed. To recover, find the newest snapshot (git --git-dir='%s' "
			     "fsck --lost-found lists unreferenced commits; git --git-dir='%s' log "
			     "COMMIT shows one) and point the branch at it: git --git-dir='%s' "
			     "update-ref %s COMMIT", s->path, BRANCH, s->path, s->path, s->path, BRANCH);
	}
	if (r == GIT_EUNBORNBRANCH || r == GIT_ENOTFOUND)
		return 0;
	if (r < 0 || git_commit_lookup(&c, s->repo, git_reference_target(head)) < 0 ||
	    git_commit_tree(&t, c) < 0)
		r = git_fail("store '%s' is corrupt (HEAD is unreadable); it was left untouched", s->path);
	git_tree_free(t);
	git_commit_free(c);
	git_reference_free(head);
	return r < 0 ? -1 : 0;
}

static int open_repo(const char *path, git_repository **repo)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return error("no mxaudit store at '%s'; run 'mxaudit init --store %s' to create one",
			     path, path);
	r = git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (r == GIT_ENOTFOUND)
		return error("'%s' is not an mxaudit store (not a git repository); name the "
			     "store with --store, or create one with 'mxaudit init --store DIR'", path);
	if (r < 0)
		return git_fail("store '%s' cannot be opened", path);
	if (!git_repository_is_bare(*repo))
		return error("'%s' is a git work tree, not an mxaudit store (a bare repository)", path);
	return 0;
}

int store_open(const char *path, bool lock, struct store **out)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int r;

	git_libgit2_init();
	/* We write objects and reference them at once: skip the checks. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	/*
	 * A snapshot's dns/ tree lists every domain: megabytes at scale. Let
	 * libgit2 keep such trees in its object cache instead of reading and
	 * hashing them again for every file looked up in them.
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)64 << 20);
	/*
	 * So do commits: the first snapshot's message names every domain
	 * (a megabyte at scale), and diff resolves the same commit several
	 * times (its id, its tree, files in it).
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)64 << 20);
	/*
	 * Reads are not re-hashed, as with git itself: zlib's checksum still
	 * catches damaged objects, and `git fsck` verifies hashes.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)512 << 20);
	s->path = xstrdup(path);
	s->lock_fd = -1;
	*out = NULL;
	if ((r = open_repo(path, &s->repo)) < 0 || (r = check_head(s)) < 0)
		goto out;
	if (git_repository_odb(&s->odb, s->repo) < 0) {
		r = git_fail("cannot open the objects of store '%s'", path);
		goto out;
	}
	if (lock) {
		if ((r = take_lock(s)) < 0)
			goto out;
		remove_stale_ref_locks(s);
		store_pack_tidy(s->repo);
	}
	*out = s;
	return 0;
out:
	store_close(s);
	return r;
}

static void forget_trees(struct store *s);

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->lock_fd >= 0)
		close(s->lock_fd);   /* releases the flock */
	for (size_t i = 0; i < s->ntags; i++)
		free(s->tags[i].name);
	free(s->tags);
	forget_trees(s);
	git_odb_free(s->odb);
	git_repository_free(s->repo);
	git_odb_free(s->aux_odb);
	git_repository_free(s->aux);
	free(s->path);
	free(s);
	git_libgit2_shutdown();
}

/* Resolve rev to a commit; quiet: no message. GIT_ENOTFOUND or < 0. */
static int lookup_rev(struct store *s, const char *rev, git_commit **out)
{
	git_object *obj = NULL, *peeled = NULL;
	int r;

	*out = NULL;
	if ((r = git_revparse_single(&obj, s->repo, rev ? rev : "HEAD")) < 0)
		return r;
	r = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (r < 0)
		return r;
	*out = (git_commit *)peeled;
	return 0;
}

static bool store_is_empty(struct store *s)
{
	return git_repository_head_unborn(s->repo) == 1;
}

int store_rev_exists(struct store *s, const char *rev, char id[41])
{
	git_commit *c;

	if (lookup_rev(s, rev, &c) < 0) {
		git_error_clear();
		return 1;
	}
	git_oid_tostr(id, 41, git_commit_id(c));
	git_commit_free(c);
	return 0;
}

int store_resolve(struct store *s, const char *rev, char id[41])
{
	git_commit *c;
	int r;

	id[0] = '\0';
	if (store_is_empty(s))
		return 1;
	r = lookup_rev(s, rev, &c);
	if (r == GIT_ENOTFOUND || r == GIT_EINVALIDSPEC || r == GIT_EAMBIGUOUS ||
	    r == GIT_EPEEL || r == GIT_EINVALID)
		return error("unknown revision '%s' (give a snapshot id, a tag or e.g. HEAD~1)",
			     rev ? rev : "HEAD");
	if (r < 0)
		return git_fail("cannot resolve '%s'", rev ? rev : "HEAD");
	git_oid_tostr(id, 41, git_commit_id(c));
	git_commit_free(c);
	return 0;
}

/* The tree of the commit named by a rev or id. */
static int commit_tree(struct store *s, const char *rev, git_tree **out)
{
	git_commit *c;
	int r;

	*out = NULL;
	r = lookup_rev(s, rev, &c);
	if (r == GIT_ENOTFOUND || r == GIT_EINVALIDSPEC || r == GIT_EAMBIGUOUS)
		return error("unknown revision '%s'", rev ? rev : "HEAD");
	if (r < 0)
		return git_fail("cannot resolve '%s'", rev ? rev : "HEAD");
	r = git_commit_tree(out, c);
	git_commit_free(c);
	return r < 0 ? git_fail("cannot read the tree of '%s'", rev ? rev : "HEAD") : 0;
}

/*
 * A blob's content as a NUL-terminated string the caller frees. Read
 * from the object database directly: blobs are read once, and the object
 * cache (which keeps no blobs anyway) would only add its bookkeeping.
 */
static int blob_text(git_odb *odb, const git_oid *oid, const char *path, char **out)
{
	git_odb_object *o = NULL;

	if (git_odb_read(&o, odb, oid) < 0 || git_odb_object_type(o) != GIT_OBJECT_BLOB) {
		git_odb_object_free(o);
		return git_fail("cannot read '%s'", path);
	}
	*out = xstrndup(git_odb_object_data(o), git_odb_object_size(o));
	git_odb_object_free(o);
	return 0;
}

/*
 * Reading many files of one snapshot (diff, check) must not resolve the
 * revision and parse a tree of thousands of entries for each file.
 */
static void forget_trees(struct store *s)
{
	for (int i = 0; i < 2; i++) {
		git_tree_free(s->trees[i].tree);
		free(s->trees[i].rev);
		s->trees[i].tree = NULL;
		s->trees[i].rev = NULL;
	}
}

static int cached_tree(struct store *s, const char *rev, git_tree **out)
{
	const char *key = rev ? rev : "HEAD";
	int r;

	for (int i = 0; i < 2; i++) {
		if (s->trees[i].rev && !strcmp(s->trees[i].rev, key)) {
			*out = s->trees[i].tree;
			return 0;
		}
	}
	/* Evict the older entry; slot 0 is the newest. */
	git_tree_free(s->trees[1].tree);
	free(s->trees[1].rev);
	s->trees[1] = s->trees[0];
	s->trees[0].rev = NULL;
	if ((r = commit_tree(s, rev, &s->trees[0].tree)) < 0)
		return r;
	s->trees[0].rev = xstrdup(key);
	*out = s->trees[0].tree;
	return 0;
}

int store_read_file(struct store *s, const char *id, const char *path, char **out)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	int r;

	*out = NULL;
	if ((r = cached_tree(s, id, &t)) < 0)
		return r;
	r = git_tree_entry_bypath(&e, t, path);
	if (r == GIT_ENOTFOUND) {
		git_error_clear();
		r = 0;
	} else if (r < 0) {
		r = git_fail("cannot read '%s'", path);
	} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		r = blob_text(s->odb, git_tree_entry_id(e), path, out);
	}
	git_tree_entry_free(e);
	return r;
}

/* A file of a snapshot tree directory: "example.com" + ".zone". */
struct part {
	char *stem;
	const char *ext;    /* one of the caller's exts */
	git_oid oid;
};

static int part_cmp(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	int c = strcmp(x->stem, y->stem);
	return c ? c : strcmp(x->ext, y->ext);
}

static void parts_free(struct part *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].stem);
	free(p);
}

/* Append the blobs of t named <stem><ext>, for one of exts, to parts. */
static void collect_parts(git_tree *t, const char *const *exts, size_t nexts,
			  struct part **out, size_t *n, size_t *alloc)
{
	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(e);
		size_t len = strlen(name);

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		for (size_t k = 0; k < nexts; k++) {
			size_t el = strlen(exts[k]);
			if (len <= el || strcmp(name + len - el, exts[k]))
				continue;
			ALLOC_GROW(*out, *n + 1, *alloc);
			(*out)[*n].stem = xstrndup(name, len - el);
			(*out)[*n].ext = exts[k];
			git_oid_cpy(&(*out)[*n].oid, git_tree_entry_id(e));
			(*n)++;
			break;
		}
	}
}

/*
 * The files of directory dir of a snapshot tree that end in one of exts,
 * sorted by stem then extension. A missing directory has none. The
 * caller frees *out with parts_free().
 */
static int list_parts(git_tree *root, const char *dir, const char *const *exts,
		      size_t nexts, struct part **out, size_t *n)
{
	git_tree_entry *de = NULL;
	git_tree *t = NULL;
	size_t alloc = 0;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (git_tree_entry_bypath(&de, root, dir) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_tree_entry_type(de) != GIT_OBJECT_TREE)
		goto out;
	if (git_tree_lookup(&t, git_tree_owner(root), git_tree_entry_id(de)) < 0) {
		r = git_fail("cannot read directory '%s' of the snapshot", dir);
		goto out;
	}
	collect_parts(t, exts, nexts, out, n, &alloc);
	if (*n)      /* *out is NULL then: qsort() of NULL is undefined */
		qsort(*out, *n, sizeof(**out), part_cmp);
out:
	git_tree_free(t);
	git_tree_entry_free(de);
	return r;
}

static int read_domains(struct store *s, git_tree *root, struct snapshot *out)
{
	const char *const *exts = snap_exts(SNAP_DNS);
	struct domain_snap *d = NULL;
	struct part *p;
	size_t n;
	int r;

	if ((r = list_parts(root, snap_dir(SNAP_DNS), exts, 2, &p, &n)) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		char *path = xasprintf("%s/%s%s", snap_dir(SNAP_DNS), p[i].stem, p[i].ext), *text = NULL;

		if (!i || strcmp(p[i].stem, p[i - 1].stem))
			d = snapshot_add_domain(out, p[i].stem);
		/* A line that does not parse costs that line: d->bad says so in the findings. */
		if ((r = blob_text(s->odb, &p[i].oid, path, &text)) >= 0)
			(void)(!strcmp(p[i].ext, exts[SNAP_ZONE]) ? dsnap_parse_zone(d, path, text)
							  : dsnap_parse_status(d, path, text));
		if (r >= 0 && (i + 1 == n || strcmp(p[i].stem, p[i + 1].stem)))
			dsnap_sort(d);
		free(text);
		free(path);
	}
	parts_free(p, n);
	return r < 0 ? -1 : 0;
}

/*
 * A firewall's format: what the rules file's first line names
 * ("# mxaudit firewall model 1, format iptables"); NULL if it does not.
 * (Telling formats apart by content is fw_detect_format()'s business.)
 */
static char *format_of(const struct fw_snap *fw)
{
	static const char key[] = ", format ";
	const char *p;
	size_t len;

	if (fw->rules_text && !strncmp(fw->rules_text, "# ", 2) &&
	    (p = strstr(fw->rules_text, key)) && p < fw->rules_text + strcspn(fw->rules_text, "\n")) {
		p += sizeof(key) - 1;
		len = strcspn(p, " \t\r\n");
		if (len && strncmp(p, "-", len))
			return xstrndup(p, len);
	}
	return NULL;
}

static int read_firewalls(struct store *s, git_tree *root, struct snapshot *out)
{
	const char *const *exts = snap_exts(SNAP_FW);
	struct fw_snap *fw = NULL;
	struct part *p;
	size_t n;
	int r;

	if ((r = list_parts(root, snap_dir(SNAP_FW), exts, 2, &p, &n)) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		char *path = xasprintf("%s/%s%s", snap_dir(SNAP_FW), p[i].stem, p[i].ext), *text = NULL;

		if (!i || strcmp(p[i].stem, p[i - 1].stem)) {
			ALLOC_GROW(out->fws, out->nfw + 1, out->fw_alloc);
			fw = memset(&out->fws[out->nfw++], 0, sizeof(*fw));
			fw->name = xstrdup(p[i].stem);
		}
		if ((r = blob_text(s->odb, &p[i].oid, path, &text)) >= 0) {
			if (!strcmp(p[i].ext, exts[SNAP_EXPORT]))
				fw->export_text = text;
			else
				fw->rules_text = text;
		}
		free(path);
	}
	for (size_t i = 0; i < out->nfw; i++)
		if (!out->fws[i].format)
			out->fws[i].format = format_of(&out->fws[i]);
	parts_free(p, n);
	return r < 0 ? -1 : 0;
}

int store_read(struct store *s, const char *id, struct snapshot *out)
{
	git_tree *root;
	int r;

	if ((r = commit_tree(s, id, &root)) < 0)
		return r;
	if ((r = read_domains(s, root, out)) >= 0)
		r = read_firewalls(s, root, out);
	if (r >= 0)
		snapshot_sort(out);
	git_tree_free(root);
	return r;
}

static int ls_cb(const char *root, const git_tree_entry *e, void *payload)
{
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		sl_push_owned(payload, xasprintf("%s%s", root, git_tree_entry_name(e)));
	return 0;
}

int store_ls(struct store *s, const char *id, struct strlist *paths)
{
	git_tree *root;
	int r;

	if ((r = commit_tree(s, id, &root)) < 0)
		return r;
	if (git_tree_walk(root, GIT_TREEWALK_PRE, ls_cb, paths) < 0)
		r = git_fail("cannot list the snapshot '%s'", id ? id : "HEAD");
	else
		sl_sort_uniq(paths);
	git_tree_free(root);
	return r;
}

/*
 * Write a blob unless the store has it: most files of a snapshot are
 * unchanged, and a plain write would touch every existing object file.
 */
static int write_blob(struct store *s, const char *text, git_oid *oid)
{
	size_t len = strlen(text);

	if (git_odb_hash(oid, text, len, GIT_OBJECT_BLOB) < 0)
		return -1;
	/* A miss must not rescan the pack directory: most blobs are new. */
	if (git_odb_exists_ext(s->odb, oid, GIT_ODB_LOOKUP_NO_REFRESH))
		return 0;
	s->nwritten++;
	return git_odb_write(oid, s->odb, text, len, GIT_OBJECT_BLOB);
}

/* Write text as a blob and enter it into tb as name. Takes text. */
static int tb_add_text(struct store *s, git_treebuilder *tb, const char *dir,
		       const char *name, char *text)
{
	git_oid oid;
	int r = 0;

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/')) {
		r = error("cannot store '%s/%s': not a valid file name", dir, name);
	} else if (write_blob(s, text, &oid) < 0) {
		r = git_fail("cannot write '%s' to the store", name);
	} else if (git_treebuilder_insert(NULL, tb, name, &oid, GIT_FILEMODE_BLOB) < 0) {
		r = git_fail("cannot add '%s' to the snapshot tree", name);
	}
	free(text);
	return r;
}

/* Write the subtree tb into root as dir, unless it is empty. */
static int tb_add_subtree(git_treebuilder *root, git_treebuilder *tb, const char *dir)
{
	git_oid oid;

	if (!git_treebuilder_entrycount(tb))
		return 0;
	if (git_treebuilder_write(&oid, tb) < 0 ||
	    git_treebuilder_insert(NULL, root, dir, &oid, GIT_FILEMODE_TREE) < 0)
		return git_fail("cannot write directory '%s' of the snapshot", dir);
	return 0;
}

static int build_dns(struct store *s, const struct snapshot *snap, git_treebuilder *tb)
{
	for (size_t i = 0; i < snap->n; i++) {
		const struct domain_snap *d = &snap->domains[i];
		const char *const *ext = snap_exts(SNAP_DNS);
		char *zone = xasprintf("%s%s", d->name, ext[SNAP_ZONE]);
		char *status = xasprintf("%s%s", d->name, ext[SNAP_STATUS]);
		int r = tb_add_text(s, tb, snap_dir(SNAP_DNS), zone, dsnap_zone_text(d));

		if (r >= 0)
			r = tb_add_text(s, tb, snap_dir(SNAP_DNS), status, dsnap_status_text(d));
		free(zone);
		free(status);
		if (r < 0)
			return r;
	}
	return 0;
}

static int build_firewalls(struct store *s, const struct snapshot *snap, git_treebuilder *tb)
{
	for (size_t i = 0; i < snap->nfw; i++) {
		const struct fw_snap *fw = &snap->fws[i];
		char *name;
		int r = 0;

		if (fw->export_text) {
			name = xasprintf("%s%s", fw->name, snap_exts(SNAP_FW)[SNAP_EXPORT]);
			r = tb_add_text(s, tb, snap_dir(SNAP_FW), name, xstrdup(fw->export_text));
			free(name);
		}
		if (r >= 0 && fw->rules_text) {
			name = xasprintf("%s%s", fw->name, snap_exts(SNAP_FW)[SNAP_RULES]);
			r = tb_add_text(s, tb, snap_dir(SNAP_FW), name, xstrdup(fw->rules_text));
			free(name);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Write the snapshot's tree into the object database. */
static int build_tree(struct store *s, const struct snapshot *snap, git_oid *out)
{
	git_treebuilder *root = NULL, *dns = NULL, *fw = NULL;
	int r = -1;

	if (git_treebuilder_new(&root, s->repo, NULL) < 0 ||
	    git_treebuilder_new(&dns, s->repo, NULL) < 0 ||
	    git_treebuilder_new(&fw, s->repo, NULL) < 0) {
		git_fail("cannot build the snapshot tree of '%s'", s->path);
		goto out;
	}
	if (build_dns(s, snap, dns) < 0 || build_firewalls(s, snap, fw) < 0 ||
	    tb_add_subtree(root, dns, snap_dir(SNAP_DNS)) < 0 ||
	    tb_add_subtree(root, fw, snap_dir(SNAP_FW)) < 0)
		goto out;
	if (git_treebuilder_write(out, root) < 0) {
		git_fail("cannot write the snapshot tree to '%s'", s->path);
		goto out;
	}
	r = 0;
out:
	git_treebuilder_free(fw);
	git_treebuilder_free(dns);
	git_treebuilder_free(root);
	return r;
}

/* HEAD's commit, or NULL in an empty store. */
static int head_commit(struct store *s, git_commit **out)
{
	git_oid oid;
	int r;

	*out = NULL;
	r = git_reference_name_to_id(&oid, s->repo, "HEAD");
	if (r == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (r < 0 || git_commit_lookup(out, s->repo, &oid) < 0)
		return git_fail("cannot read HEAD of store '%s'", s->path);
	return 0;
}

/*
 * A snapshot of thousands of domains is thousands of new blobs. Written
 * loose, each is a file; gathered in memory and written as one pack
 * (then indexed), they cost one file. The branch moves only after the
 * pack is on disk, so a run killed at any point leaves the old snapshot.
 */
static int mempack_attach(struct store *s)
{
	if (s->mempack)
		return 0;
	if (git_mempack_new(&s->mempack) < 0)
		return git_fail("cannot prepare writing to '%s'", s->path);
	/* The highest priority makes it the backend that receives writes. */
	if (git_odb_add_backend(s->odb, s->mempack, 999) < 0) {
		s->mempack->free(s->mempack);
		s->mempack = NULL;
		return git_fail("cannot prepare writing to '%s'", s->path);
	}
	return 0;
}

static int mempack_flush(struct store *s)
{
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	int r = 0;

	if (git_mempack_dump(&pack, s->repo, s->mempack) < 0 ||
	    git_odb_write_pack(&wp, s->odb, NULL, NULL) < 0 ||
	    wp->append(wp, pack.ptr, pack.size, &stats) < 0 ||
	    wp->commit(wp, &stats) < 0)
		r = git_fail("cannot write the snapshot's objects to '%s'", s->path);
	if (wp)
		wp->free(wp);
	git_buf_dispose(&pack);
	git_mempack_reset(s->mempack);
	return r;
}

/* Move HEAD's branch to id, only if it still points at parent. */
static int move_branch(struct store *s, const git_oid *id, git_commit *parent)
{
	git_reference *head = NULL, *ref = NULL;
	const char *branch = "refs/heads/main";
	int r;

	if (git_reference_lookup(&head, s->repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		branch = git_reference_symbolic_target(head);
	if (parent)
		r = git_reference_create_matching(&ref, s->repo, branch, id, 1,
						  git_commit_id(parent), "mxaudit: snapshot");
	else
		r = git_reference_create(&ref, s->repo, branch, id, 0, "mxaudit: snapshot");
	if (r < 0)
		r = git_fail("cannot move the branch of '%s' to the new snapshot", s->path);
	git_reference_free(ref);
	git_reference_free(head);
	return r;
}

static int diff_trees(struct store *s, git_tree *a, git_tree *b, const char *prefix,
		      struct changes *out);

/* The files tree changed against parent's tree as changelist text; NULL if too many. */
static char *changes_text(struct store *s, git_commit *parent, git_tree *tree)
{
	struct changes ch = { 0 };
	git_tree *pt = NULL;
	char *text = NULL;

	if (git_commit_tree(&pt, parent) < 0 || diff_trees(s, pt, tree, "", &ch) < 0)
		git_error_clear();
	else if (ch.n <= CHANGES_MAX)
		text = changelist_format(ch.f, ch.n);
	changelist_free(ch.f, ch.n);
	git_tree_free(pt);
	return text;
}

/*
 * The commit, with the files it changed against its parent in the
 * CHANGES_FIELD header (git ignores header fields it does not know).
 */
static int create_commit(struct store *s, const git_signature *sig, const char *msg,
			 git_tree *tree, git_commit *parent, git_oid *out)
{
	const git_commit *parents[1] = { parent };
	git_buf buf = GIT_BUF_INIT;
	char *changes = parent ? changes_text(s, parent, tree) : NULL;
	int r;

	if (!changes)
		r = git_commit_create(out, s->repo, NULL, sig, sig, NULL, msg, tree,
				      parent ? 1 : 0, parents);
	else if ((r = git_commit_create_buffer(&buf, s->repo, sig, sig, NULL, msg, tree,
					       1, parents)) == 0)
		r = git_commit_create_with_signature(out, s->repo, buf.ptr, changes,
						     CHANGES_FIELD);
	git_buf_dispose(&buf);
	free(changes);
	return r;
}

static int write_commit(struct store *s, const git_oid *tree_id, git_commit *parent,
			const char *message, git_oid *out)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_buf msg = GIT_BUF_INIT;
	int r = -1;

	if (git_signature_now(&sig, SIG_NAME, SIG_EMAIL) < 0 ||
	    git_tree_lookup(&tree, s->repo, tree_id) < 0 ||
	    git_message_prettify(&msg, message && *message ? message : "mxaudit snapshot", 0, '#') < 0) {
		git_fail("cannot prepare the commit in '%s'", s->path);
		goto out;
	}
	if (create_commit(s, sig, msg.ptr, tree, parent, out) < 0) {
		git_fail("cannot commit the snapshot to '%s'", s->path);
		goto out;
	}
	if (mempack_flush(s) < 0 || move_branch(s, out, parent) < 0)
		goto out;
	store_pack_bound(s->repo, s->odb);   /* the snapshot is in; a failure here only warns */
	r = 0;
out:
	git_buf_dispose(&msg);
	git_tree_free(tree);
	git_signature_free(sig);
	return r;
}

int store_commit(struct store *s, const struct snapshot *snap,
		 const char *message, bool *changed, char id[41])
{
	git_commit *head = NULL;
	git_oid tree_id, commit_id;
	int r;

	*changed = false;
	id[0] = '\0';
	s->nwritten = 0;
	if ((r = mempack_attach(s)) < 0 || (r = build_tree(s, snap, &tree_id)) < 0 ||
	    (r = head_commit(s, &head)) < 0)
		goto out;
	if (head && git_oid_equal(&tree_id, git_commit_tree_id(head))) {
		/*
		 * The same tree, yet some of its files were missing from the
		 * store (lost or removed by hand): write them back, so the
		 * last snapshot reads again.
		 */
		if (s->nwritten && mempack_flush(s) == 0)
			warning("%zu file(s) of the last snapshot were missing from '%s' and were written again",
				s->nwritten, s->path);
		git_oid_tostr(id, 41, git_commit_id(head));
		goto out;
	}
	if ((r = write_commit(s, &tree_id, head, message, &commit_id)) < 0)
		goto out;
	git_oid_tostr(id, 41, &commit_id);
	*changed = true;
	forget_trees(s);              /* HEAD moved: forget what it meant */
out:
	if (s->mempack)
		git_mempack_reset(s->mempack);   /* nothing unwritten outlives the call */
	git_commit_free(head);
	return r;
}

int store_tag(struct store *s, const char *name, const char *id)
{
	git_reference *ref = NULL;
	git_commit *c = NULL;
	git_object *old = NULL;
	char *refname = xasprintf("refs/tags/%s", name);
	int valid = 0, r = -1;

	if (!*name || *name == '-' || git_reference_name_is_valid(&valid, refname) < 0 || !valid) {
		error("'%s' is not a valid tag name (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\')", name);
		goto out;
	}
	if (lookup_rev(s, id, &c) < 0) {
		error("cannot tag '%s': unknown revision", id ? id : "HEAD");
		goto out;
	}
	if (!git_reference_lookup(&ref, s->repo, refname)) {
		if (git_reference_peel(&old, ref, GIT_OBJECT_COMMIT) < 0 ||
		    !git_oid_equal(git_object_id(old), git_commit_id(c))) {
			char was[41] = "?";
			if (old)
				git_oid_tostr(was, sizeof(was), git_object_id(old));
			error("tag '%s' already exists and points to another snapshot (%.12s)", name, was);
			goto out;
		}
		r = 0;    /* already there */
		goto out;
	}
	git_error_clear();
	if (git_reference_create(&ref, s->repo, refname, git_commit_id(c), 0, "mxaudit: tag") < 0) {
		git_fail("cannot create tag '%s'", name);
		goto out;
	}
	s->tags_loaded = false;
	r = 0;
out:
	git_object_free(old);
	git_reference_free(ref);
	git_commit_free(c);
	free(refname);
	return r;
}

/*
 * Comparing two snapshots walks their trees side by side: a subtree with
 * the same id on both sides is skipped whole, so only changed files are
 * visited and read. (git_diff_tree_to_tree also builds a path and an
 * iterator frame for each of the tens of thousands of unchanged files.)
 * The walk notes the changed files (struct changes); their contents are
 * read after it. A snapshot against its parent needs no walk: the commit
 * lists the files it changed (CHANGES_FIELD).
 */
/* A dns/ tree of 10,000 domains is a megabyte; from this size on, the two sides are read at once. */
#define BIG_TREE (256 << 10)
/* Changed files from which the old side's are read on a second thread. */
#define BLOBS_THREAD_MIN 32

/* The second handle (see struct store); NULL if it cannot be opened: then one thread reads all. */
static git_repository *aux_repo(struct store *s)
{
	if (!s->aux && (git_repository_open_ext(&s->aux, s->path, GIT_REPOSITORY_OPEN_NO_SEARCH,
						NULL) < 0 || git_repository_odb(&s->aux_odb, s->aux) < 0)) {
		git_error_clear();
		git_repository_free(s->aux);
		s->aux = NULL;
	}
	return s->aux;
}

/* git's tree order: a directory sorts as if its name ended in '/'. */
static int entry_cmp(const git_tree_entry *x, const git_tree_entry *y)
{
	const char *a = git_tree_entry_name(x), *b = git_tree_entry_name(y);
	size_t la, lb, n;
	int c = strcmp(a, b), ea, eb;

	if (c == 0 && git_tree_entry_type(x) == git_tree_entry_type(y))
		return 0;      /* the common case: the same file on both sides */
	la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	if ((c = memcmp(a, b, n)))
		return c;
	ea = n < la ? (unsigned char)a[n] : git_tree_entry_type(x) == GIT_OBJECT_TREE ? '/' : 0;
	eb = n < lb ? (unsigned char)b[n] : git_tree_entry_type(y) == GIT_OBJECT_TREE ? '/' : 0;
	return ea - eb;
}

static int diff_trees(struct store *s, git_tree *a, git_tree *b, const char *prefix,
		      struct changes *out);

/* One side's subtree, read with repo; out NULL when that side has none. */
struct tree_read {
	git_repository *repo;
	const git_tree_entry *e;
	const char *path;
	git_tree *out;
	int r;
};

static void read_tree(void *arg)
{
	struct tree_read *t = arg;

	t->out = NULL;
	t->r = 0;
	if (t->e && git_tree_entry_type(t->e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&t->out, t->repo, git_tree_entry_id(t->e)) < 0)
		t->r = git_fail("cannot read '%s'", t->path);
}

static bool big_tree(struct store *s, const git_tree_entry *e)
{
	size_t len;
	git_object_t type;

	if (git_odb_read_header(&len, &type, s->odb, git_tree_entry_id(e)) < 0) {
		git_error_clear();
		return false;
	}
	return len >= BIG_TREE;
}

/* A directory that differs: read both sides (big ones at once), then walk them. */
static int diff_subtrees(struct store *s, const git_tree_entry *ea, const git_tree_entry *eb,
			 const char *path, struct changes *out)
{
	bool both = ea && eb && git_tree_entry_type(ea) == GIT_OBJECT_TREE &&
		    git_tree_entry_type(eb) == GIT_OBJECT_TREE;
	bool threaded = both && big_tree(s, eb) && aux_repo(s);
	struct tree_read ta = { threaded ? s->aux : s->repo, ea, path, NULL, 0 };
	struct tree_read tb = { s->repo, eb, path, NULL, 0 };
	char *dir = xasprintf("%s/", path);
	int r;

	run_pair(read_tree, &ta, &tb, threaded);
	r = ta.r < 0 || tb.r < 0 ? -1 : diff_trees(s, ta.out, tb.out, dir, out);
	git_tree_free(ta.out);
	git_tree_free(tb.out);
	free(dir);
	return r;
}

/* One name that differs: ea and/or eb (NULL: absent on that side), same type. */
static int diff_entry(struct store *s, const git_tree_entry *ea, const git_tree_entry *eb,
		      const char *prefix, struct changes *out)
{
	const git_tree_entry *e = eb ? eb : ea;
	char *path = xasprintf("%s%s", prefix, git_tree_entry_name(e));
	struct changed_file *f;
	int r;

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		r = diff_subtrees(s, ea, eb, path, out);
		free(path);
		return r;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		free(path);      /* a submodule: never in a snapshot */
		return 0;
	}
	ALLOC_GROW(out->f, out->n + 1, out->alloc);
	f = memset(&out->f[out->n++], 0, sizeof(*f));
	f->path = path;
	if ((f->has[0] = ea != NULL))
		memcpy(f->id[0], git_tree_entry_id(ea)->id, CHANGELIST_IDLEN);
	if ((f->has[1] = eb != NULL))
		memcpy(f->id[1], git_tree_entry_id(eb)->id, CHANGELIST_IDLEN);
	return 0;
}

/* Merge the two sorted entry lists; a or b may be NULL (an empty side). */
static int diff_trees(struct store *s, git_tree *a, git_tree *b, const char *prefix,
		      struct changes *out)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int r = 0;

	while (r == 0 && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);

		if (c == 0 && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb)) {
			i++, j++;
			continue;
		}
		r = diff_entry(s, c <= 0 ? ea : NULL, c >= 0 ? eb : NULL, prefix, out);
		i += c <= 0;
		j += c >= 0;
	}
	return r;
}

/* The changed files' contents on one side ([0] old, [1] new), read with odb. */
struct blob_reads {
	git_odb *odb;
	const struct changes *ch;
	struct store_change *v;
	int side, r;
};

static void read_blobs(void *arg)
{
	struct blob_reads *b = arg;

	for (size_t i = 0; i < b->ch->n && b->r == 0; i++) {
		const struct changed_file *f = &b->ch->f[i];
		git_oid id;

		if (!f->has[b->side])
			continue;
		git_oid_fromraw(&id, f->id[b->side]);
		b->r = blob_text(b->odb, &id, f->path,
				 b->side ? &b->v[i].new_text : &b->v[i].old_text);
	}
}

/* The changes with their texts, in *out (paths taken from ch). */
static int read_changed(struct store *s, struct changes *ch, struct store_change **out)
{
	bool threaded = ch->n >= BLOBS_THREAD_MIN && aux_repo(s);
	struct store_change *v = xcalloc(ch->n ? ch->n : 1, sizeof(*v));
	struct blob_reads old = { threaded ? s->aux_odb : s->odb, ch, v, 0, 0 };
	struct blob_reads new = { s->odb, ch, v, 1, 0 };

	run_pair(read_blobs, &old, &new, threaded);
	for (size_t i = 0; i < ch->n; i++) {
		v[i].path = ch->f[i].path;
		ch->f[i].path = NULL;
	}
	*out = v;
	return old.r < 0 || new.r < 0 ? -1 : 0;
}

/*
 * The changed files from b's CHANGES_FIELD when a is b's parent: then the
 * trees need not be read. False if there is no such list (or a or b does
 * not resolve, or the list does not parse): the tree walk answers then,
 * and names a revision that does not resolve.
 */
static bool listed_changes(struct store *s, const char *a, const char *b, struct changes *out)
{
	git_commit *ca = NULL, *cb = NULL;
	git_buf text = GIT_BUF_INIT;
	bool r = lookup_rev(s, a, &ca) == 0 && lookup_rev(s, b, &cb) == 0 &&
		 git_commit_parentcount(cb) > 0 &&
		 git_oid_equal(git_commit_parent_id(cb, 0), git_commit_id(ca)) &&
		 git_commit_header_field(&text, cb, CHANGES_FIELD) == 0 &&
		 changelist_parse(text.ptr, &out->f, &out->n) == 0;

	if (!r)
		git_error_clear();
	git_buf_dispose(&text);
	git_commit_free(ca);
	git_commit_free(cb);
	return r;
}

int store_diff(struct store *s, const char *a, const char *b,
	       struct store_change **out, size_t *n)
{
	git_tree *ta = NULL, *tb = NULL;
	struct changes ch = { 0 };
	struct store_change *v = NULL;
	bool listed = a && listed_changes(s, a, b, &ch);
	int r = -1;

	*out = NULL;
	*n = 0;
	if ((!listed && ((a && commit_tree(s, a, &ta) < 0) || commit_tree(s, b, &tb) < 0 ||
			 diff_trees(s, ta, tb, "", &ch) < 0)) ||
	    read_changed(s, &ch, &v) < 0) {
		store_changes_free(v, v ? ch.n : 0);
		goto out;
	}
	*out = v;
	*n = ch.n;
	r = 0;
out:
	changelist_free(ch.f, ch.n);
	git_tree_free(tb);
	git_tree_free(ta);
	return r;
}

void store_changes_free(struct store_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].old_text);
		free(c[i].new_text);
	}
	free(c);
}

static int tag_cmp(const void *a, const void *b)
{
	const struct tag_map *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);
	return c ? c : strcmp(x->name, y->name);
}

static int tag_cb(const char *refname, void *payload)
{
	struct store *s = payload;
	git_reference *ref = NULL;
	git_object *obj = NULL;

	if (!git_reference_lookup(&ref, s->repo, refname) &&
	    !git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT)) {
		ALLOC_GROW(s->tags, s->ntags + 1, s->tags_alloc);
		git_oid_cpy(&s->tags[s->ntags].oid, git_object_id(obj));
		s->tags[s->ntags++].name = xstrdup(refname + strlen("refs/tags/"));
	}
	git_error_clear();   /* a tag of a non-commit is not ours: skip it */
	git_object_free(obj);
	git_reference_free(ref);
	return 0;
}

/* Map the tags (refs/tags/...) to commits once, sorted by commit id. */
static int load_tags(struct store *s)
{
	if (s->tags_loaded)
		return 0;
	for (size_t i = 0; i < s->ntags; i++)
		free(s->tags[i].name);
	s->ntags = 0;
	if (git_reference_foreach_glob(s->repo, "refs/tags/*", tag_cb, s) < 0)
		return git_fail("cannot list the tags of '%s'", s->path);
	if (s->ntags)    /* no tag yet: s->tags is NULL, and qsort() of NULL is undefined */
		qsort(s->tags, s->ntags, sizeof(*s->tags), tag_cmp);
	s->tags_loaded = true;
	return 0;
}

static void tags_of(struct store *s, const git_oid *oid, struct strlist *out)
{
	size_t lo = 0, hi = s->ntags;

	while (lo < hi) {          /* first tag with oid >= the commit's */
		size_t mid = lo + (hi - lo) / 2;
		if (git_oid_cmp(&s->tags[mid].oid, oid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->ntags && git_oid_equal(&s->tags[lo].oid, oid); lo++)
		sl_push(out, s->tags[lo].name);
}

static void fill_commit(struct store *s, git_commit *c, struct store_commit *out)
{
	const char *summary = git_commit_summary(c);

	memset(out, 0, sizeof(*out));
	git_oid_tostr(out->id, sizeof(out->id), git_commit_id(c));
	/* Written by another version, or by hand: no raw control byte reaches a terminal. */
	out->summary = str_printable(summary ? summary : "", false);
	out->message = xstrdup(git_commit_message(c));
	out->when = (time_t)git_commit_time(c);
	out->tz_minutes = git_commit_time_offset(c);
	tags_of(s, git_commit_id(c), &out->tags);
}

void store_commit_release(struct store_commit *c)
{
	free(c->summary);
	free(c->message);
	sl_release(&c->tags);
	memset(c, 0, sizeof(*c));
}

void store_commits_free(struct store_commit *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].summary);
		free(c[i].message);
		sl_release(&c[i].tags);
	}
	free(c);
}

/* One commit's id, time, message and tags (the report's header). */
int store_commit_info(struct store *s, const char *id, struct store_commit *out)
{
	git_commit *c;

	memset(out, 0, sizeof(*out));
	if (load_tags(s) < 0)
		return -1;
	if (lookup_rev(s, id, &c) < 0)
		return git_fail("cannot read snapshot %s", id);
	fill_commit(s, c, out);
	git_commit_free(c);
	return 0;
}

struct log_filter {
	const char *prefix;            /* commits touching a path with this prefix */
	const struct strlist *paths;   /* commits touching one of these paths */
};

/* The id of the entry at path in tree t (NULL t: none); false if absent. */
static bool entry_id(git_tree *t, const char *path, git_oid *out)
{
	git_tree_entry *e;

	if (!t || git_tree_entry_bypath(&e, t, path) < 0) {
		git_error_clear();
		return false;
	}
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return true;
}

static bool path_changed(git_tree *a, git_tree *b, const char *path)
{
	git_oid x, y;
	bool hx = entry_id(a, path, &x), hy = entry_id(b, path, &y);

	return hx != hy || (hx && !git_oid_equal(&x, &y));
}

/* Index of the first entry of t whose name sorts at or after base. */
static size_t lower_bound(const git_tree *t, const char *base)
{
	size_t lo = 0, hi = git_tree_entrycount(t);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(git_tree_entry_name(git_tree_entry_byindex(t, mid)), base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does an entry of a named base* differ from b's entry of that name? */
static bool prefix_side_changed(const git_tree *a, const git_tree *b, const char *base)
{
	size_t len = strlen(base);

	if (!a)
		return false;
	for (size_t i = lower_bound(a, base); i < git_tree_entrycount(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(a, i), *o;
		if (strncmp(git_tree_entry_name(e), base, len))
			break;
		o = b ? git_tree_entry_byname(b, git_tree_entry_name(e)) : NULL;
		if (!o || !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(o)))
			return true;
	}
	return false;
}

/* The subtree at dir ("" for root itself); NULL if absent. */
static git_tree *subtree(git_tree *root, const char *dir)
{
	git_tree *t = NULL;
	git_oid oid;

	if (!root)
		return NULL;
	if (!*dir)
		return git_tree_dup(&t, root) < 0 ? NULL : t;
	if (!entry_id(root, dir, &oid) || git_tree_lookup(&t, git_tree_owner(root), &oid) < 0) {
		git_error_clear();
		return NULL;
	}
	return t;
}

static bool prefix_changed(git_tree *a, git_tree *b, const char *prefix)
{
	const char *slash = strrchr(prefix, '/');
	char *dir = slash ? xstrndup(prefix, (size_t)(slash - prefix)) : xstrdup("");
	const char *base = slash ? slash + 1 : prefix;
	git_tree *sa = subtree(a, dir), *sb = subtree(b, dir);
	bool hit;

	if (sa && sb && git_oid_equal(git_tree_id(sa), git_tree_id(sb)))
		hit = false;
	else
		hit = prefix_side_changed(sa, sb, base) || prefix_side_changed(sb, sa, base);
	git_tree_free(sa);
	git_tree_free(sb);
	free(dir);
	return hit;
}

/* Does commit c change what the filter selects, against its first parent? */
static int touches(git_commit *c, const struct log_filter *f, bool *hit)
{
	git_commit *parent = NULL;
	git_tree *t = NULL, *pt = NULL;
	int r = -1;

	*hit = false;
	if (git_commit_tree(&t, c) < 0 ||
	    (git_commit_parentcount(c) && (git_commit_parent(&parent, c, 0) < 0 ||
					   git_commit_tree(&pt, parent) < 0))) {
		git_fail("cannot read snapshot %s", git_oid_tostr_s(git_commit_id(c)));
		goto out;
	}
	if (f->prefix)
		*hit = prefix_changed(pt, t, f->prefix);
	for (size_t i = 0; f->paths && i < f->paths->n && !*hit; i++)
		*hit = path_changed(pt, t, f->paths->v[i]);
	r = 0;
out:
	git_tree_free(pt);
	git_tree_free(t);
	git_commit_free(parent);
	return r;
}

/* A revwalk over HEAD's history, newest first; *out NULL if the store is empty. */
static int walk_head(struct store *s, git_revwalk **out)
{
	*out = NULL;
	if (store_is_empty(s))
		return 0;
	if (git_revwalk_new(out, s->repo) < 0 ||
	    git_revwalk_sorting(*out, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push_head(*out) < 0) {
		git_revwalk_free(*out);
		*out = NULL;
		return git_fail("cannot walk the history of '%s'", s->path);
	}
	return 0;
}

static int log_walk(struct store *s, time_t since, time_t until,
		    const struct log_filter *f, struct store_commit **out, size_t *n)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	size_t alloc = 0;
	git_oid oid;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = load_tags(s)) < 0 || (r = walk_head(s, &walk)) < 0 || !walk)
		return r;
	while (!(r = git_revwalk_next(&oid, walk))) {
		bool hit = true;
		time_t t;

		if ((r = git_commit_lookup(&c, s->repo, &oid)) < 0)
			break;
		t = (time_t)git_commit_time(c);
		if (since && t < since)
			break;     /* time order: everything after is older */
		if ((!until || t <= until) && (f->prefix || f->paths) &&
		    (r = touches(c, f, &hit)) < 0)
			break;
		if ((!until || t <= until) && hit) {
			ALLOC_GROW(*out, *n + 1, alloc);
			fill_commit(s, c, &(*out)[(*n)++]);
		}
		git_commit_free(c);
		c = NULL;
	}
	git_commit_free(c);
	git_revwalk_free(walk);
	if (r < 0 && r != GIT_ITEROVER) {
		if (r != -1 || git_error_last())
			git_fail("cannot read the history of '%s'", s->path);
		store_commits_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int store_log(struct store *s, time_t since, time_t until, const char *path_prefix,
	      struct store_commit **out, size_t *n)
{
	struct log_filter f = { path_prefix && *path_prefix ? path_prefix : NULL, NULL };

	return log_walk(s, since, until, &f, out, n);
}

int store_log_paths(struct store *s, time_t since, time_t until,
		    const struct strlist *paths,
		    struct store_commit **out, size_t *n)
{
	struct log_filter f = { NULL, paths };

	return log_walk(s, since, until, &f, out, n);
}

int store_at(struct store *s, time_t when, char id[41])
{
	git_revwalk *walk;
	git_commit *c;
	git_oid oid;
	int r;

	id[0] = '\0';
	if ((r = walk_head(s, &walk)) < 0 || !walk)
		return r < 0 ? r : 1;
	while (!(r = git_revwalk_next(&oid, walk))) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0) {
			r = git_fail("cannot read snapshot %s", git_oid_tostr_s(&oid));
			break;
		}
		r = (time_t)git_commit_time(c) <= when;
		git_commit_free(c);
		if (r) {
			git_oid_tostr(id, 41, &oid);
			r = 0;
			break;
		}
	}
	git_revwalk_free(walk);
	if (r == GIT_ITEROVER)
		return 1;
	return r < 0 ? -1 : 0;
}

/* ---- a history written as given (tests, fuzz/fuzz_store_read.c) ---- */

/* Write f's blobs and a tree of them; a path the index refuses is left out. */
static int raw_tree(struct store *s, const struct store_file *f, size_t n, git_oid *out)
{
	git_index *idx = NULL;
	int r = -1;

	if (git_index_new(&idx) < 0)
		return git_fail("cannot build a tree in '%s'", s->path);
	for (size_t i = 0; i < n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.mode = GIT_FILEMODE_BLOB;
		e.path = f[i].path;
		if (git_odb_write(&e.id, s->odb, f[i].text, strlen(f[i].text), GIT_OBJECT_BLOB) < 0)
			goto out;
		if (git_index_add(idx, &e) < 0)
			git_error_clear();
	}
	r = git_index_write_tree_to(out, idx, s->repo);
out:
	if (r < 0)
		git_fail("cannot build a tree in '%s'", s->path);
	git_index_free(idx);
	return r;
}

/* HEAD names the branch, and the branch id, whatever either named before. */
static int point_branch(struct store *s, const git_oid *id)
{
	git_reference *head = NULL, *ref = NULL;
	int r = git_reference_symbolic_create(&head, s->repo, "HEAD", BRANCH, 1, NULL);

	if (r == 0)
		r = git_reference_create(&ref, s->repo, BRANCH, id, 1, NULL);
	git_reference_free(ref);
	git_reference_free(head);
	return r;
}

int store_commit_files(struct store *s, const struct store_file *f, size_t n,
		       const char *message, const char *changes, time_t when, bool root,
		       char id[41])
{
	git_signature *sig = NULL;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_buf buf = GIT_BUF_INIT;
	git_oid tree_id, oid;
	int r = -1;

	if (raw_tree(s, f, n, &tree_id) < 0 || (!root && head_commit(s, &head) < 0))
		goto out;
	if (git_signature_new(&sig, SIG_NAME, SIG_EMAIL, (git_time_t)when, 0) < 0 ||
	    git_tree_lookup(&tree, s->repo, &tree_id) < 0 ||
	    git_commit_create_buffer(&buf, s->repo, sig, sig, NULL, message, tree, head ? 1 : 0,
				     (const git_commit **)&head) < 0 ||
	    (changes ? git_commit_create_with_signature(&oid, s->repo, buf.ptr, changes, CHANGES_FIELD)
		     : git_odb_write(&oid, s->odb, buf.ptr, buf.size, GIT_OBJECT_COMMIT)) < 0 ||
	    point_branch(s, &oid) < 0) {
		git_fail("cannot write a commit to '%s'", s->path);
		goto out;
	}
	git_oid_tostr(id, 41, &oid);
	forget_trees(s);
	r = 0;
out:
	git_buf_dispose(&buf);
	git_tree_free(tree);
	git_commit_free(head);
	git_signature_free(sig);
	return r;
}

int store_tag_note(struct store *s, const char *name, const char *id, const char *message)
{
	git_signature *sig = NULL;
	git_object *target = NULL;
	git_oid oid;
	int r = -1;

	if (git_signature_new(&sig, SIG_NAME, SIG_EMAIL, 0, 0) < 0 ||
	    git_revparse_single(&target, s->repo, id) < 0 ||
	    git_tag_create(&oid, s->repo, name, target, sig, message, 1) < 0)
		git_fail("cannot write tag '%s'", name);
	else
		r = 0;
	s->tags_loaded = false;
	git_object_free(target);
	git_signature_free(sig);
	return r;
}

static int push_name(const char *refname, void *payload)
{
	sl_push(payload, refname);
	return 0;
}

int store_drop_tags(struct store *s)
{
	struct strlist names = STRLIST_INIT;
	int r = 0;

	if (git_reference_foreach_glob(s->repo, "refs/tags/*", push_name, &names) < 0)
		r = git_fail("cannot list the tags of '%s'", s->path);
	for (size_t i = 0; i < names.n && r == 0; i++)
		if (git_reference_remove(s->repo, names.v[i]) < 0)
			r = git_fail("cannot remove '%s'", names.v[i]);
	sl_release(&names);
	s->tags_loaded = false;
	return r;
}

/* ---- push (drift --push) ------------------------------------------- */

struct push_state {
	int rejected;
	int cred_tries;
};

/* libgit2 reports a rejected ref here, not as an error of git_remote_push. */
static int push_status(const char *refname, const char *status, void *data)
{
	struct push_state *ps = data;

	if (status) {
		error("push: '%s' was rejected: %s", refname, status);
		ps->rejected = -1;
	}
	return 0;
}

/* ssh remotes: the user's agent, once (libgit2 asks again after a failure). */
static int push_credentials(git_credential **out, const char *url, const char *user,
			    unsigned int allowed, void *data)
{
	struct push_state *ps = data;

	if (!(allowed & GIT_CREDENTIAL_SSH_KEY) || ps->cred_tries++)
		return GIT_PASSTHROUGH;
	return git_credential_ssh_key_from_agent(out, user ? user : "git");
}

static void push_specs(git_repository *repo, const char *branch, struct strlist *specs)
{
	git_strarray tags = { 0 };

	sl_push_owned(specs, xasprintf("refs/heads/main:refs/heads/%s", branch));
	if (git_tag_list(&tags, repo) < 0)
		return;
	for (size_t i = 0; i < tags.count; i++)
		sl_push_owned(specs, xasprintf("refs/tags/%s:refs/tags/%s",
					       tags.strings[i], tags.strings[i]));
	git_strarray_dispose(&tags);
}

/*
 * A remote of the store by name, or a URL or path. url.*.insteadOf is not
 * applied: libgit2 1.5 leaks the regex match data it uses for it (fixed
 * upstream in libgit2#6382), and drift runs every few minutes.
 */
static int open_remote(git_repository *repo, const char *remote, git_remote **out)
{
	git_remote_create_options o;
	git_config *cfg = NULL;
	git_buf url = GIT_BUF_INIT;
	char *key = xasprintf("remote.%s.url", remote);
	const char *target = remote;
	int r;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&url, cfg, key) == 0)
		target = url.ptr;
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	r = git_remote_create_with_opts(out, target, &o);
	git_buf_dispose(&url);
	git_config_free(cfg);
	free(key);
	return r;
}

/* The CA bundle libgit2 skipped at start-up (store_certs.c), for https remotes. */
static int load_certs(void)
{
	const char *bundle = certs_needed();

	if (bundle && git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, NULL) < 0)
		return git_fail("push: cannot read the CA certificates in '%s'", bundle);
	return 0;
}

int store_push(struct store *s, const char *remote, const char *branch)
{
	git_remote *rm = NULL;
	git_push_options opts;
	struct strlist specs = STRLIST_INIT;
	git_strarray arr;
	struct push_state ps = { 0, 0 };
	int r = -1;

	if (open_remote(s->repo, remote, &rm) < 0) {
		git_fail("push: '%s' is neither a remote of the store nor a URL", remote);
		goto out;
	}
	if (load_certs() < 0)
		goto out;
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	opts.callbacks.push_update_reference = push_status;
	opts.callbacks.credentials = push_credentials;
	opts.callbacks.payload = &ps;
	push_specs(s->repo, branch ? branch : "main", &specs);
	arr.strings = specs.v;
	arr.count = specs.n;
	if (git_remote_push(rm, &arr, &opts) < 0)
		git_fail("push to '%s' failed", remote);
	else
		r = ps.rejected;
out:
	sl_release(&specs);
	git_remote_free(rm);
	return r;
}
