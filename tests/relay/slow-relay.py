#!/usr/bin/env python3
"""slow-relay.py LISTEN_ADDR PORT UPSTREAM_ADDR UPSTREAM_PORT DELAY_MS STATSFILE

A UDP DNS relay for tests: forwards each query to an upstream server and
sends its reply back after DELAY_MS, so queries overlap and the number a
client keeps in flight at this address is visible. STATSFILE holds
"queries N", "max_inflight N" and "max_per_second N" (the most queries
that arrived within any one second), rewritten whenever they change.
"""
import asyncio
import socket
import sys

listen, port, up, up_port, delay, stats = sys.argv[1], int(sys.argv[2]), \
    sys.argv[3], int(sys.argv[4]), int(sys.argv[5]) / 1000.0, sys.argv[6]
state = {"queries": 0, "inflight": 0, "max_inflight": 0, "max_per_second": 0}
arrivals = []   # arrival times of the queries of the last second


def save():
    with open(stats + ".tmp", "w") as f:
        f.write("queries %d\nmax_inflight %d\nmax_per_second %d\n" %
                (state["queries"], state["max_inflight"], state["max_per_second"]))
    import os
    os.replace(stats + ".tmp", stats)


class Relay(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.get_running_loop().create_task(self.relay(data, addr))

    async def relay(self, data, addr):
        loop = asyncio.get_running_loop()
        state["queries"] += 1
        now = loop.time()
        arrivals.append(now)
        while arrivals[0] <= now - 1.0:
            arrivals.pop(0)
        state["max_per_second"] = max(state["max_per_second"], len(arrivals))
        state["inflight"] += 1
        state["max_inflight"] = max(state["max_inflight"], state["inflight"])
        save()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            await loop.sock_connect(s, (up, up_port))
            await loop.sock_sendall(s, data)
            reply = await asyncio.wait_for(loop.sock_recv(s, 65535), 2)
            await asyncio.sleep(delay)
            self.transport.sendto(reply, addr)
        except (asyncio.TimeoutError, OSError):
            pass
        finally:
            s.close()
            state["inflight"] -= 1
            save()


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Relay, local_addr=(listen, port))
    save()
    await asyncio.Event().wait()

asyncio.run(main())
