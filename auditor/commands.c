/*
 * commands.c - the command table: every command, its usage and summary.
 * A new command is a file cmd_<name>.c and one row here.
 */
#include <stdarg.h>
#include <string.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"

static const struct command commands[] = {
	{ "init", cmd_init, "init [--store DIR]",
	  "create the snapshot store (a git repository)" },
	{ "snapshot", cmd_snapshot, "snapshot [--tag NAME] [-m MSG]",
	  "collect every configured domain and commit what changed" },
	{ "diff", cmd_diff, "diff [A [B]] [--format text|json|markdown|nagios]",
	  "what changed between two snapshots and what it does to mail flow" },
	{ "log", cmd_log, "log [--since WHEN] [--until WHEN] [--record TYPE] [DOMAIN]",
	  "snapshots that changed something, newest first" },
	{ "show", cmd_show, "show [REV] [DOMAIN]",
	  "the content of a snapshot" },
	/* Later areas add their rows here. */
	{ "spf", cmd_spf, "spf DOMAIN --ip IP [--sender ADDR] [--helo NAME] [--at REV|WHEN]",
	  "evaluate SPF for a client address, live or from a snapshot" },
	{ "reach", cmd_reach, "reach --firewall FILE --to IP:PORT/tcp|udp [--fw-format FORMAT] [--from CIDR]... [--from-host IP] [--in IFACE] [--out IFACE] [--ipset FILE] [--json]",
	  "which sources a firewall export lets reach an address and port" },
	{ "check", cmd_check, "check [REV] [--live] [--at WHEN] [--policy FILE]... [--zone DOMAIN=FILE]... [--proposed-zone DOMAIN=FILE]... [--proposed-firewall NAME=FILE]... [--format text|json|markdown|nagios] [--fail-on warning|critical]",
	  "what in a snapshot (or the live DNS) breaks mail, checked against policies" },
	{ "drift", cmd_drift, "drift [--exec CMD] [--push REMOTE [--push-branch NAME]] [--format text|json|markdown|nagios]",
	  "for cron: collect, commit only a change, exit with its worst impact" },
	{ "timeline", cmd_timeline, "timeline [--since WHEN] [--until WHEN] [DOMAIN]",
	  "findings introduced and resolved over time, one line each with the commit" },
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
	"  --format text|json     output format (some commands: markdown, nagios;\n"
	"                         reach: a firewall format, listed below)\n"
	"  -q, --quiet            only errors\n"
	"  -v, --verbose          more detail; repeat for more\n"
	"  -h, --help             this help; 'mxaudit COMMAND --help' for a command\n"
	"  --version              print the version\n"
	"\n"
	"Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (could not run).\n";

void print_help(FILE *out)
{
	fprintf(out, "usage: mxaudit [global options] COMMAND [options]\n\n"
		     "Audit the DNS and firewall changes that break mail.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n%s", global_help);
	fprintf(out, "\nFirewall formats (mxaudit.yaml format:, reach --fw-format):\n");
	for (size_t i = 0; fw_format_at(i); i++)
		fprintf(out, "  %-10s %s\n", fw_format_at(i)->name, fw_format_at(i)->what);
}

const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	const struct command *c = find_command(cmd);
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (c)
		fprintf(stderr, "usage: mxaudit %s\n", c->usage);
	return -1;
}

