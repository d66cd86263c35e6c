/*
 * snaplayout.c - the snapshot tree's paths; see snaplayout.h.
 */
#include <string.h>

#include "util.h"
#include "snaplayout.h"

static const char *const dirs[] = { "dns", "firewall" };
static const char *const exts[][2] = { { ".zone", ".status" }, { ".export", ".rules" } };

const char *snap_dir(enum snap_part part)
{
	return dirs[part];
}

const char *const *snap_exts(enum snap_part part)
{
	return exts[part];
}

char *snap_path(enum snap_part part, const char *name, int which)
{
	return xasprintf("%s/%s%s", dirs[part], name, exts[part][which]);
}

char *snap_path_name(const char *path, enum snap_part part, int *which)
{
	size_t len = strlen(path), dl = strlen(dirs[part]);

	if (strncmp(path, dirs[part], dl) || path[dl] != '/')
		return NULL;
	dl++;
	for (int k = 0; k < 2; k++) {
		size_t el = strlen(exts[part][k]);

		if (len > dl + el && !strcmp(path + len - el, exts[part][k]) &&
		    !memchr(path + dl, '/', len - dl - el)) {
			if (which)
				*which = k;
			return xstrndup(path + dl, len - dl - el);
		}
	}
	return NULL;
}
