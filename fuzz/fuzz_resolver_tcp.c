/*
 * fuzz_resolver_tcp.c - the resolver's TCP framing and TC handling, over
 * real sockets on 127.0.0.1: every query is answered over UDP with TC
 * set, so the resolver moves to TCP, where the fuzzer's bytes are the
 * whole stream (length prefix included; the reply's id is patched to
 * the query's so parsing goes past it). A reply with TC set over TCP,
 * or cut short, must come out as a temporary failure without records.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"
#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int udp_fd = -1, tcp_fd = -1;
static struct server srv;

struct play {
	const uint8_t *data;
	size_t size;
};

static void setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char spec[32];

	tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(tcp_fd, (struct sockaddr *)&a, sizeof(a)) || listen(tcp_fd, 4) ||
	    getsockname(tcp_fd, (struct sockaddr *)&a, &len))
		abort();
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(udp_fd, (struct sockaddr *)&a, sizeof(a)))
		abort();
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(a.sin_port));
	if (server_parse(spec, 53, &srv))
		abort();
}

/* The server side of one lookup: TC over UDP, then the fuzz bytes over TCP. */
static void *serve(void *arg)
{
	const struct play *p = arg;
	uint8_t q[512], hdr[2];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(udp_fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
	int c;

	if (n < 12)
		return NULL;
	q[2] |= 0x82;   /* QR, TC */
	sendto(udp_fd, q, (size_t)n, 0, (struct sockaddr *)&from, flen);
	if ((c = accept(tcp_fd, NULL, NULL)) < 0)
		return NULL;
	if (recv(c, hdr, 2, MSG_WAITALL) == 2) {
		uint8_t *w = xmalloc(p->size + 1);
		size_t qlen = (size_t)hdr[0] << 8 | hdr[1];
		uint8_t *tq = xmalloc(qlen ? qlen : 1);
		if (recv(c, tq, qlen, MSG_WAITALL) == (ssize_t)qlen && qlen >= 2) {
			memcpy(w, p->data, p->size);
			if (p->size >= 4)
				memcpy(w + 2, tq, 2);   /* the TCP query's id */
			send(c, w, p->size, MSG_NOSIGNAL);
		}
		free(tq);
		free(w);
	}
	close(c);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolver_opts o = { .timeout_ms = 100, .tries = 1 };
	struct play p = { data, size };
	struct lookup_result res;
	pthread_t t;

	if (udp_fd < 0)
		setup();
	pthread_create(&t, NULL, serve, &p);
	if (resolve_one(&srv, &o, "example.com.", "TXT", &res) == 0) {
		/* TC set on the TCP reply: never an answer. */
		if (size >= 6 && (data[4] & 0x02) && res.nrr)
			abort();
		lookup_result_release(&res);
	}
	pthread_join(t, NULL);
	return 0;
}
