/*
 * cmd_spf.c - "mxaudit spf": evaluate SPF for one client address, live
 * or from a stored snapshot, and show how the result came about.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "json.h"
#include "resolver.h"
#include "spf.h"
#include "store.h"
#include "sysresolv.h"

struct spf_opts {
	const char *domain, *ip, *sender, *helo, *at;
	bool batch;
};

static int parse_args(int argc, char **argv, struct spf_opts *o)
{
	static const struct option longopts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "sender", required_argument, NULL, 's' },
		{ "helo", required_argument, NULL, 'H' },
		{ "at", required_argument, NULL, 'a' },
		{ "batch", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->ip = optarg; break;
		case 's': o->sender = optarg; break;
		case 'H': o->helo = optarg; break;
		case 'a': o->at = optarg; break;
		case 'b': o->batch = true; break;
		default:
			return usage_error("spf", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->batch) {
		if (optind < argc || o->ip || o->sender || o->helo)
			return usage_error("spf", "--batch reads addresses and senders from stdin; give only --at");
		return 0;
	}
	if (optind >= argc)
		return usage_error("spf", "missing DOMAIN");
	o->domain = argv[optind++];
	if (optind < argc)
		return usage_error("spf", "unexpected argument '%s'", argv[optind]);
	if (!o->ip)
		return usage_error("spf", "missing --ip");
	return 0;
}

/* Monitoring convention: 0 pass, 1 weak results, 2 mail refused, 3 unknown. */
static int exit_code(enum spf_result r)
{
	switch (r) {
	case SPF_PASS: return EXIT_OK;
	case SPF_NEUTRAL: case SPF_SOFTFAIL: case SPF_NONE: return EXIT_WARNING;
	case SPF_FAIL: case SPF_PERMERROR: return EXIT_CRITICAL;
	default: return EXIT_UNKNOWN;
	}
}

/* Records are outside data: never send their control bytes to a terminal. */
static void put_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

static void print_text(const struct spf_eval *e)
{
	printf("%s\n", spf_result_name(e->result));
	if (verbosity < 1)
		return;
	fputs("reason: ", stdout);
	put_safe(e->reason);
	putchar('\n');
	printf("lookups: %u of %d, void lookups: %u of %d\n", e->lookups, SPF_MAX_LOOKUPS,
	       e->voids, SPF_MAX_VOIDS);
	if (e->explanation) {
		fputs("explanation: ", stdout);
		put_safe(e->explanation);
		putchar('\n');
	}
	printf("trace:\n");
	for (size_t i = 0; i < e->nstep; i++) {
		const struct spf_step *s = &e->steps[i];

		printf("  %*s", (int)s->depth * 2, "");
		put_safe(s->domain);
		fputs(": ", stdout);
		put_safe(s->term);
		if (s->lookup) {
			fputs(" [", stdout);
			put_safe(s->lookup);
			putchar(']');
		}
		fputs(" -> ", stdout);
		put_safe(s->outcome);
		printf(" (lookups %u, void %u)\n", s->lookups, s->voids);
	}
}

static int print_json(const struct spf_opts *o, const char *source, const char *rev,
		      const struct spf_eval *e)
{
	json_t *root = jroot(), *trace = jarr();
	int r;

	jset_str(root, "domain", o->domain);
	jset_str(root, "ip", o->ip);
	jset_str(root, "sender", o->sender);
	jset_str(root, "helo", o->helo);
	jset_str(root, "source", source);
	jset_str(root, "revision", rev);
	jset_str(root, "result", spf_result_name(e->result));
	jset_str(root, "reason", e->reason);
	jset_str(root, "term", e->term);
	jset_str(root, "term_domain", e->term_domain);
	jset_str(root, "explanation", e->explanation);
	jset_int(root, "lookups", e->lookups);
	jset_int(root, "void_lookups", e->voids);
	for (size_t i = 0; i < e->nstep; i++) {
		const struct spf_step *s = &e->steps[i];
		json_t *st = jobj();

		jset_int(st, "depth", s->depth);
		jset_str(st, "domain", s->domain);
		jset_str(st, "term", s->term);
		jset_str(st, "lookup", s->lookup);
		jset_int(st, "lookups", s->lookups);
		jset_int(st, "void_lookups", s->voids);
		jset_str(st, "outcome", s->outcome);
		jpush(trace, st);
	}
	jset(root, "trace", trace);
	r = jprint(stdout, root);
	jfree(root);
	return r;
}

static int eval_live(struct cmd_ctx *ctx, const struct spf_query *q, struct spf_eval *e)
{
	/* tries 0: the resolver's default, as --help describes --timeout. */
	struct resolver_opts ro = { .timeout_ms = ctx->timeout_ms, .tries = 0,
				    .max_inflight = 1, .rd = true };
	struct spf_livedns live;
	struct spf_dns dns;
	struct server srv;
	char *spec = ctx->dns_servers.n ? xstrdup(ctx->dns_servers.v[0]) :
		     ctx->resolver ? xstrdup(ctx->resolver) : system_resolver();
	int r;

	if (!spec)
		return error("no DNS server: give --dns-server or set a nameserver in /etc/resolv.conf");
	if (ctx->dns_servers.n > 1)
		warning("spf asks only the first --dns-server, '%s'", spec);
	r = server_parse(spec, 53, &srv);
	free(spec);
	if (r < 0)
		return -1;
	spf_livedns_init(&live, &srv, &ro, &dns);
	r = spf_check_host(&dns, q, e);
	verbose("spf: %u DNS queries", live.queries);
	spf_livedns_release(&live);
	server_release(&srv);
	return r;
}

/*
 * Does --at name a time ("2026-11-20 14:00", "1 day ago", "@EPOCH",
 * "yesterday") rather than a revision (id, tag, HEAD~N)?
 */
static bool at_is_time(const char *s)
{
	return s[0] == '@' || strstr(s, " ago") || !strcmp(s, "now") ||
	       !strcmp(s, "today") || !strcmp(s, "yesterday") ||
	       (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
		isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-');
}

/* The snapshot --at names: 0 with id, 1 if none (message printed), -1. */
static int resolve_at(struct store *st, const char *at, char id[41])
{
	time_t when;
	int r;

	if (!at_is_time(at))
		r = store_resolve(st, at, id);
	else if (when_parse("--at", at, time(NULL), &when) < 0)
		return -1;
	else
		r = store_at(st, when, id);
	if (r == 1)
		error("no snapshot at '%s' in the store", at);
	return r;
}

static int eval_stored(struct cmd_ctx *ctx, const struct spf_opts *o,
		       const struct spf_query *q, struct spf_eval *e, char id[41])
{
	struct snapshot snap = { 0 };
	struct store *st;
	struct spf_snapdns sd;
	struct spf_dns dns;
	int r;

	if (store_open(ctx->store, false, &st) < 0)
		return -1;
	r = resolve_at(st, o->at, id);
	if (r == 0)
		r = store_read(st, id, &snap);
	else
		r = -1;
	store_close(st);
	if (r < 0) {
		snapshot_release(&snap);
		return -1;
	}
	spf_snapdns_init(&sd, &snap, snapshot_domain(&snap, o->domain), &dns);
	r = spf_check_host(&dns, q, e);
	spf_snapdns_release(&sd);
	snapshot_release(&snap);
	return r;
}

/*
 * The source a batch evaluates against, set up once: a stored snapshot
 * (read once) or the live server (parsed once).
 */
struct spf_batch {
	struct snapshot snap;
	struct server srv;
	bool stored;
};

static int batch_open(struct cmd_ctx *ctx, const struct spf_opts *o, struct spf_batch *b)
{
	char id[41];
	struct store *st;
	char *spec;
	int r;

	b->stored = o->at != NULL;
	if (b->stored) {
		if (store_open(ctx->store, false, &st) < 0)
			return -1;
		r = resolve_at(st, o->at, id) == 0 ? store_read(st, id, &b->snap) : -1;
		store_close(st);
		return r;
	}
	spec = ctx->dns_servers.n ? xstrdup(ctx->dns_servers.v[0]) :
	       ctx->resolver ? xstrdup(ctx->resolver) : system_resolver();
	if (!spec)
		return error("no DNS server: give --dns-server or set a nameserver in /etc/resolv.conf");
	r = server_parse(spec, 53, &b->srv);
	free(spec);
	return r;
}

static void batch_close(struct spf_batch *b)
{
	if (b->stored)
		snapshot_release(&b->snap);
	else
		server_release(&b->srv);
}

static int batch_eval(struct cmd_ctx *ctx, struct spf_batch *b, const struct spf_query *q,
		      struct spf_eval *e)
{
	struct resolver_opts ro = { .timeout_ms = ctx->timeout_ms, .tries = 0,
				    .max_inflight = 1, .rd = true };
	struct spf_livedns live;
	struct spf_snapdns sd;
	struct spf_dns dns;
	int r;

	if (b->stored) {
		spf_snapdns_init(&sd, &b->snap, snapshot_domain(&b->snap, q->domain), &dns);
		r = spf_check_host(&dns, q, e);
		spf_snapdns_release(&sd);
		return r;
	}
	spf_livedns_init(&live, &b->srv, &ro, &dns);
	r = spf_check_host(&dns, q, e);
	spf_livedns_release(&live);
	return r;
}

/*
 * One stdin line "IP SENDER [HELO]" into a query (HELO is the rest of the
 * line); the domain checked is the sender's (after '@', or the whole
 * sender). 0, or -1 (message printed).
 */
static int batch_line(char *line, unsigned long no, struct spf_query *q)
{
	char *save = NULL, *ip = strtok_r(line, " \t\r\n", &save);
	char *sender = ip ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	char *helo = sender ? save : NULL, *at;
	uint8_t addr[16];
	int fam;

	if (!sender)
		return error("stdin line %lu: expected 'IP SENDER [HELO]'", no);
	/* The HELO name is the rest of the line: a client may send spaces in it. */
	helo += strspn(helo, " \t");
	helo[strcspn(helo, "\r\n")] = '\0';
	if (!*helo)
		helo = NULL;
	if (spf_parse_ip(ip, &fam, addr) < 0)
		return error("stdin line %lu: '%s' is not an IPv4 or IPv6 address", no, ip);
	at = strrchr(sender, '@');
	q->ip = ip;
	q->sender = sender;
	q->helo = helo;
	q->domain = at ? at + 1 : sender;
	if (!*q->domain)
		return error("stdin line %lu: sender '%s' has no domain", no, sender);
	return 0;
}

/* spf --batch: one result a line, in input order; 3 if a line could not be evaluated. */
static int run_batch(struct cmd_ctx *ctx, const struct spf_opts *o)
{
	struct spf_batch b = { 0 };
	char *line = NULL;
	size_t cap = 0;
	unsigned long no = 0;
	int failed = 0;

	if (batch_open(ctx, o, &b) < 0)
		return -1;
	while (getline(&line, &cap, stdin) > 0) {
		struct spf_query q = { 0 };
		struct spf_eval e = { 0 };

		no++;
		if (batch_line(line, no, &q) < 0 || batch_eval(ctx, &b, &q, &e) < 0) {
			puts("error");
			failed = 1;
		} else {
			puts(spf_result_name(e.result));
		}
		spf_eval_release(&e);
	}
	free(line);
	batch_close(&b);
	return failed ? EXIT_UNKNOWN : EXIT_OK;
}

int cmd_spf(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct spf_opts o = { 0 };
	struct spf_query q = { 0 };
	struct spf_eval e = { 0 };
	char id[41] = "";
	int fam, r;
	uint8_t ip[16];

	if (parse_args(argc, argv, &o) < 0)
		return -1;
	if (o.batch)
		return run_batch(ctx, &o);
	if (spf_parse_ip(o.ip, &fam, ip) < 0)
		return usage_error("spf", "--ip: '%s' is not an IPv4 or IPv6 address", o.ip);
	q.ip = o.ip;
	q.sender = o.sender;
	q.helo = o.helo;
	q.domain = o.domain;
	r = o.at ? eval_stored(ctx, &o, &q, &e, id) : eval_live(ctx, &q, &e);
	if (r < 0) {
		spf_eval_release(&e);
		return -1;
	}
	if (ctx->format == FMT_JSON)
		r = print_json(&o, o.at ? "snapshot" : "live", o.at ? id : NULL, &e);
	else
		print_text(&e);
	if (r == 0)
		r = exit_code(e.result);
	spf_eval_release(&e);
	return r;
}
