# The parity lab's client: makes connections one after another and prints which real server
# answered each. Arguments: hold|close, then SRC,DST,DPORT triples.
import socket, sys
hold = sys.argv[1] == "hold"
kept = []
for spec in sys.argv[2:]:
    src, dst, dport = spec.split(",")
    s = socket.socket()
    s.settimeout(30)  # every connection is answered: this only bounds a failure on a loaded machine
    s.bind((src, 0))
    s.connect((dst, int(dport)))
    line = b""
    while not line.endswith(b"\n"):
        chunk = s.recv(64)
        if not chunk:
            break
        line += chunk
    print(src, s.getsockname()[1], dst, dport, line.decode().strip(), flush=True)
    if hold:
        kept.append(s)
    else:
        s.close()
