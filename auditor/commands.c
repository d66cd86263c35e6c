/*
 * commands.c - the command table: every command, its usage, its summary
 * and the help of its own options. A new command is a file cmd_<name>.c
 * and one row here; its options are documented in the row and in
 * docs/mxaudit.1, and t10-help checks that the two name the same options.
 */
#include <ctype.h>
#include <string.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"

/* Option help lines: "  OPTION" padded to column 25, then the meaning. */
#define FORMAT_ALL "  --format FMT           text (default), json, markdown or nagios\n"
#define FORMAT_PROM "  --format FMT           text (default), json, markdown, nagios or\n" \
	"                         prometheus (node-exporter textfile collector)\n"

static const struct command commands[] = {
	{ "init", cmd_init, "init [--store DIR]",
	  "create the snapshot store (a git repository)",
	  "  --store DIR            where to create it (default $MXAUDIT_STORE, else\n"
	  "                         ./snapshots); a global option\n",
	  "docs/history.md" },
	{ "snapshot", cmd_snapshot, "snapshot [--tag NAME] [-m MSG]",
	  "collect every configured domain and commit what changed",
	  "  -t, --tag NAME         tag the new snapshot (or the current one when\n"
	  "                         nothing changed), e.g. a change ticket CHG-42-pre\n"
	  "  -m, --message MSG      add MSG to the commit message body\n"
	  "  --format FMT           text (default) or json\n",
	  "README.md" },
	{ "drift", cmd_drift, "drift [--notify WHEN] [--exec CMD] [--push REMOTE [--push-branch NAME]]",
	  "for cron: collect, commit only a change, exit with what is open now",
	  "  --notify WHEN          when text output speaks and --exec runs: changed\n"
	  "                         (default, after a commit), state (every run, the\n"
	  "                         open findings) or both\n"
	  "  --exec CMD             run CMD through /bin/sh when a snapshot was\n"
	  "                         committed; MXAUDIT_* variables describe it\n"
	  "  --push REMOTE          push the store's branch and tags to REMOTE\n"
	  "                         after a commit\n"
	  "  --push-branch NAME     the remote branch to push to (default: the\n"
	  "                         store's own branch name)\n"
	  FORMAT_PROM,
	  "docs/impact.md" },
	{ "diff", cmd_diff, "diff [A [B]]",
	  "what changed between two snapshots and what it does to mail flow",
	  "  A, B                   snapshots: ids, tags, HEAD~N; B defaults to HEAD,\n"
	  "                         A to B's parent\n"
	  FORMAT_ALL,
	  "docs/history.md" },
	{ "log", cmd_log, "log [--since WHEN] [--until WHEN] [--record TYPE] [DOMAIN]",
	  "snapshots that changed something, newest first",
	  "  --since WHEN           only snapshots taken at or after WHEN\n"
	  "  --until WHEN           only snapshots taken at or before WHEN\n"
	  "  --record TYPE          the history of one record type (MX, TXT, A, ...):\n"
	  "                         old -> new per owner and what each change did\n"
	  "  --format FMT           text (default) or json\n"
	  "  WHEN: 2026-12-04 14:50:17 +0000, 2026-12-04T14:50, yesterday 14:00,\n"
	  "  3 hours ago, @EPOCH\n",
	  "docs/history.md" },
	{ "timeline", cmd_timeline, "timeline [--since WHEN] [--until WHEN] [DOMAIN]",
	  "findings introduced and resolved over time, one line each with the commit",
	  "  --since WHEN           only snapshots taken at or after WHEN\n"
	  "  --until WHEN           only snapshots taken at or before WHEN\n"
	  "  --format FMT           text (default) or json\n",
	  "docs/impact.md" },
	{ "report", cmd_report, "report [A [B] | --since WHEN [--until WHEN]] [DOMAIN...] -o FILE.html",
	  "one self-contained HTML page of a snapshot, a change or a time window",
	  "  -o, --output FILE      the HTML file to write (required); written whole\n"
	  "                         or not at all\n"
	  "  A, B                   snapshots: ids, tags, HEAD~N; one: that snapshot's\n"
	  "                         state (default HEAD); two: the change from A to B\n"
	  "  --since WHEN           the window from the snapshot in force at WHEN\n"
	  "  --until WHEN           to the snapshot in force at WHEN (default HEAD)\n"
	  "  DOMAIN                 show only these domains (default all)\n",
	  "docs/report.md" },
	{ "show", cmd_show, "show [REV] [NAME]",
	  "the content of a snapshot, a domain's records or a firewall's rules",
	  "  REV                    a snapshot: id, tag or HEAD~N (default HEAD)\n"
	  "  NAME                   a domain or a firewall of the snapshot\n"
	  "  --format FMT           text (default) or json\n",
	  "docs/history.md" },
	{ "spf", cmd_spf, "spf DOMAIN --ip IP [--sender ADDR] [--helo NAME] [--at REV|WHEN] | spf --batch [--at REV|WHEN]",
	  "evaluate SPF for a client address, live or from a snapshot",
	  "  --ip IP                the client address, IPv4 or IPv6 (required)\n"
	  "  --sender ADDR          MAIL FROM (default postmaster@ the HELO name)\n"
	  "  --helo NAME            the HELO/EHLO name, for the %{h} macro\n"
	  "  --at REV|WHEN          evaluate a stored snapshot instead of live DNS\n"
	  "  --batch                read 'IP SENDER [HELO]' lines on stdin, print one result a line\n"
	  "  --format FMT           text (default) or json (with the trace)\n",
	  "docs/spf.md" },
	{ "check", cmd_check, "check [REV] [--live] [--at WHEN] [--policy FILE]... [--proposed-zone Z=F]... [--proposed-firewall N=F]...",
	  "what in a snapshot (or the live DNS) breaks mail, checked against policies",
	  "  REV                    the snapshot to check (default HEAD)\n"
	  "  --live                 collect now, check, store nothing\n"
	  "  --at WHEN              the snapshot in force at that time\n"
	  "  --policy FILE          a policy file besides the configuration's;\n"
	  "                         repeatable\n"
	  "  --zone DOMAIN=FILE     check DOMAIN with the records of a zone file\n"
	  "                         instead of the snapshot's; repeatable\n"
	  "  --proposed-zone ZONE=FILE\n"
	  "                         a proposed zone file (a domain's, a vendor's\n"
	  "                         or a reverse zone): report what the change\n"
	  "                         would introduce; names it brings in are looked\n"
	  "                         up (--dns-server); repeatable\n"
	  "  --proposed-firewall NAME=FILE\n"
	  "                         the same for a firewall export; repeatable\n"
	  "  --fail-on LEVEL        warning (default: warnings exit 1) or critical\n"
	  FORMAT_PROM,
	  "docs/check.md" },
	{ "reach", cmd_reach, "reach --firewall FILE|NAME --to IP:PORT[/tcp|udp] [options]",
	  "which sources a firewall export lets reach an address and port",
	  "  --firewall FILE|NAME   the export, or a firewall of the configuration\n"
	  "  --fw-format FMT        the export's format, one of those listed below\n"
	  "                         (default: told from the text)\n"
	  "  --to IP:PORT/PROTO     the address and port asked about; with --from-host,\n"
	  "                         the destinations (CIDR, or empty for all)\n"
	  "  --from CIDR            the sources asked about; repeatable (default all)\n"
	  "  --from-host IP         egress: may this internal host send to --to?\n"
	  "  --in IFACE             the interface the traffic arrives on\n"
	  "  --out IFACE            the interface forwarded traffic leaves by\n"
	  "  --ipset FILE           ipset save output: members of the sets rules name\n"
	  "  --local IP             an address of the firewall itself; repeatable\n"
	  "  --routed               --to is not the firewall's own address (FORWARD)\n"
	  "  --host-local           with --from-host: the host is the firewall itself\n"
	  "  --public-ip IP         with --from-host: a public address of the firewall,\n"
	  "                         the only sources replies come back to; repeatable\n"
	  "  --json                 JSON output (as --format json)\n",
	  "docs/firewall.md" },
};

const char global_help[] =
	"Global options (before or after the command):\n"
	"  --store DIR            snapshot store (default $MXAUDIT_STORE, else ./snapshots)\n"
	"  -c, --config FILE      configuration (default ./mxaudit.yaml)\n"
	"  --dns-server HOST[:PORT]\n"
	"                         send every query to this server instead of the\n"
	"                         domain's authoritative servers; repeat to ask\n"
	"                         several and compare their answers\n"
	"  --resolver HOST[:PORT] recursive resolver used to find authoritative\n"
	"                         servers (default: first nameserver in /etc/resolv.conf)\n"
	"  --auth-port PORT       port of authoritative servers (default 53)\n"
	"  --timeout SEC          per-query timeout (default 3; 3 tries per server)\n"
	"  --format FMT           output format: text, json; markdown and nagios for\n"
	"                         check, diff and drift; prometheus for check and drift\n"
	"  -q, --quiet            only errors\n"
	"  -v, --verbose          more detail; repeat for more\n"
	"  -h, --help             this help; 'mxaudit COMMAND --help' for a command\n"
	"  --version              print the version\n"
	"\n"
	"Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (could not run).\n";

/* What check asks of the configured firewalls, told where reach is explained. */
static const char mail_path_help[] =
	"The mail path (check, with the firewalls of mxaudit.yaml):\n"
	"  role: gateway (default) NAT and FORWARD in front of the mail hosts;\n"
	"  role: host runs on a mail host. Inbound: MX address, the gateway\n"
	"  that owns it, any mail host, that host's firewall (INPUT). Outbound:\n"
	"  the host firewall (OUTPUT), then each gateway, as one path. A break\n"
	"  is one finding naming the firewall and its rule. Outbound identity:\n"
	"  tcp/25 must leave a gateway as one of its public_ips (--public-ip\n"
	"  here), which must pass SPF and have a PTR that resolves back\n"
	"  (outbound.*). Blocklists (fail2ban, crowdsec, -s NET -j DROP, ipsets):\n"
	"  one inbound.blocklist finding per chain or rule, info, or warning past\n"
	"  a policy's firewall.blocklist_share (1%) or over its firewall.must_reach.\n";

static void print_commands(FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

/* The firewall formats, from their table (fw_format.c). */
static void print_fw_formats(FILE *out)
{
	fprintf(out, "Firewall formats (reach --fw-format, mxaudit.yaml format:):\n");
	for (size_t i = 0; fw_format_at(i); i++)
		fprintf(out, "  %-22s %s\n", fw_format_at(i)->name, fw_format_at(i)->what);
	fprintf(out, "\n");
}

void print_help(FILE *out)
{
	fprintf(out, "usage: mxaudit [global options] COMMAND [options]\n\n"
		     "Audit the DNS and firewall changes that break mail.\n\n"
		     "Commands:\n");
	print_commands(out);
	fprintf(out, "\n%s", global_help);
	print_fw_formats(out);
	fprintf(out, "\nSee mxaudit(1) and README.md for the manual.\n");
}

void print_short_usage(FILE *out)
{
	fprintf(out, "usage: mxaudit [global options] COMMAND [options]\n\n");
	print_commands(out);
	fprintf(out, "\n'mxaudit --help' lists the global options, 'mxaudit COMMAND --help'\n"
		     "a command's own; the manual is mxaudit(1).\n");
}

void print_command_help(FILE *out, const struct command *c)
{
	fprintf(out, "usage: mxaudit %s\n\n%c%s.\n\n", c->usage, toupper((unsigned char)c->summary[0]),
		c->summary + 1);
	if (c->options && *c->options)
		fprintf(out, "Options:\n%s\n", c->options);
	if (!strcmp(c->name, "reach")) {
		print_fw_formats(out);
		fprintf(out, "%s\n", mail_path_help);
	}
	fprintf(out, "Global options (--store, -c, --dns-server, --timeout, -q, -v, ...):\n"
		     "see 'mxaudit --help'. Manual: mxaudit(1), %s.\n", c->manual);
}

const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}
