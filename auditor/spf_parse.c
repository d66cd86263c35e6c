/*
 * spf_parse.c - SPF record syntax (RFC 7208 section 4.6.1 and 12): a
 * record becomes a list of terms, each with its position so errors can
 * point into the record. The whole record is parsed before evaluation
 * because a syntax error anywhere is a permerror (4.6).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf.h"

static const char *const result_names[] = {
	[SPF_NONE] = "none", [SPF_NEUTRAL] = "neutral", [SPF_PASS] = "pass",
	[SPF_FAIL] = "fail", [SPF_SOFTFAIL] = "softfail",
	[SPF_TEMPERROR] = "temperror", [SPF_PERMERROR] = "permerror",
};

static const char *const kind_names[] = {
	[SPF_ALL] = "all", [SPF_INCLUDE] = "include", [SPF_A] = "a",
	[SPF_MX] = "mx", [SPF_PTR] = "ptr", [SPF_IP4] = "ip4", [SPF_IP6] = "ip6",
	[SPF_EXISTS] = "exists", [SPF_REDIRECT] = "redirect", [SPF_EXP] = "exp",
	[SPF_UNKNOWN_MOD] = "modifier",
};

const char *spf_result_name(enum spf_result r)
{
	return (unsigned)r < ARRAY_SIZE(result_names) ? result_names[r] : "?";
}

int spf_result_parse(const char *s, enum spf_result *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(result_names); i++)
		if (!strcasecmp(s, result_names[i]))
			return *out = (enum spf_result)i, 0;
	return -1;
}

const char *spf_kind_name(enum spf_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

bool spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && !strncasecmp(txt, "v=spf1", 6) &&
	       (len == 6 || txt[6] == ' ');
}

static int fail(struct spf_error *err, size_t pos, const char *msg, const char *what,
		size_t wlen)
{
	err->pos = pos;
	if (what)
		snprintf(err->msg, sizeof(err->msg), "%s '%.*s'", msg,
			 (int)(wlen > 60 ? 60 : wlen), what);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool toplabel_ok(const char *s, size_t n)
{
	bool alpha = false, dash = false;

	if (!n || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dash = true;
		else if (!is_alnum((unsigned char)s[i]))
			return false;
		else if (isalpha((unsigned char)s[i]))
			alpha = true;
	}
	return alpha || dash;
}

/* domain-spec = macro-string domain-end; domain-end = ( "." toplabel ["."] ) / macro-expand */
static int check_domain_spec(const char *s, size_t n, size_t pos, struct spf_error *err)
{
	bool ends_macro;
	size_t end = n, dot;

	if (!n)
		return fail(err, pos, "empty domain-spec", NULL, 0);
	if (spf_macro_check(s, n, false, &ends_macro, err) < 0) {
		err->pos += pos;
		return -1;
	}
	if (ends_macro)
		return 0;
	if (s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (!dot || !toplabel_ok(s + dot, end - dot))
		return fail(err, pos, "domain-spec does not end in a valid top label:", s, n);
	return 0;
}

/* cidr-length: "0" / %x31-39 0*xDIGIT, at most max. */
static int parse_cidr(const char *s, size_t n, int max, int *out)
{
	int v = 0;

	if (!n || n > 3 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Length of a trailing "/digits" of s[0..n), 0 if none. */
static size_t trailing_cidr(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || i == 0 || s[i - 1] != '/')
		return 0;
	return n - i + 1;
}

/*
 * Peel dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 * off the end of arg; *n shrinks to what precedes it.
 */
static int parse_dual_cidr(struct spf_term *t, const char *arg, size_t *n,
			   size_t pos, struct spf_error *err)
{
	size_t c = trailing_cidr(arg, *n);

	if (c && *n - c > 0 && arg[*n - c - 1] == '/') {
		if (parse_cidr(arg + *n - c + 1, c - 1, 128, &t->cidr6) < 0)
			return fail(err, pos, "bad IPv6 prefix length in", arg, *n);
		*n -= c + 1;
		c = trailing_cidr(arg, *n);
	}
	if (c) {
		if (parse_cidr(arg + *n - c + 1, c - 1, 32, &t->cidr4) < 0)
			return fail(err, pos, "bad IPv4 prefix length in", arg, *n);
		*n -= c;
	}
	return 0;
}

static int parse_ip(struct spf_term *t, const char *arg, size_t n, size_t pos,
		    struct spf_error *err)
{
	bool v6 = t->kind == SPF_IP6;
	size_t c = trailing_cidr(arg, n);
	char buf[64];

	if (c && parse_cidr(arg + n - c + 1, c - 1, v6 ? 128 : 32,
			    v6 ? &t->cidr6 : &t->cidr4) < 0)
		return fail(err, pos, "bad prefix length in", arg, n);
	n -= c;
	if (n >= sizeof(buf) || memchr(arg, '/', n))
		return fail(err, pos, "bad address in", arg, n + c);
	memcpy(buf, arg, n);
	buf[n] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, t->addr) != 1)
		return fail(err, pos, v6 ? "bad IPv6 address" : "bad IPv4 address", buf, n);
	return 0;
}

static const struct {
	const char *name;
	enum spf_kind kind;
} mechanisms[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A },
	{ "mx", SPF_MX }, { "ptr", SPF_PTR }, { "ip4", SPF_IP4 },
	{ "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

/* The argument after the mechanism name: ":domain-spec" and/or cidr. */
static int parse_mech_arg(struct spf_term *t, const char *arg, size_t n,
			  size_t off, size_t pos, struct spf_error *err)
{
	bool colon = n && arg[0] == ':';
	enum spf_kind k = t->kind;

	if (k == SPF_ALL)
		return n ? fail(err, pos, "'all' takes no argument:", arg, n) : 0;
	if (k == SPF_IP4 || k == SPF_IP6) {
		if (!colon)
			return fail(err, pos, "missing address after", t->text, strlen(t->text));
		return parse_ip(t, arg + 1, n - 1, pos, err);
	}
	if (k == SPF_A || k == SPF_MX) {
		if (parse_dual_cidr(t, arg, &n, pos, err) < 0)
			return -1;
	}
	if (n && !colon)
		return fail(err, pos, "unknown mechanism", t->text, strlen(t->text));
	if ((k == SPF_INCLUDE || k == SPF_EXISTS) && !colon)
		return fail(err, pos, "missing domain after", t->text, strlen(t->text));
	if (!colon)
		return 0;
	if (check_domain_spec(arg + 1, n - 1, pos + off + 1, err) < 0)
		return -1;
	t->domain = xstrndup(arg + 1, n - 1);
	return 0;
}

static int parse_mechanism(struct spf_term *t, const char *s, size_t n, size_t pos,
			   struct spf_error *err)
{
	size_t i = 0, nl;

	if (n && strchr("+-~?", s[0]))
		t->qualifier = s[i++];
	for (nl = i; nl < n && s[nl] != ':' && s[nl] != '/'; nl++)
		;
	for (size_t m = 0; m < ARRAY_SIZE(mechanisms); m++) {
		if (strlen(mechanisms[m].name) != nl - i ||
		    strncasecmp(s + i, mechanisms[m].name, nl - i))
			continue;
		t->kind = mechanisms[m].kind;
		return parse_mech_arg(t, s + nl, n - nl, nl, pos, err);
	}
	return fail(err, pos, "unknown mechanism", s, n);
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); returns its length if "=" follows. */
static size_t modifier_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			break;
	return i < n && s[i] == '=' ? i : 0;
}

static int parse_modifier(struct spf_record *r, struct spf_term *t, const char *s,
			  size_t n, size_t nl, size_t pos, struct spf_error *err)
{
	const char *v = s + nl + 1;
	size_t vn = n - nl - 1, vpos = pos + nl + 1;

	if (nl == 8 && !strncasecmp(s, "redirect", 8))
		t->kind = SPF_REDIRECT;
	else if (nl == 3 && !strncasecmp(s, "exp", 3))
		t->kind = SPF_EXP;
	else
		t->kind = SPF_UNKNOWN_MOD;
	if (t->kind == SPF_UNKNOWN_MOD) {
		if (spf_macro_check(v, vn, false, NULL, err) < 0)
			return err->pos += vpos, -1;
	} else {
		int *slot = t->kind == SPF_REDIRECT ? &r->redirect : &r->exp;

		if (*slot >= 0)
			return fail(err, pos, "duplicate modifier", s, nl);
		if (check_domain_spec(v, vn, vpos, err) < 0)
			return -1;
		*slot = (int)r->n;
	}
	t->domain = xstrndup(v, vn);
	return 0;
}

static int parse_term(struct spf_record *r, const char *s, size_t n, size_t pos,
		      struct spf_error *err)
{
	struct spf_term t = { .qualifier = '+', .cidr4 = 32, .cidr6 = 128, .pos = pos };
	size_t nl = modifier_name(s, n);
	int ret;

	t.text = xstrndup(s, n);
	if (nl)
		ret = parse_modifier(r, &t, s, n, nl, pos, err);
	else
		ret = parse_mechanism(&t, s, n, pos, err);
	if (ret < 0) {
		free(t.text);
		free(t.domain);
		return -1;
	}
	if (t.kind == SPF_ALL)
		r->has_all = true;
	ALLOC_GROW(r->terms, r->n + 1, r->alloc);
	r->terms[r->n++] = t;
	return 0;
}

int spf_parse(const char *rec, size_t len, struct spf_record *out, struct spf_error *err)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->redirect = out->exp = -1;
	err->pos = 0;
	err->msg[0] = '\0';
	if (!spf_is_record(rec, len))
		return fail(err, 0, "record does not start with 'v=spf1'", NULL, 0);
	/* Only printable ASCII and spaces: no tabs, controls or 8-bit bytes (3.1). */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)rec[i];

		if (c != ' ' && (c < 0x21 || c > 0x7e))
			return fail(err, i, c < 0x21 ? "control character in record" :
				    "non-ASCII character in record", NULL, 0);
	}
	for (i = 6; i < len;) {
		size_t start;

		while (i < len && rec[i] == ' ')
			i++;
		start = i;
		while (i < len && rec[i] != ' ')
			i++;
		if (i > start && parse_term(out, rec + start, i - start, start, err) < 0) {
			spf_record_release(out);
			return -1;
		}
	}
	return 0;
}

void spf_record_release(struct spf_record *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->terms[i].text);
		free(r->terms[i].domain);
	}
	free(r->terms);
	memset(r, 0, sizeof(*r));
	r->redirect = r->exp = -1;
}

/*
 * A name check_host() can query (4.3): labels of 1-63 octets, at most
 * 253 octets without the final dot, at least two labels, and a top label
 * that is not all-numeric (which also rules out "[1.2.3.4]" literals).
 */
bool spf_domain_valid(const char *name)
{
	size_t n = strlen(name), lab = 0, labels = 0, top = 0;

	if (n && name[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			if (!lab || lab > 63)
				return false;
			labels++;
			top = i - lab;
			lab = 0;
		} else {
			lab++;
		}
	}
	return labels >= 2 && toplabel_ok(name + top, n - top);
}
