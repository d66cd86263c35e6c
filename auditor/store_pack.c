/*
 * store_pack.c - the store's pack directory over years of snapshots.
 *
 * Each commit writes its new objects as one pack (store.c). Left alone
 * that is a pack per snapshot: every read then searches hundreds of
 * indexes. Once STORE_PACKS_MAX packs gather, they are merged into one,
 * as `git repack -ad` would; a pack write cut off by a kill leaves
 * temporary files, removed at the next locked open.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "store_pack.h"

static char *pack_dir(git_repository *repo)
{
	return xasprintf("%sobjects/pack", git_repository_path(repo));
}

void store_pack_tidy(git_repository *repo)
{
	char *dir = pack_dir(repo);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "pack_git2_", 10) && strncmp(e->d_name, "tmp_pack_", 9))
			continue;
		char *f = xasprintf("%s/%s", dir, e->d_name);
		if (!unlink(f))
			warning("removed '%s', left by an interrupted run", f);
		free(f);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* The pack names ("pack-<hash>") in dir. */
static void list_packs(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 + 5 && !strncmp(e->d_name, "pack-", 5) && !strcmp(e->d_name + n - 5, ".pack"))
			sl_push_owned(out, xstrndup(e->d_name, n - 5));
	}
	if (d)
		closedir(d);
}

static int insert_one(const git_oid *id, void *pb)
{
	return git_packbuilder_insert(pb, id, NULL);
}

static void remove_pack(const char *dir, const char *name)
{
	static const char *const exts[] = { ".keep", ".idx", ".rev", ".pack" };

	/* The index goes before the pack: a reader never finds an index without its pack. */
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		char *f = xasprintf("%s/%s%s", dir, name, exts[i]);
		if (unlink(f) < 0 && errno != ENOENT)
			warning("cannot remove '%s': %s", f, strerror(errno));
		free(f);
	}
}

int store_pack_bound(git_repository *repo, git_odb *odb)
{
	struct strlist old = STRLIST_INIT;
	git_packbuilder *pb = NULL;
	git_odb *disk = NULL;
	char *dir = pack_dir(repo), *keep = NULL, *objdir = NULL;
	int r = -1;

	list_packs(dir, &old);
	if (old.n < STORE_PACKS_MAX) {
		r = 0;
		goto out;
	}
	/* The objects on disk only: the repository's odb has an in-memory backend too. */
	objdir = xasprintf("%sobjects", git_repository_path(repo));
	if (git_odb_open(&disk, objdir) < 0 || git_packbuilder_new(&pb, repo) < 0 ||
	    git_odb_foreach(disk, insert_one, pb) < 0 ||
	    git_packbuilder_write(pb, dir, 0, NULL, NULL) < 0) {
		const git_error *e = git_error_last();
		warning("cannot merge the packs of the store (tried again next time): %s",
			e && e->message ? e->message : "unknown");
		git_error_clear();
		goto out;
	}
	keep = xasprintf("pack-%s", git_packbuilder_name(pb));
	for (size_t i = 0; i < old.n; i++)
		if (strcmp(old.v[i], keep))
			remove_pack(dir, old.v[i]);
	git_odb_refresh(odb);
	verbose("merged %zu packs of the store into one", old.n);
	r = 0;
out:
	git_packbuilder_free(pb);
	git_odb_free(disk);
	free(objdir);
	sl_release(&old);
	free(keep);
	free(dir);
	return r;
}
