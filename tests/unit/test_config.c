/*
 * test_config.c - looking up a configured domain by name, in a
 * configuration of thousands of domains.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"

static void test_domain_lookup(void **state)
{
	struct strbuf yaml = STRBUF_INIT;
	struct config c;
	const struct domain_conf *d;

	sb_adds(&yaml, "domains:\n");
	for (int i = 0; i < 3000; i++)
		sb_addf(&yaml, "  - name: D%d.Example.COM\n    sending_ips: [192.0.2.%d]\n", i, i % 250);
	assert_int_equal(config_parse("t.yaml", yaml.buf, yaml.len, &c), 0);
	assert_int_equal(c.ndomains, 3000);
	assert_non_null(d = config_domain(&c, "d2999.example.com"));
	assert_string_equal(d->name, "d2999.example.com");
	assert_string_equal(d->sending_ips.v[0], "192.0.2.249");
	assert_ptr_equal(config_domain(&c, "D0.EXAMPLE.com"), &c.domains[0]);
	assert_null(config_domain(&c, "d3000.example.com"));
	assert_null(config_domain(&c, "example.com"));
	config_release(&c);
	assert_null(config_domain(&c, "d0.example.com"));   /* released: empty */
	sb_release(&yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
