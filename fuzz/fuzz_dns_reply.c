/*
 * fuzz_dns_reply.c - DNS replies off the wire: dns_parse_reply() must
 * never crash or read past the packet, whatever a server sends, and
 * must make of it exactly what ldns makes of it. The reference below is
 * how dns.c parsed replies before it had its own printers (the whole
 * packet through ldns_wire2pkt(), every field through ldns's printers):
 * any difference in the outcome or in one byte of a record aborts.
 * Both get the reply with its authority and additional counts zeroed,
 * as the reference zeroed them in its copy: otherwise a compression
 * pointer into those four header bytes, which the reference read as
 * zeros (the root name), would be the one difference (dns.c now rejects
 * such a reply, as ldns does). This harness is test code, so it may use
 * ldns besides dns.c.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "util.h"
#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the reference: dns.c's parser as it was, names prefixed ref_ --- */

static bool ref_presented(ldns_rr_type t)
{
	switch (t) {
	case LDNS_RR_TYPE_A: case LDNS_RR_TYPE_AAAA: case LDNS_RR_TYPE_MX:
	case LDNS_RR_TYPE_TXT: case LDNS_RR_TYPE_SPF: case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_CNAME: case LDNS_RR_TYPE_NS: case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_TLSA:
		return true;
	default:
		return false;
	}
}

static int ref_rdata_text(const ldns_rr *rr, ldns_buffer *buf)
{
	ldns_buffer *wire;
	size_t n;

	if (ref_presented(ldns_rr_get_type(rr))) {
		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			if (i)
				ldns_buffer_write_u8(buf, ' ');
			if (ldns_rdf2buffer_str(buf, ldns_rr_rdf(rr, i)) != LDNS_STATUS_OK)
				return -1;
		}
		return 0;
	}
	if (!(wire = ldns_buffer_new(256)))
		return -1;
	if (ldns_rr_rdata2buffer_wire(wire, rr) != LDNS_STATUS_OK) {
		ldns_buffer_free(wire);
		return -1;
	}
	n = ldns_buffer_position(wire);
	ldns_buffer_printf(buf, "\\# %zu%s", n, n ? " " : "");
	for (size_t i = 0; i < n; i++)
		ldns_buffer_printf(buf, "%02x", ldns_buffer_at(wire, i)[0]);
	ldns_buffer_free(wire);
	return 0;
}

/*
 * Fill out from an ldns record, put in canonical form in place (the
 * caller owns rr and is done with it). buf is scratch space, reused
 * across the records of a reply.
 */
static int ref_rr_from_ldns(ldns_rr *rr, ldns_buffer *buf, struct rr *out)
{
	char tbuf[16];

	ldns_rr2canonical(rr);
	ldns_buffer_clear(buf);
	if (ldns_rdf2buffer_str_dname(buf, ldns_rr_owner(rr)) != LDNS_STATUS_OK)
		return -1;
	out->owner = str_lower(xstrndup((const char *)ldns_buffer_begin(buf), ldns_buffer_position(buf)));
	ldns_buffer_clear(buf);
	if (ref_rdata_text(rr, buf)) {
		free(out->owner);
		return -1;
	}
	out->ttl = ldns_rr_ttl(rr);
	out->type = xstrdup(dns_type_name(ldns_rr_get_type(rr), tbuf));
	out->rdata = xstrndup((const char *)ldns_buffer_begin(buf), ldns_buffer_position(buf));
	return 0;
}

static bool ref_question_matches(const ldns_pkt *pkt, const char *name, int qtype)
{
	ldns_rr_list *q = ldns_pkt_question(pkt);
	ldns_rdf *want = ldns_dname_new_frm_str(name);
	bool ok;

	if (!want)
		return false;
	ok = q && ldns_rr_list_rr_count(q) == 1 &&
	     ldns_rr_get_type(ldns_rr_list_rr(q, 0)) == (ldns_rr_type)qtype &&
	     ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(q, 0)), want) == 0;
	ldns_rdf_deep_free(want);
	return ok;
}

/*
 * Keep the answer records that belong to the query: at qname, or at a
 * name a CNAME in the chain points to. Anything else is not ours to trust.
 */
static void ref_collect_answer(ldns_pkt *pkt, const char *name, int qtype,
			   struct rr **rrs, size_t *nrr)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	struct strlist chain = STRLIST_INIT;
	size_t n = ldns_rr_list_rr_count(an), all = 0, keep = 0;
	struct rr *v = xcalloc(n ? n : 1, sizeof(*v));
	ldns_buffer *buf = ldns_buffer_new(512);

	/* Only the asked type and CNAMEs answer the question. */
	for (size_t i = 0; buf && i < n; i++) {
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(an, i));
		if (((int)t == qtype || t == LDNS_RR_TYPE_CNAME) &&
		    !ref_rr_from_ldns(ldns_rr_list_rr(an, i), buf, &v[all]))
			all++;
	}
	ldns_buffer_free(buf);
	sl_push_owned(&chain, name_abs(name));
	/* Chains are short; a few passes pick up out-of-order CNAMEs. */
	for (int pass = 0; pass < 8; pass++) {
		size_t before = chain.n;
		for (size_t i = 0; i < all; i++)
			if (!strcmp(v[i].type, "CNAME") && sl_has(&chain, v[i].owner) &&
			    !sl_has(&chain, v[i].rdata))
				sl_push(&chain, v[i].rdata);
		if (chain.n == before)
			break;
	}
	for (size_t i = 0; i < all; i++) {
		if (sl_has(&chain, v[i].owner))
			v[keep++] = v[i];
		else
			rr_release(&v[i]);
	}
	sl_release(&chain);
	if (!keep) {
		free(v);
		v = NULL;
	}
	*rrs = v;
	*nrr = keep;
}

/* One owner name's wire length at p (labels, then a root label or a pointer); 0 if cut. */
static size_t ref_name_len(const uint8_t *w, size_t len, size_t p)
{
	size_t start = p;

	while (p < len) {
		if (w[p] >= 0xc0)
			return p + 2 <= len ? p + 2 - start : 0;
		if (w[p] >= 0x40)
			return 0;
		if (!w[p])
			return p + 1 - start;
		p += (size_t)w[p] + 1;
	}
	return 0;
}

/*
 * Every authority and additional record the header counts is there: the
 * answer section read record by record as ldns reads it, then the rest
 * walked by the lengths alone.
 */
static bool ref_sections_fit(const uint8_t *w, size_t len, ldns_pkt *pkt)
{
	size_t p = 12, n = (size_t)(w[8] << 8 | w[9]) + (size_t)(w[10] << 8 | w[11]);
	size_t l = ref_name_len(w, len, p);
	bool ok = l && p + l + 4 <= len;

	p += l + 4;
	for (size_t i = 0; ok && i < ldns_pkt_ancount(pkt); i++) {
		ldns_rr *rr = NULL;
		ok = ldns_wire2rr(&rr, w, len, &p, LDNS_SECTION_ANSWER) == LDNS_STATUS_OK;
		ldns_rr_free(rr);
	}
	for (size_t i = 0; ok && i < n; i++) {
		l = ref_name_len(w, len, p);
		ok = l && p + l + 10 <= len;
		if (ok) {
			size_t rd = (size_t)(w[p + l + 8] << 8 | w[p + l + 9]);
			ok = p + l + 10 + rd <= len;
			p += l + 10 + rd;
		}
	}
	return ok;
}

static int ref_dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id,
		    const char *name, int qtype, enum lookup_state *state,
		    struct rr **rrs, size_t *nrr, bool *tc)
{
	ldns_pkt *pkt = NULL;
	ldns_pkt_rcode rc;

	uint8_t stackbuf[4096], *copy;
	ldns_status st;

	*rrs = NULL;
	*nrr = 0;
	if (len < 12)
		return -1;
	/*
	 * Parse the header, question and answer only: authority and
	 * additional records (NS, glue, OPT) are not used, and parsing them
	 * costs as much as the rest. Zeroing their counts in a copy skips them.
	 */
	copy = len <= sizeof(stackbuf) ? stackbuf : xmalloc(len);
	memcpy(copy, wire, len);
	memset(copy + 8, 0, 4);
	st = ldns_wire2pkt(&pkt, copy, len);
	if (copy != stackbuf)
		free(copy);
	if (st != LDNS_STATUS_OK)
		return -1;
	if (!ref_sections_fit(wire, len, pkt)) {
		ldns_pkt_free(pkt);
		return -1;
	}
	if (ldns_pkt_id(pkt) != id || !ldns_pkt_qr(pkt) ||
	    !ref_question_matches(pkt, name, qtype)) {
		ldns_pkt_free(pkt);
		return -1;
	}
	*tc = ldns_pkt_tc(pkt);
	rc = ldns_pkt_get_rcode(pkt);
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN)
		ref_collect_answer(pkt, name, qtype, rrs, nrr);
	if (rc == LDNS_RCODE_NXDOMAIN)
		*state = LK_NXDOMAIN;
	else if (rc != LDNS_RCODE_NOERROR)
		*state = LK_SERVFAIL;
	else
		*state = *nrr ? LK_NOERROR : LK_NODATA;
	ldns_pkt_free(pkt);
	return 0;
}

/* --- the comparison --- */

static void same_outcome(int r1, enum lookup_state s1, bool tc1, struct rr *a, size_t na,
			 int r2, enum lookup_state s2, bool tc2, struct rr *b, size_t nb)
{
	if (r1 != r2)
		abort();
	if (r1)
		return;
	if (s1 != s2 || tc1 != tc2 || na != nb)
		abort();
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].owner, b[i].owner) || strcmp(a[i].type, b[i].type) ||
		    strcmp(a[i].rdata, b[i].rdata) || a[i].ttl != b[i].ttl)
			abort();
}

static void try(const uint8_t *data, size_t size, uint16_t id, const char *name, int type)
{
	enum lookup_state s1 = LK_TIMEOUT, s2 = LK_TIMEOUT;
	struct rr *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, qlen;
	bool tc1 = false, tc2 = false;
	uint8_t *query;
	int r1, r2;

	if (dns_build_query(name, type, 0, false, &query, &qlen))
		return;
	r1 = dns_parse_reply(data, size, id, query, qlen, name, &s1, &a, &na, &tc1);
	r2 = ref_dns_parse_reply(data, size, id, name, type, &s2, &b, &nb, &tc2);
	same_outcome(r1, s1, tc1, a, na, r2, s2, tc2, b, nb);
	rrs_free(a, na);
	rrs_free(b, nb);
	free(query);
}

/* The reply's own question, so that most inputs get as far as the answer section. */
static char *own_question(const uint8_t *data, size_t size, int *type)
{
	ldns_rdf *qname = NULL;
	size_t pos = 12;
	char *s = NULL;

	if (size >= 12 && ldns_wire2dname(&qname, data, size, &pos) == LDNS_STATUS_OK &&
	    pos + 2 <= size) {
		*type = data[pos] << 8 | data[pos + 1];
		s = ldns_rdf2str(qname);
	}
	ldns_rdf_deep_free(qname);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "example.com.", "s1._domainkey.example.com." };
	static const int types[] = { 1, 16, 15, 12, 28, 52 };
	char *own;
	int own_type = 0;

	uint8_t *copy;

	if (size < 2)
		return 0;
	copy = xmalloc(size);
	memcpy(copy, data, size);
	if (size >= 12)
		memset(copy + 8, 0, 4);
	/* Answer as if the reply's own id and each question were ours. */
	uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (size_t t = 0; t < sizeof(types) / sizeof(*types); t++)
			try(copy, size, id, names[i], types[t]);
	if ((own = own_question(copy, size, &own_type))) {
		try(copy, size, id, own, own_type);
		free(own);
	}
	free(copy);
	return 0;
}
