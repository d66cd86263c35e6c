/*
 * analyze_mtasts.c - transport security records: MTA-STS (RFC 8461),
 * TLS-RPT (RFC 8460), DANE TLSA for SMTP (RFC 7672), and BIMI (draft).
 * Only the DNS side: the MTA-STS policy file itself is fetched over
 * HTTPS and is not part of a snapshot.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "analyze.h"
#include "readlog.h"

/*
 * The records at owner whose text selects as version (one "v=" family
 * per name). Returns the count; *first (may be NULL) gets the first
 * match and *txt its joined text (the caller frees it).
 */
static size_t versioned(const struct domain_snap *d, const char *owner,
			const char *version, const struct rr **first, char **txt)
{
	const struct rr *r;
	size_t n = dsnap_follow(d, owner, "TXT", &r, NULL, NULL), k = 0;

	*first = NULL;
	*txt = NULL;
	for (size_t i = 0; i < n; i++) {
		char *t = rr_txt_join(&r[i]);
		if (t && taglist_is_version(t, version) && !k++) {
			*first = &r[i];
			*txt = t;
			continue;
		}
		free(t);
	}
	return k;
}

static bool id_valid(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]))
			return false;
	return true;
}

/* The problem with a single v=STSv1 record, or NULL. */
static const char *mtasts_problem(const char *txt, size_t *pos)
{
	struct taglist tl;
	const struct tag *id;
	const char *msg = NULL;

	if (taglist_parse(txt, false, &tl, pos, &msg))
		return msg;
	if (!(id = taglist_get(&tl, "id", false)))
		msg = "id= is missing", *pos = strlen(txt);
	else if (!id_valid(id->value))
		msg = "id= must be 1 to 32 letters and digits", *pos = id->vpos;
	taglist_release(&tl);
	return msg;
}

bool mtasts_present(const struct domain_snap *d)
{
	char *owner = xasprintf("_mta-sts.%s.", d->name), *txt;
	const struct rr *r;
	size_t pos;
	bool ok = versioned(d, owner, "STSv1", &r, &txt) == 1 && !mtasts_problem(txt, &pos);

	free(txt);
	free(owner);
	return ok;
}

void analyze_mtasts(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out)
{
	char *owner = xasprintf("_mta-sts.%s.", d->name), *txt, *ev;
	const struct rr *r;
	const char *msg;
	size_t n = versioned(d, owner, "STSv1", &r, &txt), pos;

	if (!n)
		goto out;
	ev = rr_evidence(d, r);
	if (n > 1)
		findings_add(out, SEV_WARNING, "mtasts.multiple", owner, ev,
			     "%zu v=STSv1 records: senders assume no MTA-STS policy "
			     "(RFC 8461 3.1); keep exactly one", n);
	else if ((msg = mtasts_problem(txt, &pos)))
		findings_add(out, SEV_WARNING, "mtasts.syntax", owner, ev,
			     "at column %zu: %s: senders ignore the record, so MTA-STS "
			     "is off", pos + 1, msg);
	free(ev);
out:
	free(txt);
	free(owner);
}

/* TLS-RPT report URIs are mailto: or https: (RFC 8460 3). */
static const char *tlsrpt_problem(const char *txt, size_t *pos)
{
	struct taglist tl;
	const struct tag *rua;
	const char *msg = NULL;

	if (taglist_parse(txt, false, &tl, pos, &msg))
		return msg;
	if (!(rua = taglist_get(&tl, "rua", false))) {
		msg = "rua= is missing", *pos = strlen(txt);
	} else {
		const char *p = rua->value;
		while (*p && !msg) {
			size_t len = strcspn(p, ",");
			while (*p == ' ')
				p++, len--;
			if (strncasecmp(p, "mailto:", 7) && strncasecmp(p, "https://", 8))
				msg = "rua= URIs must be mailto: or https:", *pos = rua->vpos;
			p += len;
			if (*p == ',')
				p++;
		}
	}
	taglist_release(&tl);
	return msg;
}

static bool has_tlsa(const struct domain_snap *d)
{
	readlog_note("*", "TLSA");     /* any TLSA of the domain, read without a lookup */
	for (size_t i = 0; i < d->nrr; i++)
		if (!strcmp(d->rrs[i].type, "TLSA"))
			return true;
	return false;
}

void analyze_tlsrpt(const struct domain_snap *d, const struct analyze_opts *o,
		    struct findings *out)
{
	char *owner = xasprintf("_smtp._tls.%s.", d->name), *txt, *ev;
	const struct rr *r;
	const char *msg;
	size_t n = versioned(d, owner, "TLSRPTv1", &r, &txt), pos;

	if (!n) {
		if (!lookup_unknown(d, owner, "TXT") && (mtasts_present(d) || has_tlsa(d)))
			findings_add(out, SEV_INFO, "tlsrpt.missing", owner, NULL,
				     "MTA-STS or DANE is on but there is no TLS-RPT record: "
				     "nobody hears about failed TLS deliveries; publish "
				     "\"v=TLSRPTv1; rua=mailto:...\"");
		goto out;
	}
	ev = rr_evidence(d, r);
	if (n > 1)
		findings_add(out, SEV_INFO, "tlsrpt.multiple", owner, ev,
			     "%zu v=TLSRPTv1 records: senders send no reports "
			     "(RFC 8460 3); keep exactly one", n);
	else if ((msg = tlsrpt_problem(txt, &pos)))
		findings_add(out, SEV_INFO, "tlsrpt.syntax", owner, ev,
			     "at column %zu: %s: no TLS reports are sent", pos + 1, msg);
	free(ev);
out:
	free(txt);
	free(owner);
}

/* Check one TLSA rdata "usage selector mtype hex". NULL when fine. */
static const char *tlsa_problem(const char *rdata, unsigned *usage)
{
	unsigned sel, mt;
	int off = 0;
	size_t hex = 0;

	if (sscanf(rdata, "%u %u %u %n", usage, &sel, &mt, &off) != 3 || !off)
		return "not 'usage selector matching-type data'";
	if (*usage > 3 || sel > 1 || mt > 2)
		return "usage, selector or matching type out of range";
	for (const char *p = rdata + off; *p; p++) {
		if (isxdigit((unsigned char)*p))
			hex++;
		else if (!isspace((unsigned char)*p))
			return "the association data is not hexadecimal";
	}
	if ((mt == 1 && hex != 64) || (mt == 2 && hex != 128) || !hex || hex % 2)
		return "the association data has the wrong length for its matching type";
	return NULL;
}

static void tlsa_host(const struct domain_snap *d, const char *host,
		      struct findings *out)
{
	char *owner = xasprintf("_25._tcp.%s", host);
	const struct rr *r;
	size_t n = dsnap_follow(d, owner, "TLSA", &r, NULL, NULL), usable = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned usage = 0;
		const char *msg = tlsa_problem(r[i].rdata, &usage);
		char *ev = rr_evidence(d, &r[i]);

		if (msg)
			findings_add(out, SEV_WARNING, "tlsa.syntax", owner, ev,
				     "%s: DANE senders cannot use this record", msg);
		else if (usage < 2)
			findings_add(out, SEV_WARNING, "tlsa.usage", owner, ev,
				     "usage %u (PKIX-%s) does not apply to SMTP (RFC 7672 "
				     "3.1.3): DANE senders ignore it; use 3 1 1 or 2 1 1",
				     usage, usage ? "EE" : "TA");
		else
			usable++;
		free(ev);
	}
	if (n && !usable)
		findings_add(out, SEV_WARNING, "tlsa.unusable", owner, NULL,
			     "no usable TLSA record for %s: DANE senders fall back to "
			     "unauthenticated TLS; publish a 3 1 1 record", host);
	free(owner);
}

void analyze_tlsa(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out)
{
	char *apex = name_abs(d->name);
	struct strlist hosts = STRLIST_INIT;
	const struct rr *mx;
	size_t n = dsnap_follow(d, apex, "MX", &mx, NULL, NULL);

	for (size_t i = 0; i < n; i++) {
		unsigned pref;
		char *host;

		if (!rr_mx(&mx[i], &pref, &host))
			sl_push_owned(&hosts, host);
	}
	sl_sort_uniq(&hosts);
	for (size_t i = 0; i < hosts.n; i++)
		if (strcmp(hosts.v[i], "."))
			tlsa_host(d, hosts.v[i], out);
	sl_release(&hosts);
	free(apex);
}

/* l= is an https SVG location, a= an https VMC; both may be empty. */
static const char *bimi_problem(const char *txt, size_t *pos)
{
	struct taglist tl;
	const struct tag *l, *a;
	const char *msg = NULL;

	if (taglist_parse(txt, false, &tl, pos, &msg))
		return msg;
	l = taglist_get(&tl, "l", false);
	a = taglist_get(&tl, "a", false);
	if (!l && !a)
		msg = "neither l= nor a= is present", *pos = strlen(txt);
	else if (l && *l->value && strncasecmp(l->value, "https://", 8))
		msg = "l= must be an https:// URL", *pos = l->vpos;
	else if (a && *a->value && strncasecmp(a->value, "https://", 8))
		msg = "a= must be an https:// URL", *pos = a->vpos;
	taglist_release(&tl);
	return msg;
}

/* BIMI logos show only under an enforcing DMARC policy. */
static const char *bimi_dmarc_problem(const struct domain_snap *d)
{
	struct dmarc_record rec;
	const char *why = NULL;

	if (dmarc_effective(d, &rec))
		why = "there is no valid DMARC record";
	else if (rec.p != DP_QUARANTINE && rec.p != DP_REJECT)
		why = "the DMARC policy is not quarantine or reject";
	else if (rec.pct >= 0 && rec.pct < 100)
		why = "DMARC pct is under 100";
	else if (rec.sp == DP_NONE)
		why = "DMARC sp=none";
	dmarc_record_release(&rec);
	return why;
}

void analyze_bimi(const struct domain_snap *d, const struct analyze_opts *o,
		  struct findings *out)
{
	char *owner = xasprintf("default._bimi.%s.", d->name), *txt, *ev;
	const struct rr *r;
	const char *msg;
	size_t n = versioned(d, owner, "BIMI1", &r, &txt), pos;

	if (!n)
		goto out;
	ev = rr_evidence(d, r);
	if (n > 1)
		findings_add(out, SEV_INFO, "bimi.syntax", owner, ev,
			     "%zu v=BIMI1 records: no logo is shown; keep exactly one", n);
	else if ((msg = bimi_problem(txt, &pos)))
		findings_add(out, SEV_INFO, "bimi.syntax", owner, ev,
			     "at column %zu: %s: no logo is shown", pos + 1, msg);
	else if ((msg = bimi_dmarc_problem(d)))
		findings_add(out, SEV_INFO, "bimi.no-dmarc", owner, ev,
			     "BIMI is published but %s: receivers show no logo", msg);
	free(ev);
out:
	free(txt);
	free(owner);
}
