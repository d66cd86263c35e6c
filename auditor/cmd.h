/*
 * cmd.h - the command table's contract.
 *
 * A command is a file cmd_<name>.c with one entry point and a row in
 * main.c's table. It returns an exit code (0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN) or a negative value after printing an error, which main
 * turns into 3.
 */
#ifndef MXAUDIT_CMD_H
#define MXAUDIT_CMD_H

#include "version.h"

#include <stdbool.h>

#include "util.h"

#include "output.h"

/* Global options, accepted before or after the command name. */
struct cmd_ctx {
	const char *store;          /* --store, $MXAUDIT_STORE, ./snapshots */
	const char *config;         /* -c/--config, ./mxaudit.yaml */
	bool config_given;          /* -c was on the command line */
	struct strlist dns_servers; /* --dns-server, repeatable */
	const char *resolver;       /* --resolver: for finding authoritative servers */
	unsigned auth_port;         /* --auth-port: port of authoritative servers */
	unsigned timeout_ms;        /* --timeout, per query */
	enum out_format format;     /* --format */
	bool format_given;
	const char *fw_format;      /* --format iptables|nft-json: an export format (reach) */
	bool color;                 /* stdout is a terminal and NO_COLOR unset */
};

/* The entry point of each command: argv[0] is the command name. */
int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_snapshot(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_diff(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_log(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_show(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_spf(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_reach(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_check(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_drift(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_timeline(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);


struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	const char *usage;
	const char *summary;
	const char *options;        /* help lines of its own options */
	const char *manual;         /* the file of the repository that documents it */
};

/* commands.c */
extern const char global_help[];
void print_help(FILE *out);
void print_short_usage(FILE *out);
void print_command_help(FILE *out, const struct command *c);
const struct command *find_command(const char *name);

/*
 * usage.c: the usage line of the command that runs, set by main() before
 * it calls the command, so the commands never call back into the table
 * that calls them. usage_error prints "mxaudit: <message>" and that line
 * (or where to read it); returns -1.
 */
void usage_set(const char *usage);
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
