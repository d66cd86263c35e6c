/*
 * report_write.c - the page of report_page.c drawn by render_html.c into
 * a file: for `mxaudit report -o FILE` and for `drift --exec`. Above both
 * the page and its renderers, so neither calls the other back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "report_page.h"

int report_page_write(const struct report_page *p, const char *path)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int r = 0;

	if (!f) {
		r = error("cannot write '%s': %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	render_page(f, p);
	if (ferror(f) | fclose(f))
		r = error("cannot write '%s': %s", tmp, strerror(errno));
	else if (rename(tmp, path) < 0)
		r = error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

int report_page_tempfile(struct store *s, const char *from, const char *to,
			 const struct config *cfg, char **path)
{
	const char *dir = getenv("TMPDIR");
	struct policy_set ps = POLICY_SET_INIT;
	struct report_page p = { 0 };
	int fd, r = -1;

	*path = xasprintf("%s/mxaudit-report-XXXXXX.html", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemps(*path, 5)) < 0) {
		error("cannot create '%s': %s", *path, strerror(errno));
		goto out;
	}
	close(fd);
	if (impact_load_policies(cfg, &ps) == 0 && report_page_load(s, from, to, cfg, &ps, &p) == 0)
		r = report_page_write(&p, *path);
	if (r)
		unlink(*path);
out:
	if (r) {
		free(*path);
		*path = NULL;
	}
	report_page_release(&p);
	policy_set_release(&ps);
	return r;
}
