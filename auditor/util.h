/*
 * util.h - allocation, strings and error reporting shared by every file.
 *
 * Conventions (see README "Hacking"): functions return 0 or a negative
 * value; error() prints "mxaudit: <message>" to stderr and returns -1 so
 * callers can write "return error(...)". Only main() decides to exit.
 */
#ifndef MXAUDIT_UTIL_H
#define MXAUDIT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Grow array v (element count *alloc) so it can hold at least n elements. */
#define ALLOC_GROW(v, n, alloc)                                         \
	do {                                                            \
		if ((n) > (alloc)) {                                    \
			(alloc) = (alloc) ? (alloc) * 2 : 16;           \
			if ((alloc) < (n))                              \
				(alloc) = (n);                          \
			(v) = xrealloc((v), (alloc) * sizeof(*(v)));    \
		}                                                       \
	} while (0)

/*
 * Arrays that may grow to megabytes (a big firewall's rules, an answer's
 * parts): from 2 MiB on they are mapped on their own, in huge pages, and
 * grow by mremap() without a copy or a page fault per 4 KiB. Such an
 * array is grown only with BIG_GROW and freed only with BIG_FREE.
 */
#define BIG_GROW(v, n, alloc) ((v) = big_grow((v), (n), &(alloc), sizeof(*(v))))
#define BIG_FREE(v, alloc) big_free((v), (alloc), sizeof(*(v)))

/* util.c */
extern int verbosity;  /* -1 quiet, 0 normal, 1+ verbose */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_lower(char *s);
/*
 * A copy of s safe to show on a terminal or in a commit message: control
 * bytes (and DEL) become "\DDD"; newlines stay if keep_nl.
 */
char *str_printable(const char *s, bool keep_nl);
bool str_starts_with_ci(const char *s, const char *prefix);
/*
 * What mxaudit reads from outside (configuration, policies, firewall
 * exports, proposed zones) is text of bounded size in a regular file: a
 * FIFO would block for ever, /dev/zero never ends, and a NUL byte would
 * cut the text short where C strings end. read_file_max() refuses all
 * three with an error naming the file (and the line of a NUL); *out is
 * NUL-terminated and the caller's. read_file() allows INPUT_MAX_EXPORT.
 */
#define INPUT_MAX_EXPORT ((size_t)256 << 20)  /* a firewall export */
#define INPUT_MAX_TEXT   ((size_t)16 << 20)   /* configuration, policy, proposed zone */
int read_file_max(const char *path, size_t max, char **out, size_t *len);
int read_file(const char *path, char **out, size_t *len);
int str_cmp_ptr(const void *a, const void *b);

/*
 * pair.c: fn(a) and fn(b), two independent halves of a job; with threaded,
 * fn(a) runs on a second thread meanwhile (in turn if it cannot start).
 */
void run_pair(void (*fn)(void *), void *a, void *b, bool threaded);
/* Domains per half from which a second thread pays for its start. */
#define PAIR_THREAD_MIN 16

/* strbuf: a growable NUL-terminated buffer. */
struct strbuf {
	char *buf;
	size_t len, alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addu(struct strbuf *sb, unsigned v);         /* decimal */
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
char *sb_detach(struct strbuf *sb);  /* caller frees; sb is left empty */
void sb_release(struct strbuf *sb);

/* strlist: a growable array of owned strings. */
struct strlist {
	char **v;
	size_t n, alloc;
};
#define STRLIST_INIT { NULL, 0, 0 }
void sl_push(struct strlist *sl, const char *s);          /* copies s */
void sl_push_owned(struct strlist *sl, char *s);          /* takes s */
bool sl_has(const struct strlist *sl, const char *s);     /* exact match */
void sl_sort_uniq(struct strlist *sl);
void sl_release(struct strlist *sl);

/* Big arrays (BIG_GROW, BIG_FREE above). */
void *big_grow(void *v, size_t n, size_t *alloc, size_t size);
void big_free(void *v, size_t alloc, size_t size);

/*
 * mempool: strings and small blocks that live and die together, taken
 * from large chunks and freed at once. For structures of a hundred
 * thousand small parts, where malloc and free per part dominate.
 */
struct mp_chunk;
struct mempool {
	struct mp_chunk *head;
};
#define MEMPOOL_INIT { NULL }
void *mp_alloc(struct mempool *mp, size_t n);   /* aligned for any type */
char *mp_strndup(struct mempool *mp, const char *s, size_t n);
char *mp_strdup(struct mempool *mp, const char *s);
void mp_release(struct mempool *mp);
/* read_file(), the text in pool mp. */
int read_file_in(struct mempool *mp, const char *path, char **out, size_t *len);

#endif
