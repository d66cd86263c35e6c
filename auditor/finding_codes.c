/*
 * finding_codes.c - every finding code mxaudit reports, as listed in
 * README's finding table (tests/e2e/t74 checks the two agree). Policies
 * name codes (severity overrides); a code not here is a typo that would
 * otherwise override nothing, silently.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "finding.h"

static const char *const codes[] = {
	"bimi.no-dmarc",
	"bimi.syntax",
	"dkim.hash",
	"dkim.key-invalid",
	"dkim.key-too-long",
	"dkim.key-too-short",
	"dkim.key-type",
	"dkim.key-weak",
	"dkim.missing",
	"dkim.multiple",
	"dkim.no-selectors",
	"dkim.not-collected",
	"dkim.revoked",
	"dkim.service",
	"dkim.syntax",
	"dkim.testing",
	"dkim.version",
	"dmarc.at-apex",
	"dmarc.bad-uri",
	"dmarc.missing",
	"dmarc.multiple",
	"dmarc.no-rua",
	"dmarc.np-none",
	"dmarc.pct",
	"dmarc.policy-none",
	"dmarc.psd",
	"dmarc.rua-unauthorized",
	"dmarc.sp-none",
	"dmarc.strict-alignment",
	"dmarc.syntax",
	"dmarc.testing",
	"dns.disagree",
	"dns.lame",
	"dns.ns-unreachable",
	"dns.stale",
	"dns.unknown",
	"dns.unresolvable",
	"egress.dns-blocked",
	"egress.smtp-blocked",
	"egress.unknown",
	"fw.nat-changed",
	"fw.port-blocked",
	"fw.port-opened",
	"fw.unreadable",
	"inbound.blocked",
	"inbound.blocklist",
	"inbound.default-accept",
	"inbound.dnat-wrong-target",
	"inbound.mx-moved",
	"inbound.no-dnat",
	"inbound.reply-blocked",
	"inbound.unknown",
	"mtasts.multiple",
	"mtasts.syntax",
	"mx.cname",
	"mx.implicit",
	"mx.ip-literal",
	"mx.no-address",
	"mx.no-redundancy",
	"mx.none",
	"mx.null",
	"mx.null-mixed",
	"mx.primary-changed",
	"mx.special-address",
	"outbound.no-fcrdns",
	"outbound.not-authorized",
	"outbound.not-translated",
	"outbound.unknown",
	"policy.dkim-key-bits",
	"policy.dkim-not-collected",
	"policy.dmarc-policy",
	"policy.dmarc-rua",
	"policy.ignore-expired",
	"policy.mtasts",
	"policy.mx-missing",
	"policy.mx-unexpected",
	"ptr.generic",
	"ptr.mismatch",
	"ptr.missing",
	"ptr.not-collected",
	"spf.ip-not-authorized",
	"spf.lookup-failed",
	"spf.lookup-limit",
	"spf.loop",
	"spf.macro-target",
	"spf.missing",
	"spf.multiple",
	"spf.mx-limit",
	"spf.mx-void-hosts",
	"spf.neutral-all",
	"spf.plus-all",
	"spf.ptr",
	"spf.record-too-long",
	"spf.rr-type",
	"spf.split-record",
	"spf.string-too-long",
	"spf.syntax",
	"spf.target-no-record",
	"spf.void-limit",
	"store.bad-line",
	"tlsa.syntax",
	"tlsa.unusable",
	"tlsa.usage",
	"tlsrpt.missing",
	"tlsrpt.multiple",
	"tlsrpt.syntax",
};

static int code_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool finding_code_known(const char *code)
{
	size_t n = strlen(code);

	if (n > 2 && !strcmp(code + n - 2, ".*")) {   /* "dmarc.*": a known area */
		for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
			if (!strncmp(codes[i], code, n - 1))
				return true;
		return false;
	}
	return bsearch(&code, codes, ARRAY_SIZE(codes), sizeof(codes[0]), code_cmp) != NULL;
}
