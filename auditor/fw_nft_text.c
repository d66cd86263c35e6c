/*
 * fw_nft_text.c - `nft list ruleset` text into the model.
 *
 * The text is rewritten into the JSON `nft -j list ruleset` prints for
 * the same ruleset, which fw_parse_nft_json() reads: one reading of
 * nftables semantics serves both forms, so both give the same model and
 * the same answers. Rules and chains keep the text's line numbers.
 *
 * Read: tables of every family; chains with type, hook, priority (names
 * and offsets) and policy; sets with their elements (named maps are
 * skipped: rules that use them stay unsupported, as in the JSON form);
 * rules of matches (payload, meta and its short forms, ct, fib), sets,
 * prefixes and ranges, verdicts, jump/goto, verdict maps, NAT statements
 * and NAT maps, counter, log, limit. Anything else in a rule is kept as
 * an unsupported match. An include line is a warning: what it adds is
 * not read. Variables (define, $NAME) are an error.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

struct toks {
	char **v;
	unsigned *line;
	size_t n, alloc;
};

struct ntext {
	const char *file;
	struct toks t;
	size_t i;                    /* the next token */
	struct strbuf head, rules;   /* the table's chains and sets; its rules */
	struct strbuf js;            /* the whole JSON document */
	unsigned *lines;             /* the text line of each JSON object */
	size_t nobj, lines_alloc;
	size_t nhead;                /* objects in head not yet placed */
	unsigned *head_lines, *rule_lines;
	size_t nrule, head_alloc, rule_alloc;
	char *family, *table, *chain;
};

/* ---- tokens ---- */

static void tok_push(struct toks *t, const char *s, size_t n, unsigned line)
{
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->line = xrealloc(t->line, t->alloc * sizeof(*t->line));
	t->v[t->n] = xstrndup(s, n);
	t->line[t->n++] = line;
}

/*
 * Words, quoted strings (kept with their quotes), and the punctuation
 * { } , ; as tokens of their own; a newline ends a statement like ';'
 * except inside braces. Comments (#) run to the end of the line.
 */
static void tokenize(const char *s, struct toks *t)
{
	unsigned line = 1;
	int inl = 0;           /* open braces of sets and maps: a newline inside does not end */
	bool stack[64];        /* which open braces are sets (true) or blocks */
	size_t depth = 0;

	while (*s) {
		if (*s == '{' || *s == '}') {
			bool set = true;
			if (*s == '{') {   /* a block's brace ends its line */
				const char *e = s + 1 + strspn(s + 1, " \t\r");
				set = *e && *e != '\n' && *e != '#';
				if (depth < ARRAY_SIZE(stack))
					stack[depth] = set;
				depth++;
			} else if (depth) {
				depth--;
				set = depth < ARRAY_SIZE(stack) ? stack[depth] : true;
			} else {
				set = false;
			}
			if (set)
				inl += *s == '{' ? 1 : inl > 0 ? -1 : 0;
			tok_push(t, s, 1, line);
			s++;
		} else if (*s == '\n') {
			if (!inl)
				tok_push(t, ";", 1, line);
			line++, s++;
		} else if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\\') {
			s++;
		} else if (*s == '#') {
			while (*s && *s != '\n')
				s++;
		} else if (*s == '"') {
			const char *e = s + 1;
			while (*e && *e != '"' && *e != '\n')
				e++;
			tok_push(t, s, (size_t)(e - s) + (*e == '"'), line);
			s = *e == '"' ? e + 1 : e;
		} else if (*s == ',' || *s == ';') {
			tok_push(t, s, 1, line);
			s++;
		} else {
			const char *e = s;
			while (*e && !strchr(" \t\r\n{},;\"#", *e))
				e++;
			tok_push(t, s, (size_t)(e - s), line);
			s = e;
		}
	}
	tok_push(t, ";", 1, line);
}

static const char *peek(const struct ntext *p, size_t k)
{
	return p->i + k < p->t.n ? p->t.v[p->i + k] : "";
}

static unsigned tline(const struct ntext *p)
{
	return p->t.n ? p->t.line[p->i < p->t.n ? p->i : p->t.n - 1] : 1;
}

static bool is(const struct ntext *p, const char *w)
{
	return !strcmp(peek(p, 0), w);
}

static const char *take(struct ntext *p)
{
	const char *w = peek(p, 0);

	if (p->i < p->t.n)
		p->i++;
	return w;
}

static bool end_of_stmt(const struct ntext *p)
{
	return p->i >= p->t.n || is(p, ";") || is(p, "}");
}

static int perr(const struct ntext *p, const char *what)
{
	const char *w = peek(p, 0);

	return error("%s:%u: %s, not '%s'", p->file, tline(p), what, !strcmp(w, ";") ? "end of line" : w);
}

/* ---- JSON ---- */

static void json_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_addf(sb, "\\u%04x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
}

static bool is_number(const char *w, long long *v)
{
	char *end;

	if (!*w || (!isdigit((unsigned char)*w)))
		return false;
	*v = strtoll(w, &end, 0);
	return !*end && *v >= 0;
}

static bool is_addr(const char *w)
{
	fw_u128 ip;
	int fam;

	return !fw_ip_parse(w, &ip, &fam);
}

/* One value: a quoted string, @set, prefix, range, number, or word. */
static void json_value(struct strbuf *sb, const char *w)
{
	const char *slash = strchr(w, '/'), *dash = strchr(w, '-');
	long long n, m;

	if (*w == '"') {
		size_t len = strlen(w);
		json_str(sb, w + 1, len > 1 && w[len - 1] == '"' ? len - 2 : len - 1);
		return;
	}
	if (slash && is_number(slash + 1, &n)) {
		char *a = xstrndup(w, (size_t)(slash - w));
		if (is_addr(a)) {
			sb_adds(sb, "{\"prefix\": {\"addr\": ");
			json_str(sb, a, strlen(a));
			sb_addf(sb, ", \"len\": %lld}}", n);
			free(a);
			return;
		}
		free(a);
	}
	if (dash && dash > w) {
		char *a = xstrndup(w, (size_t)(dash - w));
		if ((is_number(a, &n) && is_number(dash + 1, &m)) || (is_addr(a) && is_addr(dash + 1))) {
			sb_adds(sb, "{\"range\": [");
			json_value(sb, a);
			sb_adds(sb, ", ");
			json_value(sb, dash + 1);
			sb_adds(sb, "]}");
			free(a);
			return;
		}
		free(a);
	}
	if (is_number(w, &n))
		sb_addf(sb, "%lld", n);
	else
		json_str(sb, w, strlen(w));
}

/* ---- values of matches ---- */

/* "{ a, b }": a JSON array of values (the caller wraps it); pairs "k : v" as [k, v]. */
static int value_list(struct ntext *p, struct strbuf *sb, bool pairs)
{
	bool first = true;

	take(p);   /* { */
	sb_addc(sb, '[');
	while (!is(p, "}")) {
		if (p->i >= p->t.n)
			return perr(p, "expected '}' closing the set");
		if (is(p, ",") || is(p, ";")) {
			take(p);
			continue;
		}
		sb_adds(sb, first ? "" : ", ");
		first = false;
		if (pairs) {
			const char *k = take(p);
			if (strcmp(take(p), ":"))
				return perr(p, "expected 'KEY : VALUE' in the map");
			sb_addc(sb, '[');
			json_value(sb, k);
			sb_adds(sb, ", ");
			if (is(p, "accept") || is(p, "drop") || is(p, "return") || is(p, "continue")) {
				sb_addf(sb, "{\"%s\": null}", take(p));
			} else if (is(p, "jump") || is(p, "goto")) {
				const char *kw = take(p);
				sb_addf(sb, "{\"%s\": {\"target\": ", kw);
				json_value(sb, take(p));
				sb_adds(sb, "}}");
			} else if (!strcmp(peek(p, 1), ".")) {   /* ADDR . PORT */
				sb_adds(sb, "{\"concat\": [");
				json_value(sb, take(p));
				while (is(p, ".")) {
					take(p);
					sb_adds(sb, ", ");
					json_value(sb, take(p));
				}
				sb_adds(sb, "]}");
			} else {
				json_value(sb, take(p));
			}
			sb_addc(sb, ']');
		} else {
			json_value(sb, take(p));
		}
	}
	take(p);   /* } */
	sb_addc(sb, ']');
	return 0;
}

/* The right side: a set, a comma list (ct state a,b), or one value. */
static int right_value(struct ntext *p, struct strbuf *sb, bool list_ok)
{
	if (is(p, "{")) {
		sb_adds(sb, "{\"set\": ");
		if (value_list(p, sb, false))
			return -1;
		sb_addc(sb, '}');
		return 0;
	}
	if (end_of_stmt(p))
		return perr(p, "expected a value");
	if (list_ok && !strcmp(peek(p, 1), ",")) {
		sb_addc(sb, '[');
		json_value(sb, take(p));
		while (is(p, ",")) {
			take(p);
			sb_adds(sb, ", ");
			json_value(sb, take(p));
		}
		sb_addc(sb, ']');
		return 0;
	}
	json_value(sb, take(p));
	return 0;
}

static bool in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static const char *const stmt_words[] = {
	"accept", "drop", "reject", "return", "continue", "jump", "goto", "counter", "log", "limit",
	"dnat", "snat", "masquerade", "redirect", "comment", "notrack", "queue",
};

static bool stmt_word(const char *w)
{
	return in_list(w, stmt_words, ARRAY_SIZE(stmt_words));
}

/* ---- the left side of a match ---- */

static const char *const payload_protos[] = {
	"ip", "ip6", "tcp", "udp", "th", "icmp", "icmpv6", "sctp", "dccp", "udplite", "ah", "esp", "comp",
};
static const char *const meta_short[] = {
	"iif", "oif", "iifname", "oifname", "mark", "l4proto", "nfproto", "pkttype", "skuid", "skgid",
	"iiftype", "oiftype", "priority", "length", "protocol",
};

/*
 * Parse a left-hand expression into sb; *is_ct gets whether it is a ct
 * key (state, status: the JSON form compares them with "in"). Returns 0,
 * 1 when the words are no expression mxaudit knows, -1 on error.
 */
static int left_expr(struct ntext *p, struct strbuf *sb, bool *is_ct)
{
	const char *w = peek(p, 0);

	*is_ct = false;
	if (!strcmp(w, "tcp") && !strcmp(peek(p, 1), "flags"))
		*is_ct = true;   /* a bitmask, compared with "in" as ct state is */
	if (!strcmp(w, "tcp") && !strcmp(peek(p, 1), "option")) {   /* tcp option NAME [FIELD] */
		p->i += 2;
		sb_adds(sb, "{\"tcp option\": {\"name\": ");
		json_value(sb, take(p));
		if (!end_of_stmt(p) && strcmp(peek(p, 0), "set") && !stmt_word(peek(p, 0))) {
			sb_adds(sb, ", \"field\": ");
			json_value(sb, take(p));
		}
		sb_adds(sb, "}}");
		return 0;
	}
	if (in_list(w, payload_protos, ARRAY_SIZE(payload_protos)) && !end_of_stmt(p) &&
	    strcmp(peek(p, 1), ";") && strcmp(peek(p, 1), "}")) {
		take(p);
		sb_adds(sb, "{\"payload\": {\"protocol\": ");
		json_value(sb, w);
		sb_adds(sb, ", \"field\": ");
		json_value(sb, take(p));
		sb_adds(sb, "}}");
		return 0;
	}
	if (!strcmp(w, "meta")) {
		take(p);
		sb_adds(sb, "{\"meta\": {\"key\": ");
		json_value(sb, take(p));
		sb_adds(sb, "}}");
		return 0;
	}
	if (in_list(w, meta_short, ARRAY_SIZE(meta_short))) {
		sb_adds(sb, "{\"meta\": {\"key\": ");
		json_value(sb, take(p));
		sb_adds(sb, "}}");
		return 0;
	}
	if (!strcmp(w, "ct") && strcmp(peek(p, 1), "original") && strcmp(peek(p, 1), "reply")) {
		take(p);
		*is_ct = !strcmp(peek(p, 0), "state") || !strcmp(peek(p, 0), "status");
		sb_adds(sb, "{\"ct\": {\"key\": ");
		json_value(sb, take(p));
		sb_adds(sb, "}}");
		return 0;
	}
	if (!strcmp(w, "fib")) {   /* fib daddr [. iif] type */
		take(p);
		sb_adds(sb, "{\"fib\": {\"result\": ");
		struct strbuf flags = STRBUF_INIT;
		sb_adds(&flags, "[");
		json_value(&flags, take(p));
		while (is(p, ".")) {
			take(p);
			sb_adds(&flags, ", ");
			json_value(&flags, take(p));
		}
		sb_adds(&flags, "]");
		json_value(sb, take(p));
		sb_addf(sb, ", \"flags\": %s}}", flags.buf);
		sb_release(&flags);
		return 0;
	}
	return 1;
}

/* ---- statements ---- */

/* Words mxaudit does not read, up to the next statement: one unsupported match. */
static void other_words(struct ntext *p, struct strbuf *sb)
{
	struct strbuf w = STRBUF_INIT;

	do {
		sb_addf(&w, "%s%s", w.len ? " " : "", take(p));
	} while (!end_of_stmt(p) && !stmt_word(peek(p, 0)));
	sb_adds(sb, "{\"xt\": {\"type\": \"match\", \"name\": ");
	json_str(sb, w.buf, w.len);
	sb_adds(sb, "}}");
	sb_release(&w);
}

/* "ADDR", "ADDR:PORT", "[V6]:PORT", ":PORT" after `to`. */
static void nat_target(struct strbuf *sb, const char *w, bool *comma)
{
	char *copy = xstrdup(w), *addr = copy, *port = NULL, *c;
	long long n;

	if (*addr == '[' && (c = strchr(addr, ']'))) {
		*c = '\0';
		addr++;
		port = c[1] == ':' ? c + 2 : NULL;
	} else if ((c = strrchr(addr, ':')) && c == strchr(addr, ':')) {
		*c = '\0';
		port = c + 1;
	}
	if (*addr) {
		sb_adds(sb, *comma ? ", \"addr\": " : "\"addr\": ");
		json_value(sb, addr);
		*comma = true;
	}
	if (port && *port) {
		sb_adds(sb, *comma ? ", \"port\": " : "\"port\": ");
		if (is_number(port, &n))
			sb_addf(sb, "%lld", n);
		else
			json_value(sb, port);
		*comma = true;
	}
	free(copy);
}

static int nat_stmt(struct ntext *p, struct strbuf *sb)
{
	const char *kw = take(p);
	bool comma = false;

	sb_addf(sb, "{\"%s\": ", kw);
	if (end_of_stmt(p) || (!is(p, "to") && !is(p, "ip") && !is(p, "ip6"))) {
		while (!end_of_stmt(p) && !stmt_word(peek(p, 0)))
			take(p);   /* random, persistent, fully-random */
		sb_adds(sb, "null}");
		return 0;
	}
	sb_addc(sb, '{');
	if (is(p, "ip") || is(p, "ip6")) {
		sb_adds(sb, "\"family\": ");
		json_value(sb, take(p));
		comma = true;
	}
	if (strcmp(take(p), "to"))
		return perr(p, "expected 'to' in the NAT statement");
	if (end_of_stmt(p))
		return perr(p, "expected an address or port");
	if (!strcmp(peek(p, 1), "map") || !strcmp(peek(p, 2), "map")) {
		bool ct;
		sb_adds(sb, comma ? ", \"addr\": {\"map\": {\"key\": " : "\"addr\": {\"map\": {\"key\": ");
		if (left_expr(p, sb, &ct))
			return perr(p, "expected the key of the NAT map");
		if (strcmp(take(p), "map") || !is(p, "{"))
			return perr(p, "expected 'map { ... }'");
		sb_adds(sb, ", \"data\": {\"set\": ");
		if (value_list(p, sb, true))
			return -1;
		sb_adds(sb, "}}}");
	} else {
		nat_target(sb, take(p), &comma);
	}
	while (!end_of_stmt(p) && !stmt_word(peek(p, 0)))
		take(p);
	sb_adds(sb, "}}");
	return 0;
}

/* limit rate [over] N/UNIT [burst N packets|bytes] */
static int limit_stmt(struct ntext *p, struct strbuf *sb)
{
	bool over = false;
	long long rate = 0, burst = 5;
	const char *per = "second", *slash;

	take(p);
	if (is(p, "rate"))
		take(p);
	if (is(p, "over"))
		over = true, take(p);
	slash = strchr(peek(p, 0), '/');
	if (!slash || !isdigit((unsigned char)*peek(p, 0)))
		return perr(p, "expected RATE/UNIT after limit");
	rate = strtoll(peek(p, 0), NULL, 10);
	per = slash + 1;
	sb_addf(sb, "{\"limit\": {\"rate\": %lld, \"burst\": ", rate);
	take(p);
	if (is(p, "burst")) {
		take(p);
		if (!is_number(peek(p, 0), &burst))
			return perr(p, "expected a burst size");
		take(p);
		if (is(p, "packets"))
			take(p);
	}
	sb_addf(sb, "%lld, \"per\": ", burst);
	json_value(sb, per);
	sb_adds(sb, over ? ", \"inv\": true}}" : "}}");
	return 0;
}

/* One statement of a rule into sb (an element of its "expr" array). */
static int statement(struct ntext *p, struct strbuf *sb)
{
	const char *w = peek(p, 0);
	bool ct;

	if (!strcmp(w, "accept") || !strcmp(w, "drop") || !strcmp(w, "return") || !strcmp(w, "continue") ||
	    !strcmp(w, "notrack")) {
		sb_addf(sb, "{\"%s\": null}", take(p));
	} else if (!strcmp(w, "reject")) {
		take(p);
		while (!end_of_stmt(p) && !stmt_word(peek(p, 0)))
			take(p);   /* with icmp type ..., with tcp reset */
		sb_adds(sb, "{\"reject\": null}");
	} else if (!strcmp(w, "jump") || !strcmp(w, "goto")) {
		take(p);
		if (end_of_stmt(p))
			return perr(p, "expected a chain name");
		sb_addf(sb, "{\"%s\": {\"target\": ", w);
		json_value(sb, take(p));
		sb_adds(sb, "}}");
	} else if (!strcmp(w, "counter")) {
		long long pk = 0, by = 0;
		take(p);
		if (is(p, "packets")) {
			take(p), is_number(take(p), &pk);
			if (is(p, "bytes"))
				take(p), is_number(take(p), &by);
			sb_addf(sb, "{\"counter\": {\"packets\": %lld, \"bytes\": %lld}}", pk, by);
		} else {
			sb_adds(sb, "{\"counter\": null}");
		}
	} else if (!strcmp(w, "log") || !strcmp(w, "queue")) {
		take(p);
		while (!end_of_stmt(p) && !stmt_word(peek(p, 0)))
			take(p);   /* prefix "...", level, group, flags */
		sb_addf(sb, "{\"%s\": null}", w);
	} else if (!strcmp(w, "comment")) {
		take(p), take(p);
		return 1;   /* a property of the rule, not an expression */
	} else if (!strcmp(w, "limit")) {
		return limit_stmt(p, sb);
	} else if (!strcmp(w, "dnat") || !strcmp(w, "snat") || !strcmp(w, "masquerade") ||
		   !strcmp(w, "redirect")) {
		return nat_stmt(p, sb);
	} else {
		struct strbuf left = STRBUF_INIT;
		size_t at = p->i;
		int r = left_expr(p, &left, &ct);

		if (r == 0 && is(p, "set")) {   /* meta mark set 1, tcp option maxseg size set ...: nothing we read */
			while (!end_of_stmt(p) && !stmt_word(peek(p, 0)))
				take(p);
			sb_adds(sb, "{\"mangle\": null}");
		} else if (r == 0 && is(p, "vmap")) {
			take(p);
			if (!is(p, "{")) {
				sb_release(&left);
				return perr(p, "expected '{' after vmap");
			}
			sb_addf(sb, "{\"vmap\": {\"key\": %s, \"data\": {\"set\": ", left.buf);
			if (value_list(p, sb, true)) {
				sb_release(&left);
				return -1;
			}
			sb_adds(sb, "}}}");
		} else if (r == 0 && !end_of_stmt(p)) {
			const char *op = ct ? "in" : "==";
			struct strbuf right = STRBUF_INIT;
			if (is(p, "!=") || is(p, "==") || is(p, "eq") || is(p, "ne"))
				op = is(p, "!=") || is(p, "ne") ? "!=" : "==", take(p);
			if (right_value(p, &right, ct)) {
				sb_release(&right);
				sb_release(&left);
				return -1;
			}
			if (is(p, "/")) {   /* tcp flags syn / fin,syn,rst,ack: VALUE under a MASK */
				take(p);
				sb_addf(sb, "{\"match\": {\"op\": \"%s\", \"left\": {\"&\": [%s, ",
					strcmp(op, "!=") ? "==" : "!=", left.buf);
				if (right_value(p, sb, true)) {
					sb_release(&right);
					sb_release(&left);
					return -1;
				}
				sb_addf(sb, "]}, \"right\": %s}}", right.buf);
			} else {
				sb_addf(sb, "{\"match\": {\"op\": \"%s\", \"left\": %s, \"right\": %s}}",
					op, left.buf, right.buf);
			}
			sb_release(&right);
		} else {
			p->i = at;
			other_words(p, sb);
		}
		sb_release(&left);
	}
	return 0;
}

static void note_line(unsigned **v, size_t *n, size_t *alloc, unsigned line)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = line;
}

static void obj_start(struct strbuf *sb, const char *kind)
{
	sb_addf(sb, ",\n{\"%s\": {\"family\": ", kind);
}

/* A rule of the current chain, up to the end of its line. */
static int rule(struct ntext *p)
{
	struct strbuf ex = STRBUF_INIT;
	unsigned line = tline(p);
	bool first = true;
	int r = 0;

	for (size_t k = 0; p->i + k < p->t.n && strcmp(peek(p, k), ";"); k++)
		if (*peek(p, k) == '$') {
			p->i += k;
			return perr(p, "variables are not supported (give the output of `nft list ruleset`)");
		}
	while (!end_of_stmt(p) && r >= 0) {
		struct strbuf one = STRBUF_INIT;

		if ((r = statement(p, &one)) == 0) {
			sb_addf(&ex, "%s%s", first ? "" : ", ", one.buf);
			first = false;
		}
		sb_release(&one);
	}
	if (r >= 0) {
		obj_start(&p->rules, "rule");
		json_value(&p->rules, p->family);
		sb_adds(&p->rules, ", \"table\": ");
		json_value(&p->rules, p->table);
		sb_adds(&p->rules, ", \"chain\": ");
		json_value(&p->rules, p->chain);
		sb_addf(&p->rules, ", \"expr\": [%s]}}", ex.buf ? ex.buf : "");
		note_line(&p->rule_lines, &p->nrule, &p->rule_alloc, line);
	}
	sb_release(&ex);
	return r < 0 ? -1 : 0;
}

/* A priority: a number, or a name with an optional "+ N" / "- N". */
static int priority(struct ntext *p, long long *prio)
{
	static const struct { const char *name; int v; } names[] = {
		{ "raw", -300 }, { "mangle", -150 }, { "dstnat", -100 }, { "filter", 0 },
		{ "security", 50 }, { "srcnat", 100 },
	};
	const char *w = take(p);
	long long off;
	bool found = false;

	if (*w == '-' && is_number(w + 1, prio)) {
		*prio = -*prio;
		return 0;
	}
	if (is_number(w, prio))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i].name, w))
			*prio = names[i].v, found = true;
	if (!found) {
		p->i--;
		return perr(p, "expected a chain priority");
	}
	if ((is(p, "+") || is(p, "-")) && is_number(peek(p, 1), &off)) {
		*prio += is(p, "-") ? -off : off;
		p->i += 2;
	}
	return 0;
}

/* "type T hook H [device D] priority P ;" and "policy X ;" lines of a chain. */
static int chain_header(struct ntext *p, struct strbuf *hdr, const char **policy)
{
	const char *type = NULL, *hook = NULL;
	long long prio = 0;

	if (is(p, "policy")) {
		take(p);
		*policy = take(p);
		return 0;
	}
	take(p);   /* type */
	type = take(p);
	if (strcmp(take(p), "hook"))
		return perr(p, "expected 'hook' after the chain type");
	hook = take(p);
	if (is(p, "device")) {
		take(p), take(p);
	}
	if (strcmp(take(p), "priority"))
		return perr(p, "expected 'priority'");
	if (priority(p, &prio))
		return -1;
	sb_adds(hdr, ", \"type\": ");
	json_value(hdr, type);
	sb_adds(hdr, ", \"hook\": ");
	json_value(hdr, hook);
	sb_addf(hdr, ", \"prio\": %lld", prio);
	return 0;
}

static int chain(struct ntext *p)
{
	struct strbuf hdr = STRBUF_INIT;
	const char *policy = NULL;
	unsigned line = tline(p);
	int r = 0;

	take(p);   /* chain */
	free(p->chain);
	p->chain = xstrdup(take(p));
	if (!is(p, "{"))
		return perr(p, "expected '{' after the chain name");
	take(p);
	while (!r && !is(p, "}")) {
		if (p->i >= p->t.n)
			r = perr(p, "expected '}' closing the chain");
		else if (is(p, ";"))
			take(p);
		else if (is(p, "type") || is(p, "policy"))
			r = chain_header(p, &hdr, &policy);
		else if (is(p, "comment"))
			take(p), take(p);
		else
			r = rule(p);
	}
	if (!r) {
		take(p);
		obj_start(&p->head, "chain");
		json_value(&p->head, p->family);
		sb_adds(&p->head, ", \"table\": ");
		json_value(&p->head, p->table);
		sb_adds(&p->head, ", \"name\": ");
		json_value(&p->head, p->chain);
		sb_adds(&p->head, hdr.buf ? hdr.buf : "");
		if (hdr.len) {
			sb_adds(&p->head, ", \"policy\": ");
			json_value(&p->head, policy ? policy : "accept");
		}
		sb_adds(&p->head, "}}");
		note_line(&p->head_lines, &p->nhead, &p->head_alloc, line);
	}
	sb_release(&hdr);
	return r;
}

/* A named set (its type and elements) or map (skipped, as the JSON reader skips maps). */
static int set(struct ntext *p)
{
	bool map = is(p, "map");
	unsigned line = tline(p);
	struct strbuf body = STRBUF_INIT;
	const char *name;
	int r = 0;

	take(p);
	name = take(p);
	if (!is(p, "{"))
		return perr(p, "expected '{' after the set name");
	take(p);
	while (!r && !is(p, "}")) {
		if (p->i >= p->t.n) {
			r = perr(p, "expected '}' closing the set");
		} else if (is(p, "type") && !map) {
			take(p);
			sb_adds(&body, ", \"type\": ");
			json_value(&body, take(p));
		} else if (is(p, "elements") && !map) {
			take(p);
			if (strcmp(take(p), "=") || !is(p, "{")) {
				r = perr(p, "expected 'elements = {'");
				break;
			}
			sb_adds(&body, ", \"elem\": ");
			r = value_list(p, &body, false);
		} else if (is(p, "{")) {
			int depth = 0;
			do {
				depth += is(p, "{") ? 1 : is(p, "}") ? -1 : 0;
				take(p);
			} while (depth > 0 && p->i < p->t.n);
		} else {
			take(p);   /* flags, typeof, timeout, size, comment, ... */
		}
	}
	if (!r && !map) {
		obj_start(&p->head, "set");
		json_value(&p->head, p->family);
		sb_adds(&p->head, ", \"name\": ");
		json_value(&p->head, name);
		sb_adds(&p->head, ", \"table\": ");
		json_value(&p->head, p->table);
		sb_adds(&p->head, body.buf ? body.buf : "");
		sb_adds(&p->head, "}}");
		note_line(&p->head_lines, &p->nhead, &p->head_alloc, line);
	}
	if (!r)
		take(p);
	sb_release(&body);
	return r;
}

/* The table's objects, as nft -j lists them: the table, its sets and chains, then its rules. */
static void flush_table(struct ntext *p, unsigned line)
{
	sb_adds(&p->js, ",\n{\"table\": {\"family\": ");
	json_value(&p->js, p->family);
	sb_adds(&p->js, ", \"name\": ");
	json_value(&p->js, p->table);
	sb_adds(&p->js, "}}");
	note_line(&p->lines, &p->nobj, &p->lines_alloc, line);
	if (p->head.len)
		sb_add(&p->js, p->head.buf, p->head.len);
	for (size_t i = 0; i < p->nhead; i++)
		note_line(&p->lines, &p->nobj, &p->lines_alloc, p->head_lines[i]);
	if (p->rules.len)
		sb_add(&p->js, p->rules.buf, p->rules.len);
	for (size_t i = 0; i < p->nrule; i++)
		note_line(&p->lines, &p->nobj, &p->lines_alloc, p->rule_lines[i]);
	sb_reset(&p->head);
	sb_reset(&p->rules);
	p->nhead = p->nrule = 0;
}

static int table(struct ntext *p)
{
	static const char *const families[] = { "ip", "ip6", "inet", "arp", "bridge", "netdev" };
	unsigned line = tline(p);
	int r = 0;

	take(p);
	free(p->family);
	p->family = xstrdup(in_list(peek(p, 0), families, ARRAY_SIZE(families)) ? take(p) : "ip");
	free(p->table);
	p->table = xstrdup(take(p));
	if (!is(p, "{"))
		return perr(p, "expected '{' after the table name");
	take(p);
	while (!r && !is(p, "}")) {
		if (p->i >= p->t.n)
			r = perr(p, "expected '}' closing the table");
		else if (is(p, ";"))
			take(p);
		else if (is(p, "chain"))
			r = chain(p);
		else if (is(p, "set") || is(p, "map"))
			r = set(p);
		else if (is(p, "flags") || is(p, "comment"))
			while (!end_of_stmt(p))
				take(p);
		else if (is(p, "flowtable") || is(p, "counter") || is(p, "quota") || is(p, "ct")) {
			while (p->i < p->t.n && !is(p, "{"))
				take(p);
			int depth = 0;
			do {
				depth += is(p, "{") ? 1 : is(p, "}") ? -1 : 0;
				take(p);
			} while (depth > 0 && p->i < p->t.n);
		} else
			r = perr(p, "expected chain, set or map in the table");
	}
	if (!r) {
		take(p);
		flush_table(p, line);
	}
	return r;
}

/* The top level: tables, flush lines, include (a warning), no variables. */
static int top(struct ntext *p)
{
	while (p->i < p->t.n) {
		if (is(p, ";")) {
			take(p);
		} else if (is(p, "table")) {
			if (table(p))
				return -1;
		} else if (is(p, "flush") || is(p, "delete")) {
			while (!end_of_stmt(p))
				take(p);   /* the model starts empty */
		} else if (is(p, "include")) {
			take(p);
			warning("%s:%u: include %s: the rules it adds are not read; answers do not cover them",
				p->file, tline(p), peek(p, 0));
			while (!end_of_stmt(p))
				take(p);
		} else if (is(p, "define") || *peek(p, 0) == '$') {
			return perr(p, "variables are not supported (give the output of `nft list ruleset`)");
		} else {
			return perr(p, "expected 'table'");
		}
	}
	return 0;
}

/* Rules and chains carry the JSON object's index: give them the text's line. */
static void remap_lines(struct fw_model *m, const unsigned *lines, size_t n, size_t first)
{
	for (size_t c = first; c < m->n; c++) {
		struct fw_chain *ch = &m->chains[c];
		if (ch->line < n)
			ch->line = lines[ch->line];
		for (size_t i = 0; i < ch->n; i++)
			if (ch->rules[i].line < n)
				ch->rules[i].line = lines[ch->rules[i].line];
	}
}

int fw_parse_nft_text(struct fw_model *m, const char *file, const char *text)
{
	struct ntext p = { .file = file };
	size_t first = m->n;
	int r;

	tokenize(text, &p.t);
	sb_adds(&p.js, "{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}");
	note_line(&p.lines, &p.nobj, &p.lines_alloc, 1);
	r = top(&p);
	sb_adds(&p.js, "]}\n");
	if (!r) {
		if (!m->format)
			m->format = xstrdup("nft");
		r = fw_parse_nft_json(m, file, p.js.buf);
		remap_lines(m, p.lines, p.nobj, first);
	}
	for (size_t i = 0; i < p.t.n; i++)
		free(p.t.v[i]);
	free(p.t.v);
	free(p.t.line);
	sb_release(&p.js);
	sb_release(&p.head);
	sb_release(&p.rules);
	free(p.lines);
	free(p.head_lines);
	free(p.rule_lines);
	free(p.family);
	free(p.table);
	free(p.chain);
	return r;
}

bool fw_nft_text_detect(const char *text)
{
	static const char *const first[] = { "table", "flush", "include", "define", "add", "delete" };
	const char *s = text;

	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s != '#')
			break;
		s += strcspn(s, "\n");
	}
	for (size_t i = 0; i < ARRAY_SIZE(first); i++) {
		size_t n = strlen(first[i]);
		if (!strncmp(s, first[i], n) && (s[n] == ' ' || s[n] == '\t'))
			return true;
	}
	return false;
}

/*
 * The text without what changes when the rules do not: counter values
 * (zeroed) and `# handle N` comments of `nft -a`.
 */
/*
 * Each line with the values of nft's secret names masked, inside quoted
 * strings (comments) as outside them, then the site's patterns.
 */
static char *mask_lines(const char *text, const struct fw_mask *mask)
{
	struct strbuf sb = STRBUF_INIT;
	char *site;

	for (const char *s = text; *s;) {
		size_t len = strcspn(s, "\"\n");

		fw_mask_words(mask, "nft", s, len, &sb);
		s += len;
		if (*s == '"') {
			sb_addc(&sb, *s++);
			len = strcspn(s, "\"\n");
			fw_mask_words(mask, "nft", s, len, &sb);
			s += len;
			if (*s == '"')
				sb_addc(&sb, *s++);
		} else if (*s == '\n') {
			sb_addc(&sb, *s++);
		}
	}
	site = fw_mask_site(mask, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return site;
}

char *fw_nft_text_clean(const char *text, const struct fw_mask *mask)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = text;
	char *masked;

	while (*s) {
		if (!strncmp(s, " # handle ", 10)) {
			s += 10;
			while (isdigit((unsigned char)*s))
				s++;
			continue;
		}
		if (!strncmp(s, "packets ", 8) || !strncmp(s, "bytes ", 6)) {
			size_t n = *s == 'p' ? 8 : 6;
			if (isdigit((unsigned char)s[n])) {
				sb_add(&sb, s, n);
				sb_addc(&sb, '0');
				s += n;
				while (isdigit((unsigned char)*s))
					s++;
				continue;
			}
		}
		sb_addc(&sb, *s++);
	}
	masked = mask_lines(sb.buf ? sb.buf : "", mask);
	sb_release(&sb);
	return masked;
}
