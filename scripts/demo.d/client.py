#!/usr/bin/python3
"""The demo's HTTP client, run in the client namespace inside the lab.

  client.py burst VIP N          N requests, each on a new connection; prints the servers' names
                                 in order ("-" for a failed request) and exits 1 if any failed
  client.py hold VIP SECS STOP   until file STOP exists (at most SECS): one keep-alive connection
                                 asking every 0.1 s, and a new connection every 0.1 s; prints the
                                 counts and failures of both, exits 1 if any failed
"""
import http.client
import os
import sys
import time

# seconds a request may take: an answer takes milliseconds, but a guest sharing a loaded host can
# stall for seconds; a reset or a refusal still fails at once, and only a lost request waits this long
TIMEOUT = 10


def fetch(conn):
    conn.request("GET", "/", headers={"Connection": "keep-alive"})
    r = conn.getresponse()
    body = r.read().decode().strip()
    if r.status != 200:
        raise OSError("HTTP %d" % r.status)
    return body


def one(vip):
    c = http.client.HTTPConnection(vip, 80, timeout=TIMEOUT)
    try:
        return fetch(c)
    finally:
        c.close()


def burst(vip, n):
    names, failed = [], 0
    for _ in range(n):
        try:
            names.append(one(vip))
        except Exception:
            names.append("-")
            failed += 1
    print(" ".join(names))
    return 1 if failed else 0


def hold(vip, secs, stop):
    deadline = time.monotonic() + secs
    ka = http.client.HTTPConnection(vip, 80, timeout=TIMEOUT)
    ka_ok = ka_fail = new_ok = new_fail = 0
    ka_servers = set()
    while time.monotonic() < deadline and not os.path.exists(stop):
        try:
            ka_servers.add(fetch(ka))
            ka_ok += 1
        except Exception as e:
            ka_fail += 1
            print("keep-alive request failed: %r" % (e,), file=sys.stderr)
            ka.close()
            ka = http.client.HTTPConnection(vip, 80, timeout=TIMEOUT)
        try:
            one(vip)
            new_ok += 1
        except Exception as e:
            new_fail += 1
            print("request failed: %r" % (e,), file=sys.stderr)
        time.sleep(0.1)
    ka.close()
    print("keep-alive connection: %d requests, %d failed, served by %s; new connections: %d requests, %d failed"
          % (ka_ok + ka_fail, ka_fail, ",".join(sorted(ka_servers)) or "-", new_ok + new_fail, new_fail))
    return 1 if ka_fail or new_fail or ka_ok == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "burst":
        sys.exit(burst(sys.argv[2], int(sys.argv[3])))
    if len(sys.argv) == 5 and sys.argv[1] == "hold":
        sys.exit(hold(sys.argv[2], float(sys.argv[3]), sys.argv[4]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
