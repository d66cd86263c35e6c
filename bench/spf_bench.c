/*
 * spf_bench.c - offline SPF evaluation speed: a synthetic snapshot of
 * 10,000 domains, each with an SPF record shaped like real ones (mx, a,
 * address ranges, a vendor include that includes its netblocks), and one
 * check_host() per domain for one client address. Prints evaluations
 * per second.
 *
 *   bench/spf_bench [DOMAINS [ROUNDS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spf.h"

static void add(struct domain_snap *d, const char *owner, const char *type, const char *rdata)
{
	dsnap_add_rr(d, owner, 3600, type, rdata);
}

/* Domain i's records, vendor includes copied in as the collector stores them. */
static void fill(struct domain_snap *d, unsigned i)
{
	char owner[128], buf[512];

	snprintf(owner, sizeof(owner), "d%u.example.", i);
	snprintf(buf, sizeof(buf), "\"v=spf1 mx a:mail.d%u.example ip4:10.%u.%u.0/24 "
		 "ip6:2001:db8:%x::/48 include:_spf.vendor%u.example ~all\"",
		 i, (i >> 8) & 255, i & 255, i & 0xffff, i % 50);
	add(d, owner, "TXT", buf);
	snprintf(buf, sizeof(buf), "10 mx1.d%u.example.", i);
	add(d, owner, "MX", buf);
	snprintf(buf, sizeof(buf), "20 mx2.d%u.example.", i);
	add(d, owner, "MX", buf);
	snprintf(owner, sizeof(owner), "mx1.d%u.example.", i);
	add(d, owner, "A", "192.0.2.1");
	snprintf(owner, sizeof(owner), "mx2.d%u.example.", i);
	add(d, owner, "A", "192.0.2.2");
	snprintf(owner, sizeof(owner), "mail.d%u.example.", i);
	add(d, owner, "A", "192.0.2.3");
	snprintf(owner, sizeof(owner), "_spf.vendor%u.example.", i % 50);
	snprintf(buf, sizeof(buf), "\"v=spf1 ip4:198.51.100.0/26 "
		 "include:_netblocks.vendor%u.example -all\"", i % 50);
	add(d, owner, "TXT", buf);
	snprintf(owner, sizeof(owner), "_netblocks.vendor%u.example.", i % 50);
	add(d, owner, "TXT", "\"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:ffff::/48 ~all\"");
	dsnap_sort(d);
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5, passes = 0;
	struct snapshot snap = { 0 };
	struct timespec t0, t1;
	double secs;

	for (unsigned i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "d%u.example", i);
		fill(snapshot_add_domain(&snap, name), i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < n; i++) {
			struct domain_snap *d = &snap.domains[i];
			struct spf_snapdns sd;
			struct spf_dns dns;
			/* Matched by the nested include: the longest common path. */
			struct spf_query q = { .ip = "203.0.113.77", .domain = d->name,
					       .sender = "bounce@example", .now = 1 };
			struct spf_eval e;

			spf_snapdns_init(&sd, NULL, d, &dns);
			if (spf_check_host(&dns, &q, &e) < 0 || e.result != SPF_PASS) {
				fprintf(stderr, "spf bench: %s gave %s: %s\n", d->name,
					spf_result_name(e.result), e.reason);
				return 1;
			}
			passes++;
			spf_eval_release(&e);
			spf_snapdns_release(&sd);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("spf bench: %u domains x %u rounds = %u evaluations in %.3f s: %.0f evaluations/s\n",
	       n, rounds, passes, secs, passes / secs);
	snapshot_release(&snap);
	return 0;
}
