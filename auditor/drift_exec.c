/*
 * drift_exec.c - the hook `drift --exec CMD` runs after a commit: the
 * report on its standard input, the commit and worst severity in its
 * environment, so a mailer or chat hook needs no parsing.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "drift.h"

static void child(const char *cmd, int in, const char *commit, const char *severity)
{
	dup2(in, STDIN_FILENO);
	close(in);
	setenv("MXAUDIT_COMMIT", commit, 1);
	setenv("MXAUDIT_SEVERITY", severity, 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int drift_exec(const char *cmd, const char *report, const char *commit,
	       const char *severity)
{
	size_t len = strlen(report), off = 0;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);   /* a hook may not read it all */
	int fd[2], status = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd) < 0 || (pid = fork()) < 0) {
		signal(SIGPIPE, old);
		return error("--exec: cannot start '%s': %s", cmd, strerror(errno));
	}
	if (pid == 0) {
		close(fd[1]);
		child(cmd, fd[0], commit, severity);
	}
	close(fd[0]);
	while (off < len) {
		ssize_t n = write(fd[1], report + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
