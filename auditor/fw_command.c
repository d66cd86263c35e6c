/*
 * fw_command.c - running a firewall's export command (`command:`).
 *
 * The command runs under /bin/sh in a process group of its own, its
 * stdout read into memory through a pipe: the export never touches disk
 * before it is masked. It has command_timeout seconds; then the whole
 * group (the shell, ssh, whatever it started) is killed. If mxaudit is
 * told to stop meanwhile, it kills the group first, so no command
 * outlives the run that holds the store's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "fw.h"

#define COMMAND_TIMEOUT_DEFAULT 60

static volatile sig_atomic_t running_group;   /* the command's process group, or 0 */

static void kill_group(void)
{
	if (running_group > 0)
		kill(-(pid_t)running_group, SIGKILL);
}

/* A signal that ends mxaudit ends the command's group first. */
static void on_fatal_signal(int sig)
{
	kill_group();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_signals(bool on, struct sigaction old[3])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		if (on)
			sigaction(sigs[i], &sa, &old[i]);
		else
			sigaction(sigs[i], &old[i], NULL);
	}
}

static void child(const char *command, int out)
{
	int null = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	/* Killed with mxaudit even by SIGKILL (the shell; its group follows on timeout). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Read fd to its end into sb, until the deadline. Returns 0, 1 on timeout, -1 if too large. */
static int read_until(int fd, struct strbuf *sb, const struct timespec *deadline)
{
	char chunk[65536];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = ms_left(deadline);
		ssize_t n;

		if (left <= 0)
			return 1;
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			return -1;
		if (!p.revents)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return 0;
		if (sb->len + (size_t)n > INPUT_MAX_EXPORT)
			return -1;
		sb_add(sb, chunk, (size_t)n);
	}
}

/* Reap pid by the deadline: true if it ended (status set). */
static bool wait_until(pid_t pid, int *status, const struct timespec *deadline)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;
		if (ms_left(deadline) <= 0)
			return false;
		nanosleep(&tick, NULL);
	}
}

int fw_command_run(const char *name, const char *command, unsigned timeout_s,
		   char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	struct sigaction old[3];
	struct timespec deadline;
	int fds[2], status = 0, rr;
	pid_t pid;

	if (!timeout_s)
		timeout_s = COMMAND_TIMEOUT_DEFAULT;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return error("firewall '%s': cannot run its command: %s", name, strerror(errno));
	guard_signals(true, old);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		guard_signals(false, old);
		return error("firewall '%s': cannot run its command: %s", name, strerror(errno));
	}
	if (!pid)
		child(command, fds[1]);
	setpgid(pid, pid);   /* also here: no window where a kill misses the group */
	running_group = pid;
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s;
	rr = read_until(fds[0], &sb, &deadline);
	close(fds[0]);
	if (!rr && !wait_until(pid, &status, &deadline))
		rr = 1;
	kill_group();        /* on timeout; else what the shell left in the background */
	if (rr)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	running_group = 0;
	guard_signals(false, old);
	if (rr > 0) {
		sb_release(&sb);
		return error("firewall '%s': command '%s' did not finish in %u seconds; "
			     "killed it and every process it started", name, command, timeout_s);
	}
	if (rr < 0) {
		sb_release(&sb);
		return error("firewall '%s': command '%s' printed more than %zu MiB; killed it",
			     name, command, INPUT_MAX_EXPORT >> 20);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		sb_release(&sb);
		return error("firewall '%s': command '%s' failed (%s %d)", name, command,
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	if (memchr(sb.buf ? sb.buf : "", '\0', sb.len)) {
		sb_release(&sb);
		return error("firewall '%s': command '%s' printed a NUL byte; expected text",
			     name, command);
	}
	*len = sb.len;
	*out = sb.buf ? sb_detach(&sb) : xstrdup("");
	return 0;
}
