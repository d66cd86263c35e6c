/*
 * test_snapshot.c - the canonical writer, its reader, and staleness.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snapshot.h"
#include "resolver.h"

/* Records added in any order, with duplicates, come out sorted and unique. */
static void test_zone_text_canonical(void **state)
{
	struct domain_snap a = { 0 }, b = { 0 };
	char *ta, *tb;

	dsnap_add_rr(&a, "mx2.example.com.", 3600, "A", "192.0.2.26");
	dsnap_add_rr(&a, "example.com.", 3600, "MX", "20 mx2.example.com.");
	dsnap_add_rr(&a, "example.com.", 3600, "MX", "10 mx1.example.com.");
	dsnap_add_rr(&a, "mx2.example.com.", 3600, "A", "192.0.2.26");
	dsnap_sort(&a);
	dsnap_add_rr(&b, "example.com.", 3600, "MX", "10 mx1.example.com.");
	dsnap_add_rr(&b, "mx2.example.com.", 3600, "A", "192.0.2.26");
	dsnap_add_rr(&b, "example.com.", 3600, "MX", "20 mx2.example.com.");
	dsnap_sort(&b);
	ta = dsnap_zone_text(&a);
	tb = dsnap_zone_text(&b);
	assert_string_equal(ta,
		"example.com.\t3600\tIN\tMX\t10 mx1.example.com.\n"
		"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
		"mx2.example.com.\t3600\tIN\tA\t192.0.2.26\n");
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	struct snapshot s = { 0 };
	s.domains = malloc(2 * sizeof(*s.domains));
	s.domains[0] = a;
	s.domains[1] = b;
	s.n = s.alloc = 2;
	snapshot_release(&s);
}

/* ldns canonical form: owner and RDATA names lower case, TXT escaped the same way. */
static void test_canonical_rr(void **state)
{
	struct rr r, r2;

	assert_int_equal(dns_canonical_rr("Example.COM. 300 IN MX 10 MX1.Example.com.", &r), 0);
	assert_string_equal(r.owner, "example.com.");
	assert_int_equal(r.ttl, 300);
	assert_string_equal(r.type, "MX");
	assert_string_equal(r.rdata, "10 mx1.example.com.");
	rr_release(&r);

	/* The same bytes written two ways give one presentation. */
	assert_int_equal(dns_canonical_rr("t.example. 60 IN TXT \"a\\\"b\" \"\\099\\255\"", &r), 0);
	assert_int_equal(dns_canonical_rr("t.example. 60 IN TXT \"a\\034b\" c\\255", &r2), 0);
	assert_string_equal(r.rdata, r2.rdata);
	rr_release(&r);
	rr_release(&r2);
}

/* Types mail DNS does not read print in RFC 3597 form: hostile RDATA never reaches a type printer. */
static void test_generic_rdata(void **state)
{
	struct rr r;

	assert_int_equal(dns_canonical_rr("x.example. 60 IN HTTPS 1 . alpn=h2", &r), 0);
	assert_string_equal(r.type, "HTTPS");
	assert_string_equal(r.rdata, "\\# 10 00010000010003026832");
	rr_release(&r);
	assert_int_equal(dns_canonical_rr("x.example. 60 IN TLSA 3 1 1 00ff", &r), 0);
	assert_string_equal(r.rdata, "3 1 1 00ff");   /* TLSA is read: presentation form */
	rr_release(&r);
}

/* rdata decodes to n strings, the first and last as given, and joins to joined. */
static void check_txt(const char *rdata, size_t n, const char *first, const char *last,
		      const char *joined)
{
	struct rr r = { "t.", 60, "TXT", (char *)rdata };
	struct strlist sl = STRLIST_INIT;
	char *j;

	assert_int_equal(rr_txt_strings(&r, &sl), 0);
	assert_int_equal(sl.n, n);
	if (n) {
		assert_string_equal(sl.v[0], first);
		assert_string_equal(sl.v[n - 1], last);
	}
	sl_release(&sl);
	j = rr_txt_join(&r);
	assert_string_equal(j, joined);
	free(j);
}

static void test_txt_decode(void **state)
{
	struct rr r = { "t.", 60, "TXT", "" };

	check_txt("\"v=spf1 \" \"ip4:192.0.2.1\" \"\\\"q\\\" \\065\"", 3, "v=spf1 ", "\"q\" A",
		  "v=spf1 ip4:192.0.2.1\"q\" A");
	/* Bare strings end at blanks; NUL shows as '?'; an empty TXT joins to "". */
	check_txt("bare\tstr\\ ing \"a\\000b\"", 3, "bare", "a?b", "barestr inga?b");
	check_txt("\"\"", 1, "", "", "");

	/* Hostile: unterminated quote, escape past the end, \DDD over 255. */
	r.rdata = "\"abc";
	assert_null(rr_txt_join(&r));
	r.rdata = "\"abc\\";
	assert_null(rr_txt_join(&r));
	r.rdata = "\"\\999\"";
	assert_null(rr_txt_join(&r));
}

/* Written text parses back to the same text. */
static void test_roundtrip(void **state)
{
	struct domain_snap a = { 0 }, b = { 0 };
	struct lookup *l;
	char *z1, *s1, *z2, *s2;

	dsnap_add_rr(&a, "example.com.", 3600, "TXT", "\"v=spf1 -all\"");
	dsnap_add_rr(&a, "example.com.", 300, "MX", "0 .");
	l = dsnap_add_lookup(&a, "example.com.", "MX", LK_NOERROR);
	l->disagree = true;
	free(l->servers);
	l->servers = strdup("192.0.2.53,198.51.100.53");
	l->detail = strdup("198.51.100.53=NXDOMAIN/0");
	l = dsnap_add_lookup(&a, "example.com.", "TXT", LK_TIMEOUT);
	l->stale = true;
	dsnap_sort(&a);
	z1 = dsnap_zone_text(&a);
	s1 = dsnap_status_text(&a);
	assert_int_equal(dsnap_parse_zone(&b, "z", z1), 0);
	assert_int_equal(dsnap_parse_status(&b, "s", s1), 0);
	z2 = dsnap_zone_text(&b);
	s2 = dsnap_status_text(&b);
	assert_string_equal(z1, z2);
	assert_string_equal(s1, s2);
	assert_non_null(strstr(s1, "example.com.\tMX\tNOERROR\tdisagree\t192.0.2.53,198.51.100.53\t198.51.100.53=NXDOMAIN/0\n"));
	assert_non_null(strstr(s1, "example.com.\tTXT\tTIMEOUT\tstale\t-\n"));
	free(z1); free(s1); free(z2); free(s2);

	/* A bad line is named and skipped; the lines around it still count. */
	struct domain_snap c = { 0 };
	assert_int_equal(dsnap_parse_zone(&c, "z", "example.com. 3600 IN MX 10 a.\nbroken line\n"
					  "example.com. 60 IN A 192.0.2.1\n"), -1);
	assert_string_equal(c.bad, "z:2: expected 'owner TTL IN TYPE RDATA'");
	assert_int_equal(c.nrr, 2);
	assert_int_equal(dsnap_parse_status(&c, "s", "x.\tA\tWEIRD\t-\t-\n"), -1);
	assert_string_equal(c.bad, "z:2: expected 'owner TTL IN TYPE RDATA'");
	struct snapshot s = { 0 };
	s.domains = malloc(3 * sizeof(*s.domains));
	s.domains[0] = a; s.domains[1] = b; s.domains[2] = c;
	s.n = s.alloc = 3;
	snapshot_release(&s);
}

/*
 * Any byte in a name round-trips: control bytes, tabs and newlines are
 * written "\DDD", so no field or line ends early, and writing what was
 * read gives the same bytes.
 */
static void test_escaped_fields(void **state)
{
	struct domain_snap a = { 0 }, b = { 0 };
	char *s1, *s2, *z1, *z2;

	dsnap_add_lookup(&a, "x\n_report._dmarc.evil\x1b\t\xff.example.", "TXT", LK_NXDOMAIN);
	dsnap_add_rr(&a, "a\rb.example.", 60, "TXT", "\"tab\there\" \"nl\x01\"");
	dsnap_sort(&a);
	s1 = dsnap_status_text(&a);
	z1 = dsnap_zone_text(&a);
	assert_non_null(strstr(s1, "x\\010_report._dmarc.evil\\027\\009\\255.example.\tTXT\tNXDOMAIN\t-\t-\n"));
	assert_string_equal(z1, "a\\013b.example.\t60\tIN\tTXT\t\"tab\there\" \"nl\\001\"\n");
	assert_int_equal(dsnap_parse_status(&b, "s", s1), 0);
	assert_int_equal(dsnap_parse_zone(&b, "z", z1), 0);
	assert_null(b.bad);
	assert_int_equal(b.nlk, 1);
	s2 = dsnap_status_text(&b);
	z2 = dsnap_zone_text(&b);
	assert_string_equal(s1, s2);
	assert_string_equal(z1, z2);
	free(s1); free(s2); free(z1); free(z2);
	struct snapshot s = { 0 };
	s.domains = malloc(2 * sizeof(*s.domains));
	s.domains[0] = a; s.domains[1] = b;
	s.n = s.alloc = 2;
	snapshot_release(&s);
}

/* Names from record content are asked only when they are host names. */
static void test_name_valid(void **state)
{
	char l63[80], *h;

	memset(l63, 'a', 63);
	strcpy(l63 + 63, ".example.");
	assert_true(dns_name_valid("mx1.example.com."));
	assert_true(dns_name_valid("_spf.Example.NET"));
	assert_true(dns_name_valid(l63));
	l63[63] = 'a';
	assert_false(dns_name_valid(l63));              /* a 64-byte label */
	assert_false(dns_name_valid(""));
	assert_false(dns_name_valid("."));
	assert_false(dns_name_valid("a..example"));
	assert_false(dns_name_valid("evil.example\nx"));
	assert_false(dns_name_valid("\x1b[31m.example"));
	assert_false(dns_name_valid("h\xc3\xa9.example"));
	assert_false(dns_name_valid("a b.example"));
	assert_false(dns_name_valid("a\\046b.example"));
	h = mailto_host(" mailto:dmarc@Reports.Example.NET!10m");
	assert_string_equal(h, "reports.example.net");
	free(h);
	assert_null(mailto_host("mailto:a@evil.example\nx"));
	assert_null(mailto_host("mailto:a@bad..example"));
	assert_null(mailto_host("https://example.com/"));
	assert_null(mailto_host("mailto:@example.com"));
}

static void test_find(void **state)
{
	struct domain_snap d = { 0 };
	const struct rr *r;

	dsnap_add_rr(&d, "a.example.", 60, "A", "192.0.2.1");
	dsnap_add_rr(&d, "a.example.", 60, "A", "192.0.2.2");
	dsnap_add_rr(&d, "a.example.", 60, "AAAA", "2001:db8::1");
	dsnap_add_rr(&d, "b.example.", 60, "A", "192.0.2.3");
	dsnap_sort(&d);
	assert_int_equal(dsnap_find(&d, "a.example.", "A", &r), 2);
	assert_string_equal(r[1].rdata, "192.0.2.2");
	assert_int_equal(dsnap_find(&d, "a.example.", "AAAA", &r), 1);
	assert_int_equal(dsnap_find(&d, "a.example.", "*", &r), 3);
	assert_int_equal(dsnap_find(&d, "c.example.", "A", &r), 0);
	assert_null(r);
	struct snapshot s = { .domains = malloc(sizeof(d)), .n = 1, .alloc = 1 };
	s.domains[0] = d;
	snapshot_release(&s);
}

static void build_prev(struct domain_snap *p)
{
	dsnap_add_rr(p, "example.com.", 3600, "MX", "10 mx1.example.com.");
	dsnap_add_rr(p, "mx1.example.com.", 3600, "A", "192.0.2.25");
	dsnap_add_rr(p, "s2._domainkey.example.com.", 3600, "CNAME", "s2.dkim.example.net.");
	dsnap_add_rr(p, "s2.dkim.example.net.", 3600, "TXT", "\"v=DKIM1; p=abc\"");
	dsnap_add_rr(p, "_dmarc.example.com.", 3600, "TXT", "\"v=DMARC1; p=none\"");
	dsnap_add_lookup(p, "example.com.", "MX", LK_NOERROR);
	dsnap_add_lookup(p, "mx1.example.com.", "A", LK_NOERROR);
	dsnap_add_lookup(p, "s2._domainkey.example.com.", "TXT", LK_NOERROR);
	dsnap_add_lookup(p, "_dmarc.example.com.", "TXT", LK_NOERROR);
	dsnap_sort(p);
}

/* A timeout keeps the last good records and marks them stale. */
static void test_stale_timeout_keeps_data(void **state)
{
	struct domain_snap prev = { 0 }, cur = { 0 };
	const struct rr *r;
	const struct lookup *l;

	build_prev(&prev);
	dsnap_add_lookup(&cur, "example.com.", "MX", LK_TIMEOUT);
	dsnap_add_lookup(&cur, "s2._domainkey.example.com.", "TXT", LK_SERVFAIL);
	dsnap_add_lookup(&cur, "mx1.example.com.", "A", LK_NOERROR);
	dsnap_add_rr(&cur, "mx1.example.com.", 3600, "A", "192.0.2.25");
	dsnap_add_lookup(&cur, "_dmarc.example.com.", "TXT", LK_NXDOMAIN);
	dsnap_sort(&cur);

	assert_int_equal(dsnap_carry_stale(&cur, &prev), 2);
	assert_int_equal(dsnap_find(&cur, "example.com.", "MX", &r), 1);
	assert_string_equal(r->rdata, "10 mx1.example.com.");
	l = dsnap_lookup(&cur, "example.com.", "MX");
	assert_true(l->stale);
	assert_int_equal(l->state, LK_TIMEOUT);
	/* The CNAME chain behind a failed lookup comes along. */
	assert_int_equal(dsnap_find(&cur, "s2.dkim.example.net.", "TXT", &r), 1);
	assert_int_equal(dsnap_find(&cur, "s2._domainkey.example.com.", "CNAME", &r), 1);
	assert_true(dsnap_lookup(&cur, "s2._domainkey.example.com.", "TXT")->stale);
	/* A real NXDOMAIN is a removal, not staleness. */
	assert_int_equal(dsnap_find(&cur, "_dmarc.example.com.", "TXT", &r), 0);
	assert_false(dsnap_lookup(&cur, "_dmarc.example.com.", "TXT")->stale);
	assert_false(dsnap_lookup(&cur, "mx1.example.com.", "A")->stale);
	/* No duplicates after carrying. */
	assert_int_equal(dsnap_find(&cur, "mx1.example.com.", "A", &r), 1);

	struct snapshot s = { .domains = malloc(2 * sizeof(prev)), .n = 2, .alloc = 2 };
	s.domains[0] = prev;
	s.domains[1] = cur;
	snapshot_release(&s);
}

/* Stale data stays stale across runs, and the text shows it. */
static void test_stale_twice_and_no_prev(void **state)
{
	struct domain_snap prev = { 0 }, mid = { 0 }, cur = { 0 }, first = { 0 };
	char *t1, *t2;

	build_prev(&prev);
	dsnap_add_lookup(&mid, "example.com.", "MX", LK_TIMEOUT);
	dsnap_carry_stale(&mid, &prev);
	dsnap_add_lookup(&cur, "example.com.", "MX", LK_TIMEOUT);
	dsnap_carry_stale(&cur, &mid);
	t1 = dsnap_zone_text(&mid);
	t2 = dsnap_zone_text(&cur);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t2, "10 mx1.example.com."));
	free(t1);
	free(t2);
	t1 = dsnap_status_text(&cur);
	assert_non_null(strstr(t1, "example.com.\tMX\tTIMEOUT\tstale\t-\n"));
	free(t1);

	/* No previous snapshot: stale, with nothing to keep. */
	dsnap_add_lookup(&first, "example.com.", "MX", LK_TIMEOUT);
	assert_int_equal(dsnap_carry_stale(&first, NULL), 1);
	assert_int_equal(first.nrr, 0);

	struct snapshot s = { .domains = malloc(4 * sizeof(prev)), .n = 4, .alloc = 4 };
	s.domains[0] = prev; s.domains[1] = mid; s.domains[2] = cur; s.domains[3] = first;
	snapshot_release(&s);
}

static void test_reverse_names(void **state)
{
	char *n = addr_reverse_name("192.0.2.25");
	assert_string_equal(n, "25.2.0.192.in-addr.arpa.");
	free(n);
	n = addr_reverse_name("2001:db8::25");
	assert_string_equal(n, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
	free(n);
	assert_null(addr_reverse_name("192.0.2"));
	n = name_abs("MX1.Example.COM");
	assert_string_equal(n, "mx1.example.com.");
	free(n);
}

/* Recorded inputs: written before the lookups, read back, compared. */
static void test_inputs_roundtrip(void **state)
{
	struct snapshot s = { 0 };
	struct domain_snap *a = snapshot_add_domain(&s, "example.com");
	struct domain_snap *b = snapshot_add_domain(&s, "example.net");
	struct domain_inputs *in = dsnap_set_inputs(a);
	struct strlist diff = STRLIST_INIT;
	char *t1, *t2;

	sl_push(&in->dkim_selectors, "s1");
	sl_push(&in->dkim_selectors, "s2");
	sl_push(&in->sending_ips, "2001:db8::1");
	sl_push(&in->mail_hosts, "192.0.2.25:25");
	in->lab = true;
	in->dkim_warn_bits = 3072;
	in->policies = true;
	dsnap_add_lookup(a, "example.com.", "MX", LK_NOERROR);
	t1 = dsnap_status_text(a);
	assert_non_null(strstr(t1, "; input\tdkim_selectors\ts1 s2\n"));
	assert_non_null(strstr(t1, "; input\tmail_hosts\t192.0.2.25:25\n"));
	assert_non_null(strstr(t1, "; input\tdkim_bits\t3072 1024\n; input\tpolicies\tyes\n"));
	assert_true(strstr(t1, "; input") < strstr(t1, "example.com.\tMX"));
	assert_int_equal(dsnap_parse_status(b, "s", t1), 0);
	assert_non_null(b->inputs);
	assert_true(dsnap_inputs_equal(a->inputs, b->inputs));
	assert_int_equal(b->nlk, 1);
	t2 = dsnap_status_text(b);
	assert_string_equal(t1, t2);
	sl_push(&b->inputs->sending_ips, "192.0.2.9");
	sl_release(&b->inputs->mail_hosts);
	assert_false(dsnap_inputs_equal(a->inputs, b->inputs));
	dsnap_inputs_diff(a->inputs, b->inputs, &diff);
	assert_int_equal(diff.n, 2);
	assert_string_equal(diff.v[0], "sending_ips: 2001:db8::1 -> 2001:db8::1 192.0.2.9");
	assert_string_equal(diff.v[1], "mail_hosts: 192.0.2.25:25 -> (none)");
	sl_release(&diff);
	dsnap_inputs_diff(a->inputs, NULL, &diff);
	assert_int_equal(diff.n, 0);
	assert_false(dsnap_inputs_equal(a->inputs, NULL));
	assert_true(dsnap_inputs_equal(NULL, NULL));
	free(t1);
	free(t2);
	snapshot_release(&s);
}

/* Files written before inputs were recorded have none; bad values are errors. */
static void test_inputs_old_and_bad(void **state)
{
	struct snapshot s = { 0 };
	struct domain_snap *d = snapshot_add_domain(&s, "example.com");

	assert_int_equal(dsnap_parse_status(d, "s", "; name\ttype\n"
					    "example.com.\tMX\tNOERROR\t-\t-\n"), 0);
	assert_null(d->inputs);
	/* A key from a newer version is skipped; the known ones still count. */
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tfuture\tx y\n"
					    "; input\tlab\tyes\n"), 0);
	assert_non_null(d->inputs);
	assert_true(d->inputs->lab);
	assert_int_equal(d->inputs->dkim_warn_bits, 2048);
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tsending_ips\t192.0.2.300\n"), -1);
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tlab\tmaybe\n"), -1);
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tdkim_bits\t2048\n"), -1);
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tdkim_bits\t2048 x\n"), -1);
	assert_int_equal(dsnap_parse_status(d, "s", "; input\tdkim_bits\t1 2 3\n"), -1);
	/* In a zone file the same line is only a comment. */
	assert_int_equal(dsnap_parse_zone(d, "z", "; input\tlab\tmaybe\n"), 0);
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_text_canonical),
		cmocka_unit_test(test_escaped_fields),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_canonical_rr),
		cmocka_unit_test(test_generic_rdata),
		cmocka_unit_test(test_txt_decode),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_stale_timeout_keeps_data),
		cmocka_unit_test(test_stale_twice_and_no_prev),
		cmocka_unit_test(test_reverse_names),
		cmocka_unit_test(test_inputs_roundtrip),
		cmocka_unit_test(test_inputs_old_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
