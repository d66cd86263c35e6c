/*
 * fuzz_dkim.c - DKIM key records: the tag-list parser, the base64 and
 * key parser (OpenSSL, through dkim_key.c), and the selector analyzer.
 * The first input byte picks how the rest is used.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyze.h"
#include "dkim_key.h"
#include "fuzz_check_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void as_key(const char *s, unsigned mode)
{
	struct dkim_key k;

	dkim_key_info(s, mode == 1 ? "ed25519" : mode == 2 ? NULL : "rsa", &k);
}

static void as_record(const uint8_t *data, size_t size)
{
	struct snapshot s = { 0 };
	struct domain_snap *d = snapshot_add_domain(&s, "example.com");
	struct findings fs = FINDINGS_INIT;
	struct strlist sels = STRLIST_INIT;
	struct analyze_opts o;
	char *rdata = fuzz_txt_rdata(data, size);

	dsnap_add_rr(d, "s1._domainkey.example.com.", 300, "TXT", rdata);
	dsnap_add_rr(d, "s2._domainkey.example.com.", 300, "CNAME", "s1._domainkey.example.com.");
	dsnap_sort(d);
	sl_push(&sels, "s1");
	sl_push(&sels, "s2");
	analyze_opts_init(&o, NULL, NULL);
	o.dkim_selectors = &sels;
	analyze_dkim(d, &o, &fs);
	findings_release(&fs);
	sl_release(&sels);
	snapshot_release(&s);
	free(rdata);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taglist tl;
	const char *msg;
	size_t pos;
	char *txt;

	if (!size)
		return 0;
	txt = fuzz_cstr(data + 1, size - 1);
	if (data[0] < 3) {
		as_key(txt, data[0]);
	} else {
		if (taglist_parse(txt, data[0] & 1, &tl, &pos, &msg) == 0)
			taglist_release(&tl);
		as_record(data + 1, size - 1);
	}
	free(txt);
	return 0;
}
