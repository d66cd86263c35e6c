/*
 * main.c - global options, dispatch to the command table, and the exit code.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "cmd.h"
#include "fw.h"

/* The command table (add a row for a new command) lives in commands.c. */

static int parse_uint(const char *opt, const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max)
		return error("%s: '%s' is not a number from 0 to %u", opt, s, max);
	*out = (unsigned)v;
	return 0;
}

static int set_format(struct cmd_ctx *ctx, const char *s)
{
	if (!strcmp(s, "text"))
		ctx->format = FMT_TEXT;
	else if (!strcmp(s, "json"))
		ctx->format = FMT_JSON;
	else if (!strcmp(s, "markdown"))
		ctx->format = FMT_MARKDOWN;
	else if (!strcmp(s, "nagios"))
		ctx->format = FMT_NAGIOS;
	else if (!strcmp(s, "prometheus"))
		ctx->format = FMT_PROMETHEUS;
	else if (fw_format_find(s)) {
		/* An export format: only reach takes it, under its own name now. */
		warning("--format %s is deprecated; use --fw-format %s", s, s);
		ctx->fw_format = s;
		return 0;
	} else
		return error("--format: '%s' is not text, json, markdown, nagios, prometheus or a firewall format (%s)",
			     s, fw_format_names());
	ctx->format_given = true;
	return 0;
}

/*
 * Take one global option at argv[*i] if it is one. Returns 1 if taken
 * (advancing *i past its value), 0 if not a global option, -1 on error.
 */
static int take_global(int argc, char **argv, int *i, struct cmd_ctx *ctx,
		       bool *want_help, bool *want_version)
{
	static const char *const with_value[] = {
		"--store", "-c", "--config", "--dns-server", "--resolver",
		"--auth-port", "--timeout", "--format",
	};
	const char *arg = argv[*i], *val = NULL, *eq;
	char name[32];
	unsigned secs;

	if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet"))
		return verbosity = -1, 1;
	if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose"))
		return verbosity = verbosity < 0 ? 1 : verbosity + 1, 1;
	if (!strcmp(arg, "-vv"))
		return verbosity = 2, 1;
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
		return *want_help = true, 1;
	if (!strcmp(arg, "--version"))
		return *want_version = true, 1;

	eq = strchr(arg, '=');
	snprintf(name, sizeof(name), "%.*s", eq && arg[1] == '-' ? (int)(eq - arg) : (int)strlen(arg), arg);
	for (size_t k = 0; k < ARRAY_SIZE(with_value); k++) {
		if (strcmp(name, with_value[k]))
			continue;
		if (eq && arg[1] == '-')
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return error("option '%s' needs a value", name);
		break;
	}
	if (!val)
		return 0;
	if (!strcmp(name, "--store"))
		ctx->store = val;
	else if (!strcmp(name, "-c") || !strcmp(name, "--config"))
		ctx->config = val, ctx->config_given = true;
	else if (!strcmp(name, "--dns-server"))
		sl_push(&ctx->dns_servers, val);
	else if (!strcmp(name, "--resolver"))
		ctx->resolver = val;
	else if (!strcmp(name, "--auth-port"))
		return parse_uint("--auth-port", val, 65535, &ctx->auth_port) ? -1 : 1;
	else if (!strcmp(name, "--timeout")) {
		if (parse_uint("--timeout", val, 3600, &secs) || !secs)
			return secs ? -1 : error("--timeout: must be at least 1 second");
		ctx->timeout_ms = secs * 1000;
	} else if (!strcmp(name, "--format"))
		return set_format(ctx, val) ? -1 : 1;
	return 1;
}

static int run(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct command *cmd = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	bool want_help = false, want_version = false, dashdash = false;
	int nrest = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && (r = take_global(argc, argv, &i, ctx, &want_help, &want_version))) {
			if (r < 0)
				goto out;
			continue;
		}
		if (!cmd && !(cmd = find_command(argv[i]))) {
			r = error("'%s' is not a command; see 'mxaudit --help'", argv[i]);
			goto out;
		}
		rest[nrest++] = argv[i];
	}
	if (want_version) {
		printf("mxaudit %s\n", MXAUDIT_VERSION);
		r = 0;
	} else if (want_help && cmd) {
		print_command_help(stdout, cmd);
		r = 0;
	} else if (!cmd && want_help) {
		print_help(stdout);
		r = 0;
	} else if (!cmd) {
		print_short_usage(stderr);
		r = -1;
	} else if (ctx->fw_format && strcmp(cmd->name, "reach")) {
		r = error("--format %s names a firewall export format; only 'reach' reads exports",
			  ctx->fw_format);
	} else if (ctx->format == FMT_PROMETHEUS && strcmp(cmd->name, "check") &&
		   strcmp(cmd->name, "drift")) {
		r = error("--format prometheus is for 'check' and 'drift'");
	} else {
		optind = 1;
		usage_set(cmd->usage);
		r = cmd->fn(nrest, rest, ctx);
	}
out:
	free(rest);
	return r;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	const char *env = getenv("MXAUDIT_STORE");
	int r;

	ctx.store = env && *env ? env : "snapshots";
	ctx.config = "mxaudit.yaml";
	ctx.auth_port = 53;
	ctx.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	r = run(argc, argv, &ctx);
	sl_release(&ctx.dns_servers);
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write output: %s", strerror(errno));
		r = EXIT_UNKNOWN;
	}
	if (r < 0 || r > EXIT_UNKNOWN)
		r = EXIT_UNKNOWN;
	return r;
}
