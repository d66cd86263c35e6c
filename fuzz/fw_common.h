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
/* A mask with site patterns (one with a group), as a firewall's mask: gives. */
static const struct fw_mask *fw_fuzz_mask(void)
{
	static struct fw_mask mk;
	static bool ready;

	if (!ready) {
		struct strlist pats = STRLIST_INIT;
		sl_push(&pats, "secret[0-9]+");
		sl_push(&pats, "radius-key ([^ ]*)");
		sl_push(&pats, "x*");
		if (fw_mask_init(&mk, NULL, "fuzz", &pats) < 0)
			abort();
		sl_release(&pats);
		ready = true;
	}
	return &mk;
}

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
	clean = fw_export_clean(format, text, fw_fuzz_mask());
	free(clean);
	free(text);
}
