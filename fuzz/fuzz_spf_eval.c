/*
 * fuzz_spf_eval.c - libFuzzer target for check_host() and the static
 * analysis. The input is the SPF record of example.com; it is stored in
 * a snapshot (as escaped TXT strings, as the collector would) together
 * with records it may reach: the same bytes at every include target
 * (so includes recurse until the limits stop them), addresses, MX and
 * PTR. The first byte picks the client address.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Presentation form of a TXT RR holding data: quoted strings of 255 bytes. */
static char *txt_rdata(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i == 0 || i < size; i += 255) {
		sb_addc(&sb, '"');
		for (size_t k = i; k < size && k < i + 255; k++)
			sb_addf(&sb, "\\%03u", data[k]);
		sb_adds(&sb, "\" ");
	}
	return sb_detach(&sb);
}

static void world(struct domain_snap *d, const char *rdata)
{
	static const char *const names[] = {
		"example.com.", "a.example.com.", "b.example.com.", "_spf.example.com.",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		dsnap_add_rr(d, names[i], 300, "TXT", rdata);
		dsnap_add_rr(d, names[i], 300, "A", "192.0.2.1");
		dsnap_add_rr(d, names[i], 300, "AAAA", "2001:db8::1");
		dsnap_add_rr(d, names[i], 300, "MX", "10 a.example.com.");
	}
	dsnap_add_rr(d, "1.2.0.192.in-addr.arpa.", 300, "PTR", "a.example.com.");
	dsnap_add_rr(d, "c.example.com.", 300, "CNAME", "example.com.");
	dsnap_add_lookup(d, "gone.example.com.", "TXT", LK_NXDOMAIN);
	dsnap_add_lookup(d, "slow.example.com.", "A", LK_TIMEOUT);
	dsnap_sort(d);
}

static bool same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

/* check_host() with and without its step trace must agree on every result field. */
static void both_ways(const struct domain_snap *d, const char *ip)
{
	struct spf_snapdns sd;
	struct spf_dns dns;
	struct spf_query q = { .ip = ip, .domain = "example.com", .now = 1 };
	struct spf_eval full, quiet;

	spf_snapdns_init(&sd, NULL, d, &dns);
	spf_check_host(&dns, &q, &full);
	q.result_only = true;
	spf_check_host(&dns, &q, &quiet);
	if (full.result != quiet.result || !same(full.reason, quiet.reason) ||
	    !same(full.term, quiet.term) || !same(full.term_domain, quiet.term_domain) ||
	    !same(full.explanation, quiet.explanation) || full.lookups != quiet.lookups ||
	    full.voids != quiet.voids || quiet.nstep)
		abort();
	spf_eval_release(&full);
	spf_eval_release(&quiet);
	spf_snapdns_release(&sd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = { "192.0.2.1", "192.0.2.77", "2001:db8::1", "::ffff:192.0.2.1" };
	struct snapshot snap = { 0 };
	struct domain_snap *d;
	struct findings fs = FINDINGS_INIT;
	struct strlist ipl = STRLIST_INIT;
	char *rdata;

	if (!size || size > 2000)
		return 0;
	d = snapshot_add_domain(&snap, "example.com");
	rdata = txt_rdata(data + 1, size - 1);
	world(d, rdata);
	free(rdata);
	spf_analyze(d, &fs);
	sl_push(&ipl, ips[data[0] % ARRAY_SIZE(ips)]);
	spf_check_ips(d, &ipl, &fs);   /* runs check_host() through the snapshot */
	both_ways(d, ipl.v[0]);
	sl_release(&ipl);
	findings_release(&fs);
	snapshot_release(&snap);
	return 0;
}
