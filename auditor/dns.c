/*
 * dns.c - DNS wire format through ldns; the only file that includes it.
 *
 * Replies become canonical struct rr: owner lower case and absolute,
 * names in RDATA lower cased (ldns_rr2canonical), RDATA in ldns's
 * presentation form, so the same answer always gives the same text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>

#include "util.h"
#include "resolver.h"

#define EDNS_BUFSIZE 1232   /* DNS flag day 2020: no IP fragmentation */

int dns_type_code(const char *mnemonic)
{
	ldns_rr_type t = ldns_get_rr_type_by_name(mnemonic);

	if (!t && strncasecmp(mnemonic, "TYPE", 4))
		return -1;
	return (int)t;
}

const char *dns_type_name(int code, char buf[16])
{
	const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)code);

	if (d && d->_name)
		snprintf(buf, 16, "%s", d->_name);
	else
		snprintf(buf, 16, "TYPE%d", code);
	return buf;
}

/*
 * A query is a fixed header, the name, and an OPT record. Writing it by
 * hand is shorter than ldns_pkt2wire(), whose name compression costs
 * more than everything else a query does.
 */
int dns_build_query(const char *name, int qtype, uint16_t id, bool rd,
		    uint8_t **wire, size_t *len)
{
	static const uint8_t opt[] = {   /* root, OPT, udp size, rcode/flags 0, no data */
		0, 0, 41, EDNS_BUFSIZE >> 8, EDNS_BUFSIZE & 0xff, 0, 0, 0, 0, 0, 0,
	};
	ldns_rdf *qname = ldns_dname_new_frm_str(name);
	size_t nlen, n = 0;
	uint8_t *w;

	if (!qname)
		return error("'%s' is not a valid domain name", name);
	nlen = ldns_rdf_size(qname);
	w = xmalloc(12 + nlen + 4 + sizeof(opt));
	w[n++] = (uint8_t)(id >> 8);
	w[n++] = (uint8_t)id;
	w[n++] = rd ? 0x01 : 0x00;     /* QR=0 opcode=QUERY, RD */
	w[n++] = 0x00;
	w[n++] = 0; w[n++] = 1;        /* QDCOUNT */
	w[n++] = 0; w[n++] = 0;        /* ANCOUNT */
	w[n++] = 0; w[n++] = 0;        /* NSCOUNT */
	w[n++] = 0; w[n++] = 1;        /* ARCOUNT: the OPT record */
	memcpy(w + n, ldns_rdf_data(qname), nlen);
	n += nlen;
	ldns_rdf_deep_free(qname);
	w[n++] = (uint8_t)(qtype >> 8);
	w[n++] = (uint8_t)qtype;
	w[n++] = 0; w[n++] = 1;        /* class IN */
	memcpy(w + n, opt, sizeof(opt));
	*wire = w;
	*len = n + sizeof(opt);
	return 0;
}

/*
 * The types mail DNS reads are printed in their presentation form. Any
 * other type a server puts in an answer is printed in the generic form
 * of RFC 3597 (\# length hex): the same bytes give the same text, and
 * hostile RDATA never reaches a type-specific printer (ldns 1.8.3 aborts
 * on malformed SVCB parameters).
 */
static bool presented(ldns_rr_type t)
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

static int rdata_text(const ldns_rr *rr, ldns_buffer *buf)
{
	ldns_buffer *wire;
	size_t n;

	if (presented(ldns_rr_get_type(rr))) {
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
static int rr_from_ldns(ldns_rr *rr, ldns_buffer *buf, struct rr *out)
{
	char tbuf[16];

	ldns_rr2canonical(rr);
	ldns_buffer_clear(buf);
	if (ldns_rdf2buffer_str_dname(buf, ldns_rr_owner(rr)) != LDNS_STATUS_OK)
		return -1;
	out->owner = str_lower(xstrndup((const char *)ldns_buffer_begin(buf), ldns_buffer_position(buf)));
	ldns_buffer_clear(buf);
	if (rdata_text(rr, buf)) {
		free(out->owner);
		return -1;
	}
	out->ttl = ldns_rr_ttl(rr);
	out->type = xstrdup(dns_type_name(ldns_rr_get_type(rr), tbuf));
	out->rdata = xstrndup((const char *)ldns_buffer_begin(buf), ldns_buffer_position(buf));
	return 0;
}

void rr_release(struct rr *r)
{
	free(r->owner);
	free(r->type);
	free(r->rdata);
	memset(r, 0, sizeof(*r));
}

void rrs_free(struct rr *rrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rr_release(&rrs[i]);
	free(rrs);
}

static bool question_matches(const ldns_pkt *pkt, const char *name, int qtype)
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
static void collect_answer(ldns_pkt *pkt, const char *name,
			   struct rr **rrs, size_t *nrr)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	struct strlist chain = STRLIST_INIT;
	size_t n = ldns_rr_list_rr_count(an), all = 0, keep = 0;
	struct rr *v = xcalloc(n ? n : 1, sizeof(*v));
	ldns_buffer *buf = ldns_buffer_new(512);

	for (size_t i = 0; buf && i < n; i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) != LDNS_RR_TYPE_RRSIG &&
		    !rr_from_ldns(ldns_rr_list_rr(an, i), buf, &v[all]))
			all++;
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

int dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id,
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
	if (ldns_pkt_id(pkt) != id || !ldns_pkt_qr(pkt) ||
	    !question_matches(pkt, name, qtype)) {
		ldns_pkt_free(pkt);
		return -1;
	}
	*tc = ldns_pkt_tc(pkt);
	rc = ldns_pkt_get_rcode(pkt);
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN)
		collect_answer(pkt, name, rrs, nrr);
	if (rc == LDNS_RCODE_NXDOMAIN)
		*state = LK_NXDOMAIN;
	else if (rc != LDNS_RCODE_NOERROR)
		*state = LK_SERVFAIL;
	else
		*state = *nrr ? LK_NOERROR : LK_NODATA;
	ldns_pkt_free(pkt);
	return 0;
}

int dns_canonical_rr(const char *text, struct rr *out)
{
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL);
	ldns_buffer *buf = ldns_buffer_new(512);
	int r;

	if (st != LDNS_STATUS_OK) {
		ldns_buffer_free(buf);
		return error("'%s': %s", text, ldns_get_errorstr_by_id(st));
	}
	r = buf ? rr_from_ldns(rr, buf, out) : -1;
	ldns_buffer_free(buf);
	ldns_rr_free(rr);
	return r ? error("'%s': cannot print the record", text) : 0;
}

/*
 * A zone file as ldns reads it ($ORIGIN, $TTL, relative names,
 * parentheses), for `check --proposed-zone`: its records in canonical
 * form, SOA and DNSSEC signatures left out (snapshots hold neither).
 */
int dns_parse_zone_file(const char *path, const char *origin, struct rr **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	ldns_rdf *orig = ldns_dname_new_frm_str(origin);
	ldns_buffer *buf = ldns_buffer_new(512);
	ldns_zone *z = NULL;
	ldns_rr_list *list;
	ldns_status st;
	int line = 0, r = -1;

	*out = NULL;
	*n = 0;
	if (!f) {
		error("cannot read '%s'", path);
		goto out;
	}
	st = ldns_zone_new_frm_fp_l(&z, f, orig, 3600, LDNS_RR_CLASS_IN, &line);
	if (st != LDNS_STATUS_OK) {
		error("%s:%d: %s", path, line, ldns_get_errorstr_by_id(st));
		goto out;
	}
	list = ldns_zone_rrs(z);
	*out = xcalloc(ldns_rr_list_rr_count(list) + 1, sizeof(**out));
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_RRSIG)
			continue;
		if (rr_from_ldns(rr, buf, &(*out)[*n]) == 0)
			(*n)++;
	}
	r = 0;
out:
	if (f)
		fclose(f);
	if (z)
		ldns_zone_deep_free(z);
	if (orig)
		ldns_rdf_deep_free(orig);
	ldns_buffer_free(buf);
	return r;
}
