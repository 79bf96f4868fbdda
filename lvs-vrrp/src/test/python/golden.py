#!/usr/bin/env python3
"""Independent reference for AdvertCodecTest's golden bytes: packs the RFC 791 / RFC 2402 /
RFC 3768 5.1 / RFC 5798 5.1 layouts with struct and computes the Internet checksum and the
HMAC-MD5-96 ICV (keepalived's AH: SPI = source address, TOS/frag/checksum zeroed) with Python's
own code. Run: python3 lvs-vrrp/src/test/python/golden.py"""
import hashlib, hmac, ipaddress, struct

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def a(x):
    return ipaddress.ip_address(x).packed

def vrrp(version, vrid, prio, addrs, auth_type, interval, key, pseudo=b''):
    body = b''.join(a(x) for x in addrs)
    if version == 2:
        head = struct.pack('!BBBBBBH', 0x21, vrid, prio, len(addrs), auth_type, interval, 0)
        pkt = head + body + (key if auth_type == 1 else b'\0' * 8)
    else:
        head = struct.pack('!BBBBHH', 0x31, vrid, prio, len(addrs), interval & 0xfff, 0)
        pkt = head + body
    c = csum(pseudo + pkt)
    return pkt[:6] + struct.pack('!H', c) + pkt[8:]

def ipv4(src, dst, ident, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0xc0, 20 + len(payload), ident, 0, 255, proto, 0, a(src), a(dst))
    return h, payload

def finish_ip(h, payload):
    c = csum(h)
    return h[:10] + struct.pack('!H', c) + h[12:] + payload

def pseudo4(src, dst, length):
    return a(src) + a(dst) + struct.pack('!BBH', 0, 112, length)

def pseudo6(src, dst, length):
    return a(src) + a(dst) + struct.pack('!I3xB', length, 112)

out = {}
v = vrrp(2, 51, 100, ['192.0.2.100', '192.0.2.101'], 0, 1, None)
out['v2None'] = finish_ip(*ipv4('192.0.2.1', '224.0.0.18', 1, 112, v))

key = b'secret\0\0'
v = vrrp(2, 7, 150, ['198.51.100.7'], 1, 3, key)
out['v2Pass'] = finish_ip(*ipv4('192.0.2.1', '224.0.0.18', 1, 112, v))

key = b'ahkey\0\0\0'
v = vrrp(2, 9, 200, ['10.0.0.1'], 2, 1, None)
ah = struct.pack('!BBH4sI', 112, 4, 0, a('192.0.2.1'), 1) + b'\0' * 12
h, _ = ipv4('192.0.2.1', '224.0.0.18', 1, 51, ah + v)
zeroed = h[:1] + b'\0' + h[2:6] + b'\0\0' + h[8:10] + b'\0\0' + h[12:]
icv = hmac.new(key, zeroed + ah + v, hashlib.md5).digest()[:12]
out['v2Ah'] = finish_ip(h, ah[:12] + icv + v)

v = vrrp(3, 51, 254, ['192.0.2.100'], 0, 100, None, pseudo4('192.0.2.1', '224.0.0.18', 12))
out['v3Ipv4'] = finish_ip(*ipv4('192.0.2.1', '224.0.0.18', 1, 112, v))

v = vrrp(3, 51, 254, ['192.0.2.100'], 0, 100, None, pseudo4('192.0.2.1', '192.0.2.2', 12))
out['v3Ipv4Unicast'] = finish_ip(*ipv4('192.0.2.1', '192.0.2.2', 1, 112, v))

out['v3Ipv6'] = vrrp(3, 1, 100, ['2001:db8::100', 'fe80::100'], 0, 50, None,
                     pseudo6('fe80::1', 'ff02::12', 8 + 32))
for k, b in out.items():
    print('%s = "%s";' % (k, b.hex()))
