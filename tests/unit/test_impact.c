/*
 * test_impact.c - change impact: introduced and resolved findings, what
 * explains them, failed lookups, firewall reachability, drift's count
 * of failed runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drift.h"
#include "impact.h"

static const char zone_ok[] =
	"_dmarc.example.com.\t3600\tIN\tTXT\t\"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
	"example.com.\t3600\tIN\tMX\t10 mx1.example.com.\n"
	"example.com.\t3600\tIN\tMX\t20 mx2.example.com.\n"
	"example.com.\t3600\tIN\tTXT\t\"v=spf1 mx -all\"\n"
	"mx1.example.com.\t3600\tIN\tA\t203.0.113.25\n"
	"mx2.example.com.\t3600\tIN\tA\t203.0.113.26\n";
static const char status_ok[] =
	"_dmarc.example.com.\tTXT\tNOERROR\t-\t127.0.0.1\n"
	"example.com.\tMX\tNOERROR\t-\t127.0.0.1\n"
	"example.com.\tTXT\tNOERROR\t-\t127.0.0.1\n"
	"mx1.example.com.\tA\tNOERROR\t-\t127.0.0.1\n"
	"mx2.example.com.\tA\tNOERROR\t-\t127.0.0.1\n";

/* A one-domain snapshot from canonical texts; sed-like edits applied by the caller. */
static void snap(struct snapshot *s, const char *zone, const char *status)
{
	struct domain_snap *d = snapshot_add_domain(s, "example.com");

	assert_int_equal(dsnap_parse_zone(d, "t.zone", zone), 0);
	assert_int_equal(dsnap_parse_status(d, "t.status", status), 0);
	snapshot_sort(s);
}

/* text without the lines containing drop. */
static char *without(const char *text, const char *drop)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n") + 1;
		char *line = xstrndup(s, n);
		if (!strstr(line, drop))
			sb_adds(&sb, line);
		free(line);
		s += n;
	}
	return sb_detach(&sb);
}

static const struct impact_item *find(const struct impact_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].f.code, code))
			return &l->v[i];
	return NULL;
}

static const struct impact_change *find_change(const struct impact *im, char op, const char *text)
{
	for (size_t i = 0; i < im->nchanges; i++)
		if (im->changes[i].op == op && !strcmp(im->changes[i].text, text))
			return &im->changes[i];
	return NULL;
}

/* Documentation addresses stand in for public ones, as in a lab. */
static struct config lab = { .lab = true };

static void test_mx_address_lost(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { .cfg = &lab };
	char *zb = without(zone_ok, "mx2.example.com.\t3600\tIN\tA");
	const struct impact_item *it;

	snap(&a, zone_ok, status_ok);
	snap(&b, zb, status_ok);
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "mx.no-address"));
	assert_int_equal(it->f.sev, SEV_WARNING);
	assert_string_equal(it->f.subject, "mx2.example.com.");
	assert_string_equal(it->scope, "example.com");
	assert_int_equal(it->causes.n, 1);
	assert_string_equal(it->causes.v[0], "- mx2.example.com. 3600 IN A 203.0.113.26");
	assert_int_equal(im.nchanges, 0);     /* the only change is explained */
	assert_int_equal(impact_exit_code(&im), EXIT_WARNING);
	assert_null(find(&im.resolved, "mx.no-address"));
	impact_release(&im);

	impact_compute(&b, &a, &o, &im);      /* and back: resolved, nothing introduced */
	assert_non_null(find(&im.resolved, "mx.no-address"));
	assert_null(find(&im.introduced, "mx.no-address"));
	assert_int_equal(impact_exit_code(&im), EXIT_OK);
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(zb);
}

/* text with the first occurrence of from replaced by to. */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* Swapped preferences: every record valid, but mail goes to another host first. */
static void test_mx_primary_changed(void **state)
{
	struct snapshot a = { 0 }, b = { 0 }, c = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { .cfg = &lab };
	char *z1 = replaced(zone_ok, "MX\t10 mx1", "MX\t30 mx1");
	char *z2 = replaced(zone_ok, "MX\t20 mx2", "MX\t30 mx2");
	const struct impact_item *it;

	snap(&a, zone_ok, status_ok);
	snap(&b, z1, status_ok);
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "mx.primary-changed"));
	assert_int_equal(it->f.sev, SEV_WARNING);
	assert_string_equal(it->f.subject, "example.com. MX");
	assert_non_null(strstr(it->f.message, "from mx1.example.com. (10) to mx2.example.com. (20)"));
	assert_int_equal(it->causes.n, 2);    /* the MX records that changed */
	impact_release(&im);

	snap(&c, z2, status_ok);             /* only the backup moved */
	impact_compute(&a, &c, &o, &im);
	assert_null(find(&im.introduced, "mx.primary-changed"));
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	snapshot_release(&c);
	free(z1);
	free(z2);
}

static struct impact_item *item(struct impact_list *l, enum severity sev, const char *scope,
				const char *code, const char *subject)
{
	struct impact_item *it = impact_list_add(l, scope);

	it->f.sev = sev;
	it->f.code = xstrdup(code);
	it->f.subject = xstrdup(subject);
	it->f.message = xstrdup("m");
	return it;
}

/* A fix resolves the finding it fixes, at the severity it was open with. */
static void test_follow(void **state)
{
	struct impact im = IMPACT_INIT;
	struct impact_list open = { NULL, 0, 0 };

	item(&open, SEV_CRITICAL, "firewall edge", "fw.port-blocked", "203.0.113.25:25/tcp");
	item(&open, SEV_CRITICAL, "example.com", "dns.unresolvable", "example.com. MX");
	item(&im.introduced, SEV_INFO, "firewall edge", "fw.port-opened", "203.0.113.25:25/tcp");
	item(&im.introduced, SEV_INFO, "firewall edge", "fw.port-opened", "203.0.113.25:587/tcp");
	item(&im.resolved, SEV_WARNING, "example.com", "dns.unresolvable", "example.com. MX");
	im.counts[SEV_INFO] = 2;
	impact_follow(&im, &open);
	assert_int_equal(im.introduced.n, 1);   /* 587 was never blocked: opened */
	assert_string_equal(im.introduced.v[0].f.subject, "203.0.113.25:587/tcp");
	assert_int_equal(im.counts[SEV_INFO], 1);
	assert_int_equal(im.resolved.n, 2);
	for (size_t i = 0; i < im.resolved.n; i++)
		assert_int_equal(im.resolved.v[i].f.sev, SEV_CRITICAL);
	assert_non_null(find(&im.resolved, "fw.port-blocked"));

	impact_follow_update(&open, &im);      /* what is left open afterwards */
	assert_int_equal(open.n, 1);
	assert_string_equal(open.v[0].f.code, "fw.port-opened");
	impact_list_release(&open);
	impact_release(&im);
}

/*
 * Each side is judged with the inputs its snapshot recorded, not the
 * configuration: a sending IP added to the record is checked against SPF.
 */
static void test_recorded_inputs_judge_each_side(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { 0 };         /* no configuration at all */
	char *sa = xasprintf("; input\tlab\tyes\n%s", status_ok);
	char *sb = xasprintf("; input\tlab\tno\n; input\tsending_ips\t198.51.100.7\n%s",
			     status_ok);
	const struct impact_item *it;

	snap(&a, zone_ok, sa);
	snap(&b, zone_ok, sb);
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "spf.ip-not-authorized"));
	assert_string_equal(it->f.subject, "198.51.100.7");
	/* b is no lab: its documentation addresses are no longer usable MX addresses */
	assert_non_null(find(&im.introduced, "mx.special-address"));
	assert_non_null(find_change(&im, '*', "sending_ips: (none) -> 198.51.100.7"));
	impact_release(&im);

	/* A configuration does not override what a snapshot recorded. */
	o.cfg = &lab;
	impact_compute(&b, &a, &o, &im);
	assert_non_null(find(&im.resolved, "spf.ip-not-authorized"));
	assert_non_null(find(&im.resolved, "mx.special-address"));
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(sa);
	free(sb);
}

static void test_no_change_and_from_nothing(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { 0 };
	char *za = without(zone_ok, "_dmarc");

	snap(&a, za, status_ok);
	snap(&b, za, status_ok);
	impact_compute(&a, &b, &o, &im);
	assert_int_equal(im.introduced.n + im.resolved.n + im.nchanges + im.nscopes, 0);
	assert_null(impact_summary(&im, 100));
	impact_release(&im);

	impact_compute(NULL, &b, &o, &im);    /* from nothing: every finding is new */
	assert_non_null(find(&im.introduced, "dmarc.missing"));
	assert_int_equal(impact_exit_code(&im), EXIT_CRITICAL);
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(za);
}

static void test_ttl_is_info(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { 0 };
	char *zb = xstrdup(zone_ok);

	memcpy(strstr(zb, "mx1.example.com.\t3600") + 17, "300\t", 4);   /* 3600\t -> 300\t\t */
	snap(&a, zone_ok, status_ok);
	snap(&b, zb, status_ok);
	impact_compute(&a, &b, &o, &im);
	assert_int_equal(im.introduced.n, 0);
	assert_int_equal(im.nchanges, 1);
	assert_int_equal(im.changes[0].op, '~');
	assert_int_equal(impact_exit_code(&im), EXIT_OK);
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(zb);
}

static char *stale_status(void)
{
	char *s = without(status_ok, "example.com.\tMX");
	char *t = xasprintf("%sexample.com.\tMX\tTIMEOUT\tstale\t-\n", s);

	free(s);
	return t;
}

static void test_failed_lookup_is_unresolvable_never_removed(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { 0 };
	char *sb = stale_status();
	const struct impact_item *it;

	snap(&a, zone_ok, status_ok);
	snap(&b, zone_ok, sb);              /* records carried over, lookup stale */
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "dns.unresolvable"));
	assert_string_equal(it->f.subject, "example.com. MX");
	assert_int_equal(it->f.sev, SEV_CRITICAL);  /* stored: diff says what drift says */
	assert_non_null(strstr(it->f.message, "cannot resolve"));
	assert_null(strstr(it->f.message, "removed"));
	assert_null(find(&im.introduced, "dns.stale"));
	assert_null(find(&im.introduced, "mx.none"));
	impact_release(&im);

	o.stale_runs = 2;                   /* drift: failed two runs in a row */
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "dns.unresolvable"));
	assert_int_equal(it->f.sev, SEV_CRITICAL);
	assert_non_null(strstr(it->f.message, "2 consecutive runs"));
	impact_release(&im);

	o.stale_runs = 0;
	o.live = true;                      /* check --live: one run, not stored */
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "dns.unresolvable"));
	assert_int_equal(it->f.sev, SEV_WARNING);
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(sb);
}

/* Does some cause of it contain text? */
static bool caused_by(const struct impact_item *it, const char *text)
{
	for (size_t i = 0; i < it->causes.n; i++)
		if (strstr(it->causes.v[i], text))
			return true;
	return false;
}

/*
 * An MX swap and a failed _dmarc lookup in one change: each finding is
 * blamed on what its analyzer read, not on every change of the domain.
 */
static void test_because_only_what_was_read(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { .cfg = &lab };
	char *z1 = replaced(zone_ok, "MX\t10 mx1", "MX\t30 mx1");
	char *sb = replaced(status_ok, "_dmarc.example.com.\tTXT\tNOERROR\t-",
			    "_dmarc.example.com.\tTXT\tSERVFAIL\tstale");
	const struct impact_item *mx, *dns;

	snap(&a, zone_ok, status_ok);
	snap(&b, z1, sb);
	impact_compute(&a, &b, &o, &im);
	assert_non_null(mx = find(&im.introduced, "mx.primary-changed"));
	assert_non_null(dns = find(&im.introduced, "dns.unresolvable"));
	assert_string_equal(dns->f.subject, "example.com.");
	assert_int_equal(mx->causes.n, 2);   /* the MX record, removed and added */
	assert_true(caused_by(mx, "IN MX 30 mx1.example.com."));
	assert_false(caused_by(mx, "_dmarc"));
	assert_int_equal(dns->causes.n, 1);
	assert_true(caused_by(dns, "! _dmarc.example.com. TXT: "));
	assert_false(caused_by(dns, " MX "));
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(z1);
	free(sb);
}

/* Servers that begin to disagree on mx1's address, beside a failed _dmarc lookup. */
static void test_because_of_a_disagreement(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { .cfg = &lab };
	char *s1 = replaced(status_ok, "mx1.example.com.\tA\tNOERROR\t-",
			    "mx1.example.com.\tA\tNOERROR\tdisagree");
	char *sb = replaced(s1, "_dmarc.example.com.\tTXT\tNOERROR\t-",
			    "_dmarc.example.com.\tTXT\tSERVFAIL\tstale");
	const struct impact_item *it;

	snap(&a, zone_ok, status_ok);
	snap(&b, zone_ok, sb);
	impact_compute(&a, &b, &o, &im);
	assert_non_null(it = find(&im.introduced, "dns.disagree"));
	assert_true(caused_by(it, "! mx1.example.com. A: "));
	assert_false(caused_by(it, "_dmarc"));
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(s1);
	free(sb);
}

/* A finding hidden by a lookup with no data is "unseen", not introduced, when it returns. */
static void test_unseen_is_not_introduced(void **state)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact im = IMPACT_INIT;
	struct impact_opts o = { 0 };
	char *za = without(zone_ok, "mx2.example.com.\t3600\tIN\tA");
	char *s1 = without(status_ok, "mx2.example.com.\tA");
	char *sa = xasprintf("%smx2.example.com.\tA\tTIMEOUT\t-\t-\n", s1);
	char *sb = xasprintf("%smx2.example.com.\tA\tNXDOMAIN\t-\t127.0.0.1\n", s1);

	snap(&a, za, sa);
	snap(&b, za, sb);
	impact_compute(&a, &b, &o, &im);
	assert_null(find(&im.introduced, "mx.no-address"));
	assert_true(im.nchanges >= 1);
	assert_non_null(strstr(im.changes[0].text, "seen again"));
	assert_non_null(strstr(im.changes[0].text, "mx.no-address"));
	impact_release(&im);
	snapshot_release(&a);
	snapshot_release(&b);
	free(za);
	free(s1);
	free(sa);
	free(sb);
}

static const char fw_open[] =
	"*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	"-A INPUT -p tcp -m tcp --dport 25 -j ACCEPT\nCOMMIT\n";
static const char fw_closed[] =
	"*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	"-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 25 -j ACCEPT\nCOMMIT\n";
static const char fw_blocklist[] =
	"*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	"-A INPUT -s 192.0.2.0/24 -j DROP\n"
	"-A INPUT -p tcp -m tcp --dport 25 -j ACCEPT\nCOMMIT\n";

static void add_fw(struct snapshot *s, const char *text)
{
	struct fw_snap *f;

	ALLOC_GROW(s->fws, s->nfw + 1, s->fw_alloc);
	f = memset(&s->fws[s->nfw++], 0, sizeof(*f));
	f->name = xstrdup("edge");
	f->format = xstrdup("iptables");
	f->export_text = xstrdup(text);
	f->rules_text = xstrdup(text);
}

static enum severity fw_change(const char *before, const char *after, struct impact *im)
{
	struct snapshot a = { 0 }, b = { 0 };
	struct impact_opts o = { 0 };
	const struct impact_item *it;

	snap(&a, zone_ok, status_ok);
	snap(&b, zone_ok, status_ok);
	add_fw(&a, before);
	add_fw(&b, after);
	impact_compute(&a, &b, &o, im);
	snapshot_release(&a);
	snapshot_release(&b);
	it = find(&im->introduced, "fw.port-blocked");
	return it ? it->f.sev : (enum severity)-1;
}

static void test_firewall_by_what_it_allows(void **state)
{
	struct impact im = IMPACT_INIT;
	const struct impact_item *it;

	/* tcp/25 to both MX addresses now from one /24 only: critical. */
	assert_int_equal(fw_change(fw_open, fw_closed, &im), SEV_CRITICAL);
	assert_non_null(it = find(&im.introduced, "fw.port-blocked"));
	assert_string_equal(it->scope, "firewall edge");
	assert_string_equal(it->f.subject, "203.0.113.25:25/tcp");
	assert_int_equal(im.nreach, 2);
	assert_string_equal(im.reach[0].before, "every source");
	assert_string_equal(im.reach[0].after, "198.51.100.0/24");
	assert_true(im.nchanges >= 2);          /* the text change, as info */
	impact_release(&im);

	/* A block list entry: a few sources lost, a warning. */
	assert_int_equal(fw_change(fw_open, fw_blocklist, &im), SEV_WARNING);
	assert_string_equal(im.reach[0].after, "every source except 192.0.2.0/24");
	impact_release(&im);

	/* The other way: sources gained, info only. */
	fw_change(fw_closed, fw_open, &im);
	assert_non_null(find(&im.introduced, "fw.port-opened"));
	assert_int_equal(impact_exit_code(&im), EXIT_OK);
	impact_release(&im);
}

static void test_unreadable_export(void **state)
{
	struct impact im = IMPACT_INIT;
	const struct impact_item *it;

	fw_change(fw_open, "*filter\n-A INPUT -p tcp --dport nope -j ACCEPT\nCOMMIT\n", &im);
	assert_non_null(it = find(&im.introduced, "fw.unreadable"));
	assert_int_equal(it->f.sev, SEV_WARNING);
	assert_int_equal(im.nreach, 0);          /* nothing claimed about reachability */
	impact_release(&im);
}

static void test_summary_line(void **state)
{
	struct impact im = IMPACT_INIT;
	char *line;

	fw_change(fw_open, fw_closed, &im);
	line = impact_summary(&im, 80);
	assert_non_null(line);
	assert_non_null(strstr(line, "firewall edge: fw.port-blocked 203.0.113.25:25/tcp [critical]"));
	assert_non_null(strstr(line, ", +1 more"));
	free(line);
	impact_release(&im);
}

static void test_drift_holds_back_until_n_runs(void **state)
{
	struct snapshot prev = { 0 }, cur = { 0 }, cur2 = { 0 };
	struct stale_state none = { 0 }, one = { 0 }, two = { 0 };
	char *sb = stale_status();
	const struct lookup *l;

	snap(&prev, zone_ok, status_ok);
	snap(&cur, zone_ok, sb);
	assert_int_equal(stale_hold_back(&cur, &prev, &none, &one, 2), 1);
	l = dsnap_lookup(&cur.domains[0], "example.com.", "MX");
	assert_int_equal(l->state, LK_NOERROR);        /* prev's line is back */
	assert_false(l->stale);
	assert_int_equal(one.keys.n, 1);
	assert_string_equal(one.keys.v[0], "example.com\texample.com.\tMX");
	assert_int_equal(one.runs[0], 1);

	snap(&cur2, zone_ok, sb);                      /* the next run fails again */
	assert_int_equal(stale_hold_back(&cur2, &prev, &one, &two, 2), 0);
	l = dsnap_lookup(&cur2.domains[0], "example.com.", "MX");
	assert_int_equal(l->state, LK_TIMEOUT);
	assert_true(l->stale);
	assert_int_equal(two.runs[0], 2);

	stale_state_release(&one);
	stale_state_release(&two);
	snapshot_release(&prev);
	snapshot_release(&cur);
	snapshot_release(&cur2);
	free(sb);
}

static void test_state_file_round_trip(void **state)
{
	char path[] = "/tmp/mxaudit-state-XXXXXX";
	struct stale_state st = { 0 }, back = { 0 };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	sl_push(&st.keys, "example.com\tmx1.example.com.\tA");
	ALLOC_GROW(st.runs, 1, st.alloc);
	st.runs[0] = 3;
	assert_int_equal(stale_state_save(path, &st), 0);
	assert_int_equal(stale_state_load(path, &back), 0);
	assert_int_equal(back.keys.n, 1);
	assert_string_equal(back.keys.v[0], st.keys.v[0]);
	assert_int_equal(back.runs[0], 3);
	unlink(path);
	stale_state_release(&back);
	assert_int_equal(stale_state_load(path, &back), 0);   /* missing: empty */
	assert_int_equal(back.keys.n, 0);
	stale_state_release(&st);
	stale_state_release(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_address_lost),
		cmocka_unit_test(test_recorded_inputs_judge_each_side),
		cmocka_unit_test(test_no_change_and_from_nothing),
		cmocka_unit_test(test_ttl_is_info),
		cmocka_unit_test(test_failed_lookup_is_unresolvable_never_removed),
		cmocka_unit_test(test_unseen_is_not_introduced),
		cmocka_unit_test(test_because_only_what_was_read),
		cmocka_unit_test(test_because_of_a_disagreement),
		cmocka_unit_test(test_firewall_by_what_it_allows),
		cmocka_unit_test(test_unreadable_export),
		cmocka_unit_test(test_summary_line),
		cmocka_unit_test(test_drift_holds_back_until_n_runs),
		cmocka_unit_test(test_state_file_round_trip),
		cmocka_unit_test(test_mx_primary_changed),
		cmocka_unit_test(test_follow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
