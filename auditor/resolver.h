/*
 * resolver.h - DNS queries: many in flight at once, UDP with EDNS, TCP
 * when truncated, retries and per-query timeouts.
 *
 * dns.c (the only file that uses ldns) turns wire data into struct rr;
 * resolver.c drives the sockets. A query is asked of every server in its
 * server list and the answers compared: the result records the
 * disagreement, it does not hide it.
 */
#ifndef MXAUDIT_RESOLVER_H
#define MXAUDIT_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "snapshot.h"

struct server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char *name;                    /* "127.0.0.1:5353" as shown to users */
	bool recursive;                /* a recursive resolver: set RD */
	bool authoritative;            /* listed NS of the zone asked: only AA replies count */
	const char *zone;              /* the zone it is listed for (borrowed), or NULL */
	unsigned max_inflight;         /* its own in-flight cap below the run's, or 0 */
};

struct lookup_result {
	enum lookup_state state;
	struct rr *rrs;                /* the answer section (CNAMEs included) */
	size_t nrr;
	bool disagree;
	char *servers;                 /* servers that answered, comma-separated, or "-" */
	char *detail;                  /* for disagreement, else NULL */
	char *referral;                /* no server answered; one referred to this zone below its own */
};

/* dns.c */
int dns_type_code(const char *mnemonic);        /* -1 if unknown */
const char *dns_type_name(int code, char buf[16]);
/* Build a query (RD off for authoritative use, EDNS 1232, DO off). */
int dns_build_query(const char *name, int qtype, uint16_t id, bool rd,
		    uint8_t **wire, size_t *len);
/*
 * Parse a reply to the query sent with id: query is that query as
 * dns_build_query() made it for name (its own id is not looked at, so
 * one built query serves every id it is sent with). Returns 0 and fills
 * *state, *rrs and *tc; -1 if the packet is not a reply to this query or
 * its header, question or answer section is malformed (ignore it).
 * Records come back canonical (see struct rr).
 */
int dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id,
		    const uint8_t *query, size_t qlen, const char *name,
		    enum lookup_state *state, struct rr **rrs, size_t *nrr, bool *tc);
/*
 * The zone a reply delegates to, if it is a referral: no AA, NOERROR,
 * no answer, NS records in the authority section (their owner, lower
 * case, absolute; the caller frees it). NULL otherwise.
 */
char *dns_reply_referral(const uint8_t *wire, size_t len);
/* Canonicalize one record given in zone-file syntax (tests, fixtures). */
int dns_canonical_rr(const char *text, struct rr *out);
/*
 * Read a zone file in the syntax ldns reads, names relative to origin.
 * *out (free with rrs_free) gets its records, canonical, without SOA
 * and RRSIG. Errors name file:line. Returns 0 or -1.
 */
int dns_parse_zone_file(const char *path, const char *origin, struct rr **out, size_t *n);
void rr_release(struct rr *r);
void rrs_free(struct rr *rrs, size_t n);

/* resolver.c */
/* Parse "HOST[:PORT]", "[v6]:PORT" or a bare IPv6 address. */
int server_parse(const char *spec, unsigned default_port, struct server *out);
void server_release(struct server *s);

struct resolver_opts {
	unsigned timeout_ms;   /* per try */
	unsigned tries;        /* per server */
	unsigned max_inflight; /* queries in flight at once (default 1000) */
	unsigned server_inflight; /* ... of which to one server (default: all) */
	unsigned server_qps;   /* queries per second to one server (0: no limit) */
	bool rd;               /* set RD (asking a recursive resolver) */
};

struct resolver;
typedef void (*resolve_cb)(void *arg, const char *name, const char *type,
			   struct lookup_result *res);

struct resolver *resolver_new(const struct resolver_opts *opts);
/*
 * Queue name/type for every server in servers (borrowed; must outlive
 * the query). cb runs from resolver_run() once all servers answered or
 * gave up; res is borrowed for the duration of the call (steal the
 * arrays and NULL them to keep them). cb may submit more queries.
 */
void resolver_submit(struct resolver *r, const char *name, const char *type,
		     struct server *const *servers, size_t nservers,
		     resolve_cb cb, void *arg);
/* Run until no query is left. Returns 0, or -1 on a local failure. */
int resolver_run(struct resolver *r);
/* Transfers waiting or in flight: how much work is ahead. */
size_t resolver_backlog(const struct resolver *r);
/* With -v: each server's queries, answers, round trip and retry time. */
void resolver_log_servers(const struct resolver *r);
/* Queries sent (every try to every server counts). */
unsigned long resolver_queries_sent(const struct resolver *r);
void resolver_free(struct resolver *r);

/* One synchronous lookup: for the SPF evaluator's live mode and tests. */
int resolve_one(const struct server *srv, const struct resolver_opts *opts,
		const char *name, const char *type, struct lookup_result *out);
void lookup_result_release(struct lookup_result *res);

#endif
