/*
 * test_fw_mask.c - secrets out of stored exports: each format's table,
 * the firewall's own patterns, and stable keyed markers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw.h"

static char keydir[] = "/tmp/mxaudit-mask-test-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(keydir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *key = NULL;

	if (asprintf(&key, "%s/mxaudit-mask.key", keydir) > 0)
		unlink(key);
	free(key);
	rmdir(keydir);
	return 0;
}

/* The marker a value gets under mk: "<masked:...>". */
static char *marker(const struct fw_mask *mk, const char *v)
{
	struct strbuf sb = STRBUF_INIT;

	fw_mask_marker(mk, v, strlen(v), &sb);
	return sb_detach(&sb);
}

static void test_iptables_table(void **state)
{
	static const char export[] =
		"*filter\n"
		":INPUT ACCEPT [0:0]\n"
		"-A INPUT -p udp -m comment --comment \"vpn\" --password=hunter2 -j ACCEPT\n"
		"-A INPUT -p udp --PASSWORD\thunter2 --secret-key s3 -j ACCEPT\n"
		"-A INPUT -p udp --authkey \"two words\" --psk p5k --key k3y -j ACCEPT\n"
		"COMMIT\n";
	struct fw_mask mk;
	char *clean, *m;

	assert_int_equal(fw_mask_init(&mk, keydir, "edge", NULL), 0);
	assert_true(mk.keyed);
	clean = fw_export_clean("iptables", export, &mk);
	assert_null(strstr(clean, "hunter2"));
	assert_null(strstr(clean, "s3 "));
	assert_null(strstr(clean, "two words"));
	assert_null(strstr(clean, "p5k"));
	assert_null(strstr(clean, "k3y"));
	m = marker(&mk, "hunter2");
	assert_int_equal(strlen(m), strlen("<masked:") + 12 + 1);
	assert_non_null(strstr(clean, "--password=<masked:"));
	/* The same secret, the same marker, however it was written. */
	assert_non_null(strstr(strstr(clean, "--password="), m));
	assert_non_null(strstr(strstr(clean, "--PASSWORD"), m));
	assert_non_null(strstr(clean, "--comment \"vpn\""));      /* not a secret */
	free(m);
	free(clean);
	fw_mask_release(&mk);
}

static void test_nft_table(void **state)
{
	static const char export[] =
		"{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}},"
		"{\"table\": {\"family\": \"inet\", \"name\": \"f\", \"psk\": \"s3cret\"}},"
		"{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"c\", "
		"\"comment\": \"snmp Community=publ1c --password=hunter2\", \"expr\": []}}]}";
	struct fw_mask mk;
	char *clean;

	assert_int_equal(fw_mask_init(&mk, keydir, "edge", NULL), 0);
	clean = fw_export_clean("nft-json", export, &mk);
	assert_non_null(clean);
	assert_null(strstr(clean, "s3cret"));
	assert_null(strstr(clean, "publ1c"));
	assert_null(strstr(clean, "hunter2"));
	assert_non_null(strstr(clean, "\"psk\":\"<masked:"));
	assert_non_null(strstr(clean, "Community=<masked:"));
	assert_non_null(strstr(clean, "\"name\":\"f\""));
	free(clean);
	fw_mask_release(&mk);
}

/* nft list ruleset text: secrets in comments masked, the site's patterns too. */
static void test_nft_text(void **state)
{
	static const char export[] =
		"table inet f { # handle 3\n"
		"\tchain input { # handle 1\n"
		"\t\ttcp dport 25 counter packets 12 bytes 720 accept comment \"psk s3cret\" # handle 4\n"
		"\t\tcomment \"community=publ1c TOKEN-77\"\n"
		"\t}\n}\n";
	struct strlist pats = STRLIST_INIT;
	struct fw_mask mk;
	char *clean;

	sl_push(&pats, "TOKEN-[0-9]+");
	assert_int_equal(fw_mask_init(&mk, keydir, "host", &pats), 0);
	clean = fw_export_clean("nft", export, &mk);
	assert_non_null(clean);
	assert_null(strstr(clean, "s3cret"));
	assert_null(strstr(clean, "publ1c"));
	assert_null(strstr(clean, "TOKEN-77"));
	assert_null(strstr(clean, "# handle"));
	assert_non_null(strstr(clean, "packets 0 bytes 0 accept"));
	assert_non_null(strstr(clean, "psk <masked:"));
	assert_non_null(strstr(clean, "\ttcp dport 25"));
	free(clean);
	fw_mask_release(&mk);
	sl_release(&pats);
}

/* mask: patterns: group 1 if any, else the whole match. */
static void test_site_patterns(void **state)
{
	struct strlist pats = STRLIST_INIT;
	struct fw_mask mk;
	char *out;

	sl_push(&pats, "radius-key ([^ ]+)");
	sl_push(&pats, "TOKEN-[0-9]+");
	assert_int_equal(fw_mask_init(&mk, keydir, "edge", &pats), 0);
	/* Secrets no hex marker can contain by chance (hex digits could spell "abc" or "123"). */
	out = fw_mask_site(&mk, "a radius-key qwrty def TOKEN-123 and TOKEN-456");
	assert_null(strstr(out, "qwrty"));
	assert_null(strstr(out, "TOKEN-123"));
	assert_null(strstr(out, "TOKEN-456"));
	assert_non_null(strstr(out, "a radius-key <masked:"));
	assert_non_null(strstr(out, "> def <masked:"));
	free(out);
	fw_mask_release(&mk);
	sl_release(&pats);
	sl_push(&pats, "x(");
	assert_int_equal(fw_mask_init(&mk, keydir, "edge", &pats), -1);   /* names the firewall */
	sl_release(&pats);
}

/* The key is the store's: created once, private, the same markers next run. */
static void test_key(void **state)
{
	struct fw_mask a, b, none;
	char *ma, *mb, *mc, *key;
	struct stat st;

	assert_int_equal(fw_mask_init(&a, keydir, "edge", NULL), 0);
	assert_int_equal(fw_mask_init(&b, keydir, "edge", NULL), 0);
	ma = marker(&a, "secret");
	mb = marker(&b, "secret");
	mc = marker(&a, "secreT");
	assert_string_equal(ma, mb);
	assert_string_not_equal(ma, mc);
	assert_int_equal(asprintf(&key, "%s/mxaudit-mask.key", keydir) > 0, 1);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(key);
	assert_int_equal(fw_mask_init(&none, NULL, "edge", NULL), 0);
	free(mc);
	mc = marker(&none, "secret");
	assert_string_equal(mc, "<masked>");
	free(ma); free(mb); free(mc);
	fw_mask_release(&a);
	fw_mask_release(&b);
	fw_mask_release(&none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iptables_table),
		cmocka_unit_test(test_nft_table),
		cmocka_unit_test(test_nft_text),
		cmocka_unit_test(test_site_patterns),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
