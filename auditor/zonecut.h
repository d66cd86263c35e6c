/*
 * zonecut.h - the authoritative servers of any name's zone, found
 * through the recursive resolver, so that records of other zones (PTRs,
 * a provider's SPF includes, MX hosts and DKIM keys) are asked where
 * they are kept and stored with their zone's TTL, not with the
 * resolver's cached one that counts down.
 */
#ifndef MXAUDIT_ZONECUT_H
#define MXAUDIT_ZONECUT_H

#include <stddef.h>

#include "resolver.h"

struct zone {
	char *apex;                /* "provider.test." */
	struct server **srv;       /* its servers, authoritative (only AA replies count) */
	size_t n;
	char *id;                  /* their names, sorted, comma-separated */
};

struct zonecut;
/* z is NULL when no zone with reachable servers was found. z is the zonecut's. */
typedef void (*zone_cb)(void *arg, const struct zone *z);

/* zonecut.c */
/*
 * A server for an authoritative server's address (IPv4 or IPv6) on port;
 * named by the address alone when port is 53. NULL if addr is none.
 */
struct server *server_auth_new(const char *addr, unsigned port);
void server_free(struct server *s);

/* resolver (borrowed) is the recursive resolver to ask, through r. */
struct zonecut *zonecut_new(struct resolver *r, struct server *resolver, unsigned auth_port);
/*
 * Find the zone of name (absolute, lower case): the deepest of its
 * ancestors that has NS records, and those servers' addresses. cb runs
 * once, from resolver_run() or before zonecut_find() returns.
 */
void zonecut_find(struct zonecut *zc, const char *name, zone_cb cb, void *arg);
/*
 * The addresses (A and AAAA) of NS host host, asked of the resolver once
 * per run however many zones and domains list it. cb runs once, from
 * resolver_run() or before this returns; addrs is the zonecut's.
 */
struct strlist;
typedef void (*host_cb)(void *arg, const struct strlist *addrs);
void zonecut_host_addrs(struct zonecut *zc, const char *host, host_cb cb, void *arg);
void zonecut_free(struct zonecut *zc);

#endif
