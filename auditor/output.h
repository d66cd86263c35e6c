/*
 * output.h - what every layer may know of the command line: the exit
 * codes and the output formats. (The options themselves, struct cmd_ctx,
 * stay in cmd.h, which only the commands include.)
 */
#ifndef MXAUDIT_OUTPUT_H
#define MXAUDIT_OUTPUT_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_WARNING = 1,
	EXIT_CRITICAL = 2,
	EXIT_UNKNOWN = 3,
};

enum out_format {
	FMT_TEXT,
	FMT_JSON,
	FMT_MARKDOWN,
	FMT_NAGIOS,     /* one status line with perfdata (diff, drift, check) */
	FMT_PROMETHEUS, /* node-exporter textfile collector (check, drift) */
};

#endif
