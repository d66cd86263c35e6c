/*
 * resolver.c - many DNS queries in flight from one process.
 *
 * Each submitted lookup is asked of every server in its list; each
 * (lookup, server) pair is a transfer. Transfers wait in a FIFO until the
 * in-flight limit allows them out. UDP goes through one shared socket per
 * address family, replies matched by query id, source address and
 * question; a truncated reply moves that transfer to its own TCP
 * connection. Deadlines sit in a binary heap, so a timeout costs
 * O(log n) however many queries are in flight, and one poll() over a
 * handful of sockets drives everything. When every server of a lookup
 * has answered or given up, the answers are compared and the callback runs.
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

#define DNS_MAX_MSG   65535
#define NIDS          65536
#define UDP_RCVBUF    (8 << 20)
#define BATCH         32   /* datagrams per sendmmsg()/recvmmsg() */
#define QUERY_MAX     512  /* a query: header, name (255 at most), type, class, OPT */
#define ID_POOL       256  /* query ids drawn from the kernel at a time */

enum xstate { X_QUEUED, X_UDP, X_TCP_CONNECT, X_TCP_WRITE, X_TCP_READ, X_DONE };

struct lookup_job;

/* One lookup asked of one server. */
struct xfer {
	struct lookup_job *job;
	size_t si;                 /* index of the server */
	enum xstate st;
	uint16_t id;
	bool id_held;              /* byid[id] is this transfer */
	unsigned tries;
	uint64_t deadline;         /* ms, monotonic */
	uint64_t sent_at;          /* ms, when the current UDP try went out */
	size_t heap_idx;           /* place in the timer heap, or NOT_IN_HEAP */
	int fd;                    /* TCP only */
	uint8_t *wire;             /* TCP query, length-prefixed */
	size_t wlen, woff;
	uint8_t *rbuf;             /* TCP reply */
	size_t rlen, rgot;
	enum lookup_state state;   /* outcome */
	bool lame;                 /* a listed server answered without authority */
	char *referral;            /* ... or referred to a zone below its own: not lame */
	struct rr *rrs;
	size_t nrr;
	struct xfer *next;         /* queue link */
	struct pace *pace;         /* its server's queue and limits */
};

/*
 * Per server: the transfers waiting for it and what it may take now.
 * Servers are served round-robin, each within its own in-flight cap and
 * (optionally) query rate, so one slow or rate-limiting server neither
 * starves the others nor gets flooded.
 */
struct pace {
	const struct server *srv;
	struct xfer *head, *tail;
	size_t inflight;
	double tokens;             /* queries that may go now, when rate-limited */
	uint64_t refilled;         /* ms of the last refill */
	unsigned silent;           /* transfers given up in a row without an answer */
	uint64_t down_until;       /* marked down: not asked before this (ms), or 0 */
	unsigned srtt, rttvar;     /* smoothed round trip and its variation, ms (RFC 6298) */
	bool rtt_known;            /* a reply has been timed */
	unsigned long sent, answered;
};

/*
 * A lost datagram is retried after the server's measured round trip
 * allows (RFC 6298: srtt + 4 rttvar, doubled for each try before), not
 * after the whole timeout. Never below RTO_MIN_MS, RFC 6298's floor (a
 * server's answer time varies with its load and ours: a retry too early
 * is a wasted query), never above the timeout asked for; a server not
 * timed yet gets the whole timeout.
 */
#define RTO_MIN_MS 1000

/*
 * A server that let DOWN_AFTER transfers in a row go unanswered (each
 * after every try) is down: for DOWN_PROBE_MS its transfers end as
 * timeouts without a query, then one goes out as a probe. A dead server
 * then costs one timeout per lookup chain, not one per step.
 */
#define DOWN_AFTER 2
#define DOWN_PROBE_MS 30000

/*
 * One lookup: its transfers, name and type live in the same allocation.
 * The query is built once, on first use, and sent with each transfer's
 * own id.
 */
struct lookup_job {
	char *name, *type;
	int qtype;
	uint8_t *query;            /* dns_build_query()'s, id 0; NULL until needed */
	size_t qlen;
	struct server *const *servers;
	size_t nservers, pending;
	resolve_cb cb;
	void *arg;
	struct xfer xfers[];
};

struct resolver {
	struct resolver_opts opts;
	struct pace **paces;            /* one per server seen, in order of first use */
	size_t npaces, paces_alloc;
	size_t queued;                  /* transfers waiting in the paces */
	uint64_t next_refill;           /* when a rate-limited server may send again, or 0 */
	size_t inflight;
	int udp4, udp6;                 /* shared sockets, opened on first use */
	int conn;                       /* connected to the only server, or -1 */
	bool conn_tried;
	struct xfer **byid;             /* in-flight UDP transfers by query id */
	struct xfer **tcp;              /* transfers on TCP */
	size_t ntcp, tcp_alloc;
	struct xfer **heap;             /* deadlines, earliest first */
	size_t nheap, heap_alloc;
	struct pollfd *pfds;
	size_t pfd_alloc;
	struct lookup_job **finished;   /* jobs whose callbacks are due */
	size_t nfin, fin_alloc;
	unsigned long sent;
	uint16_t ids[ID_POOL];          /* random query ids not handed out yet */
	size_t nids;
	uint8_t *buf;                   /* TCP and single reads */
	/* Queries waiting for one sendmmsg(), all on the socket out_fd. */
	struct mmsghdr out[BATCH];
	struct iovec out_iov[BATCH];
	uint8_t out_wire[BATCH][QUERY_MAX];
	size_t nout;
	int out_fd;
	/* Replies read by one recvmmsg(). */
	struct mmsghdr in[BATCH];
	struct iovec in_iov[BATCH];
	struct sockaddr_storage in_from[BATCH];
	uint8_t *in_buf;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Query ids are what keeps off-path spoofers out, so they come from the
 * kernel's generator; drawn ID_POOL at a time, since a getrandom() call
 * per query was a measurable share of sending one.
 */
static uint16_t random_id(struct resolver *r)
{
	if (!r->nids) {
		ssize_t n = getrandom(r->ids, sizeof(r->ids), 0);
		if (n != (ssize_t)sizeof(r->ids)) {
			r->ids[0] = (uint16_t)(now_ms() * 2654435761u >> 7);
			n = sizeof(r->ids[0]);
		}
		r->nids = (size_t)n / sizeof(r->ids[0]);
	}
	return r->ids[--r->nids];
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
		r->opts.max_inflight = 1000;
	if (!r->opts.server_inflight || r->opts.server_inflight > r->opts.max_inflight)
		r->opts.server_inflight = r->opts.max_inflight;
	if (r->opts.max_inflight > NIDS / 2)
		r->opts.max_inflight = NIDS / 2;   /* leave ids free to pick at random */
	r->udp4 = r->udp6 = r->conn = -1;
	r->byid = xcalloc(NIDS, sizeof(*r->byid));
	r->buf = xmalloc(DNS_MAX_MSG);
	r->in_buf = xmalloc((size_t)BATCH * DNS_MAX_MSG);
	r->out_fd = -1;
	return r;
}

size_t resolver_backlog(const struct resolver *r)
{
	return r->queued + r->inflight;
}

unsigned long resolver_queries_sent(const struct resolver *r)
{
	return r->sent;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	if (r->udp4 >= 0)
		close(r->udp4);
	if (r->udp6 >= 0)
		close(r->udp6);
	if (r->conn >= 0)
		close(r->conn);
	free(r->byid);
	free(r->tcp);
	free(r->heap);
	free(r->pfds);
	free(r->finished);
	for (size_t i = 0; i < r->npaces; i++)
		free(r->paces[i]);
	free(r->paces);
	free(r->buf);
	free(r->in_buf);
	free(r);
}

/* The pace of server srv, made on first use. Few servers: a linear scan is fine. */
static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/*
 * The pace of a server address. Each domain lists its own copies of its
 * authoritative servers; keyed by address, one server shared by many
 * domains is held to its limits once, not once per domain.
 */
static struct pace *pace_of(struct resolver *r, const struct server *srv)
{
	struct pace *p;

	for (size_t i = r->npaces; i-- > 0;)
		if (r->paces[i]->srv == srv || same_addr(&r->paces[i]->srv->addr, &srv->addr))
			return r->paces[i];
	p = xcalloc(1, sizeof(*p));
	p->srv = srv;
	p->tokens = r->opts.server_qps ? r->opts.server_qps / 10.0 + 1 : 0;
	p->refilled = now_ms();
	ALLOC_GROW(r->paces, r->npaces + 1, r->paces_alloc);
	r->paces[r->npaces++] = p;
	return p;
}

static void enqueue(struct resolver *r, struct xfer *x)
{
	struct pace *p = x->pace;

	x->next = NULL;
	if (p->tail)
		p->tail->next = x;
	else
		p->head = x;
	p->tail = x;
	r->queued++;
}

static void job_due(struct resolver *r, struct lookup_job *job)
{
	ALLOC_GROW(r->finished, r->nfin + 1, r->fin_alloc);
	r->finished[r->nfin++] = job;
}

void resolver_submit(struct resolver *r, const char *name, const char *type,
		     struct server *const *servers, size_t nservers,
		     resolve_cb cb, void *arg)
{
	size_t nlen = strlen(name) + 1, tlen = strlen(type) + 1;
	struct lookup_job *job = xcalloc(1, sizeof(*job) + nservers * sizeof(job->xfers[0]) +
					 nlen + tlen);

	job->name = memcpy((char *)&job->xfers[nservers], name, nlen);
	job->type = memcpy(job->name + nlen, type, tlen);
	job->qtype = dns_type_code(type);
	job->servers = servers;
	job->nservers = nservers;
	job->pending = nservers;
	job->cb = cb;
	job->arg = arg;
	for (size_t i = 0; i < nservers; i++) {
		struct xfer *x = &job->xfers[i];
		x->job = job;
		x->si = i;
		x->fd = -1;
		x->st = X_QUEUED;
		x->state = LK_TIMEOUT;
		x->heap_idx = SIZE_MAX;
		x->pace = pace_of(r, servers[i]);
		enqueue(r, x);
	}
	if (!nservers)   /* nobody to ask: a timeout, never a removal */
		job_due(r, job);
}

/*
 * --- timers: a binary min-heap of transfers by deadline ---
 * Each transfer waits on at most one deadline and knows its place in the
 * heap, so a finished transfer leaves it at once (its memory may go).
 */

#define NOT_IN_HEAP SIZE_MAX

static void heap_set(struct resolver *r, size_t i, struct xfer *x)
{
	r->heap[i] = x;
	x->heap_idx = i;
}

static void sift_up(struct resolver *r, size_t i)
{
	struct xfer *x = r->heap[i];

	while (i && r->heap[(i - 1) / 2]->deadline > x->deadline) {
		heap_set(r, i, r->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(r, i, x);
}

static void sift_down(struct resolver *r, size_t i)
{
	struct xfer *x = r->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= r->nheap)
			break;
		if (c + 1 < r->nheap && r->heap[c + 1]->deadline < r->heap[c]->deadline)
			c++;
		if (r->heap[c]->deadline >= x->deadline)
			break;
		heap_set(r, i, r->heap[c]);
		i = c;
	}
	heap_set(r, i, x);
}

static void heap_remove(struct resolver *r, struct xfer *x)
{
	size_t i = x->heap_idx;
	struct xfer *last;

	if (i == NOT_IN_HEAP)
		return;
	x->heap_idx = NOT_IN_HEAP;
	last = r->heap[--r->nheap];
	if (i == r->nheap)
		return;
	heap_set(r, i, last);
	sift_up(r, i);
	sift_down(r, last->heap_idx);
}

static void arm(struct resolver *r, struct xfer *x, uint64_t deadline)
{
	heap_remove(r, x);
	x->deadline = deadline;
	ALLOC_GROW(r->heap, r->nheap + 1, r->heap_alloc);
	r->heap[r->nheap] = x;
	x->heap_idx = r->nheap++;
	sift_up(r, x->heap_idx);
}

/* --- transfers --- */

static void release_id(struct resolver *r, struct xfer *x)
{
	if (x->id_held && r->byid[x->id] == x)
		r->byid[x->id] = NULL;
	x->id_held = false;
}

static void drop_tcp(struct resolver *r, struct xfer *x)
{
	if (x->fd < 0)
		return;
	close(x->fd);
	x->fd = -1;
	for (size_t i = 0; i < r->ntcp; i++) {
		if (r->tcp[i] == x) {
			r->tcp[i] = r->tcp[--r->ntcp];
			break;
		}
	}
	free(x->wire);
	free(x->rbuf);
	x->wire = x->rbuf = NULL;
}

static void xfer_done(struct resolver *r, struct xfer *x, enum lookup_state st)
{
	release_id(r, x);
	drop_tcp(r, x);
	heap_remove(r, x);
	x->st = X_DONE;
	x->state = st;
	r->inflight--;
	x->pace->inflight--;
	if (!--x->job->pending)
		job_due(r, x->job);
}

static int new_udp_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int size = UDP_RCVBUF;

	if (fd < 0)
		return -1;
	/* Many answers arrive at once: a deep receive queue keeps them. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/*
 * The socket to send a query to s on; *connected says it is connected to
 * s (send without an address). While the resolver knows one server only
 * (--dns-server, resolve_one), that is a socket connected to it: the
 * kernel then skips a route lookup and address checks per datagram, a
 * measurable part of sending at scale. Once a second server appears,
 * every query goes out on the shared socket of its family, so batches
 * are not split between sockets; the connected one is still read for
 * the answers it has coming.
 */
static int udp_socket(struct resolver *r, const struct server *s, bool *connected)
{
	int family = s->addr.ss_family;
	int *fd = family == AF_INET6 ? &r->udp6 : &r->udp4;

	*connected = false;
	if (r->npaces == 1 && !r->conn_tried) {
		r->conn_tried = true;
		r->conn = new_udp_socket(family);
		if (r->conn >= 0 && connect(r->conn, (const struct sockaddr *)&s->addr, s->addrlen) < 0) {
			close(r->conn);
			r->conn = -1;
		}
	}
	if (r->npaces == 1 && r->conn >= 0) {
		*connected = true;
		return r->conn;
	}
	if (*fd < 0)
		*fd = new_udp_socket(family);
	return *fd;
}

static bool pick_id(struct resolver *r, struct xfer *x)
{
	uint16_t id = random_id(r);

	for (unsigned i = 0; i < NIDS; i++, id++) {
		if (!r->byid[id]) {
			r->byid[id] = x;
			x->id = id;
			x->id_held = true;
			return true;
		}
	}
	return false;
}

static bool recursive(const struct resolver *r, const struct xfer *x)
{
	return r->opts.rd || x->job->servers[x->si]->recursive;
}

/*
 * Send the queries gathered for one socket with one system call. A
 * datagram the kernel would not take is a lost packet: its timer
 * retries it, as for any loss on the way.
 */
static void flush_sends(struct resolver *r)
{
	size_t done = 0;

	while (done < r->nout) {
		int n = sendmmsg(r->out_fd, r->out + done, (unsigned)(r->nout - done), 0);
		/*
		 * ECONNREFUSED on the connected socket reports an ICMP error
		 * that an earlier query drew, not this datagram; reporting
		 * cleared it, so send again.
		 */
		if (n < 0 && (errno == EINTR || errno == ECONNREFUSED))
			continue;
		/* The datagram at done was refused (no route, no buffer): skip it, send the rest. */
		done += n > 0 ? (size_t)n : 1;
	}
	r->nout = 0;
}

/* The job's query, built on first use. Returns 0, or -1 for a name no query can carry. */
static int job_query(struct lookup_job *job)
{
	if (!job->query &&
	    dns_build_query(job->name, job->qtype, 0, false, &job->query, &job->qlen))
		return -1;
	if (job->qlen > QUERY_MAX) {   /* cannot happen: names are 255 bytes at most */
		free(job->query);
		job->query = NULL;
		return -1;
	}
	return 0;
}

/* Write the job's query with id and RD to w (QUERY_MAX bytes at least); returns its length. */
static size_t query_for(const struct lookup_job *job, uint16_t id, bool rd, uint8_t *w)
{
	memcpy(w, job->query, job->qlen);
	w[0] = (uint8_t)(id >> 8);
	w[1] = (uint8_t)id;
	w[2] = rd ? 0x01 : 0x00;
	return job->qlen;
}

/* Queue x's query for the next sendmmsg() on fd. */
static void queue_send(struct resolver *r, int fd, bool connected, const struct server *s,
		       const struct xfer *x, bool rd)
{
	struct mmsghdr *m;
	uint8_t *wire;
	size_t len;

	if (r->nout && (r->out_fd != fd || r->nout == BATCH))
		flush_sends(r);
	r->out_fd = fd;
	wire = r->out_wire[r->nout];
	len = query_for(x->job, x->id, rd, wire);
	r->out_iov[r->nout] = (struct iovec){ wire, len };
	m = &r->out[r->nout++];
	memset(m, 0, sizeof(*m));
	if (!connected) {
		m->msg_hdr.msg_name = (void *)&s->addr;
		m->msg_hdr.msg_namelen = s->addrlen;
	}
	m->msg_hdr.msg_iov = &r->out_iov[r->nout - 1];
	m->msg_hdr.msg_iovlen = 1;
}

/* How long try number tries + 1 to p's server may take before the next goes out. */
static unsigned try_timeout(const struct resolver *r, const struct pace *p, unsigned tries)
{
	unsigned max = r->opts.timeout_ms, rto;

	if (!p->rtt_known)
		return max;
	rto = p->srtt + 4 * p->rttvar;
	if (rto < RTO_MIN_MS)
		rto = RTO_MIN_MS;
	for (unsigned i = 0; i < tries && rto < max; i++)
		rto *= 2;
	return rto < max ? rto : max;
}

static void rtt_sample(struct pace *p, unsigned ms)
{
	if (!p->rtt_known) {
		p->srtt = ms;
		p->rttvar = ms / 2;
		p->rtt_known = true;
		return;
	}
	p->rttvar = (3 * p->rttvar + (p->srtt > ms ? p->srtt - ms : ms - p->srtt)) / 4;
	p->srtt = (7 * p->srtt + ms) / 8;
}

void resolver_log_servers(const struct resolver *r)
{
	for (size_t i = 0; i < r->npaces; i++) {
		const struct pace *p = r->paces[i];
		if (!p->rtt_known)
			verbose("%s: %lu queries, no answer", p->srv->name, p->sent);
		else
			verbose("%s: %lu queries, %lu answers, round trip %u ms, "
				"a lost query retried after %u ms", p->srv->name, p->sent,
				p->answered, p->srtt, try_timeout(r, p, 0));
	}
}

/* Queue the query (again) over UDP. Returns 0, or -1 if it cannot go out. */
static int start_udp(struct resolver *r, struct xfer *x)
{
	const struct server *s = x->job->servers[x->si];
	bool connected;
	int fd = udp_socket(r, s, &connected);

	/*
	 * A retry keeps the transfer's id: the same question to the same
	 * server, so a late answer to an earlier try is as good as one to
	 * this try, and a retry sent too early costs one query, no wait.
	 */
	if (fd < 0 || job_query(x->job) || (!x->id_held && !pick_id(r, x)))
		return -1;
	queue_send(r, fd, connected, s, x, recursive(r, x));
	x->st = X_UDP;
	x->sent_at = now_ms();
	arm(r, x, x->sent_at + try_timeout(r, x->pace, x->tries));
	x->tries++;
	x->pace->sent++;
	r->sent++;
	return 0;
}

/* The reply was truncated: ask again over TCP, length-prefixed, on its own connection. */
static int start_tcp(struct resolver *r, struct xfer *x)
{
	const struct server *s = x->job->servers[x->si];
	size_t qlen;

	release_id(r, x);
	x->id = random_id(r);
	if (job_query(x->job))
		return -1;
	x->wire = xmalloc(QUERY_MAX + 2);
	qlen = query_for(x->job, x->id, recursive(r, x), x->wire + 2);
	x->wire[0] = (uint8_t)(qlen >> 8);
	x->wire[1] = (uint8_t)qlen;
	x->wlen = qlen + 2;
	x->woff = x->rlen = x->rgot = 0;
	x->fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return -1;
	ALLOC_GROW(r->tcp, r->ntcp + 1, r->tcp_alloc);
	r->tcp[r->ntcp++] = x;
	if (connect(x->fd, (const struct sockaddr *)&s->addr, s->addrlen) < 0 &&
	    errno != EINPROGRESS)
		return -1;
	x->st = X_TCP_CONNECT;
	r->sent++;
	arm(r, x, now_ms() + r->opts.timeout_ms);
	return 0;
}

static bool name_in(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	return !strcmp(zone, ".") || !strcmp(name, zone) ||
	       (n > z && name[n - z - 1] == '.' && !strcasecmp(name + n - z, zone));
}

/* The zone a referral in buf delegates x's name to, if below x's server's zone; else NULL. */
static char *referral_below(const struct xfer *x, const uint8_t *buf, size_t len)
{
	const char *own = x->job->servers[x->si]->zone;
	char *zone;

	if (!own || !(zone = dns_reply_referral(buf, len)))
		return NULL;
	if (strcasecmp(zone, own) && name_in(zone, own) && name_in(x->job->name, zone))
		return zone;
	free(zone);
	return NULL;
}

/* A complete reply for x. Returns false if it was not x's (keep waiting). */
static bool take_reply(struct resolver *r, struct xfer *x, const uint8_t *buf, size_t len)
{
	enum lookup_state st;
	bool tc = false;

	if (dns_parse_reply(buf, len, x->id, x->job->query, x->job->qlen, x->job->name,
			    &st, &x->rrs, &x->nrr, &tc))
		return false;
	x->pace->silent = 0;
	x->pace->down_until = 0;
	x->pace->answered++;
	/* After a retry the reply may answer any try: only a first try's is timed (Karn). */
	if (x->st == X_UDP && x->tries == 1)
		rtt_sample(x->pace, (unsigned)(now_ms() - x->sent_at));
	if (x->job->servers[x->si]->authoritative && !(buf[2] & 0x04) && !tc) {
		/*
		 * A listed server that refers or answers without authority is
		 * lame: an empty referral is not "no such record". Its reply is
		 * not data; the servers that are authoritative decide the name.
		 * A referral to a zone below the server's own (mail. delegated
		 * to other servers) is no lameness: the caller asks that zone.
		 */
		rrs_free(x->rrs, x->nrr);
		x->rrs = NULL;
		x->nrr = 0;
		if (!(x->referral = referral_below(x, buf, len))) {
			verbose("%s %s: %s answered without authority (lame)", x->job->name,
				x->job->type, x->job->servers[x->si]->name);
			x->lame = true;
		} else {
			verbose("%s %s: %s refers to %s", x->job->name, x->job->type,
				x->job->servers[x->si]->name, x->referral);
		}
		xfer_done(r, x, LK_SERVFAIL);
		return true;
	}
	if (tc && x->st == X_UDP) {
		rrs_free(x->rrs, x->nrr);
		x->rrs = NULL;
		x->nrr = 0;
		verbose("%s %s: truncated over UDP, retrying over TCP",
			x->job->name, x->job->type);
		if (start_tcp(r, x))
			xfer_done(r, x, LK_SERVFAIL);
		return true;
	}
	if (tc) {
		/*
		 * Truncated over TCP too: the records that came are a part of
		 * the answer, and a part taken as the whole would be a removal.
		 * No complete answer came, as with a timeout: the last good
		 * records stand.
		 */
		rrs_free(x->rrs, x->nrr);
		x->rrs = NULL;
		x->nrr = 0;
		verbose("%s %s: truncated over TCP, no complete answer", x->job->name, x->job->type);
		xfer_done(r, x, LK_TIMEOUT);
		return true;
	}
	xfer_done(r, x, st);
	return true;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
}

/* One datagram: it goes to the transfer its id names, if it came from that server. */
static void udp_reply(struct resolver *r, const uint8_t *buf, size_t n,
		      const struct sockaddr_storage *from)
{
	struct xfer *x;

	if (n < 2 || !(x = r->byid[(uint16_t)(buf[0] << 8 | buf[1])]) ||
	    x->st != X_UDP || !same_addr(from, &x->job->servers[x->si]->addr))
		return;   /* late, spoofed or stray: ignore */
	take_reply(r, x, buf, n);
}

/* Drain a shared UDP socket, many datagrams per system call. */
static void on_udp(struct resolver *r, int fd)
{
	for (;;) {
		int n;

		for (int i = 0; i < BATCH; i++) {
			r->in_iov[i] = (struct iovec){ r->in_buf + (size_t)i * DNS_MAX_MSG, DNS_MAX_MSG };
			memset(&r->in[i], 0, sizeof(r->in[i]));
			r->in[i].msg_hdr.msg_name = &r->in_from[i];
			r->in[i].msg_hdr.msg_namelen = sizeof(r->in_from[i]);
			r->in[i].msg_hdr.msg_iov = &r->in_iov[i];
			r->in[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, r->in, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;   /* EAGAIN; ICMP errors (ECONNREFUSED) are not mapped: a timeout follows */
		for (int i = 0; i < n; i++)
			udp_reply(r, r->in_iov[i].iov_base, r->in[i].msg_len, &r->in_from[i]);
		if (n < BATCH)
			return;
	}
}

static void on_tcp(struct resolver *r, struct xfer *x)
{
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (x->st == X_TCP_CONNECT) {
		if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			xfer_done(r, x, LK_TIMEOUT);
			return;
		}
		x->st = X_TCP_WRITE;
	}
	if (x->st == X_TCP_WRITE) {
		n = send(x->fd, x->wire + x->woff, x->wlen - x->woff, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			xfer_done(r, x, LK_TIMEOUT);
			return;
		}
		if (n > 0 && (x->woff += (size_t)n) == x->wlen)
			x->st = X_TCP_READ;
		return;
	}
	if (!x->rbuf)
		x->rbuf = xmalloc(DNS_MAX_MSG + 2);
	n = recv(x->fd, x->rbuf + x->rgot, (x->rlen ? x->rlen + 2 : 2) - x->rgot, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		xfer_done(r, x, LK_TIMEOUT);   /* closed before a full answer */
		return;
	}
	x->rgot += (size_t)n;
	if (!x->rlen && x->rgot == 2)
		x->rlen = (size_t)x->rbuf[0] << 8 | x->rbuf[1];
	if (x->rlen && x->rgot == x->rlen + 2 && !take_reply(r, x, x->rbuf + 2, x->rlen))
		xfer_done(r, x, LK_SERVFAIL);   /* a TCP reply that is not ours */
}

static void on_timeout(struct resolver *r, struct xfer *x)
{
	if (x->st == X_UDP && x->tries < r->opts.tries && start_udp(r, x) == 0)
		return;
	verbose("%s %s: no answer from %s", x->job->name, x->job->type,
		x->job->servers[x->si]->name);
	if (++x->pace->silent >= DOWN_AFTER) {
		if (!x->pace->down_until)
			verbose("%s: no answer %u times in a row, marked down",
				x->job->servers[x->si]->name, x->pace->silent);
		x->pace->down_until = now_ms() + DOWN_PROBE_MS;
	}
	xfer_done(r, x, LK_TIMEOUT);
}

static void expire_timers(struct resolver *r)
{
	uint64_t now = now_ms();

	while (r->nheap && r->heap[0]->deadline <= now) {
		struct xfer *x = r->heap[0];
		heap_remove(r, x);
		on_timeout(r, x);
	}
	flush_sends(r);
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
 * How a server that gave no answer ended, for the detail: LAME when a
 * listed server answered without authority (dns.lame), else the state.
 */
static const char *failure_name(const struct xfer *x)
{
	return x->lame ? "LAME" : x->referral ? "REFERRAL" : lookup_state_name(x->state);
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
	if (job->nservers == 1) {   /* the common case: nothing to compare */
		struct xfer *x = &job->xfers[0];
		res->state = x->state;
		res->rrs = x->rrs;
		res->nrr = x->nrr;
		x->rrs = NULL;
		x->nrr = 0;
		res->servers = xstrdup(LK_IS_TEMPORARY(x->state) ? "-" : job->servers[0]->name);
		/* A domain's only listed server failing is named, as with several (dns.lame). */
		if (LK_IS_TEMPORARY(x->state) && job->servers[0]->authoritative)
			res->detail = xasprintf("%s=%s", job->servers[0]->name, failure_name(x));
		res->referral = x->referral;
		x->referral = NULL;
		return;
	}
	if (primary)
		pkey = answer_key(primary);
	for (size_t i = 0; i < job->nservers; i++) {
		struct xfer *x = &job->xfers[i];
		const char *name = job->servers[i]->name;
		char *key;

		if (LK_IS_TEMPORARY(x->state)) {
			sb_addf(&detail, "%s%s=%s", detail.len ? "," : "", name, failure_name(x));
			continue;
		}
		sb_addf(&servers, "%s%s", servers.len ? "," : "", name);
		if (!pkey)
			continue;
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
		for (size_t i = 0; i < job->nservers; i++) {
			if (job->xfers[i].state == LK_TIMEOUT)
				res->state = LK_TIMEOUT;
			if (job->xfers[i].referral && !res->referral) {
				res->referral = job->xfers[i].referral;
				job->xfers[i].referral = NULL;
			}
		}
	}
	res->servers = servers.len ? sb_detach(&servers) : xstrdup("-");
	/* Listed servers that all failed are named too: no NS answering is critical (dns.lame). */
	res->detail = detail.len && (res->disagree || primary || job->servers[0]->authoritative) ?
		      sb_detach(&detail) : NULL;
	sb_release(&servers);
	sb_release(&detail);
}

static void job_finish(struct lookup_job *job)
{
	struct lookup_result res;

	aggregate(job, &res);
	job->cb(job->arg, job->name, job->type, &res);
	lookup_result_release(&res);
	for (size_t i = 0; i < job->nservers; i++) {
		rrs_free(job->xfers[i].rrs, job->xfers[i].nrr);
		free(job->xfers[i].referral);
	}
	free(job->query);
	free(job);
}

void lookup_result_release(struct lookup_result *res)
{
	rrs_free(res->rrs, res->nrr);
	free(res->servers);
	free(res->detail);
	free(res->referral);
	memset(res, 0, sizeof(*res));
}

/* Whether p may be sent another query now; notes when it may, if not. */
static bool pace_ready(struct resolver *r, struct pace *p, uint64_t now)
{
	double rate = r->opts.server_qps, burst = rate / 10.0 + 1;
	uint64_t at;

	if (!p->head || p->inflight >= r->opts.server_inflight ||
	    (p->srv->max_inflight && p->inflight >= p->srv->max_inflight))
		return false;
	if (!rate)
		return true;
	p->tokens += (double)(now - p->refilled) * rate / 1000.0;
	if (p->tokens > burst)
		p->tokens = burst;
	p->refilled = now;
	if (p->tokens >= 1)
		return true;
	at = now + (uint64_t)((1 - p->tokens) * 1000.0 / rate) + 1;
	if (!r->next_refill || at < r->next_refill)
		r->next_refill = at;
	return false;
}

static void start_one(struct resolver *r, struct pace *p)
{
	struct xfer *x = p->head;

	p->head = x->next;
	if (!p->head)
		p->tail = NULL;
	r->queued--;
	r->inflight++;
	p->inflight++;
	if (r->opts.server_qps)
		p->tokens -= 1;
	if (p->down_until && now_ms() < p->down_until) {
		xfer_done(r, x, LK_TIMEOUT);   /* down: not asked, no answer */
		return;
	}
	if (start_udp(r, x))
		xfer_done(r, x, LK_TIMEOUT);   /* no socket, unroutable: no answer */
}

/*
 * Send what the limits allow: one query per ready server per round, so
 * servers take turns, until the total in-flight limit is reached.
 */
static void fill_slots(struct resolver *r)
{
	uint64_t now = now_ms();
	bool sent = true;

	r->next_refill = 0;
	while (sent && r->queued && r->inflight < r->opts.max_inflight) {
		sent = false;
		for (size_t i = 0; i < r->npaces && r->inflight < r->opts.max_inflight; i++) {
			if (pace_ready(r, r->paces[i], now)) {
				start_one(r, r->paces[i]);
				sent = true;
			}
		}
	}
	flush_sends(r);
}

/* Run the callbacks that are due; they may submit more work. */
static void finish_jobs(struct resolver *r)
{
	while (r->nfin) {
		struct lookup_job *job = r->finished[--r->nfin];
		job_finish(job);
	}
}

static int wait_events(struct resolver *r)
{
	size_t n = 0;
	int timeout = -1, k;

	ALLOC_GROW(r->pfds, r->ntcp + 3, r->pfd_alloc);
	if (r->udp4 >= 0)
		r->pfds[n++] = (struct pollfd){ r->udp4, POLLIN, 0 };
	if (r->udp6 >= 0)
		r->pfds[n++] = (struct pollfd){ r->udp6, POLLIN, 0 };
	if (r->conn >= 0)
		r->pfds[n++] = (struct pollfd){ r->conn, POLLIN, 0 };
	for (size_t i = 0; i < r->ntcp; i++) {
		short ev = r->tcp[i]->st == X_TCP_READ ? POLLIN : POLLOUT;
		r->pfds[n++] = (struct pollfd){ r->tcp[i]->fd, ev, 0 };
	}
	if (r->nheap || r->next_refill) {
		uint64_t now = now_ms(), at = r->nheap ? r->heap[0]->deadline : UINT64_MAX;
		if (r->next_refill && r->next_refill < at)
			at = r->next_refill;
		timeout = at > now ? (int)(at - now) : 0;
	}
	if ((k = poll(r->pfds, n, timeout)) < 0 && errno != EINTR)
		return error("poll: %s", strerror(errno));
	if (k <= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!r->pfds[i].revents)
			continue;
		if (r->pfds[i].fd == r->udp4 || r->pfds[i].fd == r->udp6 || r->pfds[i].fd == r->conn) {
			on_udp(r, r->pfds[i].fd);
			continue;
		}
		/* on_tcp may remove entries from r->tcp: find the transfer by fd. */
		for (size_t j = 0; j < r->ntcp; j++) {
			if (r->tcp[j]->fd == r->pfds[i].fd) {
				on_tcp(r, r->tcp[j]);
				break;
			}
		}
	}
	return 0;
}

int resolver_run(struct resolver *r)
{
	for (;;) {
		fill_slots(r);
		finish_jobs(r);
		if (!r->inflight && !r->queued && !r->nfin)
			return 0;
		if (!r->inflight && !r->next_refill)
			continue;
		if (wait_events(r))
			return -1;
		expire_timers(r);
	}
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
