#!/usr/bin/env python3
"""Reads a pcap (Ethernet, IPv4/IPv6, TCP port 179) and prints every BGP message, in capture order,
as 'from=ADDR type=T hex=...' lines. TCP payload is reassembled per direction by sequence number."""
import struct, sys
TYPES = {1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH'}
def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        ts, tus, incl, orig = struct.unpack(endian + 'IIII', data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl]
        off += incl
def main(path):
    streams = {}
    order = []
    for lt, frame in packets(path):
        if lt == 1:
            eth = struct.unpack('!H', frame[12:14])[0]; p = frame[14:]
        elif lt == 113:
            eth = struct.unpack('!H', frame[14:16])[0]; p = frame[16:]
        else:
            raise SystemExit('link type %d' % lt)
        if eth == 0x0800:
            ihl = (p[0] & 15) * 4; total = struct.unpack('!H', p[2:4])[0]
            src = '.'.join(str(b) for b in p[12:16]); dst = '.'.join(str(b) for b in p[16:20])
            if p[9] != 6: continue
            tcp = p[ihl:total]
        elif eth == 0x86dd:
            import ipaddress
            plen = struct.unpack('!H', p[4:6])[0]
            src = str(ipaddress.IPv6Address(p[8:24])); dst = str(ipaddress.IPv6Address(p[24:40]))
            if p[6] != 6: continue
            tcp = p[40:40 + plen]
        else:
            continue
        sport, dport, seq = struct.unpack('!HHI', tcp[:8])
        doff = (tcp[12] >> 4) * 4
        flags = tcp[13]
        payload = tcp[doff:]
        key = (src, sport, dst, dport)
        st = streams.setdefault(key, {'next': None, 'buf': b''})
        if flags & 0x02:  # SYN
            st['next'] = (seq + 1) & 0xffffffff; st['buf'] = b''
            continue
        if not payload or st['next'] is None:
            continue
        if seq != st['next']:
            continue  # retransmission or gap: skip
        st['next'] = (seq + len(payload)) & 0xffffffff
        st['buf'] += payload
        while len(st['buf']) >= 19:
            length = struct.unpack('!H', st['buf'][16:18])[0]
            if len(st['buf']) < length: break
            msg = st['buf'][:length]; st['buf'] = st['buf'][length:]
            print('from=%s:%d type=%s hex=%s' % (src, sport, TYPES.get(msg[18], msg[18]), msg.hex()))
main(sys.argv[1])
