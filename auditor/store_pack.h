/*
 * store_pack.h - keeping the store's pack directory healthy (store_pack.c);
 * private to the store module.
 */
#ifndef MXAUDIT_STORE_PACK_H
#define MXAUDIT_STORE_PACK_H

#include <git2.h>

/* Packs in objects/pack at which they are merged into one. */
#define STORE_PACKS_MAX 8

/*
 * Remove the temporary files ("pack_git2_*", "tmp_pack_*") a run killed
 * while writing a pack left behind. Call with the run lock held: no other
 * run can be writing one.
 */
void store_pack_tidy(git_repository *repo);
/*
 * With STORE_PACKS_MAX packs or more, write every object into one new
 * pack and remove the old ones, so that the pack count stays bounded
 * however many snapshots are taken. 0, or -1 (the store is unchanged:
 * the old packs go only once the new one is whole).
 */
int store_pack_bound(git_repository *repo, git_odb *odb);

#endif
