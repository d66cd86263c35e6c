/*
 * fuzz_dmarc.c - the DMARC parser and every analyzer that reads a TXT
 * tag-list (DMARC, MTA-STS, TLS-RPT, BIMI) on hostile records: any bytes
 * give findings or nothing, never a crash or an out-of-bounds read.
 */
#include <stdint.h>
#include <stdlib.h>

#include "analyze.h"
#include "fuzz_check_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const owners[] = {
		"_dmarc.example.com.", "_mta-sts.example.com.", "_smtp._tls.example.com.",
		"default._bimi.example.com.", "example.com.",
	};
	struct snapshot s = { 0 };
	struct domain_snap *d = snapshot_add_domain(&s, "example.com");
	struct findings fs = FINDINGS_INIT;
	struct analyze_opts o;
	struct dmarc_record r;
	char *txt = fuzz_cstr(data, size), *rdata = fuzz_txt_rdata(data, size);
	const char *msg;
	size_t pos;

	if (dmarc_parse(txt, &r, &pos, &msg) != 0 && pos > size)
		abort();
	dmarc_record_release(&r);
	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
		dsnap_add_rr(d, owners[i], 300, "TXT", rdata);
	dsnap_add_rr(d, "example.com.", 300, "MX", "10 mx.example.com.");
	dsnap_add_rr(d, "_25._tcp.mx.example.com.", 300, "TLSA", txt);
	dsnap_sort(d);
	analyze_opts_init(&o, NULL, NULL);
	analyze_dmarc(d, &o, &fs);
	analyze_mtasts(d, &o, &fs);
	analyze_tlsrpt(d, &o, &fs);
	analyze_tlsa(d, &o, &fs);
	analyze_bimi(d, &o, &fs);
	findings_release(&fs);
	snapshot_release(&s);
	free(rdata);
	free(txt);
	return 0;
}
