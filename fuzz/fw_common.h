/*
 * fuzz/fw_common.h - shared by the firewall fuzz targets: parse, render,
 * clean, and ask a few reachability questions of whatever parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

static void fw_fuzz_ask(const struct fw_model *m)
{
	static const char *const tos[] = { "203.0.113.10", "192.0.2.25", "2001:db8::25" };
	static const char *const ifs[] = { NULL, "eth0", "eth1" };

	for (size_t i = 0; i < 3; i++) {
		struct fw_query q = { .proto = i == 1 ? 17 : 6, .port = i == 2 ? 53 : 25,
				      .in_iface = ifs[i], .out_iface = ifs[(i + 1) % 3],
				      .to_local = i != 1 };
		struct fw_verdict v;

		if (fw_ip_parse(tos[i], &q.to, &q.fam))
			abort();
		if (i == 2) {
			q.egress = true;
			q.host = q.to;
		}
		fw_reach(m, &q, &v);
		fw_verdict_release(&v);
	}
}

/* Split data at the first "\n%%\n": the export before, an ipset file after. */
static void fw_fuzz_one(const char *format, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *ipset, *rules, *clean;
	struct fw_model m = FW_MODEL_INIT;

	memcpy(text, data, size);
	text[size] = '\0';
	if ((ipset = strstr(text, "\n%%\n"))) {
		*ipset = '\0';
		ipset += 4;
	}
	if (fw_model_parse(&m, format, "fuzz", text, "ipset", ipset) == 0) {
		rules = fw_model_rules_text(&m);
		free(rules);
		fw_fuzz_ask(&m);
	}
	fw_model_release(&m);
	clean = fw_export_clean(format, text);
	free(clean);
	free(text);
}
