/*
 * fw_addrset.c - sets of IPv4/IPv6 addresses: parsing, set algebra and
 * the minimal CIDR list of a set.
 *
 * A set is a sorted array of disjoint, non-adjacent ranges, so every set
 * has exactly one representation and equality is a memcmp of ranges.
 * IPv4 addresses are stored as ::ffff:a.b.c.d.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

#define V4_BASE (((fw_u128)0xffff) << 32)
#define U128_MAX (~(fw_u128)0)

int fw_ip_parse(const char *s, fw_u128 *out, int *fam)
{
	unsigned char b[16];
	fw_u128 v = 0;

	if (inet_pton(AF_INET, s, b) == 1) {
		for (int i = 0; i < 4; i++)
			v = (v << 8) | b[i];
		*out = V4_BASE | v;
		*fam = FW_V4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		for (int i = 0; i < 16; i++)
			v = (v << 8) | b[i];
		*out = v;
		*fam = FW_V6;
		return 0;
	}
	return -1;
}

void fw_ip_format(fw_u128 ip, int fam, char *buf, size_t len)
{
	unsigned char b[16];

	for (int i = 15; i >= 0; i--, ip >>= 8)
		b[i] = (unsigned char)(ip & 0xff);
	if (fam == FW_V4)
		inet_ntop(AF_INET, b + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, b, buf, (socklen_t)len);
}

struct fw_range fw_universe(int fam)
{
	struct fw_range r;

	if (fam == FW_V4) {
		r.lo = V4_BASE;
		r.hi = V4_BASE | 0xffffffffu;
	} else {
		r.lo = 0;
		r.hi = U128_MAX;
	}
	return r;
}

/* The mask of host bits below a prefix of len bits in a width-bit family. */
static fw_u128 host_mask(int width, int len)
{
	int bits = width - len;

	return bits >= 128 ? U128_MAX : (((fw_u128)1 << bits) - 1);
}

/* A dotted IPv4 netmask as a prefix length, or -1 if not contiguous. */
static int mask_len(const char *s)
{
	fw_u128 v;
	int fam, len = 0;
	uint32_t m;

	if (fw_ip_parse(s, &v, &fam) || fam != FW_V4)
		return -1;
	m = (uint32_t)v;
	while (len < 32 && (m & (0x80000000u >> len)))
		len++;
	if (len < 32 && (m << len))
		return -1;
	return len;
}

/*
 * "a.b.c.d" or "a.b.c.d/len" in the common spelling (no leading zeros in
 * the address, a length of one or two digits), read as inet_pton and
 * strtol would: exports hold 100,000 of these. Returns false for anything
 * else, which the general parser then reads (or rejects).
 */
static bool v4_cidr_fast(const char *s, struct fw_range *out)
{
	uint32_t ip = 0;
	unsigned len = 32;
	fw_u128 hm;

	for (int k = 0; k < 4; k++) {
		unsigned v = 0, d = 0;

		for (; d < 3 && s[d] >= '0' && s[d] <= '9'; d++)
			v = v * 10 + (unsigned)(s[d] - '0');
		if (!d || v > 255 || (d > 1 && s[0] == '0'))
			return false;
		s += d;
		if (k < 3 && *s++ != '.')
			return false;
		ip = ip << 8 | v;
	}
	if (*s == '/') {
		s++;
		if (s[0] < '0' || s[0] > '9')
			return false;
		len = (unsigned)(s[0] - '0');
		if (s[1] >= '0' && s[1] <= '9')
			len = len * 10 + (unsigned)(s[1] - '0'), s++;
		s++;
		if (len > 32)
			return false;
	}
	if (*s)
		return false;
	hm = host_mask(32, (int)len);
	out->lo = (V4_BASE | ip) & ~hm;
	out->hi = V4_BASE | ip | hm;
	return true;
}

int fw_cidr_parse(const char *s, struct fw_range *out, int *fam)
{
	const char *slash;
	char addr[64];
	fw_u128 ip, hm;
	long len;
	int width;
	char *end;
	size_t alen;

	if (v4_cidr_fast(s, out)) {
		*fam = FW_V4;
		return 0;
	}
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);   /* not snprintf: exports have 100,000 of these */
	addr[alen] = '\0';
	if (fw_ip_parse(addr, &ip, fam))
		return -1;
	width = *fam == FW_V4 ? 32 : 128;
	len = width;
	if (slash) {
		if (*fam == FW_V4 && strchr(slash + 1, '.')) {
			len = mask_len(slash + 1);
		} else {
			len = strtol(slash + 1, &end, 10);
			if (!slash[1] || *end)
				return -1;
		}
		if (len < 0 || len > width)
			return -1;
	}
	hm = host_mask(width, (int)len);
	if (*fam == FW_V4)
		hm &= 0xffffffffu;
	out->lo = ip & ~hm;
	out->hi = ip | hm;
	return 0;
}

void fw_as_clear(struct fw_addrset *s)
{
	s->n = 0;
}

void fw_as_release(struct fw_addrset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

/* Append a range known to lie after every range already in s. */
static void push_after(struct fw_addrset *s, fw_u128 lo, fw_u128 hi)
{
	if (s->n && s->v[s->n - 1].hi != U128_MAX && s->v[s->n - 1].hi + 1 >= lo) {
		if (hi > s->v[s->n - 1].hi)
			s->v[s->n - 1].hi = hi;
		return;
	}
	if (!s->alloc) {   /* most sets are one range: no room for 16 */
		s->alloc = 1;
		s->v = xmalloc(sizeof(*s->v));
	}
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n].lo = lo;
	s->v[s->n].hi = hi;
	s->n++;
}

void fw_as_add(struct fw_addrset *s, fw_u128 lo, fw_u128 hi)
{
	struct fw_addrset one = FW_ADDRSET_INIT, tmp = FW_ADDRSET_INIT;

	if (lo > hi)
		return;
	/* Fast path: appending in order, the common case for parsers. */
	if (!s->n || s->v[s->n - 1].lo <= lo) {
		push_after(s, lo, hi);
		return;
	}
	push_after(&one, lo, hi);
	fw_as_union(&tmp, s, &one);
	fw_as_release(s);
	*s = tmp;
	fw_as_release(&one);
}

void fw_as_set_universe(struct fw_addrset *s, int fam)
{
	struct fw_range u = fw_universe(fam);

	fw_as_clear(s);
	if (fam & FW_V4 && fam & FW_V6)
		u = fw_universe(FW_V6);
	push_after(s, u.lo, u.hi);
}

void fw_as_copy(struct fw_addrset *dst, const struct fw_addrset *src)
{
	fw_as_clear(dst);
	ALLOC_GROW(dst->v, src->n, dst->alloc);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
}

void fw_as_union(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b)
{
	size_t i = 0, j = 0;

	fw_as_clear(dst);
	while (i < a->n || j < b->n) {
		const struct fw_range *r;

		if (j >= b->n || (i < a->n && a->v[i].lo <= b->v[j].lo))
			r = &a->v[i++];
		else
			r = &b->v[j++];
		push_after(dst, r->lo, r->hi);
	}
}

void fw_as_intersect(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b)
{
	size_t i = 0, j = 0;

	fw_as_clear(dst);
	while (i < a->n && j < b->n) {
		fw_u128 lo = a->v[i].lo > b->v[j].lo ? a->v[i].lo : b->v[j].lo;
		fw_u128 hi = a->v[i].hi < b->v[j].hi ? a->v[i].hi : b->v[j].hi;

		if (lo <= hi)
			push_after(dst, lo, hi);
		if (a->v[i].hi < b->v[j].hi)
			i++;
		else
			j++;
	}
}

void fw_as_subtract(struct fw_addrset *dst, const struct fw_addrset *a, const struct fw_addrset *b)
{
	size_t j = 0;

	fw_as_clear(dst);
	for (size_t i = 0; i < a->n; i++) {
		fw_u128 lo = a->v[i].lo, hi = a->v[i].hi;
		bool done = false;

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (size_t k = j; k < b->n && b->v[k].lo <= hi; k++) {
			if (b->v[k].lo > lo)
				push_after(dst, lo, b->v[k].lo - 1);
			if (b->v[k].hi >= hi) {
				done = true;
				break;
			}
			lo = b->v[k].hi + 1;
		}
		if (!done)
			push_after(dst, lo, hi);
	}
}

/* Run op into a temporary and move the result into a. */
static void in_place(struct fw_addrset *a, const struct fw_addrset *b,
		     void (*op)(struct fw_addrset *, const struct fw_addrset *, const struct fw_addrset *))
{
	struct fw_addrset tmp = FW_ADDRSET_INIT;

	op(&tmp, a, b);
	fw_as_release(a);
	*a = tmp;
}

void fw_as_merge(struct fw_addrset *a, const struct fw_addrset *b)
{
	if (b->n)
		in_place(a, b, fw_as_union);
}

void fw_as_restrict(struct fw_addrset *a, const struct fw_addrset *b)
{
	in_place(a, b, fw_as_intersect);
}

void fw_as_remove(struct fw_addrset *a, const struct fw_addrset *b)
{
	if (b->n && a->n)
		in_place(a, b, fw_as_subtract);
}

bool fw_as_contains(const struct fw_addrset *s, fw_u128 ip)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].hi < ip)
			lo = mid + 1;
		else if (s->v[mid].lo > ip)
			hi = mid;
		else
			return true;
	}
	return false;
}

bool fw_as_equal(const struct fw_addrset *a, const struct fw_addrset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].lo != b->v[i].lo || a->v[i].hi != b->v[i].hi)
			return false;
	return true;
}

/* Number of trailing zero bits of v (128 for 0). */
static int ctz128(fw_u128 v)
{
	uint64_t low = (uint64_t)v, high = (uint64_t)(v >> 64);

	if (low)
		return __builtin_ctzll(low);
	return high ? 64 + __builtin_ctzll(high) : 128;
}

/* "a.b.c.d/len" without printf: answers over big exports format a million of them. */
static void format_v4(uint32_t ip, int len, char *buf)
{
	char *p = buf;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned b = (ip >> shift) & 0xff;

		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
		*p++ = shift ? '.' : '/';
	}
	if (len >= 10)
		*p++ = (char)('0' + len / 10);
	*p++ = (char)('0' + len % 10);
	*p = '\0';
}

void fw_cidr_iter_init(struct fw_cidr_iter *it, const struct fw_addrset *s, int fam)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->fam = fam;
}

/* Load the next range of the set that has addresses of the family, relative to its base. */
static bool next_range(struct fw_cidr_iter *it)
{
	fw_u128 off = it->fam == FW_V4 ? V4_BASE : 0;

	while (it->i < it->s->n) {
		fw_u128 lo = it->s->v[it->i].lo, hi = it->s->v[it->i].hi;

		it->i++;
		if (it->fam == FW_V4) {
			struct fw_range u = fw_universe(FW_V4);

			if (hi < u.lo || lo > u.hi)
				continue;
			lo = lo < u.lo ? u.lo : lo;
			hi = hi > u.hi ? u.hi : hi;
		}
		it->lo = lo - off;
		it->hi = hi - off;
		it->in = true;
		return true;
	}
	return false;
}

/*
 * The largest aligned block at the start of the current range, left to
 * right: this is the minimal CIDR cover of a range.
 */
bool fw_cidr_next(struct fw_cidr_iter *it, char *buf, size_t len)
{
	int width = it->fam == FW_V4 ? 32 : 128, bits;
	fw_u128 end;

	if (!it->in && !next_range(it))
		return false;
	bits = ctz128(it->lo);
	if (bits > width)
		bits = width;
	/* Shrink the block until it ends at or before hi. */
	while (bits > 0 && (bits >= 128 ? U128_MAX : it->lo + (((fw_u128)1 << bits) - 1)) > it->hi)
		bits--;
	if (buf && it->fam == FW_V4) {
		format_v4((uint32_t)it->lo, width - bits, buf);
	} else if (buf) {
		char ip[64];

		fw_ip_format(it->lo, it->fam, ip, sizeof(ip));
		snprintf(buf, len, "%s/%d", ip, width - bits);
	}
	end = bits >= 128 ? U128_MAX : it->lo + (((fw_u128)1 << bits) - 1);
	if (end >= it->hi)
		it->in = false;
	else
		it->lo = end + 1;
	return true;
}

void fw_as_to_cidrs(const struct fw_addrset *s, int fam, struct strlist *out)
{
	struct fw_cidr_iter it;
	char buf[FW_CIDR_MAX];

	fw_cidr_iter_init(&it, s, fam);
	while (fw_cidr_next(&it, buf, sizeof(buf)))
		sl_push(out, buf);
}

size_t fw_as_join_some(const struct fw_addrset *s, int fam, const char *sep, size_t max, struct strbuf *sb)
{
	struct fw_cidr_iter it;
	char buf[FW_CIDR_MAX];
	size_t n = 0;

	fw_cidr_iter_init(&it, s, fam);
	while (fw_cidr_next(&it, n < max ? buf : NULL, sizeof(buf))) {
		if (n < max) {
			if (n)
				sb_adds(sb, sep);
			sb_adds(sb, buf);
		}
		n++;
	}
	return n;
}

char *fw_as_join(const struct fw_addrset *s, int fam)
{
	struct strbuf sb = STRBUF_INIT;

	fw_as_join_some(s, fam, ",", SIZE_MAX, &sb);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

/* ---- bulk building ---- */

static fw_u128 key_at(const unsigned char *p)
{
	fw_u128 k;

	memcpy(&k, p, sizeof(k));
	return k;
}

/* Insertion sort by lo, for short arrays of elements of at most 64 bytes. */
static void sort_short(unsigned char *a, size_t n, size_t size)
{
	unsigned char tmp[64];

	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		memcpy(tmp, a + i * size, size);
		for (; j > 0 && key_at(a + (j - 1) * size) > key_at(tmp); j--)
			memcpy(a + j * size, a + (j - 1) * size, size);
		memcpy(a + j * size, tmp, size);
	}
}

/*
 * LSD radix sort on the bytes where the keys differ: IPv4 addresses
 * (::ffff:a.b.c.d) differ in four bytes at most, so large sets sort in
 * four linear passes. qsort's comparisons were a fifth of the time of a
 * 100,000-rule reachability answer. Inlined per element size, so the
 * copies are moves, not calls.
 */
static inline __attribute__((always_inline)) void radix(unsigned char *a, size_t n, const size_t size)
{
	unsigned char *b, *src, *dst, *t;
	fw_u128 first = key_at(a), diff = 0;
	size_t count[256];

	for (size_t i = 1; i < n; i++)
		diff |= key_at(a + i * size) ^ first;
	src = a;
	dst = b = xmalloc(n * size);
	for (int shift = 0; shift < 128; shift += 8) {
		if (!((diff >> shift) & 0xff))
			continue;   /* every key has this byte: nothing to sort on */
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(unsigned)(key_at(src + i * size) >> shift) & 0xff]++;
		for (size_t i = 0, sum = 0; i < 256; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			memcpy(dst + count[(unsigned)(key_at(src + i * size) >> shift) & 0xff]++ * size,
			       src + i * size, size);
		t = src, src = dst, dst = t;
	}
	if (src != a)
		memcpy(a, src, n * size);
	free(b);
}

void fw_sort_by_lo(void *base, size_t n, size_t size)
{
	unsigned char *a = base;
	size_t i = 1;

	while (i < n && key_at(a + (i - 1) * size) <= key_at(a + i * size))
		i++;
	if (i >= n)
		return;   /* sorted already: sets built in order, a run's hits */
	if (n < 48 && size <= 64)
		sort_short(a, n, size);
	else if (size == sizeof(struct fw_range))
		radix(a, n, sizeof(struct fw_range));
	else if (size == sizeof(struct fw_lrange))
		radix(a, n, sizeof(struct fw_lrange));
	else
		radix(a, n, size);
}

void fw_as_append_raw(struct fw_addrset *s, const struct fw_addrset *from)
{
	ALLOC_GROW(s->v, s->n + from->n, s->alloc);
	if (from->n)
		memcpy(s->v + s->n, from->v, from->n * sizeof(*from->v));
	s->n += from->n;
}

void fw_as_add_raw(struct fw_addrset *s, fw_u128 lo, fw_u128 hi)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n].lo = lo;
	s->v[s->n].hi = hi;
	s->n++;
}

void fw_as_normalize(struct fw_addrset *s)
{
	size_t n = s->n;

	if (n < 2)
		return;
	fw_sort_by_lo(s->v, n, sizeof(*s->v));
	s->n = 0;
	for (size_t i = 0; i < n; i++)
		push_after(s, s->v[i].lo, s->v[i].hi);
}

/* ---- shrinking sets: many small removals from one large set ---- */

/* out += the parts of s inside a, found by binary search (s large, a small). */
static void clip_into(const struct fw_addrset *s, const struct fw_addrset *a, struct fw_addrset *out)
{
	for (size_t k = 0; k < a->n; k++) {
		size_t lo = 0, hi = s->n;

		while (lo < hi) {   /* first range of s ending at or after a's start */
			size_t mid = lo + (hi - lo) / 2;

			if (s->v[mid].hi < a->v[k].lo)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < s->n && s->v[i].lo <= a->v[k].hi; i++) {
			fw_u128 l = s->v[i].lo > a->v[k].lo ? s->v[i].lo : a->v[k].lo;
			fw_u128 h = s->v[i].hi < a->v[k].hi ? s->v[i].hi : a->v[k].hi;

			ALLOC_GROW(out->v, out->n + 1, out->alloc);
			out->v[out->n].lo = l;
			out->v[out->n].hi = h;
			out->n++;
		}
	}
}

/* Count addresses with a carry, since all of IPv6 is 2^128. */
static void count_add(struct fw_count *c, const struct fw_addrset *s, bool sub)
{
	for (size_t i = 0; i < s->n; i++) {
		fw_u128 d = s->v[i].hi - s->v[i].lo, old = c->lo;

		if (sub) {
			c->lo -= d;
			c->carry -= c->lo > old;
			old = c->lo;
			c->lo -= 1;
			c->carry -= c->lo > old;
		} else {
			c->lo += d;
			c->carry += c->lo < old;
			old = c->lo;
			c->lo += 1;
			c->carry += c->lo < old;
		}
	}
}

void fw_sh_init(struct fw_shrinking *s, struct fw_addrset *base)
{
	memset(s, 0, sizeof(*s));
	s->base = *base;
	memset(base, 0, sizeof(*base));
	count_add(&s->left, &s->base, false);
}

bool fw_sh_empty(const struct fw_shrinking *s)
{
	return s->left.lo == 0 && s->left.carry == 0;
}

void fw_sh_query(const struct fw_shrinking *s, const struct fw_addrset *a, struct fw_addrset *out)
{
	struct fw_addrset gone = FW_ADDRSET_INIT;

	fw_as_clear(out);
	clip_into(&s->base, a, out);
	if (!out->n)
		return;
	for (size_t i = 0; i < s->nlv; i++)
		clip_into(&s->lv[i], a, &gone);
	for (size_t i = 0; i < s->pend.n; i++)   /* small and unsorted: scan it */
		for (size_t k = 0; k < a->n; k++) {
			fw_u128 l = s->pend.v[i].lo > a->v[k].lo ? s->pend.v[i].lo : a->v[k].lo;
			fw_u128 h = s->pend.v[i].hi < a->v[k].hi ? s->pend.v[i].hi : a->v[k].hi;

			if (l <= h)
				fw_as_add_raw(&gone, l, h);
		}
	if (gone.n) {
		fw_as_normalize(&gone);
		fw_as_remove(out, &gone);
	}
	fw_as_release(&gone);
}

/* Fold the removed pieces into base: what is left is then base alone. */
static void sh_compact(struct fw_shrinking *s)
{
	struct fw_addrset gone = FW_ADDRSET_INIT;

	if (s->nlv == 1 && !s->pend.n) {   /* one sorted level: no copy, no sort */
		fw_as_remove(&s->base, &s->lv[0]);
		fw_as_release(&s->lv[0]);
		s->nlv = 0;
		return;
	}
	for (size_t i = 0; i < s->nlv; i++) {
		fw_as_append_raw(&gone, &s->lv[i]);
		fw_as_release(&s->lv[i]);
	}
	s->nlv = 0;
	fw_as_append_raw(&gone, &s->pend);
	fw_as_clear(&s->pend);
	fw_as_normalize(&gone);
	fw_as_remove(&s->base, &gone);
	fw_as_release(&gone);
}

/*
 * Remove r (a subset of s): a new level, merged while it outgrows the one
 * before. A removal as large as the base rebuilds the base at once: that
 * costs no more than the levels would, and copies nothing (a chain that
 * drops a 70,000-host blocklist removes it in one piece).
 */
void fw_sh_remove(struct fw_shrinking *s, const struct fw_addrset *r)
{
	if (!r->n)
		return;
	count_add(&s->left, r, true);
	if (r->n >= 64 && r->n >= s->base.n) {
		sh_compact(s);
		fw_as_remove(&s->base, r);
		return;
	}
	fw_as_append_raw(&s->pend, r);
	if (s->pend.n < 64)
		return;
	fw_as_normalize(&s->pend);
	ALLOC_GROW(s->lv, s->nlv + 1, s->lv_alloc);
	s->lv[s->nlv++] = s->pend;
	memset(&s->pend, 0, sizeof(s->pend));
	while (s->nlv >= 2 && s->lv[s->nlv - 1].n >= s->lv[s->nlv - 2].n) {
		fw_as_merge(&s->lv[s->nlv - 2], &s->lv[s->nlv - 1]);
		fw_as_release(&s->lv[--s->nlv]);
	}
}

void fw_sh_current(struct fw_shrinking *s, struct fw_addrset *out)
{
	sh_compact(s);   /* later queries are cheaper */
	fw_as_copy(out, &s->base);
}

void fw_sh_take(struct fw_shrinking *s, struct fw_addrset *out)
{
	sh_compact(s);
	fw_as_release(out);
	*out = s->base;
	memset(&s->base, 0, sizeof(s->base));
	memset(&s->left, 0, sizeof(s->left));
}

void fw_sh_release(struct fw_shrinking *s)
{
	fw_as_release(&s->base);
	for (size_t i = 0; i < s->nlv; i++)
		fw_as_release(&s->lv[i]);
	free(s->lv);
	fw_as_release(&s->pend);
	memset(s, 0, sizeof(*s));
}
