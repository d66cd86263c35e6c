#!/usr/bin/python3
"""spfdns.py - a tiny authoritative DNS server for the RFC 7208 test suite.

  spfdns.py SUITE.yml --list
      print one line per test, tab-separated:
      DOC-INDEX NAME HELO HOST MAILFROM RESULTS EXPLANATION
      (results comma-separated; explanation empty if the test gives none)
  spfdns.py SUITE.yml --serve PORT [--pidfile FILE]
      serve document i's zonedata on 127.0.0.1:(PORT + i), over UDP

Zone semantics follow the suite driver (pyspf's testspf.py):
  - a name not in zonedata is NXDOMAIN; a name without the type is NODATA;
  - TIMEOUT makes queries for types not listed before it go unanswered,
    and stops the answer for types that were;
  - SPF entries also serve as TXT unless the name has a TXT entry
    ("TXT: NONE" suppresses TXT altogether), appended after the others;
  - a CNAME is answered with the chain, as an authoritative server would.
Only Debian's python3 and python3-yaml are needed.
"""
import os
import select
import socket
import struct
import sys

import yaml

TYPES = {1: 'A', 2: 'NS', 5: 'CNAME', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 99: 'SPF'}
CODES = {v: k for k, v in TYPES.items()}
TIMEOUT = object()


def raw(s):
    """Suite strings to bytes: \\xNN escapes are meant as raw bytes."""
    s = str(s)
    try:
        return s.encode('latin-1')
    except UnicodeEncodeError:
        return s.encode('utf-8')


def load_zone(zonedata):
    zone = {}
    for name, entries in (zonedata or {}).items():
        recs, gen, has_txt = [], [], False
        for e in entries or []:
            if e == 'TIMEOUT':
                recs.append(TIMEOUT)
                continue
            for t, v in e.items():
                if t == 'TXT':
                    has_txt = True
                if v == 'NONE':
                    continue
                if t in ('TXT', 'SPF') and not isinstance(v, list):
                    v = [v]
                recs.append((t, v))
                if t == 'SPF':
                    gen.append(('TXT', v))
        if not has_txt:
            recs.extend(gen)
        zone[str(name).lower().rstrip('.')] = recs
    return zone


def enc_name(name):
    out = b''
    for label in str(name).rstrip('.').split('.'):
        if label:
            b = raw(label)[:63]
            out += bytes([len(b)]) + b
    return out + b'\0'


def rdata(t, v):
    if t == 'A':
        return socket.inet_pton(socket.AF_INET, str(v))
    if t == 'AAAA':
        return socket.inet_pton(socket.AF_INET6, str(v))
    if t == 'MX':
        return struct.pack('!H', int(v[0])) + enc_name(v[1])
    if t in ('PTR', 'CNAME', 'NS'):
        return enc_name(v)
    out = b''
    for s in v:                      # TXT, SPF: character-strings
        b = raw(s)
        while True:
            out += bytes([min(len(b), 255)]) + b[:255]
            b = b[255:]
            if not b:
                break
    return out


def answer(zone, name, qtype, depth=0):
    """Returns (rcode, [(owner, type, value)]) or None for no answer."""
    key = name.lower().rstrip('.')
    if key not in zone:
        return (3, [])
    seen, found, cname = False, [], None
    for r in zone[key]:
        if r is TIMEOUT:
            if not seen:
                return None
            break
        t, v = r
        if t == qtype:
            seen = True
            if v == 'TIMEOUT':
                return None
            found.append((key, t, v))
        elif t == 'CNAME':
            cname = v
    if not found and cname and qtype != 'CNAME' and depth < 8:
        sub = answer(zone, str(cname), qtype, depth + 1)
        if sub is None:
            return None
        return (sub[0], [(key, 'CNAME', cname)] + sub[1])
    return (0, found)


def parse_query(pkt):
    if len(pkt) < 12:
        return None
    qid, flags, qd = struct.unpack('!HHH', pkt[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i, labels = 12, []
    while i < len(pkt) and pkt[i]:
        n = pkt[i]
        if n > 63 or i + 1 + n > len(pkt):
            return None
        labels.append(pkt[i + 1:i + 1 + n].decode('latin-1'))
        i += 1 + n
    if i + 5 > len(pkt):
        return None
    qtype, qclass = struct.unpack('!HH', pkt[i + 1:i + 5])
    return qid, flags, '.'.join(labels), qtype, pkt[12:i + 5]


def respond(zone, pkt):
    q = parse_query(pkt)
    if not q:
        return None
    qid, flags, name, qtype, question = q
    res = answer(zone, name, TYPES.get(qtype, 'TYPE%d' % qtype))
    if res is None:
        return None                 # TIMEOUT: stay silent
    rcode, rrs = res
    body = b''
    for owner, t, v in rrs:
        rd = rdata(t, v)
        body += enc_name(owner) + struct.pack('!HHIH', CODES[t], 1, 300, len(rd)) + rd
    rflags = 0x8400 | (flags & 0x0100) | rcode
    return struct.pack('!HHHHHH', qid, rflags, 1, len(rrs), 0, 0) + question + body


def serve(docs, port, pidfile):
    socks = {}
    for i, d in enumerate(docs):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('127.0.0.1', port + i))
        socks[s] = load_zone(d.get('zonedata'))
    if pidfile:
        with open(pidfile, 'w') as f:
            f.write('%d\n' % os.getpid())
    while True:
        ready, _, _ = select.select(list(socks), [], [])
        for s in ready:
            pkt, peer = s.recvfrom(4096)
            try:
                out = respond(socks[s], pkt)
            except Exception as e:      # bad suite data must not kill the server
                print('spfdns: %s' % e, file=sys.stderr)
                out = None
            if out:
                s.sendto(out, peer)


def main():
    with open(sys.argv[1], 'rb') as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if sys.argv[2] == '--list':
        for i, d in enumerate(docs):
            for name, t in d['tests'].items():
                res = t['result'] if isinstance(t['result'], list) else [t['result']]
                print('\t'.join([str(i), name, str(t.get('helo', '')), str(t['host']),
                                 str(t.get('mailfrom', '')), ','.join(res),
                                 str(t.get('explanation', ''))]))
    elif sys.argv[2] == '--serve':
        pidfile = None
        if '--pidfile' in sys.argv:
            pidfile = sys.argv[sys.argv.index('--pidfile') + 1]
        serve(docs, int(sys.argv[3]), pidfile)


if __name__ == '__main__':
    main()
