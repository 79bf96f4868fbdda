# UDP test peer for ForwarderNatIT. "serve PORT NAME SECONDS": answers every datagram with NAME
# until SECONDS have passed. "ask HOST PORT N": sends N datagrams, each from a new socket (a new
# source port), and prints each answer (or "timeout") on a line.
import socket, sys, time

if sys.argv[1] == 'serve':
    port, name, seconds = int(sys.argv[2]), sys.argv[3].encode(), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', port))
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        s.sendto(name, peer)
else:
    host, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for i in range(n):
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.settimeout(10)  # an answer is expected: this only bounds a failure on a loaded machine
        c.sendto(b'who', (host, port))
        try:
            data, peer = c.recvfrom(2048)
            print(data.decode() + ' from ' + peer[0] + ':' + str(peer[1]))
        except socket.timeout:
            print('timeout')
        c.close()
