/*
 * cmd_reach.c - `mxaudit reach`: does traffic to IP:PORT pass a firewall
 * export, from which sources, to where, and which rule decides.
 *
 * Exit: 0 allowed from every source asked about, 1 partial, 2 blocked,
 * 3 unknown (some sources' fate is unknown, or bad input).
 */
#include <getopt.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "config.h"
#include "fw.h"
#include "json.h"

struct reach_opts {
	const char *file, *format, *ipset, *in, *out, *to_arg, *host_arg;
	bool json, routed, host_local;
	bool in_assumed, out_assumed;     /* taken from the export's own configuration */
	const struct fw_model *model;
	struct fw_addrset from, local, dests, public;
	bool have_from, have_dests, have_public;
	struct config cfg;
	bool have_cfg;
};

static int add_cidr(const char *opt, const char *s, struct fw_addrset *set, int *fam)
{
	struct fw_range r;
	int f;

	if (fw_cidr_parse(s, &r, &f) || (*fam && f != *fam))
		return error("%s: '%s' is not an address or network of the right family", opt, s);
	*fam = f;
	fw_as_add(set, r.lo, r.hi);
	return 0;
}

/*
 * "IP:PORT[/tcp|udp]", "[V6]:PORT/proto"; for egress also ":PORT/proto"
 * or "CIDR:PORT/proto" (destinations).
 */
static int parse_to(const char *s, struct fw_query *q, struct reach_opts *o)
{
	char *copy = xstrdup(s), *slash = strrchr(copy, '/'), *colon, *addr = copy, *end;
	unsigned long port;
	int r = -1;

	q->proto = 6;
	if (slash && (!strcmp(slash, "/tcp") || !strcmp(slash, "/udp"))) {
		q->proto = slash[1] == 't' ? 6 : 17;
		*slash = '\0';
	}
	colon = strrchr(copy, ':');
	if (!colon)
		goto out;
	*colon = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || !port || port > 65535)
		goto out;
	q->port = (uint16_t)port;
	if (*addr == '[' && colon > addr && colon[-1] == ']') {
		addr++;
		colon[-1] = '\0';
	}
	if (!*addr || !strcmp(addr, "*")) {
		r = o->host_arg ? 0 : -1;   /* any destination: egress only */
	} else if (o->host_arg) {
		r = add_cidr("--to", addr, &o->dests, &q->fam);
		o->have_dests = true;
	} else {
		r = fw_ip_parse(addr, &q->to, &q->fam);
	}
out:
	free(copy);
	return r ? error("--to: expected IP:PORT/tcp or IP:PORT/udp, not '%s'", s) : 0;
}

static int parse_args(int argc, char **argv, struct reach_opts *o, struct fw_query *q)
{
	static const struct option longopts[] = {
		{ "firewall", required_argument, NULL, 'f' },
		{ "fw-format", required_argument, NULL, 'F' },
		/* The older spelling, kept for one release; main.c warns about it. */
		{ "format", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 's' },
		{ "from-host", required_argument, NULL, 'H' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "ipset", required_argument, NULL, 'I' },
		{ "local", required_argument, NULL, 'l' },
		{ "routed", no_argument, NULL, 'R' },
		{ "host-local", no_argument, NULL, 'L' },
		{ "public-ip", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ffam = 0, lfam = 0, pfam = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'F': o->format = optarg; break;
		case 't': o->to_arg = optarg; break;
		case 'H': o->host_arg = optarg; break;
		case 'i': o->in = optarg; break;
		case 'o': o->out = optarg; break;
		case 'I': o->ipset = optarg; break;
		case 'R': o->routed = true; break;
		case 'L': o->host_local = true; break;
		case 'j': o->json = true; break;
		case 's':
			if (add_cidr("--from", optarg, &o->from, &ffam))
				return -1;
			o->have_from = true;
			break;
		case 'l':
			if (add_cidr("--local", optarg, &o->local, &lfam))
				return -1;
			break;
		case 'P':
			if (add_cidr("--public-ip", optarg, &o->public, &pfam))
				return -1;
			o->have_public = true;
			break;
		default:
			return usage_error("reach", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("reach", "unexpected argument '%s'", argv[optind]);
	if (!o->file || !o->to_arg)
		return usage_error("reach", "--firewall and --to are required");
	if (parse_to(o->to_arg, q, o))
		return -1;
	if (o->host_arg) {
		int hfam;

		if (fw_ip_parse(o->host_arg, &q->host, &hfam) || (q->fam && hfam != q->fam))
			return error("--from-host: '%s' is not an address of the --to family", o->host_arg);
		q->fam = hfam;
	}
	if (o->have_from && ffam != q->fam)
		return error("--from: the sources are not of the --to address's family");
	return 0;
}

/* --firewall NAME of the configuration, when NAME is not a file. */
static int from_config(struct reach_opts *o, struct cmd_ctx *ctx)
{
	struct stat st;
	const struct firewall_conf *fc = NULL;

	if (!stat(o->file, &st) || (!ctx->config_given && stat(ctx->config, &st)))
		return 0;
	if (config_load(ctx->config, &o->cfg))
		return -1;
	o->have_cfg = true;
	for (size_t i = 0; i < o->cfg.nfirewalls; i++)
		if (!strcmp(o->cfg.firewalls[i].name, o->file))
			fc = &o->cfg.firewalls[i];
	if (!fc)
		return error("--firewall: '%s' is neither a file nor a configured firewall", o->file);
	if (!fc->file)
		return error("firewall '%s' is collected by a command; save its output and give --firewall FILE",
			     fc->name);
	o->file = fc->file;
	o->format = o->format ? o->format : fc->format;
	o->ipset = o->ipset ? o->ipset : fc->ipset_file;
	if (!o->in && fc->outside_ifaces.n == 1)
		o->in = fc->outside_ifaces.v[0];
	if (!o->out && fc->inside_ifaces.n == 1)
		o->out = fc->inside_ifaces.v[0];
	for (size_t i = 0; i < fc->public_ips.n; i++) {
		struct fw_range r;
		int f;

		if (fw_cidr_parse(fc->public_ips.v[i], &r, &f))
			continue;
		fw_as_add(&o->local, r.lo, r.hi);
		if (o->host_arg && !o->host_local) {   /* egress through it: replies come back to these */
			fw_as_add(&o->public, r.lo, r.hi);
			o->have_public = true;
		}
	}
	return 0;
}

/*
 * An appliance's export names its outside and inside interfaces; use them
 * where neither the command line nor the configuration did, and say so.
 * Its own addresses are local addresses, as --local would make them.
 */
static void assume_ifaces(struct reach_opts *o, const struct fw_model *m)
{
	bool egress = o->host_arg != NULL;
	const char *outside = m->outside_iface, *inside = m->inside_iface;

	if (!o->in && (egress ? inside : outside))
		o->in = egress ? inside : outside, o->in_assumed = true;
	if (!o->out && (egress ? outside : inside))
		o->out = egress ? outside : inside, o->out_assumed = true;
	fw_as_merge(&o->local, &m->self);
}

static int load_model(struct reach_opts *o, struct fw_model *m)
{
	struct mempool files = MEMPOOL_INIT;   /* a big export in huge pages: read once, parsed, dropped */
	char *text = NULL, *ipset = NULL;
	size_t len;
	int r = -1;

	if (read_file_in(&files, o->file, &text, &len) < 0)
		goto out;
	if (o->ipset && read_file_in(&files, o->ipset, &ipset, &len) < 0)
		goto out;
	if (!o->format && !(o->format = fw_detect_format(text))) {
		error("%s: cannot tell the export's format; give --fw-format (%s)", o->file, fw_format_names());
		goto out;
	}
	r = fw_model_parse(m, o->format, o->file, text, o->ipset, ipset);
	if (!r)
		assume_ifaces(o, m);
out:
	mp_release(&files);
	return r;
}

/* Egress: the source a part leaves with, "192.0.2.25" or "a public address (MASQUERADE)"; NULL inbound. */
static char *part_source(const struct fw_part *p, const struct fw_query *q)
{
	char ip[64];

	if (!q->egress || p->outcome != FW_ALLOWED)
		return NULL;
	if (!p->src_known)
		return xstrdup("an address of the outgoing interface (MASQUERADE or a range)");
	fw_ip_format(p->src, q->fam, ip, sizeof(ip));
	return xstrdup(ip);
}

static char *part_reaches(const struct fw_part *p, const struct fw_query *q)
{
	char ip[64];

	if (q->egress)
		return NULL;
	fw_ip_format(p->to, p->to_fam ? p->to_fam : q->fam, ip, sizeof(ip));
	return xasprintf(q->fam == FW_V6 ? "[%s]:%u" : "%s:%u", ip, p->to_port);
}

/* The destination allowed parts reach, if they all reach one; else NULL. */
static char *common_reaches(const struct fw_verdict *v, const struct fw_query *q)
{
	char *first = NULL;

	for (size_t i = 0; i < v->n; i++) {
		char *s;

		if (v->parts[i].outcome != FW_ALLOWED || !(s = part_reaches(&v->parts[i], q)))
			continue;
		if (!first) {
			first = s;
		} else {
			bool same = !strcmp(first, s);

			free(s);
			if (!same) {
				free(first);
				return NULL;
			}
		}
	}
	return first;
}

struct label {
	const char *s;
	size_t idx;
};

static int cmp_idx(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* The deciding rules, each once, in the order the parts first name them. */
static void collect_rules(struct fw_verdict *v, struct strlist *rules)
{
	struct label *all = xcalloc(2 * v->n + 1, sizeof(*all));
	bool *keep = xcalloc(2 * v->n + 1, sizeof(*keep));
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++) {
		if (v->parts[i].nat_rule)
			all[n].s = v->parts[i].nat_rule, all[n].idx = n, n++;
		if (fw_part_rule(v, &v->parts[i]))
			all[n].s = fw_part_rule(v, &v->parts[i]), all[n].idx = n, n++;
	}
	qsort(all, n, sizeof(*all), cmp_label);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(all[i - 1].s, all[i].s))
			keep[all[i].idx] = true;   /* the first of a run of equal labels */
	qsort(all, n, sizeof(*all), cmp_idx);
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			sl_push(rules, all[i].s);
	free(keep);
	free(all);
}

/* "192.0.2.25 (after pf outbound #1: ...)", "unknown: why (rule)", ... for egress answers. */
static char *identity_text(const struct fw_model *m, const struct fw_query *q)
{
	struct fw_identity id;
	char ip[64], *s;

	fw_outbound_identity(m, q, &id);
	fw_ip_format(id.addr, id.fam ? id.fam : q->fam, ip, sizeof(ip));
	switch (id.kind) {
	case FW_ID_SNAT:
		s = xasprintf("%s (after %s)", ip, id.rule ? id.rule : "source NAT");
		break;
	case FW_ID_NONE:
		s = xasprintf("%s (no source NAT%s%s)", ip, id.rule ? ": " : "", id.rule ? id.rule : "");
		break;
	case FW_ID_MASQUERADE:
		s = xasprintf("the address of %s, not in the export (%s)", q->out_iface ? q->out_iface : "the outside interface",
			      id.rule ? id.rule : "masquerade");
		break;
	default:
		s = xasprintf("unknown: %s (%s)", id.why ? id.why : "?", id.rule ? id.rule : "?");
	}
	fw_identity_release(&id);
	return s;
}

/* One block at a time: an allowed set left by a big blocklist is a million CIDRs. */
static json_t *cidr_array(const struct fw_addrset *s, int fam)
{
	struct fw_cidr_iter it;
	char buf[FW_CIDR_MAX];
	json_t *a = jarr();

	fw_cidr_iter_init(&it, s, fam);
	while (fw_cidr_next(&it, buf, sizeof(buf)))
		jpush_str(a, buf);
	return a;
}

static int print_json(struct fw_verdict *v, const struct fw_query *q, const struct reach_opts *opts)
{
	json_t *root = jroot(), *parts = jarr(), *rules = jarr();
	const char *side = q->egress ? "to" : "from";
	struct strlist rl = STRLIST_INIT;
	char *reaches = common_reaches(v, q), key[32];
	int r;

	jset_str(root, "verdict", fw_verdict_name(v->verdict));
	jset(root, "reaches", jstr(reaches));
	snprintf(key, sizeof(key), "allowed_%s", side);
	jset(root, key, cidr_array(&v->allowed, q->fam));
	snprintf(key, sizeof(key), "blocked_%s", side);
	jset(root, key, cidr_array(&v->blocked, q->fam));
	snprintf(key, sizeof(key), "unknown_%s", side);
	jset(root, key, cidr_array(&v->unknown, q->fam));
	collect_rules(v, &rl);
	for (size_t i = 0; i < rl.n; i++)
		jpush_str(rules, rl.v[i]);
	jset(root, "rules", rules);
	for (size_t i = 0; i < v->n; i++) {
		struct fw_part *p = &v->parts[i];
		json_t *o = jobj();
		char *to = p->outcome == FW_ALLOWED || p->nat ? part_reaches(p, q) : NULL;

		jset_str(o, "outcome", fw_outcome_name(p->outcome));
		jset_str(o, "stage", fw_stage_name(p->stage));
		jset(o, side, cidr_array(&p->peers, q->fam));
		jset(o, "reaches", jstr(to));
		jset(o, "rule", jstr(fw_part_rule(v, p)));
		jset(o, "dnat", jstr(p->nat_rule));
		if (q->egress) {
			char *src = part_source(p, q);
			jset(o, "source", jstr(p->src_known ? src : NULL));
			jset(o, "snat", jstr(p->snat_rule));
			free(src);
		}
		if (p->why)
			jset_str(o, "why", p->why);
		jpush(parts, o);
		free(to);
	}
	jset(root, "parts", parts);
	if (q->egress && !q->host_local) {
		char *id = identity_text(opts->model, q);

		jset_str(root, "leaves_as", id);
		free(id);
	}
	if (opts->in_assumed || opts->out_assumed) {
		json_t *ifs = jobj();

		jset(ifs, "in", jstr(opts->in));
		jset(ifs, "out", jstr(opts->out));
		jset_bool(ifs, "in_from_export", opts->in_assumed);
		jset_bool(ifs, "out_from_export", opts->out_assumed);
		jset(root, "interfaces", ifs);
	}
	r = jprint(stdout, root);
	jfree(root);
	sl_release(&rl);
	free(reaches);
	return r;
}

/* Text answers name at most this many networks a line and list this many parts. */
#define TEXT_CIDRS 8
#define TEXT_PARTS 20

/* s's networks, the first TEXT_CIDRS of them and how many more. */
static char *cidrs_text(const struct fw_addrset *s, int fam)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = fw_as_join_some(s, fam, ",", TEXT_CIDRS, &sb);

	if (n > TEXT_CIDRS)
		sb_addf(&sb, " and %zu more networks", n - TEXT_CIDRS);
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

/*
 * Peers for people: "198.51.100.0/28", or "every address but 198.51.100.0/28"
 * when saying what is missing is shorter than listing what is there.
 */
static char *peers_text(const struct fw_addrset *s, const struct fw_query *q)
{
	const struct fw_addrset *asked = q->egress ? q->dests : q->from;
	struct fw_addrset all = FW_ADDRSET_INIT, rest = FW_ADDRSET_INIT;
	char *text;

	fw_as_set_universe(&all, q->fam);
	if (asked)
		fw_as_restrict(&all, asked);
	fw_as_subtract(&rest, &all, s);
	if (fw_as_empty(&rest))
		text = xstrdup(asked ? "every address asked about" : "every address");
	else if (rest.n < s->n || (rest.n == s->n && rest.n > 1)) {
		char *but = cidrs_text(&rest, q->fam);
		text = xasprintf("every address%s but %s", asked ? " asked about" : "", but);
		free(but);
	} else {
		text = cidrs_text(s, q->fam);
	}
	fw_as_release(&all);
	fw_as_release(&rest);
	return text;
}

static void print_part(struct fw_verdict *v, struct fw_part *p, const struct fw_query *q)
{
	char *peers = peers_text(&p->peers, q), *to = part_reaches(p, q), *src;

	printf("  %s %s %s", fw_outcome_name(p->outcome), q->egress ? "to" : "from", peers);
	if (p->outcome == FW_ALLOWED && to)
		printf(", reaches %s", to);
	else if (p->outcome != FW_ALLOWED)
		printf(" (%s)", fw_stage_name(p->stage));
	putchar('\n');
	if (p->nat_rule)
		printf("    nat:  %s\n", p->nat_rule);
	if ((src = part_source(p, q)))
		printf("    leaves as %s%s%s\n", src, p->snat_rule ? ": " : " (no source NAT)",
		       p->snat_rule ? p->snat_rule : "");
	free(src);
	if (fw_part_rule(v, p))
		printf("    rule: %s\n", fw_part_rule(v, p));
	if (p->why)
		printf("    why:  %s\n", p->why);
	free(peers);
	free(to);
}

/*
 * The verdict, then its parts: every allowed part, and the first
 * TEXT_PARTS others; a blocklist of 100,000 rules is a count, not a
 * screenful per rule (--json lists every part).
 */
static void print_text(struct fw_verdict *v, const struct fw_query *q, const char *to_arg,
		       const char *host, const struct reach_opts *o)
{
	size_t shown = 0, more[3] = { 0 };

	if (q->egress)
		printf("%s/%u from %s: %s\n", q->proto == 6 ? "tcp" : "udp", q->port, host,
		       fw_verdict_name(v->verdict));
	else
		printf("%s: %s\n", to_arg, fw_verdict_name(v->verdict));
	if (o->in_assumed || o->out_assumed)
		printf("  interfaces: in %s, out %s (%s from the export's configuration; --in/--out override)\n",
		       o->in ? o->in : "unknown", o->out ? o->out : "unknown",
		       o->in_assumed && o->out_assumed ? "both" : o->in_assumed ? "in" : "out");
	if (q->egress && !q->host_local) {
		char *id = identity_text(o->model, q);

		printf("  leaves as: %s\n", id);
		free(id);
	}
	for (size_t i = 0; i < v->n; i++) {
		struct fw_part *p = &v->parts[i];

		if (p->outcome != FW_ALLOWED && shown >= TEXT_PARTS) {
			more[p->outcome]++;
			continue;
		}
		shown += p->outcome != FW_ALLOWED;
		print_part(v, p, q);
	}
	if (more[FW_BLOCKED] || more[FW_UNKNOWN])
		printf("  ... and %zu more blocked and %zu more unknown parts; --json lists them all\n",
		       more[FW_BLOCKED], more[FW_UNKNOWN]);
}

static void opts_release(struct reach_opts *o)
{
	fw_as_release(&o->from);
	fw_as_release(&o->local);
	fw_as_release(&o->dests);
	fw_as_release(&o->public);
	if (o->have_cfg)
		config_release(&o->cfg);
}

int cmd_reach(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const int codes[] = {
		[FW_VERDICT_ALLOWED] = EXIT_OK, [FW_VERDICT_PARTIAL] = EXIT_WARNING,
		[FW_VERDICT_BLOCKED] = EXIT_CRITICAL, [FW_VERDICT_UNKNOWN] = EXIT_UNKNOWN,
	};
	struct reach_opts o = { 0 };
	struct fw_query q = { 0 };
	struct fw_model m = FW_MODEL_INIT;
	struct fw_verdict v = FW_VERDICT_INIT;
	int r = -1;

	/*
	 * One question over an export of up to 100,000 rules, then exit:
	 * the model and the answer's sets are large blocks allocated and
	 * freed in turn. glibc would hand freed ones back to the kernel
	 * (and adjust its thresholds as it goes), and getting memory back
	 * costs a page fault per 4 KiB; keep it for the next block instead.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	o.format = ctx->fw_format;   /* the older spelling: --format iptables|nft-json */
	if (parse_args(argc, argv, &o, &q) || from_config(&o, ctx) || load_model(&o, &m))
		goto out;
	q.from = o.have_from ? &o.from : NULL;
	q.dests = o.have_dests ? &o.dests : NULL;
	q.local = &o.local;
	q.in_iface = o.in;
	q.out_iface = o.out;
	q.to_local = !o.routed;
	q.egress = o.host_arg != NULL;
	q.host_local = o.host_local;
	q.public = o.have_public ? &o.public : NULL;
	fw_reach(&m, &q, &v);
	o.model = &m;
	if (o.json || ctx->format == FMT_JSON) {
		if (print_json(&v, &q, &o))
			goto out;
	} else {
		print_text(&v, &q, o.to_arg, o.host_arg, &o);
	}
	r = codes[v.verdict];
out:
	fw_verdict_release(&v);
	fw_model_release(&m);
	opts_release(&o);
	return r;
}
