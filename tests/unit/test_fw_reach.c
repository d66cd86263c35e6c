/*
 * test_fw_reach.c - reachability semantics that the namespace tests do
 * not reach: unknown interfaces and matches, IPv6, egress, ipset, goto,
 * DNAT ranges, and fw_collect()'s snapshot files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw.h"

struct answer {
	struct fw_model m;
	struct fw_verdict v;
};

/* Ask "tcp/port to `to` from every address" of an iptables text. */
static void ask(struct answer *a, const char *format, const char *text, const char *to,
		unsigned port, const char *in, const char *out)
{
	struct fw_query q = { 0 };

	memset(a, 0, sizeof(*a));
	assert_int_equal(fw_model_parse(&a->m, format, "t", text, NULL, NULL), 0);
	assert_int_equal(fw_ip_parse(to, &q.to, &q.fam), 0);
	q.proto = 6;
	q.port = (uint16_t)port;
	q.in_iface = in;
	q.out_iface = out;
	q.to_local = true;
	fw_reach(&a->m, &q, &a->v);
}

static void answer_release(struct answer *a)
{
	fw_verdict_release(&a->v);
	fw_model_release(&a->m);
}

static void assert_cidrs(const struct fw_addrset *s, int fam, const char *expect)
{
	char *j = fw_as_join(s, fam);

	assert_string_equal(j, expect);
	free(j);
}

/* Find the part with this outcome and stage; fail if none. */
static struct fw_part *part(struct fw_verdict *v, enum fw_outcome o, enum fw_stage st)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->parts[i].outcome == o && v->parts[i].stage == st)
			return &v->parts[i];
	fail_msg("no %s part at stage %s", fw_outcome_name(o), fw_stage_name(st));
	return NULL;
}

static const char fwd[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -i eth0 -p tcp --dport 25 -j DNAT --to-destination 192.0.2.25\n"
	"COMMIT\n*filter\n:FORWARD DROP [0:0]\n"
	"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
	"-A FORWARD -s 198.51.100.0/28 -j DROP\n"
	"-A FORWARD -d 192.0.2.25/32 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";

static void test_partial(void **state)
{
	struct answer a;
	struct fw_part *p;

	ask(&a, "iptables", fwd, "203.0.113.10", 25, "eth0", "eth1");
	assert_int_equal(a.v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&a.v.blocked, FW_V4, "198.51.100.0/28");
	p = part(&a.v, FW_ALLOWED, FW_STAGE_REQUEST);
	assert_string_equal(fw_part_rule(&a.v, p), "filter FORWARD #3: -A FORWARD -d 192.0.2.25/32 -p tcp --dport 25 -j ACCEPT");
	assert_true(p->nat);
	assert_int_equal(p->to_port, 25);
	p = part(&a.v, FW_BLOCKED, FW_STAGE_REQUEST);
	assert_string_equal(fw_part_rule(&a.v, p), "filter FORWARD #2: -A FORWARD -s 198.51.100.0/28 -j DROP");
	answer_release(&a);
}

/* No --in: the DNAT rule's -i eth0 cannot be decided, so all is unknown, naming it. */
static void test_unknown_interface(void **state)
{
	struct answer a;
	struct fw_part *p;

	ask(&a, "iptables", fwd, "203.0.113.10", 25, NULL, "eth1");
	assert_int_equal(a.v.verdict, FW_VERDICT_UNKNOWN);
	p = part(&a.v, FW_UNKNOWN, FW_STAGE_REQUEST);
	assert_cidrs(&p->peers, FW_V4, "0.0.0.0/0");
	assert_non_null(strstr(fw_part_rule(&a.v, p), "nat PREROUTING #1"));
	assert_non_null(strstr(p->why, "incoming interface eth0"));
	answer_release(&a);
	/* The wrong interface given: no DNAT, the firewall itself is reached. */
	ask(&a, "iptables", fwd, "203.0.113.10", 25, "eth9", "eth1");
	assert_int_equal(a.v.verdict, FW_VERDICT_ALLOWED);
	assert_false(part(&a.v, FW_ALLOWED, FW_STAGE_REQUEST)->nat);
	answer_release(&a);
}

/* "-i lo" needs no --in: remote peers never arrive on the loopback. */
static void test_loopback_known(void **state)
{
	static const char text[] =
		"*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n"
		"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
		"-A INPUT ! -i lo -s 127.0.0.0/8 -j DROP\n"
		"-A INPUT -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct answer a;

	ask(&a, "iptables", text, "203.0.113.10", 25, NULL, NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&a.v.blocked, FW_V4, "127.0.0.0/8");
	answer_release(&a);
}

/* An unsupported match makes only the traffic it could affect unknown. */
static void test_unsupported_scoped(void **state)
{
	static const char text[] =
		"*filter\n:INPUT DROP [0:0]\n"
		"-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n"
		"-A INPUT -s 198.51.100.0/24 -m recent --rcheck --seconds 60 -j DROP\n"
		"-A INPUT -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct answer a;
	struct fw_part *p;

	ask(&a, "iptables", text, "203.0.113.10", 25, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_UNKNOWN);
	assert_cidrs(&a.v.unknown, FW_V4, "198.51.100.0/24");
	p = part(&a.v, FW_UNKNOWN, FW_STAGE_REQUEST);
	assert_non_null(strstr(p->why, "-m recent"));
	assert_non_null(strstr(fw_part_rule(&a.v, p), "filter INPUT #2"));
	assert_false(fw_as_empty(&a.v.allowed));
	answer_release(&a);
}

/* Replies: FORWARD DROP without an ESTABLISHED rule blocks at the reply stage. */
static void test_reply_dropped(void **state)
{
	static const char text[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -p tcp --dport 25 -j DNAT --to-destination 192.0.2.25\nCOMMIT\n"
		"*filter\n:FORWARD DROP [0:0]\n"
		"-A FORWARD -d 192.0.2.25/32 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct answer a;

	ask(&a, "iptables", text, "203.0.113.10", 25, "eth0", "eth1");
	assert_int_equal(a.v.verdict, FW_VERDICT_BLOCKED);
	assert_string_equal(fw_part_rule(&a.v, part(&a.v, FW_BLOCKED, FW_STAGE_REPLY)), "filter FORWARD policy DROP");
	answer_release(&a);
}

/* --syn: the first packet matches, later ones (ACK) do not. */
static void test_syn_only(void **state)
{
	static const char text[] =
		"*filter\n:INPUT DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		"-A INPUT -p tcp --dport 25 --syn -j ACCEPT\nCOMMIT\n";
	struct answer a;

	ask(&a, "iptables", text, "203.0.113.10", 25, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_BLOCKED);
	part(&a.v, FW_BLOCKED, FW_STAGE_ESTABLISHED);
	answer_release(&a);
}

static void test_ipv6(void **state)
{
	static const char text[] =
		"# Generated by ip6tables-save v1.8.9\n*filter\n:INPUT DROP [0:0]\n"
		"-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
		"-A INPUT ! -s 2001:db8:bad::/48 -p tcp -m tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct answer a;

	ask(&a, "iptables", text, "2001:db8::25", 25, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&a.v.blocked, FW_V6, "2001:db8:bad::/48");
	answer_release(&a);
	/* IPv4 traffic against an ip6tables export: unknown, not "no rules". */
	ask(&a, "iptables", text, "203.0.113.10", 25, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_UNKNOWN);
	answer_release(&a);
}

/* Egress: may 192.0.2.25 send tcp/25 out, to which destinations. */
static void test_egress(void **state)
{
	static const char text[] =
		"*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n"
		"*filter\n:FORWARD DROP [0:0]\n"
		"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
		"-A FORWARD -i eth1 -o eth0 -d 203.0.113.0/24 -j REJECT\n"
		"-A FORWARD -i eth1 -o eth0 -s 192.0.2.25 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct fw_model m = FW_MODEL_INIT;
	struct fw_verdict v;
	struct fw_query q = { 0 };
	int fam;

	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, NULL, NULL), 0);
	q.egress = true;
	assert_int_equal(fw_ip_parse("192.0.2.25", &q.host, &fam), 0);
	q.fam = fam;
	q.proto = 6;
	q.port = 25;
	q.in_iface = "eth1";
	q.out_iface = "eth0";
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&v.blocked, FW_V4, "203.0.113.0/24");
	fw_verdict_release(&v);
	q.port = 53;
	q.proto = 17;
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_BLOCKED);
	fw_verdict_release(&v);
	fw_model_release(&m);
}

/* nft: goto returns to the base chain's end; DNAT to a range is unknown. */
static void test_nft_goto_and_range(void **state)
{
	static const char text[] =
		"{\"nftables\": ["
		"{\"chain\": {\"family\": \"ip\", \"table\": \"n\", \"name\": \"pre\", \"type\": \"nat\", \"hook\": \"prerouting\", \"prio\": -100, \"policy\": \"accept\"}},"
		"{\"rule\": {\"family\": \"ip\", \"table\": \"n\", \"chain\": \"pre\", \"expr\": ["
		"{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": 587}},"
		"{\"dnat\": {\"addr\": {\"range\": [\"192.0.2.25\", \"192.0.2.26\"]}}}]}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"f\", \"name\": \"in\", \"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"drop\"}},"
		"{\"chain\": {\"family\": \"inet\", \"table\": \"f\", \"name\": \"smtp\"}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"in\", \"expr\": ["
		"{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\": [\"established\", \"related\"]}}, {\"accept\": null}]}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"in\", \"expr\": [{\"goto\": {\"target\": \"smtp\"}}]}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"in\", \"expr\": [{\"accept\": null}]}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"smtp\", \"expr\": ["
		"{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"198.51.100.0\", \"len\": 24}}}},"
		"{\"return\": null}]}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"smtp\", \"expr\": [{\"accept\": null}]}}"
		"]}";
	struct answer a;

	ask(&a, "nft-json", text, "203.0.113.10", 25, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&a.v.allowed, FW_V4, "198.51.100.0/24");
	/* Returned from a goto: the base chain ends, its policy drops. */
	assert_string_equal(fw_part_rule(&a.v, part(&a.v, FW_BLOCKED, FW_STAGE_REQUEST)), "inet f in policy DROP");
	answer_release(&a);
	ask(&a, "nft-json", text, "203.0.113.10", 587, "eth0", NULL);
	assert_int_equal(a.v.verdict, FW_VERDICT_UNKNOWN);
	assert_non_null(strstr(part(&a.v, FW_UNKNOWN, FW_STAGE_REQUEST)->why, "range"));
	answer_release(&a);
}

/* ipset members decide; without the ipset file the set's match is unknown. */
static void test_ipset_reach(void **state)
{
	static const char text[] =
		"*filter\n:INPUT DROP [0:0]\n-A INPUT -m state --state ESTABLISHED -j ACCEPT\n"
		"-A INPUT -p tcp --dport 25 -m set --match-set relays src -j ACCEPT\nCOMMIT\n";
	static const char ipset[] = "create relays hash:net family inet\nadd relays 198.51.100.0/24\n";
	struct fw_model m = FW_MODEL_INIT;
	struct fw_verdict v;
	struct fw_query q = { .proto = 6, .port = 25, .in_iface = "eth0", .to_local = true };

	assert_int_equal(fw_ip_parse("203.0.113.10", &q.to, &q.fam), 0);
	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, "s", ipset), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_PARTIAL);
	assert_cidrs(&v.allowed, FW_V4, "198.51.100.0/24");
	fw_verdict_release(&v);
	fw_model_release(&m);
	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, NULL, NULL), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_UNKNOWN);
	fw_verdict_release(&v);
	fw_model_release(&m);
}

/* fw_collect: the snapshot files, and the model rebuilt from them. */
static void test_collect(void **state)
{
	char path[] = "/tmp/fwcollectXXXXXX";
	int fd = mkstemp(path);
	struct fw_snap fs = { 0 };
	struct fw_model m = FW_MODEL_INIT;
	char *again;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, fwd, strlen(fwd)), (ssize_t)strlen(fwd));
	close(fd);
	assert_int_equal(fw_collect("edge", "iptables", path, NULL, NULL, &fs), 0);
	unlink(path);
	assert_string_equal(fs.name, "edge");
	assert_null(strstr(fs.export_text, "[0:0]"));
	assert_non_null(strstr(fs.rules_text, "filter FORWARD #2: -s 198.51.100.0/28 -j DROP\n"));
	assert_int_equal(fw_model_from_snap(&fs, &m), 0);
	again = fw_model_rules_text(&m);
	assert_string_equal(again, fs.rules_text);
	free(again);
	fw_model_release(&m);
	free(fs.name);
	free(fs.format);
	free(fs.export_text);
	free(fs.rules_text);
}

static const struct finding *find_code(const struct findings *fs, const char *code)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].code, code))
			return &fs->v[i];
	fail_msg("no finding %s", code);
	return NULL;
}

/* Each broken link of the inbound path is its own finding code. */
static void test_inbound_findings(void **state)
{
	static const char wrong_host[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -i eth0 -p tcp --dport 25 -j DNAT --to-destination 192.0.2.26\nCOMMIT\n"
		"*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n";
	static const char no_reply[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -p tcp --dport 25 -j DNAT --to-destination 192.0.2.25\nCOMMIT\n"
		"*filter\n:FORWARD DROP [0:0]\n"
		"-A FORWARD -d 192.0.2.25/32 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	static const char no_dnat[] = "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n";
	static const char big_list[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -p tcp --dport 25 -j DNAT --to-destination 192.0.2.25\nCOMMIT\n"
		"*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -s 64.0.0.0/2 -j DROP\nCOMMIT\n";
	struct fw_query q = { .proto = 6, .port = 25, .in_iface = "eth0", .out_iface = "eth1", .to_local = true };
	struct findings fs = FINDINGS_INIT;
	struct fw_model m = FW_MODEL_INIT;
	const struct finding *f;

	assert_int_equal(fw_ip_parse("203.0.113.10", &q.to, &q.fam), 0);
	assert_int_equal(fw_model_parse(&m, "iptables", "t", fwd, NULL, NULL), 0);
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "192.0.2.25:25", &fs), 0);
	/* A rule that drops some sources is a blocklist: one info finding for the rule. */
	f = find_code(&fs, "inbound.blocklist");
	assert_int_equal(f->sev, SEV_INFO);
	assert_string_equal(f->subject, "edge: filter FORWARD #2: -A FORWARD -s 198.51.100.0/28 -j DROP");
	assert_non_null(strstr(f->message, "1 listed network (198.51.100.0/28)"));
	assert_non_null(strstr(f->message, "firewall/edge.rules"));
	assert_string_equal(f->evidence, "filter FORWARD #2: -A FORWARD -s 198.51.100.0/28 -j DROP");
	assert_int_equal(fs.n, 1);
	findings_release(&fs);
	fw_model_release(&m);

	/* A list covering a quarter of the address space is a warning. */
	assert_int_equal(fw_model_parse(&m, "iptables", "t", big_list, NULL, NULL), 0);
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "192.0.2.25:25", &fs), 0);
	assert_int_equal(fs.n, 1);
	assert_int_equal(find_code(&fs, "inbound.blocklist")->sev, SEV_WARNING);
	findings_release(&fs);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", wrong_host, NULL, NULL), 0);
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "192.0.2.25", &fs), 0);
	f = find_code(&fs, "inbound.dnat-wrong-target");
	assert_non_null(strstr(f->message, "192.0.2.26:25"));
	assert_non_null(strstr(f->message, "every source"));
	findings_release(&fs);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", no_reply, NULL, NULL), 0);
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "192.0.2.25:25", &fs), 0);
	find_code(&fs, "inbound.reply-blocked");
	findings_release(&fs);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", no_dnat, NULL, NULL), 0);
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "192.0.2.25:25", &fs), 0);
	find_code(&fs, "inbound.no-dnat");
	assert_int_equal(fw_check_inbound(&m, "edge", &q, "mail", &fs), -1);
	findings_release(&fs);
	fw_model_release(&m);
}

/* A policy judges blocklists: its share of the address space, and networks that must reach the host. */
static void test_blocklist_policy(void **state)
{
	static const char wide[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -p tcp --dport 25 -j DNAT --to-destination 192.0.2.25\nCOMMIT\n"
		"*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -s 64.0.0.0/10 -j DROP\nCOMMIT\n";
	const char *host = "192.0.2.25:25";
	struct fw_query q = { .proto = 6, .port = 25, .in_iface = "eth0", .out_iface = "eth1", .to_local = true };
	struct findings fs = FINDINGS_INIT;
	struct fw_model m = FW_MODEL_INIT;
	struct fw_list_policy lp;
	struct fw_range r;
	const struct finding *f;
	int fam;

	(void)state;
	assert_int_equal(fw_ip_parse("203.0.113.10", &q.to, &q.fam), 0);
	/* A /10 is 0.098% of IPv4: info under the default 1%. */
	assert_int_equal(fw_model_parse(&m, "iptables", "t", wide, NULL, NULL), 0);
	fw_list_policy_init(&lp);
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, &host, 1, NULL, &lp, &fs), 0);
	assert_int_equal(fs.n, 1);
	assert_int_equal(find_code(&fs, "inbound.blocklist")->sev, SEV_INFO);
	findings_release(&fs);

	/* A policy share of 0.05%: the same list is a warning, saying why. */
	lp.warn_ppm = 500;
	lp.share_from = xstrdup("p.yaml:3:20");
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, &host, 1, NULL, &lp, &fs), 0);
	assert_int_equal(fs.n, 1);
	f = find_code(&fs, "inbound.blocklist");
	assert_int_equal(f->sev, SEV_WARNING);
	assert_non_null(strstr(f->message, "covers more than 0.05% of the IPv4 addresses (the policy's share, set at p.yaml:3:20)"));
	findings_release(&fs);
	fw_model_release(&m);
	fw_list_policy_release(&lp);

	/* A small list (a /28) that covers a network the policy says must reach the host. */
	assert_int_equal(fw_model_parse(&m, "iptables", "t", fwd, NULL, NULL), 0);
	fw_list_policy_init(&lp);
	assert_int_equal(fw_cidr_parse("198.51.100.8/29", &r, &fam), 0);
	fw_as_add(&lp.must_reach[fam - 1], r.lo, r.hi);
	assert_int_equal(fw_cidr_parse("2001:db8::/32", &r, &fam), 0);
	fw_as_add(&lp.must_reach[fam - 1], r.lo, r.hi);
	lp.reach_from = xstrdup("p.yaml:5:3");
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, &host, 1, NULL, &lp, &fs), 0);
	assert_int_equal(fs.n, 1);
	f = find_code(&fs, "inbound.blocklist");
	assert_int_equal(f->sev, SEV_WARNING);
	assert_non_null(strstr(f->message, "it covers 198.51.100.8/29, which the policy at p.yaml:5:3 says must reach the mail hosts"));
	assert_null(strstr(f->message, "more than"));
	findings_release(&fs);
	fw_as_release(&lp.must_reach[FW_V4 - 1]);

	/* A must-reach network outside the list: info. */
	assert_int_equal(fw_cidr_parse("198.51.100.16/28", &r, &fam), 0);
	fw_as_add(&lp.must_reach[FW_V4 - 1], r.lo, r.hi);
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, &host, 1, NULL, &lp, &fs), 0);
	assert_int_equal(fs.n, 1);
	assert_int_equal(find_code(&fs, "inbound.blocklist")->sev, SEV_INFO);
	findings_release(&fs);
	fw_list_policy_release(&lp);
	fw_model_release(&m);
}

/* Two mail hosts: an address forwarded to either is right; elsewhere is named. */
static void test_inbound_several_hosts(void **state)
{
	static const char text[] =
		"*nat\n:PREROUTING ACCEPT [0:0]\n"
		"-A PREROUTING -d 203.0.113.26 -p tcp --dport 25 -j DNAT --to-destination 10.20.0.26\n"
		"-A PREROUTING -d 203.0.113.27 -p tcp --dport 25 -j DNAT --to-destination 10.20.0.27\nCOMMIT\n"
		"*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n";
	const char *hosts[] = { "10.20.0.25", "10.20.0.26:25" };
	struct fw_query q = { .proto = 6, .port = 25, .in_iface = "eth0", .out_iface = "eth1", .to_local = true };
	struct fw_addrset reached[2] = { FW_ADDRSET_INIT, FW_ADDRSET_INIT };
	struct findings fs = FINDINGS_INIT;
	struct fw_model m = FW_MODEL_INIT;
	const struct finding *f;

	(void)state;
	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, NULL, NULL), 0);
	assert_int_equal(fw_ip_parse("203.0.113.26", &q.to, &q.fam), 0);
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, hosts, 2, reached, NULL, &fs), 0);
	assert_int_equal(fs.n, 0);
	assert_true(fw_as_empty(&reached[0]));
	assert_false(fw_as_empty(&reached[1]));

	assert_int_equal(fw_ip_parse("203.0.113.27", &q.to, &q.fam), 0);
	assert_int_equal(fw_check_inbound_any(&m, "edge", &q, hosts, 2, NULL, NULL, &fs), 0);
	assert_int_equal(fs.n, 1);
	f = find_code(&fs, "inbound.dnat-wrong-target");
	assert_string_equal(f->subject, "edge: tcp/25 to 203.0.113.27:25");
	assert_non_null(strstr(f->message, "to 10.20.0.27:25, not to a mail host (10.20.0.25:25, 10.20.0.26:25)"));
	assert_non_null(strstr(f->evidence, "nat PREROUTING #2"));
	findings_release(&fs);
	fw_as_release(&reached[0]);
	fw_as_release(&reached[1]);
	fw_model_release(&m);
}

/*
 * An undecided match is followed both ways: the answer is unknown only
 * where what the rule does and what follows it differ.
 */
static void test_both_branches(void **state)
{
	static const char agree[] =
		"*filter\n:INPUT DROP [0:0]\n-F INPUT\n-Z\n-X\n"
		"-A INPUT -m mark --mark 0x1 -j ACCEPT\n"
		"-A INPUT -p tcp --tcp-option 64 -j DROP\n"
		"-A INPUT -p tcp --dport 25 -m limit --limit 5/min -j ACCEPT\nCOMMIT\n";
	static const char differ[] =
		"*filter\n:INPUT DROP [0:0]\n"
		"-A INPUT -s 198.51.100.0/24 -m mark --mark 0x1 -j ACCEPT\n"
		"-A INPUT -s 198.51.100.0/25 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	static const char flushed[] =
		"*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 25 -j ACCEPT\n-F INPUT\nCOMMIT\n";
	static const char notrack[] =
		"*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 25 -j CT --notrack\n"
		"-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\nCOMMIT\n";
	struct fw_query q = { .proto = 6, .port = 25, .in_iface = "eth0", .to_local = true };
	struct fw_model m = FW_MODEL_INIT;
	struct fw_verdict v;
	fw_u128 a;
	int fam;

	(void)state;
	assert_int_equal(fw_ip_parse("203.0.113.10", &q.to, &q.fam), 0);
	assert_int_equal(fw_model_parse(&m, "iptables", "t", agree, NULL, NULL), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_ALLOWED);
	fw_verdict_release(&v);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", differ, NULL, NULL), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_UNKNOWN);
	/* 198.51.100.0/25 is accepted either way; only the other half is unknown. */
	assert_int_equal(fw_ip_parse("198.51.100.1", &a, &fam), 0);
	assert_true(fw_as_contains(&v.allowed, a));
	assert_int_equal(fw_ip_parse("198.51.100.200", &a, &fam), 0);
	assert_true(fw_as_contains(&v.unknown, a));
	assert_int_equal(fw_ip_parse("192.0.2.1", &a, &fam), 0);
	assert_true(fw_as_contains(&v.blocked, a));
	fw_verdict_release(&v);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", flushed, NULL, NULL), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_BLOCKED);   /* -F INPUT dropped the accept */
	fw_verdict_release(&v);
	fw_model_release(&m);

	assert_int_equal(fw_model_parse(&m, "iptables", "t", notrack, NULL, NULL), 0);
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_UNKNOWN);   /* no conntrack: unknown */
	fw_verdict_release(&v);
	q.port = 587;
	fw_reach(&m, &q, &v);
	assert_int_equal(v.verdict, FW_VERDICT_ALLOWED);   /* a CT helper decides nothing */
	fw_verdict_release(&v);
	fw_model_release(&m);
}

static void test_egress_findings(void **state)
{
	static const char text[] =
		"*filter\n:FORWARD DROP [0:0]\n"
		"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
		"-A FORWARD -s 192.0.2.25 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct fw_query q = { .in_iface = "eth1", .out_iface = "eth0" };
	struct findings fs = FINDINGS_INIT;
	struct fw_model m = FW_MODEL_INIT;

	assert_int_equal(fw_ip_parse("192.0.2.25", &q.host, &q.fam), 0);
	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, NULL, NULL), 0);
	fw_check_egress(&m, "edge", &q, &fs);
	/* udp/53 and tcp/53, dropped by one policy: one finding; tcp/25 is fine */
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].code, "egress.dns-blocked");
	assert_string_equal(fs.v[0].subject, "edge: udp/53, tcp/53 from 192.0.2.25");
	assert_string_equal(fs.v[0].evidence, "filter FORWARD policy DROP");
	findings_release(&fs);
	fw_model_release(&m);
}

/*
 * Several hosts through one firewall, after their own: a root cause is
 * one finding for every host it hits, and only what the first firewall
 * lets through is asked of the second.
 */
static void test_egress_chain(void **state)
{
	static const char text[] =
		"*filter\n:FORWARD DROP [0:0]\n"
		"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
		"-A FORWARD -s 10.20.0.0/24 -p udp --dport 53 -j ACCEPT\n"
		"-A FORWARD -s 10.20.0.0/24 -p tcp --dport 53 -j ACCEPT\n"
		"-A FORWARD -s 10.20.0.0/24 -d 198.51.100.0/24 -p tcp --dport 25 -j ACCEPT\nCOMMIT\n";
	struct fw_query q = { .in_iface = "eth1", .out_iface = "eth0" };
	struct fw_egress_host h[2] = { { 0 }, { 0 } };
	struct fw_addrset relay = FW_ADDRSET_INIT;
	struct findings fs = FINDINGS_INIT;
	struct fw_model m = FW_MODEL_INIT;
	struct fw_range r;
	int fam;

	(void)state;
	assert_int_equal(fw_model_parse(&m, "iptables", "t", text, NULL, NULL), 0);
	assert_int_equal(fw_ip_parse("10.20.0.25", &h[0].host, &q.fam), 0);
	assert_int_equal(fw_ip_parse("10.20.0.26", &h[1].host, &q.fam), 0);
	fw_check_egress_hosts(&m, "edge", &q, h, 2, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].code, "egress.smtp-blocked");
	assert_string_equal(fs.v[0].subject, "edge: tcp/25 from 10.20.0.25, 10.20.0.26");
	assert_non_null(strstr(fs.v[0].message, "10.20.0.25, 10.20.0.26 may not send tcp/25 to 0.0.0.0/1, "));
	assert_int_equal(fw_ip_parse("198.51.100.1", &r.lo, &fam), 0);
	assert_true(fw_as_contains(&h[0].passed[0], r.lo));   /* passed on to the next firewall */
	assert_int_equal(fw_ip_parse("192.0.2.1", &r.lo, &fam), 0);
	assert_false(fw_as_contains(&h[0].passed[0], r.lo));
	findings_release(&fs);

	/* The first host's own firewall lets tcp/25 out to the relay only: nothing left to break here. */
	assert_int_equal(fw_cidr_parse("198.51.100.10/32", &r, &fam), 0);
	fw_as_add(&relay, r.lo, r.hi);
	h[0].dests[0] = &relay;
	fw_check_egress_hosts(&m, "edge", &q, h, 2, &fs);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].subject, "edge: tcp/25 from 10.20.0.26");
	findings_release(&fs);
	for (size_t i = 0; i < 2; i++)
		for (size_t s = 0; s < FW_EGRESS_NSVC; s++)
			fw_as_release(&h[i].passed[s]);
	fw_as_release(&relay);
	fw_model_release(&m);
}

/* ---- runs of rules, evaluated at once, against rule by rule ---- */

static unsigned rnd(unsigned *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* A rule of a blocklist-like chain: overlapping networks, mixed targets, some no-ops and breakers. */
static void random_rule(struct strbuf *sb, unsigned *st)
{
	static const char *const tg[] = { "DROP", "ACCEPT", "RETURN", "REJECT", "LOG", "DROP" };
	static const unsigned lens[] = { 22, 24, 28, 30, 32, 32, 32, 32 };
	unsigned k = rnd(st) % 100, len = lens[rnd(st) % 8];

	sb_adds(sb, "-A BL");
	if (k < 80)
		sb_addf(sb, " -s %u.%u.%u.%u/%u", rnd(st) % 2 ? 198 : 10, rnd(st) % 2, rnd(st) % 8,
			rnd(st) % 256, len);
	else if (k < 84) {   /* a jump, and a negated match: rule by rule, and the peers come back */
		sb_addf(sb, " ! -s 10.%u.0.0/16 -j SUB\n", rnd(st) % 4);
		return;
	}
	else if (k < 88)
		sb_addf(sb, " -m iprange --src-range 10.0.0.%u-10.0.3.%u", rnd(st) % 200, rnd(st) % 256);
	else if (k < 99)
		sb_adds(sb, " -p tcp -m tcp --dport 443");   /* every source, but not our port: a no-op */
	if (rnd(st) % 5 == 0)
		sb_addf(sb, " -p tcp -m tcp --dport %s", rnd(st) % 2 ? "25" : "443");
	else if (rnd(st) % 10 == 0)
		sb_adds(sb, " -p udp");
	sb_addf(sb, " -j %s\n", tg[rnd(st) % ARRAY_SIZE(tg)]);
}

static void assert_same_verdict(struct fw_verdict *a, struct fw_verdict *b)
{
	assert_int_equal(a->verdict, b->verdict);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const char *ra = fw_part_rule(a, &a->parts[i]), *rb = fw_part_rule(b, &b->parts[i]);

		assert_int_equal(a->parts[i].outcome, b->parts[i].outcome);
		assert_int_equal(a->parts[i].stage, b->parts[i].stage);
		assert_true(fw_as_equal(&a->parts[i].peers, &b->parts[i].peers));
		assert_string_equal(ra ? ra : "-", rb ? rb : "-");
	}
	assert_true(fw_as_equal(&a->allowed, &b->allowed));
	assert_true(fw_as_equal(&a->blocked, &b->blocked));
	assert_true(fw_as_equal(&a->unknown, &b->unknown));
}

static void test_runs_match_rule_by_rule(void **state)
{
	size_t saved = fw_run_min, split = 0;
	unsigned st = 2463534242u;

	(void)state;
	for (int round = 0; round < 60; round++) {
		struct strbuf sb = STRBUF_INIT;
		struct answer one, all;
		size_t n = 20 + rnd(&st) % 400;

		sb_adds(&sb, "*filter\n:INPUT DROP [0:0]\n:BL - [0:0]\n:SUB - [0:0]\n-A SUB -s 10.1.0.0/24 -j DROP\n");
		for (size_t i = 0; i < n; i++)
			random_rule(&sb, &st);
		sb_adds(&sb, "-A INPUT -p tcp -j BL\n-A INPUT -j ACCEPT\nCOMMIT\n");
		fw_run_min = SIZE_MAX;
		ask(&one, "iptables", sb.buf, "192.0.2.1", 25, "eth0", NULL);
		fw_run_min = 2;
		ask(&all, "iptables", sb.buf, "192.0.2.1", 25, "eth0", NULL);
		split += one.v.n > 5;
		assert_same_verdict(&one.v, &all.v);
		answer_release(&one);
		answer_release(&all);
		sb_release(&sb);
	}
	fw_run_min = saved;
	assert_true(split >= 40);   /* most rounds had many rules deciding, not one catch-all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_unknown_interface),
		cmocka_unit_test(test_loopback_known),
		cmocka_unit_test(test_unsupported_scoped),
		cmocka_unit_test(test_reply_dropped),
		cmocka_unit_test(test_syn_only),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_egress),
		cmocka_unit_test(test_nft_goto_and_range),
		cmocka_unit_test(test_ipset_reach),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_inbound_findings),
		cmocka_unit_test(test_blocklist_policy),
		cmocka_unit_test(test_inbound_several_hosts),
		cmocka_unit_test(test_both_branches),
		cmocka_unit_test(test_egress_findings),
		cmocka_unit_test(test_egress_chain),
		cmocka_unit_test(test_runs_match_rule_by_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
