/*
 * analyze_dmarc.c - DMARC records (RFC 7489, with the RFC 9989 tags np,
 * psd and t) and the authorization of external report destinations.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "analyze.h"

static const char *const policy_names[] = { "none", "quarantine", "reject" };

const char *dmarc_policy_name(enum dmarc_policy p)
{
	if (p >= DP_NONE && p <= DP_REJECT)
		return policy_names[p];
	return p == DP_UNSET ? "(unset)" : "(invalid)";
}

int dmarc_policy_parse(const char *s, enum dmarc_policy *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_names); i++) {
		if (!strcasecmp(s, policy_names[i])) {
			*out = (enum dmarc_policy)i;
			return 0;
		}
	}
	return -1;
}

static void issue(struct dmarc_record *r, size_t pos, const char *fmt, const char *v)
{
	struct dmarc_issue *is;

	if (r->nissue >= ARRAY_SIZE(r->issues))
		return;
	is = &r->issues[r->nissue++];
	is->pos = pos;
	snprintf(is->msg, sizeof(is->msg), fmt, v);
}

static void set_policy(struct dmarc_record *r, const struct tag *t, enum dmarc_policy *p)
{
	if (dmarc_policy_parse(t->value, p)) {
		*p = DP_INVALID;
		issue(r, t->vpos, "'%.40s' is not none, quarantine or reject", t->value);
	}
}

static void set_char(struct dmarc_record *r, const struct tag *t, const char *allowed,
		     char *out)
{
	if (strlen(t->value) != 1 || !strchr(allowed, tolower((unsigned char)t->value[0]))) {
		issue(r, t->vpos, "value '%.40s' is not allowed here", t->value);
		return;
	}
	*out = (char)tolower((unsigned char)t->value[0]);
}

static void set_pct(struct dmarc_record *r, const struct tag *t)
{
	char *end;
	long v = strtol(t->value, &end, 10);

	if (!isdigit((unsigned char)t->value[0]) || *end || v > 100)
		issue(r, t->vpos, "pct '%.40s' is not a number from 0 to 100", t->value);
	else
		r->pct = (int)v;
}

/* fo is a colon-separated list of 0, 1, d and s. */
static void check_fo(struct dmarc_record *r, const struct tag *t)
{
	const char *p = t->value;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || !strchr("01ds", *p))
			break;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return;
		if (*p++ != ':')
			break;
	}
	issue(r, t->vpos, "fo '%.40s' is not a list of 0, 1, d and s", t->value);
}

static void split_uris(const char *value, struct strlist *out)
{
	const char *p = value;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && isspace((unsigned char)*p))
			p++, n--;
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n)
			sl_push_owned(out, xstrndup(p, n));
		if (!e)
			break;
		p = e + 1;
	}
}

static void apply_tag(struct dmarc_record *r, const struct tag *t)
{
	const char *n = t->name;

	if (!strcasecmp(n, "p"))
		set_policy(r, t, &r->p);
	else if (!strcasecmp(n, "sp"))
		set_policy(r, t, &r->sp);
	else if (!strcasecmp(n, "np"))
		set_policy(r, t, &r->np);
	else if (!strcasecmp(n, "pct"))
		set_pct(r, t);
	else if (!strcasecmp(n, "adkim"))
		set_char(r, t, "rs", &r->adkim);
	else if (!strcasecmp(n, "aspf"))
		set_char(r, t, "rs", &r->aspf);
	else if (!strcasecmp(n, "t"))
		set_char(r, t, "yn", &r->t);
	else if (!strcasecmp(n, "psd"))
		set_char(r, t, "ynu", &r->psd);
	else if (!strcasecmp(n, "fo"))
		check_fo(r, t);
	else if (!strcasecmp(n, "rua"))
		split_uris(t->value, &r->rua);
	else if (!strcasecmp(n, "ruf"))
		split_uris(t->value, &r->ruf);
	/* Unknown tags are ignored (RFC 7489 6.3, RFC 9989). */
}

int dmarc_parse(const char *txt, struct dmarc_record *out, size_t *errpos,
		const char **errmsg)
{
	struct taglist tl;

	memset(out, 0, sizeof(*out));
	out->p = out->sp = out->np = DP_UNSET;
	out->pct = -1;
	if (taglist_parse(txt, true, &tl, errpos, errmsg))
		return -1;
	if (!tl.n || strcmp(tl.v[0].name, "v")) {
		*errpos = tl.n ? tl.v[0].pos : 0;
		*errmsg = "the record must start with v=DMARC1";
		taglist_release(&tl);
		return -1;
	}
	if (strcmp(tl.v[0].value, "DMARC1")) {
		*errpos = tl.v[0].vpos;
		*errmsg = "the version must be exactly DMARC1 (case matters)";
		taglist_release(&tl);
		return -1;
	}
	for (size_t i = 1; i < tl.n; i++)
		apply_tag(out, &tl.v[i]);
	taglist_release(&tl);
	return 0;
}

void dmarc_record_release(struct dmarc_record *r)
{
	sl_release(&r->rua);
	sl_release(&r->ruf);
}

/* Does the text select as a DMARC record: "v=DMARC1" first, exactly? */
static bool is_candidate(const char *s)
{
	return taglist_is_version(s, "DMARC1");
}

/*
 * The organizational domain, approximated without the Public Suffix
 * List: the last two labels, or three under a two-letter country code
 * whose second level is a common public one (co.uk, com.au, ...).
 */
static const char *org_domain(const char *name)
{
	static const char *const sld[] = { "co", "com", "net", "org", "gov", "ac", "edu", "ne", "or" };
	const char *dots[3] = { NULL, NULL, NULL };   /* rightmost first */
	size_t len = strlen(name), k = 0;

	if (len && name[len - 1] == '.')
		len--;
	for (size_t i = len; i-- > 0 && k < 3;)
		if (name[i] == '.')
			dots[k++] = name + i;
	if (!dots[1])
		return name;
	if (len - (size_t)(dots[0] + 1 - name) == 2) {
		for (size_t i = 0; i < ARRAY_SIZE(sld); i++)
			if ((size_t)(dots[0] - dots[1] - 1) == strlen(sld[i]) &&
			    !strncmp(dots[1] + 1, sld[i], strlen(sld[i])))
				return dots[2] ? dots[2] + 1 : name;
	}
	return dots[1] + 1;
}

static bool same_org(const char *a, const char *b)
{
	const char *oa = org_domain(a), *ob = org_domain(b);
	size_t la = strlen(oa), lb = strlen(ob);

	if (la && oa[la - 1] == '.')
		la--;
	if (lb && ob[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(oa, ob, la);
}

/* RFC 7489 7.1: an external destination must publish its consent. */
static void check_destination(const struct domain_snap *d, const char *tag,
			      const char *uri, const char *ev, struct findings *out)
{
	char *host = mailto_host(uri), *owner;
	const struct rr *r;
	size_t n;
	bool ok = false;

	if (!host) {
		findings_add(out, SEV_WARNING, "dmarc.bad-uri", uri, ev,
			     "%s destination '%s' is not a mailto: address with a valid "
			     "host name; no reports are sent there, and it is not looked up", tag, uri);
		return;
	}
	if (same_org(host, d->name)) {
		free(host);
		return;
	}
	owner = xasprintf("%s._report._dmarc.%s.", d->name, host);
	n = dsnap_follow(d, owner, "TXT", &r, NULL, NULL);
	for (size_t i = 0; i < n && !ok; i++) {
		char *txt = rr_txt_join(&r[i]);
		ok = txt && is_candidate(txt);
		free(txt);
	}
	if (!ok && !lookup_unknown(d, owner, "TXT"))
		findings_add(out, SEV_WARNING, "dmarc.rua-unauthorized", uri, ev,
			     "%s destination %s is outside the domain and %s has no "
			     "v=DMARC1 record: receivers drop these reports silently; ask "
			     "%s to publish it", tag, host, owner, host);
	free(owner);
	free(host);
}

static bool has_valid_rua(const struct dmarc_record *r)
{
	for (size_t i = 0; i < r->rua.n; i++) {
		char *h = mailto_host(r->rua.v[i]);
		free(h);
		if (h)
			return true;
	}
	return false;
}

/* p= missing or invalid: RFC 7489 6.6.3 keeps the record only with a valid rua. */
static bool check_p(const struct dmarc_record *r, const char *subj, const char *ev,
		    struct findings *out)
{
	const char *what = r->p == DP_UNSET ? "p= is missing" : "p= has an invalid value";

	if (r->p != DP_UNSET && r->p != DP_INVALID)
		return true;
	if (has_valid_rua(r)) {
		findings_add(out, SEV_WARNING, "dmarc.syntax", subj, ev,
			     "%s: receivers apply p=none; set p=none, quarantine or reject",
			     what);
		return true;
	}
	findings_add(out, SEV_CRITICAL, "dmarc.syntax", subj, ev,
		     "%s and there is no valid rua: RFC 7489 receivers ignore the "
		     "record, so the domain has no DMARC; set p=", what);
	return false;
}

static void check_tags(const struct dmarc_record *r, const char *subj, const char *ev,
		       struct findings *out)
{
	enum dmarc_policy p = r->p == DP_INVALID || r->p == DP_UNSET ? DP_NONE : r->p;

	if (p == DP_NONE)
		findings_add(out, SEV_WARNING, "dmarc.policy-none", subj, ev,
			     "p=none: receivers only report, nothing stops spoofed mail; "
			     "move to p=quarantine, then p=reject, once reports are clean");
	if (p != DP_NONE && r->sp == DP_NONE)
		findings_add(out, SEV_WARNING, "dmarc.sp-none", subj, ev,
			     "sp=none: subdomains are not protected although p=%s",
			     dmarc_policy_name(p));
	if (p != DP_NONE && r->np == DP_NONE)
		findings_add(out, SEV_WARNING, "dmarc.np-none", subj, ev,
			     "np=none: non-existent subdomains can be spoofed although p=%s",
			     dmarc_policy_name(p));
	if (r->pct >= 0 && r->pct < 100 && p != DP_NONE)
		findings_add(out, SEV_WARNING, "dmarc.pct", subj, ev,
			     "pct=%d: RFC 7489 receivers apply p=%s to only %d%% of "
			     "failing mail; set pct=100 or remove it", r->pct,
			     dmarc_policy_name(p), r->pct);
	if (r->t == 'y')
		findings_add(out, SEV_WARNING, "dmarc.testing", subj, ev,
			     "t=y: RFC 9989 receivers apply the policy one level lower "
			     "(reject as quarantine, quarantine as none); remove t=y");
	if (r->psd == 'y')
		findings_add(out, SEV_WARNING, "dmarc.psd", subj, ev,
			     "psd=y declares a public suffix domain: subdomains become "
			     "separate organizations for alignment; remove it unless this "
			     "really is a public suffix");
	if (r->adkim == 's' || r->aspf == 's')
		findings_add(out, SEV_INFO, "dmarc.strict-alignment", subj, ev,
			     "strict %s alignment: mail signed or sent with a subdomain "
			     "identity fails DMARC", r->adkim == 's' && r->aspf == 's' ?
			     "DKIM and SPF" : r->adkim == 's' ? "DKIM" : "SPF");
	if (!r->rua.n)
		findings_add(out, SEV_INFO, "dmarc.no-rua", subj, ev,
			     "no rua: nobody receives aggregate reports, so failing "
			     "senders go unnoticed; add rua=mailto:...");
	for (size_t i = 0; i < r->nissue; i++)
		findings_add(out, SEV_WARNING, "dmarc.syntax", subj, ev,
			     "at column %zu: %s; receivers may ignore the tag",
			     r->issues[i].pos + 1, r->issues[i].msg);
}

static void analyze_record(const struct domain_snap *d, const struct rr *rr,
			   const char *txt, struct findings *out)
{
	struct dmarc_record rec;
	const char *msg;
	size_t pos;
	char *ev = rr_evidence(d, rr);

	if (dmarc_parse(txt, &rec, &pos, &msg)) {
		findings_add(out, SEV_CRITICAL, "dmarc.syntax", rr->owner, ev,
			     "at column %zu: %s: receivers ignore the record, so the "
			     "domain has no DMARC", pos + 1, msg);
	} else if (check_p(&rec, rr->owner, ev, out)) {
		check_tags(&rec, rr->owner, ev, out);
		for (size_t i = 0; i < rec.rua.n; i++)
			check_destination(d, "rua", rec.rua.v[i], ev, out);
		for (size_t i = 0; i < rec.ruf.n; i++)
			check_destination(d, "ruf", rec.ruf.v[i], ev, out);
	}
	dmarc_record_release(&rec);
	free(ev);
}

/* No record: say whether it sits at the apex by mistake. */
static void missing(const struct domain_snap *d, const char *owner,
		    const struct rr *lookalike, struct findings *out)
{
	char *apex = name_abs(d->name), *ev;
	const struct lookup *l = dsnap_lookup(d, owner, "TXT");
	const struct rr *r;
	size_t n = dsnap_find(d, apex, "TXT", &r);

	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&r[i]);
		if (txt && is_candidate(txt)) {
			ev = rr_evidence(d, &r[i]);
			findings_add(out, SEV_WARNING, "dmarc.at-apex", apex, ev,
				     "a DMARC record is published at the domain itself, "
				     "where receivers never look; move it to %s", owner);
			free(ev);
		}
		free(txt);
	}
	if (lookalike) {
		char *txt = rr_txt_join(lookalike);
		size_t pos = 0;
		const char *msg = "the record must start with v=DMARC1";
		struct dmarc_record rec = { .p = DP_UNSET };

		if (txt && !dmarc_parse(txt, &rec, &pos, &msg))
			msg = "the record must start with v=DMARC1";
		dmarc_record_release(&rec);
		ev = rr_evidence(d, lookalike);
		findings_add(out, SEV_CRITICAL, "dmarc.syntax", owner, ev,
			     "at column %zu: %s: receivers discard the record, so the "
			     "domain has no DMARC", pos + 1, msg);
		free(ev);
		free(txt);
	} else {
		ev = l ? lookup_evidence(d, l) : xasprintf("dns/%s.zone: no TXT at %s", d->name, owner);
		findings_add(out, SEV_CRITICAL, "dmarc.missing", owner, ev,
			     "no DMARC record: receivers apply no policy and Gmail/Yahoo "
			     "bulk-sender rules fail; publish at least "
			     "\"v=DMARC1; p=none; rua=mailto:...\"");
		free(ev);
	}
	free(apex);
}

void analyze_dmarc(const struct domain_snap *d, const struct analyze_opts *o,
		   struct findings *out)
{
	char *owner = xasprintf("_dmarc.%s.", d->name);
	const struct rr *r, *cand = NULL, *lookalike = NULL;
	char *candtxt = NULL;
	size_t n, ncand = 0;

	if (lookup_unknown(d, owner, "TXT"))
		goto out;
	n = dsnap_follow(d, owner, "TXT", &r, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&r[i]);
		if (txt && is_candidate(txt)) {
			if (!ncand++) {
				cand = &r[i];
				candtxt = txt;
				continue;
			}
		} else if (txt && strcasestr(txt, "dmarc1") && !lookalike) {
			lookalike = &r[i];
		}
		free(txt);
	}
	if (ncand > 1) {
		char *ev = rr_evidence(d, cand);
		findings_add(out, SEV_CRITICAL, "dmarc.multiple", owner, ev,
			     "%zu DMARC records: receivers treat the domain as having "
			     "none; keep exactly one", ncand);
		free(ev);
	} else if (ncand == 1) {
		analyze_record(d, cand, candtxt, out);
	} else {
		missing(d, owner, lookalike, out);
	}
out:
	free(candtxt);
	free(owner);
}

int dmarc_effective(const struct domain_snap *d, struct dmarc_record *out)
{
	char *owner = xasprintf("_dmarc.%s.", d->name), *found = NULL;
	const struct rr *r;
	size_t n = dsnap_follow(d, owner, "TXT", &r, NULL, NULL), ncand = 0, pos;
	const char *msg;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		char *txt = rr_txt_join(&r[i]);
		if (txt && is_candidate(txt) && !ncand++) {
			found = txt;
			continue;
		}
		free(txt);
	}
	if (ncand == 1 && !dmarc_parse(found, out, &pos, &msg))
		ret = 0;
	free(found);
	free(owner);
	return ret;
}
