#!/usr/bin/python3
"""The scale-out lab's client (ScaleOutIT), run in the client namespace inside the guest.

  scaleout-client.py VIP N SIZE READY LIMIT

Starts N downloads of http://VIP/big (SIZE bytes, paced by nginx), each on its own connection
and thread; writes the file READY once every download has received its first bytes; meanwhile
opens a new connection every 0.2 s (GET /) until every download has ended. At most LIMIT
seconds. Prints one line per download "download PORT BYTES ok|FAILED SECONDS [error]" and one
line "probes OK FAILED", and exits 0 only when every download got SIZE bytes and no probe failed.
"""
import http.client
import socket
import sys
import threading
import time

vip, n, size, ready, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
results = [None] * n
started = threading.Semaphore(0)


def download(i):
    t0 = time.monotonic()
    got, port, err = 0, 0, ""
    first = False
    try:
        s = socket.create_connection((vip, 80), timeout=30)
        port = s.getsockname()[1]
        s.sendall(("GET /big HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % vip).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                raise OSError("closed in the header")
            head += chunk
        if not head.startswith(b"HTTP/1.1 200"):
            raise OSError("status " + head.split(b"\r\n")[0].decode())
        got = len(head.split(b"\r\n\r\n", 1)[1])
        started.release()
        first = True
        while got < size and time.monotonic() - t0 < limit:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        s.close()
    except Exception as e:
        err = repr(e)
        if not first:
            started.release()
    results[i] = (port, got, got == size and not err, time.monotonic() - t0, err)


threads = [threading.Thread(target=download, args=(i,), daemon=True) for i in range(n)]
for t in threads:
    t.start()
for _ in range(n):
    started.acquire(timeout=limit)
open(ready, "w").close()

ok = failed = 0
end = time.monotonic() + limit
while any(t.is_alive() for t in threads) and time.monotonic() < end:
    try:
        # 12 s: an answer takes milliseconds, but a one-CPU guest running three JVMs on a loaded host
        # can stall for seconds; a refused or reset connection still fails at once
        c = http.client.HTTPConnection(vip, 80, timeout=12)
        c.request("GET", "/")
        r = c.getresponse()
        r.read()
        c.close()
        if r.status == 200:
            ok += 1
        else:
            failed += 1
    except Exception as e:
        failed += 1
        print("probe failed at %.1f s: %r" % (time.monotonic(), e), file=sys.stderr)
    time.sleep(0.2)
for t in threads:
    t.join(max(0.0, end - time.monotonic()))

bad = 0
for r in results:
    if r is None:
        print("download 0 0 FAILED %.1f unfinished" % limit)
        bad += 1
        continue
    port, got, good, secs, err = r
    print("download %d %d %s %.1f %s" % (port, got, "ok" if good else "FAILED", secs, err))
    bad += 0 if good else 1
print("probes %d %d" % (ok, failed))
sys.exit(1 if bad or failed else 0)
