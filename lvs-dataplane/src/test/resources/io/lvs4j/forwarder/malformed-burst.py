# Sends a burst of malformed IPv4 frames (one defect each) to a MAC out of an interface, with an
# AF_PACKET socket, inside the caller's network namespace. Args: ifname dst-mac vip count-per-kind.
# Prints the number of frames sent per kind. Used by ForwarderIT; bounded by count.
import socket, struct, sys

ifname, dst, vip, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
src = s.getsockname()[4]
eth = bytes.fromhex(dst.replace(':', '')) + src + b'\x08\x00'
vip_b = socket.inet_aton(vip)
cli = socket.inet_aton('203.0.113.99')

def csum(b):
    if len(b) % 2:
        b += b'\0'
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return (~t) & 0xffff

def ipv4(total, flags_frag=0, ihl=5, good=True, options=b''):
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, total, 1, flags_frag, 64, 6, 0, cli, vip_b) + options
    c = csum(h)
    if not good:
        c ^= 0x5a5a
    return h[:10] + struct.pack('!H', c) + h[12:]

tcp = struct.pack('!HHIIBBHHH', 40000, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
kinds = {
    'TRUNCATED': eth + ipv4(40)[:12],
    'BAD_IHL': eth + ipv4(40, ihl=4)[:20] + tcp,
    'BAD_CHECKSUM': eth + ipv4(40, good=False) + tcp,
    'FRAGMENT': eth + ipv4(40, flags_frag=0x2000) + tcp,
    'BAD_LENGTH': eth + ipv4(400) + tcp,
}
sent = {}
for name, frame in kinds.items():
    n = 0
    for i in range(count):
        s.send(frame)
        n += 1
    sent[name] = n
print(' '.join('%s=%d' % kv for kv in sent.items()))
