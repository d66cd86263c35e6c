/*
 * resolver.c - many DNS queries in flight from one process.
 *
 * Each submitted lookup is asked of every server in its list; each
 * (lookup, server) pair is a transfer. Transfers wait in a FIFO until a
 * socket slot is free (max_inflight), then go out over UDP with EDNS,
 * move to TCP when the reply is truncated, and are retried on timeout.
 * One poll() loop drives them all, so no lookup waits for another.
 * When every server of a lookup has answered or given up, the answers
 * are compared and the callback runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "resolver.h"

#define DNS_MAX_UDP 65535

enum xstate { X_QUEUED, X_UDP, X_TCP_CONNECT, X_TCP_WRITE, X_TCP_READ, X_DONE };

struct lookup_job;

/* One lookup asked of one server. */
struct xfer {
	struct lookup_job *job;
	size_t si;                 /* index of the server */
	enum xstate st;
	int fd;
	uint16_t id;
	unsigned tries;
	uint64_t deadline;         /* ms, monotonic */
	uint8_t *wire;             /* the query; for TCP prefixed with its length */
	size_t wlen, woff;
	uint8_t *rbuf;             /* TCP reply */
	size_t rlen, rgot;
	/* outcome */
	enum lookup_state state;
	struct rr *rrs;
	size_t nrr;
	struct xfer *next;         /* queue link */
};

struct lookup_job {
	char *name, *type;
	int qtype;
	struct server *const *servers;
	size_t nservers, pending;
	struct xfer *xfers;
	bool finishing;            /* queued for job_finish() */
	resolve_cb cb;
	void *arg;
};

struct resolver {
	struct resolver_opts opts;
	struct xfer *queue_head, *queue_tail;
	struct xfer **active;      /* in flight, up to max_inflight */
	size_t nactive;
	struct pollfd *pfds;
	unsigned long sent;
	uint8_t *udpbuf;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint16_t random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(now_ms() * 2654435761u >> 7);
	return id;
}

int server_parse(const char *spec, unsigned default_port, struct server *out)
{
	char host[256], *colon;
	const char *port = NULL;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM }, *ai;
	char portbuf[8];
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(spec) >= sizeof(host))
		return error("'%s' is not HOST[:PORT]", spec);
	if (spec[0] == '[') {                      /* [v6]:port */
		snprintf(host, sizeof(host), "%s", spec + 1);
		if (!(colon = strchr(host, ']')))
			return error("'%s': missing ']'", spec);
		*colon = '\0';
		if (colon[1] == ':')
			port = spec + (colon - host) + 3;
		else if (colon[1])
			return error("'%s' is not [ADDRESS]:PORT", spec);
	} else {
		snprintf(host, sizeof(host), "%s", spec);
		colon = strchr(host, ':');
		if (colon && !strchr(colon + 1, ':')) {   /* one colon: host:port */
			*colon = '\0';
			port = colon + 1;
		}
	}
	if (!port) {
		snprintf(portbuf, sizeof(portbuf), "%u", default_port);
		port = portbuf;
	}
	if ((rc = getaddrinfo(host, port, &hints, &ai))) {
		hints.ai_flags = 0;   /* a host name: resolve it once, here */
		if ((rc = getaddrinfo(host, port, &hints, &ai)))
			return error("DNS server '%s': %s", spec, gai_strerror(rc));
	}
	memcpy(&out->addr, ai->ai_addr, ai->ai_addrlen);
	out->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	out->name = xstrdup(spec);
	return 0;
}

void server_release(struct server *s)
{
	free(s->name);
	s->name = NULL;
}

struct resolver *resolver_new(const struct resolver_opts *opts)
{
	struct resolver *r = xcalloc(1, sizeof(*r));

	r->opts = *opts;
	if (!r->opts.timeout_ms)
		r->opts.timeout_ms = 3000;
	if (!r->opts.tries)
		r->opts.tries = 3;
	if (!r->opts.max_inflight)
		r->opts.max_inflight = 256;
	r->active = xcalloc(r->opts.max_inflight, sizeof(*r->active));
	r->pfds = xcalloc(r->opts.max_inflight, sizeof(*r->pfds));
	r->udpbuf = xmalloc(DNS_MAX_UDP);
	return r;
}

unsigned long resolver_queries_sent(const struct resolver *r)
{
	return r->sent;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	free(r->active);
	free(r->pfds);
	free(r->udpbuf);
	free(r);
}

static void enqueue(struct resolver *r, struct xfer *x)
{
	x->next = NULL;
	if (r->queue_tail)
		r->queue_tail->next = x;
	else
		r->queue_head = x;
	r->queue_tail = x;
}

void resolver_submit(struct resolver *r, const char *name, const char *type,
		     struct server *const *servers, size_t nservers,
		     resolve_cb cb, void *arg)
{
	struct lookup_job *job = xcalloc(1, sizeof(*job));

	job->name = xstrdup(name);
	job->type = xstrdup(type);
	job->qtype = dns_type_code(type);
	job->servers = servers;
	job->nservers = nservers;
	job->pending = nservers;
	job->cb = cb;
	job->arg = arg;
	job->xfers = xcalloc(nservers ? nservers : 1, sizeof(*job->xfers));
	for (size_t i = 0; i < nservers; i++) {
		struct xfer *x = &job->xfers[i];
		x->job = job;
		x->si = i;
		x->fd = -1;
		x->st = X_QUEUED;
		enqueue(r, x);
	}
	if (!nservers) {   /* nobody to ask: an immediate timeout, never a removal */
		struct lookup_result res = { .state = LK_TIMEOUT, .servers = xstrdup("-") };
		cb(arg, name, type, &res);
		lookup_result_release(&res);
		free(job->xfers);
		free(job->name);
		free(job->type);
		free(job);
	}
}

static void xfer_close(struct xfer *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	free(x->wire);
	free(x->rbuf);
	x->wire = x->rbuf = NULL;
}

static int open_socket(const struct server *s, int type)
{
	int fd = socket(s->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&s->addr, s->addrlen) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send (or resend) the query over UDP. Returns 0, or -1 if it cannot go out. */
static int start_udp(struct resolver *r, struct xfer *x)
{
	const struct lookup_job *job = x->job;

	xfer_close(x);
	x->id = random_id();
	if (dns_build_query(job->name, job->qtype, x->id,
			    r->opts.rd || job->servers[x->si]->recursive, &x->wire, &x->wlen))
		return -1;
	if ((x->fd = open_socket(job->servers[x->si], SOCK_DGRAM)) < 0 ||
	    send(x->fd, x->wire, x->wlen, 0) < 0)
		return -1;
	x->st = X_UDP;
	x->tries++;
	x->deadline = now_ms() + r->opts.timeout_ms;
	r->sent++;
	return 0;
}

/* The reply was truncated: ask again over TCP, length-prefixed. */
static int start_tcp(struct resolver *r, struct xfer *x)
{
	const struct lookup_job *job = x->job;
	uint8_t *q;
	size_t qlen;

	xfer_close(x);
	x->id = random_id();
	if (dns_build_query(job->name, job->qtype, x->id,
			    r->opts.rd || job->servers[x->si]->recursive, &q, &qlen))
		return -1;
	x->wire = xmalloc(qlen + 2);
	x->wire[0] = (uint8_t)(qlen >> 8);
	x->wire[1] = (uint8_t)qlen;
	memcpy(x->wire + 2, q, qlen);
	free(q);
	x->wlen = qlen + 2;
	x->woff = 0;
	x->rlen = x->rgot = 0;
	if ((x->fd = open_socket(job->servers[x->si], SOCK_STREAM)) < 0)
		return -1;
	x->st = X_TCP_CONNECT;
	x->deadline = now_ms() + r->opts.timeout_ms;
	r->sent++;
	return 0;
}

static void xfer_done(struct xfer *x, enum lookup_state st)
{
	xfer_close(x);
	x->st = X_DONE;
	x->state = st;
	x->job->pending--;
}

/* Handle a complete reply; returns true when the transfer is finished. */
static bool take_reply(struct resolver *r, struct xfer *x, const uint8_t *buf, size_t len)
{
	enum lookup_state st;
	bool tc = false;

	if (dns_parse_reply(buf, len, x->id, x->job->name, x->job->qtype, &st,
			    &x->rrs, &x->nrr, &tc))
		return false;   /* not our reply (or garbage): keep waiting */
	if (tc && x->st == X_UDP) {
		rrs_free(x->rrs, x->nrr);
		x->rrs = NULL;
		x->nrr = 0;
		verbose("%s %s: truncated over UDP, retrying over TCP",
			x->job->name, x->job->type);
		if (start_tcp(r, x) == 0)
			return false;
		xfer_done(x, LK_SERVFAIL);
		return true;
	}
	xfer_done(x, st);
	return true;
}

static bool on_udp(struct resolver *r, struct xfer *x)
{
	for (;;) {
		ssize_t n = recv(x->fd, r->udpbuf, DNS_MAX_UDP, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return false;
			/* ICMP unreachable and the like: the server is not there. */
			xfer_done(x, LK_TIMEOUT);
			return true;
		}
		if (take_reply(r, x, r->udpbuf, (size_t)n))
			return true;
		if (x->st != X_UDP)
			return false;   /* moved to TCP */
	}
}

static bool on_tcp(struct resolver *r, struct xfer *x)
{
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (x->st == X_TCP_CONNECT) {
		if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			xfer_done(x, LK_TIMEOUT);
			return true;
		}
		x->st = X_TCP_WRITE;
	}
	if (x->st == X_TCP_WRITE) {
		n = send(x->fd, x->wire + x->woff, x->wlen - x->woff, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			xfer_done(x, LK_TIMEOUT);
			return true;
		}
		if (n > 0 && (x->woff += (size_t)n) == x->wlen)
			x->st = X_TCP_READ;
		return false;
	}
	if (!x->rbuf)
		x->rbuf = xmalloc(DNS_MAX_UDP + 2);
	n = recv(x->fd, x->rbuf + x->rgot, (x->rlen ? x->rlen + 2 : 2) - x->rgot, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
		xfer_done(x, LK_TIMEOUT);   /* closed before a full answer */
		return true;
	}
	x->rgot += (size_t)n;
	if (!x->rlen && x->rgot == 2)
		x->rlen = (size_t)x->rbuf[0] << 8 | x->rbuf[1];
	if (x->rlen && x->rgot == x->rlen + 2) {
		if (!take_reply(r, x, x->rbuf + 2, x->rlen))
			xfer_done(x, LK_SERVFAIL);   /* TCP reply that is not ours */
		return true;
	}
	return false;
}

static void on_timeout(struct resolver *r, struct xfer *x)
{
	if (x->tries < r->opts.tries && start_udp(r, x) == 0)
		return;
	verbose("%s %s: no answer from %s", x->job->name, x->job->type,
		x->job->servers[x->si]->name);
	xfer_done(x, LK_TIMEOUT);
}

static short poll_events(const struct xfer *x)
{
	return x->st == X_TCP_CONNECT || x->st == X_TCP_WRITE ? POLLOUT : POLLIN;
}

/* A comparable digest of one server's answer: the state and sorted records, TTLs aside. */
static char *answer_key(const struct xfer *x)
{
	struct strlist lines = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < x->nrr; i++)
		sl_push_owned(&lines, xasprintf("%s %s %s", x->rrs[i].owner,
						 x->rrs[i].type, x->rrs[i].rdata));
	sl_sort_uniq(&lines);
	sb_adds(&sb, lookup_state_name(x->state));
	for (size_t i = 0; i < lines.n; i++) {
		sb_addc(&sb, '\n');
		sb_adds(&sb, lines.v[i]);
	}
	sl_release(&lines);
	return sb_detach(&sb);
}

/*
 * Fold the servers' answers into one result: the first server (in the
 * order given) that answered decides the records; any other answer
 * that differs is a disagreement, and servers that did not answer are
 * noted. All servers failing gives their failure.
 */
static void aggregate(struct lookup_job *job, struct lookup_result *res)
{
	struct strbuf servers = STRBUF_INIT, detail = STRBUF_INIT;
	struct xfer *primary = NULL;
	char *pkey = NULL;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < job->nservers && !primary; i++)
		if (!LK_IS_TEMPORARY(job->xfers[i].state))
			primary = &job->xfers[i];
	if (primary)
		pkey = answer_key(primary);
	for (size_t i = 0; i < job->nservers; i++) {
		struct xfer *x = &job->xfers[i];
		const char *name = job->servers[i]->name;
		char *key;

		if (LK_IS_TEMPORARY(x->state)) {
			sb_addf(&detail, "%s%s=%s", detail.len ? "," : "", name,
				lookup_state_name(x->state));
			continue;
		}
		sb_addf(&servers, "%s%s", servers.len ? "," : "", name);
		key = answer_key(x);
		if (strcmp(key, pkey)) {
			res->disagree = true;
			sb_addf(&detail, "%s%s=%s/%zu", detail.len ? "," : "", name,
				lookup_state_name(x->state), x->nrr);
		}
		free(key);
	}
	free(pkey);
	if (primary) {
		res->state = primary->state;
		res->rrs = primary->rrs;
		res->nrr = primary->nrr;
		primary->rrs = NULL;
		primary->nrr = 0;
	} else {
		/* All failed: a timeout anywhere is reported as the timeout. */
		res->state = LK_SERVFAIL;
		for (size_t i = 0; i < job->nservers; i++)
			if (job->xfers[i].state == LK_TIMEOUT)
				res->state = LK_TIMEOUT;
	}
	res->servers = servers.len ? sb_detach(&servers) : xstrdup("-");
	res->detail = detail.len && (res->disagree || primary) ? sb_detach(&detail) : NULL;
	sb_release(&servers);
	sb_release(&detail);
}

static void job_finish(struct lookup_job *job)
{
	struct lookup_result res;

	aggregate(job, &res);
	job->cb(job->arg, job->name, job->type, &res);
	lookup_result_release(&res);
	for (size_t i = 0; i < job->nservers; i++)
		rrs_free(job->xfers[i].rrs, job->xfers[i].nrr);
	free(job->xfers);
	free(job->name);
	free(job->type);
	free(job);
}

void lookup_result_release(struct lookup_result *res)
{
	rrs_free(res->rrs, res->nrr);
	free(res->servers);
	free(res->detail);
	memset(res, 0, sizeof(*res));
}

/* Move queued transfers into free slots. */
static void fill_slots(struct resolver *r)
{
	while (r->queue_head && r->nactive < r->opts.max_inflight) {
		struct xfer *x = r->queue_head;

		r->queue_head = x->next;
		if (!r->queue_head)
			r->queue_tail = NULL;
		/* No socket, unroutable: no answer. reap() finishes it. */
		if (start_udp(r, x))
			xfer_done(x, LK_TIMEOUT);
		r->active[r->nactive++] = x;
	}
}

/*
 * Remove finished transfers from the active set and run the callbacks of
 * lookups whose every server is done. Callbacks may submit more work.
 */
static void reap(struct resolver *r)
{
	size_t j = 0;
	struct lookup_job **finished = NULL;
	size_t nfin = 0, alloc = 0;

	for (size_t i = 0; i < r->nactive; i++) {
		struct xfer *x = r->active[i];
		if (x->st != X_DONE) {
			r->active[j++] = x;
			continue;
		}
		if (!x->job->pending && !x->job->finishing) {
			x->job->finishing = true;
			ALLOC_GROW(finished, nfin + 1, alloc);
			finished[nfin++] = x->job;
		}
	}
	r->nactive = j;
	for (size_t i = 0; i < nfin; i++)
		job_finish(finished[i]);
	free(finished);
}

int resolver_run(struct resolver *r)
{
	fill_slots(r);
	reap(r);
	fill_slots(r);
	while (r->nactive) {
		uint64_t now = now_ms(), next = UINT64_MAX;
		int n;

		for (size_t i = 0; i < r->nactive; i++) {
			r->pfds[i].fd = r->active[i]->fd;
			r->pfds[i].events = poll_events(r->active[i]);
			r->pfds[i].revents = 0;
			if (r->active[i]->deadline < next)
				next = r->active[i]->deadline;
		}
		n = poll(r->pfds, r->nactive, next > now ? (int)(next - now) : 0);
		if (n < 0 && errno != EINTR)
			return error("poll: %s", strerror(errno));
		now = now_ms();
		for (size_t i = 0; i < r->nactive; i++) {
			struct xfer *x = r->active[i];
			if (r->pfds[i].revents)
				x->st == X_UDP ? on_udp(r, x) : on_tcp(r, x);
			if (x->st != X_DONE && x->deadline <= now)
				on_timeout(r, x);
		}
		reap(r);
		fill_slots(r);
	}
	return 0;
}

struct one_ctx {
	struct lookup_result *out;
};

static void one_cb(void *arg, const char *name, const char *type, struct lookup_result *res)
{
	struct one_ctx *c = arg;

	*c->out = *res;
	memset(res, 0, sizeof(*res));
}

int resolve_one(const struct server *srv, const struct resolver_opts *opts,
		const char *name, const char *type, struct lookup_result *out)
{
	struct resolver *r;
	struct server *const servers[] = { (struct server *)srv };
	struct one_ctx c = { out };
	int ret;

	memset(out, 0, sizeof(*out));
	if (dns_type_code(type) < 0)
		return error("'%s' is not a DNS record type", type);
	r = resolver_new(opts);
	resolver_submit(r, name, type, servers, 1, one_cb, &c);
	ret = resolver_run(r);
	resolver_free(r);
	return ret;
}
