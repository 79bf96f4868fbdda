# Echo "responder" for PingCheckerIT, run inside a real-server namespace whose kernel ignores
# echo requests (net.ipv4.icmp_echo_ignore_all=1). For every echo request it receives it sends,
# through a raw socket with its own IP header:
#   1. a reply with the request's identifier and sequence number but from another address (FORGED_SOURCE);
#   2. a reply from the right address with the right identifier but the next sequence number;
#   3. only with the argument "answer": the proper reply.
# A checker that matches replies by source address AND sequence number stays down without 3.
import socket
import struct
import sys

FORGED_SOURCE = sys.argv[2]
answer = sys.argv[1] == "answer"
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xFFFF)
    t += t >> 16
    return ~t & 0xFFFF


def reply(src, dst, ident, seq, data):
    icmp = struct.pack("!BBHHH", 0, 0, 0, ident, seq) + data
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, socket.IPPROTO_ICMP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    s.sendto(ip + icmp, (dst, 0))


print("ready", flush=True)
for _ in range(10000):  # bounded; the test kills it by PID when done
    pkt, _addr = s.recvfrom(4096)
    ihl = (pkt[0] & 0x0F) * 4
    icmp = pkt[ihl:]
    if len(icmp) < 8 or icmp[0] != 8:
        continue
    ident, seq = struct.unpack("!HH", icmp[4:8])
    src = socket.inet_ntoa(pkt[12:16])
    dst = socket.inet_ntoa(pkt[16:20])
    # logged before the replies: the test reads the log once the check (which the replies end) is done
    print("request %d from %s" % (seq, src), flush=True)
    reply(FORGED_SOURCE, src, ident, seq, icmp[8:])
    reply(dst, src, ident, (seq + 1) & 0xFFFF, icmp[8:])
    if answer:
        reply(dst, src, ident, seq, icmp[8:])
