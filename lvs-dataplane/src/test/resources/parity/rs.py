# A real server for the parity lab: answers every TCP connection with its name and keeps it open
# until the client closes it. It runs until the guest powers off (no idle exit: a loaded machine
# can leave it idle for long between scenarios).
import socket, sys, select
name = sys.argv[1].encode() + b"\n"
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", 80))
srv.listen(1024)
conns = [srv]
while True:
    ready, _, _ = select.select(conns, [], [])
    for s in ready:
        if s is srv:
            c, _ = srv.accept()
            c.sendall(name)
            conns.append(c)
        else:
            try:
                data = s.recv(64)
            except OSError:
                data = b""
            if not data:
                conns.remove(s)
                s.close()
