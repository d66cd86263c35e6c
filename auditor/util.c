/*
 * util.c - allocation, strings and error reporting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <unistd.h>

#include "util.h"

int verbosity;

static void die_oom(void)
{
	fputs("mxaudit: out of memory\n", stderr);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Formatted into a stack buffer first: most results are short, and
 * vasprintf() grows and then shrinks a heap buffer for every call.
 */
char *xasprintf(const char *fmt, ...)
{
	char buf[256], *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	s = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(buf)) {
		memcpy(s, buf, (size_t)n + 1);
		return s;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int verror(const char *fmt, va_list ap)
{
	fputs("mxaudit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return -1;
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 0)
		return;
	fputs("mxaudit: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void verbose(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *str_lower(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *str_printable(const char *s, bool keep_nl)
{
	struct strbuf sb = STRBUF_INIT;

	for (;;) {
		const char *p = s;
		unsigned char c;

		while ((c = (unsigned char)*p) >= 0x20 ? c != 0x7f : c == '\n' && keep_nl)
			p++;
		sb_add(&sb, s, (size_t)(p - s));
		if (!c)
			break;
		sb_addf(&sb, "\\%03u", c);
		s = p + 1;
	}
	return sb_detach(&sb);
}

bool str_starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int str_cmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read a whole file into a NUL-terminated buffer the caller frees.
 * Returns 0, or -1 after printing an error naming the file.
 */
/* The checks every outside file passes: regular, at most max bytes, no NUL. */
static int input_ok(const char *path, int fd, size_t max, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return error("'%s' is not a regular file", path);
	if ((uintmax_t)st->st_size > max)
		return error("'%s' is larger than %zu MiB, the most mxaudit reads of it",
			     path, max >> 20);
	return 0;
}

static int text_ok(const char *path, const char *buf, size_t n)
{
	const char *nul = memchr(buf, '\0', n);
	unsigned line = 1;

	if (!nul)
		return 0;
	for (const char *p = buf; p < nul; p++)
		line += *p == '\n';
	return error("%s:%u: a NUL byte; expected text", path, line);
}

/* Read fd (a regular file of size bytes) into buf, size bytes at most. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (!r)
			break;
		n += (size_t)r;
	}
	/* A file that grows while read is cut where fstat() saw it end: never past max. */
	return (ssize_t)n;
}

int read_file_max(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	char *buf;

	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	if (input_ok(path, fd, max, &st) < 0) {
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = read_all(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(buf);
		return error("cannot read '%s': %s", path, strerror(errno));
	}
	buf[n] = '\0';
	if (text_ok(path, buf, (size_t)n) < 0) {
		free(buf);
		return -1;
	}
	if (len)
		*len = (size_t)n;
	*out = buf;
	return 0;
}

int read_file(const char *path, char **out, size_t *len)
{
	return read_file_max(path, INPUT_MAX_EXPORT, out, len);
}

/*
 * read_file() into pool mp: the file is read in one go into a block of
 * its size, so a large one lands in huge pages (see huge_chunk) rather
 * than in a buffer grown 64 KiB at a time, a page fault per 4 KiB.
 */
int read_file_in(struct mempool *mp, const char *path, char **out, size_t *len)
{
	struct stat st;
	ssize_t n;
	char *buf;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	if (input_ok(path, fd, INPUT_MAX_EXPORT, &st) < 0) {
		close(fd);
		return -1;
	}
	buf = mp_alloc(mp, (size_t)st.st_size + 1);
	n = read_all(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	buf[n] = '\0';
	if (text_ok(path, buf, (size_t)n) < 0)
		return -1;
	if (len)
		*len = (size_t)n;
	*out = buf;
	return 0;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	ALLOC_GROW(sb->buf, sb->len + n + 1, sb->alloc);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_addu(struct strbuf *sb, unsigned v)
{
	char buf[12], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	sb_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	sb_adds(sb, s);
	free(s);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return s;
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

void sl_push(struct strlist *sl, const char *s)
{
	sl_push_owned(sl, xstrdup(s));
}

void sl_push_owned(struct strlist *sl, char *s)
{
	ALLOC_GROW(sl->v, sl->n + 1, sl->alloc);
	sl->v[sl->n++] = s;
}

bool sl_has(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return true;
	return false;
}

void sl_sort_uniq(struct strlist *sl)
{
	size_t j = 0;

	if (!sl->n)
		return;
	qsort(sl->v, sl->n, sizeof(*sl->v), str_cmp_ptr);
	for (size_t i = 1; i < sl->n; i++) {
		if (!strcmp(sl->v[i], sl->v[j]))
			free(sl->v[i]);
		else
			sl->v[++j] = sl->v[i];
	}
	sl->n = j + 1;
}

void sl_release(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = sl->alloc = 0;
}

/* ---- mempool ---- */

struct mp_chunk {
	struct mp_chunk *next;
	size_t used, size;
	size_t mapped;            /* bytes mmap'd for it, 0: malloc'd */
	max_align_t data[];
};

#define MP_CHUNK (64 * 1024)
#define MP_HUGE (2 * 1024 * 1024)

/*
 * len bytes (a multiple of 2 MiB) mapped on a 2 MiB boundary and marked
 * for transparent huge pages, so filling them costs one page fault per
 * 2 MiB, not 512. A 100,000-rule firewall model spent a third of its
 * time in faults. NULL if the mapping fails.
 */
static void *map_huge(size_t len)
{
	size_t map = len + MP_HUGE;   /* room to start on a boundary */
	char *p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *start;

	if (p == MAP_FAILED)
		return NULL;
	start = (char *)(((uintptr_t)p + MP_HUGE - 1) & ~(uintptr_t)(MP_HUGE - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	map -= (size_t)(start - p);
	if (map > len)
		munmap(start + len, map - len);
	madvise(start, len, MADV_HUGEPAGE);   /* advice: where THP is off, nothing changes */
	return start;
}

/* A chunk of 2 MiB or more, in huge pages. */
static struct mp_chunk *huge_chunk(size_t size)
{
	size_t len = (sizeof(struct mp_chunk) + size + MP_HUGE - 1) & ~(size_t)(MP_HUGE - 1);
	struct mp_chunk *c = map_huge(len);

	if (!c)
		return NULL;
	c->size = len - sizeof(*c);
	c->mapped = len;
	return c;
}

/* ---- big arrays ---- */

/* The mapping of a big array of alloc elements: whole huge pages. */
static size_t big_map_len(size_t alloc, size_t size)
{
	return (alloc * size + MP_HUGE - 1) & ~(size_t)(MP_HUGE - 1);
}

void *big_grow(void *v, size_t n, size_t *alloc, size_t size)
{
	size_t old = *alloc * size, want = *alloc ? *alloc * 2 : 16, len;
	char *p;

	if (n <= *alloc)
		return v;
	if (want < n)
		want = n;
	if (want * size < MP_HUGE) {
		*alloc = want;
		return xrealloc(v, want * size);
	}
	len = big_map_len(want, size);
	if (old >= MP_HUGE) {
		/* Pages move, nothing is copied; the mapping keeps its huge page advice. */
		p = mremap(v, big_map_len(*alloc, size), len, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			die_oom();
	} else {
		if (!(p = map_huge(len)))
			die_oom();
		if (old)
			memcpy(p, v, old);
		free(v);
	}
	*alloc = len / size;   /* the rest of the last huge page too */
	return p;
}

void big_free(void *v, size_t alloc, size_t size)
{
	if (alloc * size >= MP_HUGE)
		munmap(v, big_map_len(alloc, size));
	else
		free(v);
}

static struct mp_chunk *new_chunk(size_t size)
{
	struct mp_chunk *c = size >= MP_HUGE ? huge_chunk(size) : NULL;

	if (!c) {
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->mapped = 0;
	}
	c->used = 0;
	return c;
}

/* n bytes at a multiple of align (a power of two up to max_align_t's). */
static void *mp_take(struct mempool *mp, size_t n, size_t align)
{
	struct mp_chunk *c = mp->head;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || at > c->size || c->size - at < n) {
		/* Chunks double up to 4 MiB: small models stay small, big ones get huge pages. */
		size_t grow = c && c->size < 2 * MP_HUGE ? 2 * c->size : c ? c->size : MP_CHUNK;
		size_t size = n > grow / 4 ? n : grow;   /* big blocks get a chunk of their own */

		c = new_chunk(size);
		at = 0;
		if (mp->head && size != grow) {   /* and the current chunk stays the one filled */
			c->next = mp->head->next;
			mp->head->next = c;
		} else {
			c->next = mp->head;
			mp->head = c;
		}
	}
	c->used = at + n;
	return (char *)c->data + at;
}

void *mp_alloc(struct mempool *mp, size_t n)
{
	return mp_take(mp, n, _Alignof(max_align_t));
}

char *mp_strndup(struct mempool *mp, const char *s, size_t n)
{
	char *p = mp_take(mp, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mp_strdup(struct mempool *mp, const char *s)
{
	return mp_strndup(mp, s, strlen(s));
}

void mp_release(struct mempool *mp)
{
	while (mp->head) {
		struct mp_chunk *next = mp->head->next;

		if (mp->head->mapped)
			munmap(mp->head, mp->head->mapped);
		else
			free(mp->head);
		mp->head = next;
	}
}
