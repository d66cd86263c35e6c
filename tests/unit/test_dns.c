/*
 * test_dns.c - replies off the wire into canonical records: which
 * replies are ours, which answer records are kept, and the exact text
 * of each (the snapshot files are made of it, so it must never drift).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "resolver.h"

#define T_A     1
#define T_NS    2
#define T_CNAME 5
#define T_MX    15
#define T_TXT   16
#define T_AAAA  28
#define T_TLSA  52
#define T_RRSIG 46

/* A reply under construction. */
struct pkt {
	uint8_t b[1024];
	size_t n;
};

static void put(struct pkt *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void put16(struct pkt *p, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

/* "www.Example.com" in wire form; labels may hold any byte but '.'. */
static void put_name(struct pkt *p, const char *name)
{
	while (*name) {
		size_t l = strcspn(name, ".");
		uint8_t len = (uint8_t)l;
		put(p, &len, 1);
		put(p, name, l);
		name += l + (name[l] == '.');
	}
	put(p, "", 1);
}

static void header_counts(struct pkt *p, unsigned id, unsigned flags, unsigned an,
			  unsigned ns, unsigned ar)
{
	p->n = 0;
	put16(p, id);
	put16(p, flags);
	put16(p, 1);
	put16(p, an);
	put16(p, ns);
	put16(p, ar);
}

static void header(struct pkt *p, unsigned id, unsigned flags, unsigned an)
{
	header_counts(p, id, flags, an, 0, 0);
}

static void question(struct pkt *p, const char *name, unsigned type)
{
	put_name(p, name);
	put16(p, type);
	put16(p, 1);
}

static void record(struct pkt *p, const char *owner, unsigned type, const void *rdata, size_t n)
{
	put_name(p, owner);
	put16(p, type);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
	put16(p, (unsigned)n);
	put(p, rdata, n);
}

struct parsed {
	int r;
	enum lookup_state state;
	struct rr *rrs;
	size_t n;
	bool tc;
};

static struct parsed parse(const struct pkt *p, unsigned id, const char *name, int type)
{
	struct parsed out = { 0 };
	uint8_t *q;
	size_t qlen;

	assert_int_equal(dns_build_query(name, type, 0, false, &q, &qlen), 0);
	out.r = dns_parse_reply(p->b, p->n, (uint16_t)id, q, qlen, name, &out.state,
				&out.rrs, &out.n, &out.tc);
	free(q);
	return out;
}

static void assert_rr(const struct rr *r, const char *owner, const char *type, const char *rdata)
{
	assert_string_equal(r->owner, owner);
	assert_string_equal(r->type, type);
	assert_string_equal(r->rdata, rdata);
	assert_int_equal(r->ttl, 300);
}

/* One record of type asked for type at example.com, as its presentation. */
static void presented(unsigned type, const void *rdata, size_t n, const char *mnemonic,
		      const char *text)
{
	struct pkt p;
	struct parsed r;

	header(&p, 0x1234, 0x8400, 1);
	question(&p, "eXample.COM", type);
	record(&p, "EXAMPLE.com", type, rdata, n);
	r = parse(&p, 0x1234, "example.com.", (int)type);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.state, LK_NOERROR);
	assert_false(r.tc);
	assert_int_equal(r.n, 1);
	assert_rr(&r.rrs[0], "example.com.", mnemonic, text);
	rrs_free(r.rrs, r.n);
}

/* Every presented type, names lower cased, escapes as ldns writes them. */
static void test_presentation(void **state)
{
	static const uint8_t mx[] = { 0, 10, 3, 'M', 'X', '1', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	static const uint8_t a[] = { 192, 0, 2, 1 };
	static const uint8_t aaaa[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t tlsa[] = { 3, 1, 1, 0x00, 0xff, 0x8c };
	static const uint8_t txt[] = { 4, 'a', '"', 'b', '\\', 3, 1, 0xff, '\t', 0 };
	static const uint8_t ns[] = { 2, 'a', '(', 1, ')', 2, ';', ' ', 0 };
	static const uint8_t gen[] = { 1, 2, 0xff };

	presented(T_MX, mx, sizeof(mx), "MX", "10 mx1.example.com.");
	presented(T_A, a, sizeof(a), "A", "192.0.2.1");
	presented(T_AAAA, aaaa, sizeof(aaaa), "AAAA", "2001:db8::1");
	presented(T_TLSA, tlsa, sizeof(tlsa), "TLSA", "3 1 1 00ff8c");
	presented(T_TXT, txt, sizeof(txt), "TXT", "\"a\\\"b\\\\\" \"\\001\\255\t\" \"\"");
	presented(T_NS, ns, sizeof(ns), "NS", "a\\(.\\).\\;\\032.");
	presented(65280, gen, sizeof(gen), "TYPE65280", "\\# 3 0102ff");
}

/*
 * The CNAME chain from qname is kept, other owners, other types and
 * RRSIGs are not: a TXT at the name does not answer a question for PTR.
 */
static void test_chain_and_types(void **state)
{
	static const uint8_t target[] = { 3, 'T', '.', 'X', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	static const uint8_t str[] = { 5, 's', 't', 'r', 'a', 'y' };
	static const uint8_t gen[] = { 1, 2, 0xff };
	static const uint8_t sig[18] = { 0, T_TXT };
	static const uint8_t spf[] = { 11, 'v', '=', 's', 'p', 'f', '1', ' ', '+', 'a', 'l', 'l' };
	static const uint8_t a[] = { 192, 0, 2, 1 };
	struct pkt p;
	struct parsed r;

	header(&p, 7, 0x8400, 5);
	question(&p, "www.example.com", T_TXT);
	record(&p, "t\\.x.example.com", T_TXT, str, sizeof(str));   /* not in the chain yet: "t\" label */
	record(&p, "www.example.com", T_CNAME, target, sizeof(target));
	record(&p, "www.example.com", T_RRSIG, sig, sizeof(sig));
	record(&p, "other.example.com", T_TXT, str, sizeof(str));
	record(&p, "www.example.com", 65280, gen, sizeof(gen));
	r = parse(&p, 7, "www.example.com", T_TXT);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.state, LK_NOERROR);
	assert_int_equal(r.n, 1);
	assert_rr(&r.rrs[0], "www.example.com.", "CNAME", "t\\.x.example.com.");
	rrs_free(r.rrs, r.n);

	header(&p, 8, 0x8400, 2);
	question(&p, "1.2.0.192.in-addr.arpa", T_A);
	record(&p, "1.2.0.192.in-addr.arpa", T_TXT, spf, sizeof(spf));
	record(&p, "1.2.0.192.in-addr.arpa", T_A, a, sizeof(a));
	r = parse(&p, 8, "1.2.0.192.in-addr.arpa", T_A);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.n, 1);
	assert_rr(&r.rrs[0], "1.2.0.192.in-addr.arpa.", "A", "192.0.2.1");
	rrs_free(r.rrs, r.n);
}

/* Header counts must match the sections: more records counted than sent is malformed. */
static void test_counts(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 1 };
	static const uint8_t ns[] = { 2, 'n', 's', 0xc0, 12 };
	struct pkt p;
	struct parsed r;

	header_counts(&p, 3, 0x8400, 1, 1, 0);
	question(&p, "a.example", T_A);
	record(&p, "a.example", T_A, a, sizeof(a));
	assert_int_equal(parse(&p, 3, "a.example", T_A).r, -1);      /* authority counted, absent */
	record(&p, "a.example", T_NS, ns, sizeof(ns));
	r = parse(&p, 3, "a.example", T_A);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.n, 1);
	rrs_free(r.rrs, r.n);
	p.b[11] = 1;                                                 /* additional counted, absent */
	assert_int_equal(parse(&p, 3, "a.example", T_A).r, -1);
	p.b[11] = 0;
	p.b[p.n - 1] = 40;                                           /* rdlength past the end */
	p.b[p.n - 6] = 40;
	assert_int_equal(parse(&p, 3, "a.example", T_A).r, -1);
}

/* Only a reply to this query counts: id, QR, one question with our name and type. */
static void test_not_ours(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 1 };
	struct pkt p;
	struct parsed r;

	header(&p, 9, 0x8400, 1);
	question(&p, "a.example", T_A);
	record(&p, "a.example", T_A, a, sizeof(a));
	assert_int_equal(parse(&p, 10, "a.example", T_A).r, -1);        /* id */
	assert_int_equal(parse(&p, 9, "b.example", T_A).r, -1);         /* name */
	assert_int_equal(parse(&p, 9, "a.example", T_AAAA).r, -1);      /* type */
	p.b[2] = 0x04;                                                  /* not a response */
	assert_int_equal(parse(&p, 9, "a.example", T_A).r, -1);
	p.b[2] = 0x84;
	p.n -= 2;                                                       /* answer cut short */
	assert_int_equal(parse(&p, 9, "a.example", T_A).r, -1);
	p.n += 2;
	p.b[5] = 2;                                                     /* two questions */
	assert_int_equal(parse(&p, 9, "a.example", T_A).r, -1);
	p.b[5] = 1;
	r = parse(&p, 9, "A.Example.", T_A);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.n, 1);
	rrs_free(r.rrs, r.n);
}

/* The header's outcome: NXDOMAIN, NODATA, SERVFAIL (records ignored), truncation. */
static void test_outcomes(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 1 };
	struct pkt p;
	struct parsed r;

	header(&p, 1, 0x8403, 0);
	question(&p, "gone.example", T_A);
	r = parse(&p, 1, "gone.example", T_A);
	assert_int_equal(r.state, LK_NXDOMAIN);
	header(&p, 1, 0x8400, 0);
	question(&p, "gone.example", T_A);
	r = parse(&p, 1, "gone.example", T_A);
	assert_int_equal(r.state, LK_NODATA);
	header(&p, 1, 0x8602, 1);
	question(&p, "gone.example", T_A);
	record(&p, "gone.example", T_A, a, sizeof(a));
	r = parse(&p, 1, "gone.example", T_A);
	assert_int_equal(r.r, 0);
	assert_int_equal(r.state, LK_SERVFAIL);
	assert_int_equal(r.n, 0);
	assert_true(r.tc);
}

/* A referral's zone: only from a reply without AA, answer or error, with NS in authority. */
static void test_referral(void **state)
{
	struct pkt p;
	uint8_t ns[32];
	struct pkt nsname = { .n = 0 };
	char *zone;

	put_name(&nsname, "ns.sub.example.com");
	memcpy(ns, nsname.b, nsname.n);
	header_counts(&p, 1, 0x8000, 0, 1, 0);
	question(&p, "mx1.Mail.example.com", T_A);
	record(&p, "MAIL.example.com", T_NS, ns, nsname.n);
	zone = dns_reply_referral(p.b, p.n);
	assert_non_null(zone);
	assert_string_equal(zone, "mail.example.com.");
	free(zone);

	header_counts(&p, 1, 0x8400, 0, 1, 0);   /* AA: a NODATA, not a referral */
	question(&p, "mx1.mail.example.com", T_A);
	record(&p, "mail.example.com", T_NS, ns, nsname.n);
	assert_null(dns_reply_referral(p.b, p.n));

	header_counts(&p, 1, 0x8005, 0, 0, 0);   /* REFUSED */
	question(&p, "mx1.mail.example.com", T_A);
	assert_null(dns_reply_referral(p.b, p.n));

	header_counts(&p, 1, 0x8000, 0, 0, 0);   /* no AA, nothing in authority */
	question(&p, "mx1.mail.example.com", T_A);
	assert_null(dns_reply_referral(p.b, p.n));
	assert_null(dns_reply_referral(p.b, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presentation),
		cmocka_unit_test(test_chain_and_types),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_referral),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
