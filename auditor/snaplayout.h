/*
 * snaplayout.h - where a snapshot's files are in its tree, in one place:
 *
 *   dns/<domain>.zone        the records (canonical zone lines)
 *   dns/<domain>.status      how each lookup ended, and the recorded inputs
 *   firewall/<name>.export   the export as given, cleaned and masked
 *   firewall/<name>.rules    its normalized model
 *
 * The store writes and reads these; diff, log, show and the impact
 * loader name and recognize them only through here.
 */
#ifndef MXAUDIT_SNAPLAYOUT_H
#define MXAUDIT_SNAPLAYOUT_H

enum snap_part { SNAP_DNS, SNAP_FW };

/* The two files of a part, in this order. */
enum { SNAP_ZONE = 0, SNAP_STATUS = 1 };   /* SNAP_DNS */
enum { SNAP_EXPORT = 0, SNAP_RULES = 1 };  /* SNAP_FW */

/* "dns" or "firewall": the tree directory of a part. */
const char *snap_dir(enum snap_part part);
/* ".zone"/".status" or ".export"/".rules": the file endings of a part. */
const char *const *snap_exts(enum snap_part part);
/* "dns/example.com.zone" (which: SNAP_ZONE...); the caller frees it. */
char *snap_path(enum snap_part part, const char *name, int which);
/*
 * The domain or firewall name of such a path, "dns/example.com.zone" ->
 * "example.com" with *which = SNAP_ZONE (which may be NULL); NULL when
 * the path is not a file of that part. The caller frees it.
 */
char *snap_path_name(const char *path, enum snap_part part, int *which);

#endif
