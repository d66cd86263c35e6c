/*
 * fuzz_txt_names.c - names taken from record content: the host-name test
 * and mailto: host every DMARC rua/ruf and SPF target goes through before
 * it is asked, and what the collector writes for a name (the .status and
 * .zone fields), which must read back as the same text, whatever bytes
 * the name holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const char *name)
{
	struct domain_snap a = { 0 }, b = { 0 };
	char *s1, *s2, *z1, *z2;
	struct snapshot s = { 0 };

	dsnap_add_lookup(&a, name, "TXT", LK_NXDOMAIN);
	dsnap_add_rr(&a, name, 60, "TXT", "\"x\"");
	s1 = dsnap_status_text(&a);
	z1 = dsnap_zone_text(&a);
	if (dsnap_parse_status(&b, "s", s1) || dsnap_parse_zone(&b, "z", z1) || b.bad ||
	    b.nlk != 1 || b.nrr != 1)
		abort();
	s2 = dsnap_status_text(&b);
	z2 = dsnap_zone_text(&b);
	if (strcmp(s1, s2) || strcmp(z1, z2))
		abort();
	free(s1); free(s2); free(z1); free(z2);
	s.domains = xcalloc(2, sizeof(*s.domains));
	s.domains[0] = a;
	s.domains[1] = b;
	s.n = s.alloc = 2;
	snapshot_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *copy, *save = NULL, *host;

	/* Every term as an SPF target and a DMARC URI. */
	copy = xstrdup(text);
	for (char *t = strtok_r(copy, " ,;", &save); t; t = strtok_r(NULL, " ,;", &save)) {
		const char *c = strchr(t, ':');
		bool valid = dns_name_valid(c ? c + 1 : t);
		if ((host = mailto_host(t))) {
			if (!dns_name_valid(host))
				abort();
			free(host);
		}
		(void)valid;
	}
	free(copy);
	/* Names are stored lower case, without blanks around them. */
	str_lower(text);
	if (*text && !strchr(" \t", *text) && !strchr(" \t", text[strlen(text) - 1]))
		roundtrip(text);
	free(text);
	return 0;
}
