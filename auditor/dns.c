/*
 * dns.c - DNS wire format through ldns; the only file that includes it.
 *
 * Replies become canonical struct rr: owner lower case and absolute,
 * names in RDATA lower cased (ldns_rr2canonical), RDATA in ldns's
 * presentation form, so the same answer always gives the same text.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>   /* before ldns, which defines its own bool otherwise */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>

#include "util.h"
#include "resolver.h"
#include "zonecheck.h"

#define EDNS_BUFSIZE 1232   /* DNS flag day 2020: no IP fragmentation */

int dns_type_code(const char *mnemonic)
{
	/* The types collection asks, before ldns's scan of its whole type table. */
	static const struct { const char *name; int code; } common[] = {
		{ "A", LDNS_RR_TYPE_A }, { "AAAA", LDNS_RR_TYPE_AAAA }, { "MX", LDNS_RR_TYPE_MX },
		{ "TXT", LDNS_RR_TYPE_TXT }, { "PTR", LDNS_RR_TYPE_PTR }, { "TLSA", LDNS_RR_TYPE_TLSA },
		{ "NS", LDNS_RR_TYPE_NS }, { "SPF", LDNS_RR_TYPE_SPF }, { "CNAME", LDNS_RR_TYPE_CNAME },
	};
	ldns_rr_type t;

	for (size_t i = 0; i < ARRAY_SIZE(common); i++)
		if (!strcmp(mnemonic, common[i].name))
			return common[i].code;
	t = ldns_get_rr_type_by_name(mnemonic);
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

/* Room for n more characters (and the NUL) at the end of sb. */
static char *sb_room(struct strbuf *sb, size_t n)
{
	ALLOC_GROW(sb->buf, sb->len + n + 1, sb->alloc);
	return sb->buf + sb->len;
}

static void put_escaped(char **p, char c)
{
	*(*p)++ = '\\';
	*(*p)++ = c;
}

static void put_decimal3(char **p, uint8_t c)   /* "\%03u" */
{
	*(*p)++ = '\\';
	*(*p)++ = (char)('0' + c / 100);
	*(*p)++ = (char)('0' + c / 10 % 10);
	*(*p)++ = (char)('0' + c % 10);
}

/*
 * The printers below write exactly what ldns_rdf2buffer_str() writes
 * for these field types (the same escapes, byte for byte: a snapshot
 * must not change with the parser), without its printf per character,
 * which cost more than all the rest of a reply's handling. Every other
 * field type goes to ldns. fuzz_dns_reply checks them against ldns.
 */
static int dname_text(struct strbuf *sb, const uint8_t *d, size_t size)
{
	char *p = sb_room(sb, 4 * size + 1);
	size_t pos = 0;
	uint8_t len = size ? d[0] : 0;

	if (size > LDNS_MAX_DOMAINLEN)
		return -1;
	if (size == 1)
		*p++ = '.';
	while (size > 1 && len > 0 && pos < size) {
		pos++;
		for (uint8_t i = 0; i < len && pos < size; i++, pos++) {
			unsigned char c = d[pos];
			if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\')
				put_escaped(&p, (char)c);
			else if (!(isascii(c) && isgraph(c)))
				put_decimal3(&p, c);
			else
				*p++ = (char)c;
		}
		if (pos < size)
			*p++ = '.';
		len = pos < size ? d[pos] : 0;
	}
	sb->len = (size_t)(p - sb->buf);
	sb->buf[sb->len] = '\0';
	return 0;
}

static int str_text(struct strbuf *sb, const uint8_t *d, size_t size)
{
	char *p;

	if (size < 1 || size < (size_t)d[0] + 1)
		return -1;
	p = sb_room(sb, 4 * (size_t)d[0] + 2);
	*p++ = '"';
	for (size_t i = 1; i <= d[0]; i++) {
		uint8_t c = d[i];
		if (isprint(c) || c == '\t') {
			if (c == '"' || c == '\\')
				put_escaped(&p, (char)c);
			else
				*p++ = (char)c;
		} else {
			put_decimal3(&p, c);
		}
	}
	*p++ = '"';
	sb->len = (size_t)(p - sb->buf);
	sb->buf[sb->len] = '\0';
	return 0;
}

static void hex_text(struct strbuf *sb, const uint8_t *d, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char *p = sb_room(sb, 2 * size);

	for (size_t i = 0; i < size; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 0xf];
	}
	sb->len = (size_t)(p - sb->buf);
	sb->buf[sb->len] = '\0';
}

/* Anything the printers above do not cover: ldns's own printer. */
static int ldns_text(struct strbuf *sb, const ldns_rdf *rdf)
{
	ldns_buffer *buf = ldns_buffer_new(256);
	int r = -1;

	if (buf && ldns_rdf2buffer_str(buf, rdf) == LDNS_STATUS_OK) {
		sb_add(sb, (const char *)ldns_buffer_begin(buf), ldns_buffer_position(buf));
		r = 0;
	}
	ldns_buffer_free(buf);
	return r;
}

static int rdf_text(struct strbuf *sb, const ldns_rdf *rdf)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t size = ldns_rdf_size(rdf);
	char tmp[INET6_ADDRSTRLEN];

	switch (ldns_rdf_get_type(rdf)) {
	case LDNS_RDF_TYPE_DNAME:
		return dname_text(sb, d, size);
	case LDNS_RDF_TYPE_STR:
		return str_text(sb, d, size);
	case LDNS_RDF_TYPE_HEX:
		hex_text(sb, d, size);
		return 0;
	case LDNS_RDF_TYPE_INT8: case LDNS_RDF_TYPE_ALG:
	case LDNS_RDF_TYPE_CERTIFICATE_USAGE: case LDNS_RDF_TYPE_SELECTOR:
	case LDNS_RDF_TYPE_MATCHING_TYPE:
		if (size != 1)
			break;
		snprintf(tmp, sizeof(tmp), "%u", d[0]);
		sb_adds(sb, tmp);
		return 0;
	case LDNS_RDF_TYPE_INT16:
		if (size != 2)
			break;
		snprintf(tmp, sizeof(tmp), "%u", (unsigned)(d[0] << 8 | d[1]));
		sb_adds(sb, tmp);
		return 0;
	case LDNS_RDF_TYPE_A: case LDNS_RDF_TYPE_AAAA:
		if (size != (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_A ? 4 : 16))
			break;
		if (inet_ntop(size == 4 ? AF_INET : AF_INET6, d, tmp, sizeof(tmp)))
			sb_adds(sb, tmp);
		return 0;
	default:
		break;
	}
	return ldns_text(sb, rdf);
}

static int rdata_text(const ldns_rr *rr, struct strbuf *sb)
{
	ldns_buffer *wire;
	size_t n;
	char *p;

	if (presented(ldns_rr_get_type(rr))) {
		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			if (i)
				sb_addc(sb, ' ');
			if (rdf_text(sb, ldns_rr_rdf(rr, i)))
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
	p = sb_room(sb, 32);
	sb->len += (size_t)snprintf(p, 32, "\\# %zu%s", n, n ? " " : "");
	hex_text(sb, ldns_buffer_begin(wire), n);
	ldns_buffer_free(wire);
	return 0;
}

/* "A", "TXT", or "TYPE65534" for a type ldns has no name for; the caller frees it. */
static char *type_name_dup(int code)
{
	const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)code);
	char buf[16];

	return xstrdup(d && d->_name ? d->_name : dns_type_name(code, buf));
}

/*
 * Fill out from an ldns record, put in canonical form in place (the
 * caller owns rr and is done with it). sb is scratch space, reused
 * across the records of a reply.
 */
static int rr_from_ldns(ldns_rr *rr, struct strbuf *sb, struct rr *out)
{
	ldns_rr2canonical(rr);
	sb_reset(sb);
	if (!ldns_rr_owner(rr) || rdf_text(sb, ldns_rr_owner(rr)))
		return -1;
	out->owner = str_lower(xstrndup(sb->buf, sb->len));
	sb_reset(sb);
	if (rdata_text(rr, sb)) {
		free(out->owner);
		return -1;
	}
	out->ttl = ldns_rr_ttl(rr);
	out->type = type_name_dup(ldns_rr_get_type(rr));
	out->rdata = xstrndup(sb->buf ? sb->buf : "", sb->len);
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

static unsigned read_u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * The reply's one question against the query's: the same name (case
 * aside) and type. Leaves *pos after the question.
 */
static bool question_matches(const uint8_t *wire, size_t len, size_t *pos,
			     const uint8_t *query, size_t qlen)
{
	ldns_rdf *got = NULL;
	size_t end = 12;   /* our own query's name: uncompressed, from offset 12 */
	bool ok;

	while (end < qlen && query[end])
		end += (size_t)query[end] + 1;
	end++;
	if (end + 2 > qlen || ldns_wire2dname(&got, wire, len, pos) != LDNS_STATUS_OK)
		return false;
	ok = *pos + 4 <= len && ldns_rdf_size(got) == end - 12 &&
	     !memcmp(wire + *pos, query + end, 2);
	for (size_t i = 0; ok && i < end - 12; i++)
		ok = tolower(ldns_rdf_data(got)[i]) == tolower(query[12 + i]);
	ldns_rdf_deep_free(got);
	*pos += 4;
	return ok;
}

/*
 * Keep the answer records that belong to the query: at qname, or at a
 * name a CNAME in the chain points to. Anything else is not ours to trust.
 */
static void keep_chain(const char *name, struct rr *v, size_t all, size_t *keep)
{
	struct strlist chain = STRLIST_INIT;

	*keep = 0;
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
			v[(*keep)++] = v[i];
		else
			rr_release(&v[i]);
	}
	sl_release(&chain);
}

/*
 * Parse the answer section's an records from *pos, one ldns_wire2rr()
 * each. Any malformed record makes the whole reply unusable (-1), as it
 * did when ldns parsed the packet whole. With want, the records of the
 * asked type qtype and the CNAMEs become canonical struct rr in *rrs:
 * a record of another type at the name is not an answer to the question
 * (a TXT in a PTR answer), so it is not kept.
 */
static int read_answer(const uint8_t *wire, size_t len, size_t *pos, unsigned an,
		       bool want, const char *name, int qtype, struct rr **rrs, size_t *nrr)
{
	struct rr *v = want ? xcalloc(an ? an : 1, sizeof(*v)) : NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t all = 0, keep = 0;

	for (unsigned i = 0; i < an; i++) {
		ldns_rr *rr = NULL;
		ldns_rr_type t;
		if (ldns_wire2rr(&rr, wire, len, pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
			rrs_free(v, all);
			sb_release(&sb);
			return -1;
		}
		t = ldns_rr_get_type(rr);
		if (want && ((int)t == qtype || t == LDNS_RR_TYPE_CNAME) && !rr_from_ldns(rr, &sb, &v[all]))
			all++;
		ldns_rr_free(rr);
	}
	sb_release(&sb);
	if (all)
		keep_chain(name, v, all, &keep);
	if (!keep) {
		free(v);
		v = NULL;
	}
	*rrs = v;
	*nrr = keep;
	return 0;
}

/*
 * Where the record at p ends, by its owner name and RDLENGTH; 0 if the
 * packet ends first.
 */
static size_t record_end(const uint8_t *wire, size_t len, size_t p)
{
	for (;;) {   /* the owner name: labels, ended by a root label or a pointer */
		if (p >= len)
			return 0;
		if ((wire[p] & 0xc0) == 0xc0) {
			p += 2;
			break;
		}
		if (wire[p] & 0xc0)
			return 0;
		if (!wire[p]) {
			p++;
			break;
		}
		p += (size_t)wire[p] + 1;
	}
	if (p + 10 > len || p + 10 + read_u16(wire + p + 8) > len)
		return 0;
	return p + 10 + read_u16(wire + p + 8);
}

/*
 * Step over n records of the authority or additional section without
 * decoding them: their contents are never used, but a header that counts
 * more records than the packet holds makes the reply malformed (-1).
 */
static int skip_records(const uint8_t *wire, size_t len, size_t *pos, unsigned n)
{
	size_t p = *pos;

	for (unsigned i = 0; i < n; i++)
		if (!(p = record_end(wire, len, p)))
			return -1;
	*pos = p;
	return 0;
}

int dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id,
		    const uint8_t *query, size_t qlen, const char *name,
		    enum lookup_state *state, struct rr **rrs, size_t *nrr, bool *tc)
{
	size_t pos = 12;
	unsigned rc;
	int qtype;

	*rrs = NULL;
	*nrr = 0;
	if (len < 12 || read_u16(wire) != id || !(wire[2] & 0x80) ||
	    read_u16(wire + 4) != 1 || !question_matches(wire, len, &pos, query, qlen))
		return -1;
	qtype = (int)read_u16(wire + pos - 4);
	rc = wire[3] & 0x0f;
	if (read_answer(wire, len, &pos, read_u16(wire + 6),
			rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN, name, qtype, rrs, nrr) ||
	    skip_records(wire, len, &pos, read_u16(wire + 8) + read_u16(wire + 10))) {
		rrs_free(*rrs, *nrr);
		*rrs = NULL;
		*nrr = 0;
		return -1;
	}
	*tc = (wire[2] & 0x02) != 0;
	if (rc == LDNS_RCODE_NXDOMAIN)
		*state = LK_NXDOMAIN;
	else if (rc != LDNS_RCODE_NOERROR)
		*state = LK_SERVFAIL;
	else
		*state = *nrr ? LK_NOERROR : LK_NODATA;
	return 0;
}

char *dns_reply_referral(const uint8_t *wire, size_t len)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *auth;
	char *zone = NULL;

	if (len < 12 || (wire[2] & 0x04) || (wire[3] & 0x0f) != LDNS_RCODE_NOERROR ||
	    read_u16(wire + 6) || ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK)
		return NULL;
	auth = ldns_pkt_authority(pkt);
	for (size_t i = 0; auth && i < ldns_rr_list_rr_count(auth) && !zone; i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);
		char *owner;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || !(owner = ldns_rdf2str(ldns_rr_owner(rr))))
			continue;
		zone = str_lower(xstrdup(owner));
		free(owner);
	}
	ldns_pkt_free(pkt);
	return zone;
}

int dns_canonical_rr(const char *text, struct rr *out)
{
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL);
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (st != LDNS_STATUS_OK)
		return error("'%s': %s", text, ldns_get_errorstr_by_id(st));
	r = rr_from_ldns(rr, &sb, out);
	sb_release(&sb);
	ldns_rr_free(rr);
	return r ? error("'%s': cannot print the record", text) : 0;
}

/*
 * A zone file as ldns reads it ($ORIGIN, $TTL, relative names,
 * parentheses), for `check --proposed-zone`: its records in canonical
 * form, SOA and DNSSEC signatures left out (snapshots hold neither).
 */
/* One record of a zone file into out[*n], unless SOA or RRSIG (snapshots hold neither). */
static void keep_zone_rr(ldns_rr *rr, struct strbuf *sb, struct rr **out, size_t *n,
			 size_t *alloc)
{
	ldns_rr_type t = ldns_rr_get_type(rr);

	if (t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_RRSIG)
		return;
	ALLOC_GROW(*out, *n + 1, *alloc);
	if (rr_from_ldns(rr, sb, &(*out)[*n]) == 0)
		(*n)++;
}

/*
 * Record by record, as ldns_zone_new_frm_fp_l() does, but freeing what
 * was read when a line is bad (ldns leaks it) and refusing $INCLUDE:
 * a proposed zone must not make mxaudit read other files.
 */
static int read_zone_rrs(FILE *f, const char *path, const char *origin,
			 struct rr **out, size_t *n)
{
	ldns_rdf *orig = ldns_dname_new_frm_str(origin), *prev = NULL;
	struct strbuf sb = STRBUF_INIT;
	uint32_t ttl = 3600;
	size_t alloc = 0;
	int line = 1, r = 0;

	while (!r && !feof(f)) {
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &orig, &prev, &line);

		if (st == LDNS_STATUS_OK)
			keep_zone_rr(rr, &sb, out, n, &alloc);
		else if (st == LDNS_STATUS_SYNTAX_INCLUDE)
			r = error("%s:%d: $INCLUDE is not read in a proposed zone", path, line);
		else if (st != LDNS_STATUS_SYNTAX_EMPTY && st != LDNS_STATUS_SYNTAX_TTL &&
			 st != LDNS_STATUS_SYNTAX_ORIGIN)
			r = error("%s:%d: %s", path, line, ldns_get_errorstr_by_id(st));
		ldns_rr_free(rr);
	}
	if (orig)
		ldns_rdf_deep_free(orig);
	if (prev)
		ldns_rdf_deep_free(prev);
	sb_release(&sb);
	return r;
}

int dns_parse_zone_file(const char *path, const char *origin, struct rr **out, size_t *n)
{
	char *text = NULL;
	size_t len;
	FILE *f = NULL;
	int r = -1;

	*out = NULL;
	*n = 0;
	/* Bounded, regular, no NUL: ldns would spin on /dev/zero and stop at a NUL. */
	if (read_file_max(path, INPUT_MAX_TEXT, &text, &len) < 0)
		goto out;
	if (zone_text_check(path, text, origin) < 0)
		goto out;
	if (!(f = fmemopen(text, len ? len : 1, "r"))) {
		error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	r = read_zone_rrs(f, path, origin, out, n);
out:
	if (f)
		fclose(f);
	free(text);
	if (r) {
		rrs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}
