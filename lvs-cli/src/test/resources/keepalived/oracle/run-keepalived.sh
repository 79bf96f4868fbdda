#!/usr/bin/env bash
# Runs INSIDE the lab guest (KeepalivedOracleIT, or by hand):
#   lab/uml-run --timeout 300 --script run-keepalived.sh -- OUTDIR NAME=FILE...
# (OUTDIR and the FILEs absolute host paths, not under /tmp)
# For each FILE: `keepalived -t -f FILE` (exit status in OUTDIR/NAME.t-exit, output in NAME.t-log),
# then `keepalived -n -l -D -C -f FILE` (checkers only), polled with `ipvsadm -Sn` every ~0.1 s
# until keepalived has logged "Startup complete" and the rules have been the same for 1 s (at most
# 15 s); then its checker process is stopped (SIGSTOP) and OUTDIR/NAME.sn (ipvsadm -Sn),
# NAME.thresholds (ipvsadm -Ln --thresholds), NAME.sn-again (ipvsadm -Sn again), NAME.log
# (keepalived's log), NAME.log-at-sn (the log at the stop: no checker may have failed by then)
# are written; keepalived gets SIGTERM, and IPVS is cleared before the next file. A run in which a
# checker failed before the stop is made again (3 runs at most; NAME.runs says how many).
# PROVOKE_DELAY=SECONDS sleeps between the two reads (a slow machine, on purpose).
# Checkers that succeed here: MISC_CHECK /bin/true, TCP_CHECK to 192.0.2.250 or 2001:db8:ff::250
# (on dummy ka0) ports 7000-7002, where a listener runs.
set -u
PROVOKE_DELAY=${PROVOKE_DELAY:-}
out=${1:?usage: run-keepalived.sh OUTDIR NAME=FILE...}
shift
mkdir -p "$out"
ip link add ka0 type dummy && ip link set ka0 up
ip addr add 192.0.2.250/32 dev ka0
ip -6 addr add 2001:db8:ff::250/128 dev ka0 nodad
# every other address is routed into a second dummy, which drops what it gets: a checker of an
# unreachable real server waits for its connect_timeout instead of failing at once
ip link add ka1 type dummy && ip link set ka1 up
ip route add default dev ka1
ip -6 route add default dev ka1
# but name servers must fail at once, as with no route at all (keepalived resolves names at start)
for ns in $(awk '$1 == "nameserver" { print $2 }' /etc/resolv.conf); do
  case $ns in
    *:*) ip -6 route add unreachable "$ns/128" ;;
    *) ip route add unreachable "$ns/32" ;;
  esac
done
python3 - >/dev/null 2>&1 <<'PY' &
import socket, threading
def serve(family, addr, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64)
    while True:
        c, _ = s.accept(); c.close()
for p in (7000, 7001, 7002):
    threading.Thread(target=serve, args=(socket.AF_INET, "192.0.2.250", p)).start()
    threading.Thread(target=serve, args=(socket.AF_INET6, "2001:db8:ff::250", p)).start()
PY
listener=$!
ms() { local t=$EPOCHREALTIME; echo $(( ${t/./} / 1000 )); }

for pair in "$@"; do
  name=${pair%%=*}
  file=${pair#*=}
  keepalived -t -f "$file" >"$out/$name.t-log" 2>&1
  echo $? >"$out/$name.t-exit"
  for run in 1 2 3; do
    rm -f /run/ka.pid /run/ka-check.pid
    start=$(ms)
    keepalived -n -l -D -C -f "$file" -p /run/ka.pid -c /run/ka-check.pid >"$out/$name.log" 2>&1 &
    ka=$!
    prev=""; since=$start
    while :; do
      sleep 0.1
      now=$(ms)
      cur=$(ipvsadm -Sn 2>&1)
      if [ "$cur" != "$prev" ]; then prev=$cur; since=$now; fi
      if grep -q 'Startup complete' "$out/$name.log" && [ $(( now - since )) -ge 1000 ]; then break; fi
      if [ $(( now - start )) -ge 15000 ]; then break; fi
      kill -0 $ka 2>/dev/null || { sleep 0.2; break; }
    done
    # With -C only keepalived's checker process changes the rules: it is stopped (SIGSTOP) before
    # the reads, so the rules, the thresholds and the log stand still while they are read, however
    # slow the machine (a checker of an unreachable real server fails after its connect_timeout, a
    # few seconds after the start); ipvsadm -Sn again after the thresholds shows that they did
    chk=$(cat /run/ka-check.pid 2>/dev/null)
    [ -n "$chk" ] && kill -STOP "$chk" 2>/dev/null
    cp "$out/$name.log" "$out/$name.log-at-sn"
    ipvsadm -Sn >"$out/$name.sn" 2>&1
    [ -n "$PROVOKE_DELAY" ] && sleep "$PROVOKE_DELAY"
    ipvsadm -Ln --thresholds >"$out/$name.thresholds" 2>&1
    ipvsadm -Sn >"$out/$name.sn-again" 2>&1
    echo "$(( now - start ))" >"$out/$name.ms"
    kill -TERM $ka 2>/dev/null
    [ -n "$chk" ] && kill -CONT "$chk" 2>/dev/null
    for n in $(seq 1 50); do kill -0 $ka 2>/dev/null || break; sleep 0.1; done
    kill -KILL $ka 2>/dev/null
    [ -n "$chk" ] && kill -KILL "$chk" 2>/dev/null
    wait $ka 2>/dev/null
    ipvsadm -C
    # a checker failed before it was stopped (the machine was slower than the config's connect_timeout):
    # what was read is not keepalived's state after start-up; keepalived starts again (3 runs at most)
    grep -Eq 'Removing service|Lost quorum' "$out/$name.log-at-sn" || break
  done
  echo "$run" >"$out/$name.runs"
done
kill $listener 2>/dev/null
exit 0
