/*
 * fuzz_snapfiles.c - the canonical .zone and .status readers, the
 * TXT/MX decoders analyzers use, and the list of changed files a commit
 * keeps (changelist.c), on arbitrary (hand-edited, corrupt) text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_all(const struct domain_snap *d)
{
	for (size_t i = 0; i < d->nrr; i++) {
		unsigned pref;
		char *host, *txt = rr_txt_join(&d->rrs[i]);
		free(txt);
		if (rr_mx(&d->rrs[i], &pref, &host) == 0)
			free(host);
	}
}

/* A list that parses formats back to the same text, and that parses again. */
static void changelist_roundtrip(const char *text)
{
	struct changed_file *v;
	size_t n;
	char *again;

	if (changelist_parse(text, &v, &n) < 0)
		return;
	again = changelist_format(v, n);
	if (strcmp(again, text) && !(strlen(text) == strlen(again) + 1 &&
				     text[strlen(again)] == '\n' && !strncmp(again, text, strlen(again))))
		abort();
	changelist_free(v, n);
	if (changelist_parse(again, &v, &n) < 0)
		abort();
	changelist_free(v, n);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct snapshot s = { 0 };
	struct domain_snap *z = snapshot_add_domain(&s, "example.com");
	struct domain_snap *st;

	/* Silence the expected error messages. */
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	if (dsnap_parse_zone(z, "fuzz.zone", text) == 0) {
		char *again = dsnap_zone_text(z);
		free(again);
	}
	decode_all(z);
	st = snapshot_add_domain(&s, "example.net");
	if (dsnap_parse_status(st, "fuzz.status", text) == 0) {
		char *again = dsnap_status_text(st);
		free(again);
	}
	fclose(stderr);
	stderr = saved;
	changelist_roundtrip(text);
	snapshot_release(&s);
	free(text);
	return 0;
}
