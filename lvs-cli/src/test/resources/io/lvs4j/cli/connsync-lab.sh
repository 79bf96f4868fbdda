#!/usr/bin/env bash
# Connection synchronisation inside User-Mode Linux (ConnSyncIT runs it with lab/uml-run):
# two LVS-NAT directors running `lvs4j run` with `lvs_sync_daemon eth1 VI_1`, the real servers'
# default route through a second VRRP address on the inside, N paced downloads through the master;
# the backup must list them (ipvsadm -Lnc) before the master's host dies (its links down, its JVM
# killed by PID); every download must complete, full size and checksum, through the backup.
#
#   connsync-lab.sh          environment: REPO (the checkout, for bin/lvs4j), LVS4J_JAR, N (downloads,
#                            default 8), SIZE_KB (default 1024), RATE_K (nginx limit_rate, default 32),
#                            KEEP (a host directory: the run files are copied there at the end)
# Output: a transcript, then key=value lines "FIGURE name=value"; exit 0 when every check held.
set -uo pipefail

REPO=${REPO:?REPO (the checkout)}
N=${N:-8}
SIZE_KB=${SIZE_KB:-1024}
RATE_K=${RATE_K:-32}
RUN=/tmp/connsync            # a tmpfs inside the guest
mkdir -p "$RUN" && chmod 755 "$RUN"
export LVS4J_JAVA_OPTS="${LVS4J_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xmx96m -Xss512k}"

VIP=192.0.2.100
FRONT=192.0.2
BACK=198.51.100
GW=$BACK.1
RS1=$BACK.21
RS2=$BACK.22
CLIENT=$FRONT.50
T0=$(date +%s.%N)
failed=0

ts() { awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%6.1fs", now - t0 }'; }
say() { echo "$(ts)  $*"; }
show() { sed 's/^/            /'; }
check() { if [ "$1" = 0 ]; then say "PASS $2"; else failed=1; say "FAIL $2"; fi; }
wait_until() { # SECONDS COMMAND...: polls every 0.1 s
  local limit=$1; shift
  local end=$(( $(date +%s%N) + limit * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$end" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
in_ns() { local ns=$1; shift; ip netns exec "cs-$ns" "$@"; }
has_vip() { ip -n "cs-$1" -4 -o addr show dev eth0 | grep -q " $VIP/"; }
ipvs_has() { in_ns "$1" ipvsadm -Ln | grep -q -- "-> $2:80 "; }
directors_up() { has_vip d1 && ipvs_has d1 $RS1 && ipvs_has d1 $RS2 && ipvs_has d2 $RS1 && ipvs_has d2 $RS2; }
daemons_up() { in_ns d1 ipvsadm -L --daemon | grep -q "master sync daemon" && in_ns d2 ipvsadm -L --daemon | grep -q "backup sync daemon"; }
# synced NUM: the backup's connection table has NUM established client connections to VIP:80
established() { in_ns d2 ipvsadm -Lnc | awk -v c="$CLIENT" -v v="$VIP:80" '$3 == "ESTABLISHED" && index($4, c ":") == 1 && $5 == v' | wc -l; }
synced() { [ "$(established)" -ge "$1" ]; }
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
dead() { ! alive "$1"; }

declare -A DPID NPID
cleanup() {
  local p
  for p in "${DPID[@]}" "${NPID[@]}" ${CPID:-} ${MPID:-}; do kill -TERM "$p" 2>/dev/null; done
  for p in "${DPID[@]}" "${NPID[@]}" ${CPID:-} ${MPID:-}; do
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  for ns in c d1 d2 r1 r2; do ip netns del "cs-$ns" 2>/dev/null; done
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && rm -f "$RUN"/*/*.bin "$RUN"/r*/html/*.bin && cp -r "$RUN/." "$KEEP/" 2>/dev/null; fi
}
trap cleanup EXIT

# --- the network: client and directors on br-front, directors and real servers on br-back -----
bridge() { ip link add "$1" type bridge && ip link set "$1" up; }
attach() { # NS BRIDGE IFNAME ADDR
  local ns=$1 br=$2 ifname=$3 addr=$4 host="v-$1-$3"
  ip link add "$host" type veth peer name "$ifname" netns "cs-$ns" || return 1
  ip link set "$host" master "$br" up
  ip -n "cs-$ns" addr add "$addr/24" dev "$ifname"
  ip -n "cs-$ns" link set "$ifname" up
}
network() {
  local ns
  for ns in c d1 d2 r1 r2; do ip netns add "cs-$ns" && ip -n "cs-$ns" link set lo up || return 1; done
  bridge br-front && bridge br-back || return 1
  attach c br-front eth0 $CLIENT && attach d1 br-front eth0 $FRONT.11 && attach d2 br-front eth0 $FRONT.12 || return 1
  attach d1 br-back eth1 $BACK.11 && attach d2 br-back eth1 $BACK.12 || return 1
  attach r1 br-back eth0 $RS1 && attach r2 br-back eth0 $RS2 || return 1
  ip -n cs-r1 route add default via $GW && ip -n cs-r2 route add default via $GW
}

# --- nginx real servers, each serving the same file at RATE_K KB/s per connection --------------
nginx_start() { # NAME
  local n=$1 d=$RUN/$1
  mkdir -p "$d/html" && chmod -R 755 "$d"
  cp "$RUN/big.bin" "$d/html/big.bin" && chmod 644 "$d/html/big.bin"
  cat >"$d/nginx.conf" <<CONF
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 256; }
http {
  access_log $d/access.log;
  default_type application/octet-stream;
  client_body_temp_path $d/tmp-body; proxy_temp_path $d/tmp-proxy; fastcgi_temp_path $d/tmp-fcgi;
  uwsgi_temp_path $d/tmp-uwsgi; scgi_temp_path $d/tmp-scgi;
  server { listen 80; root $d/html; location / { limit_rate ${RATE_K}k; } }
}
CONF
  in_ns "$n" nginx -c "$d/nginx.conf" -p "$d" -g 'user root;' || return 1
  wait_until 10 test -s "$d/nginx.pid" || return 1
  NPID[$n]=$(cat "$d/nginx.pid")
}

# --- the directors: the seeds' pair, NAT, with the sync daemon on the inside link --------------
conf() { # NAME STATE PRIORITY
  mkdir -p "$RUN/$1"
  cat >"$RUN/$1/keepalived.conf" <<CONF
global_defs {
    router_id LVS_${1^^}
    lvs_sync_daemon eth1 VI_1
}

vrrp_instance VI_1 {
    state $2
    interface eth0
    virtual_router_id 51
    priority $3
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass sync1234
    }
    virtual_ipaddress {
        $VIP/24 dev eth0
        $GW/24 dev eth1
    }
}

virtual_server $VIP 80 {
    delay_loop 2
    lb_algo rr
    lb_kind NAT
    protocol TCP

    real_server $RS1 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server $RS2 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
CONF
}
director_start() { # NAME
  local d=$RUN/$1
  ip netns exec "cs-$1" "$REPO/bin/lvs4j" run "$d/keepalived.conf" --control "$d/control.sock" >>"$d/log" 2>&1 &
  DPID[$1]=$!
}

# --- the client: N downloads in one process, each hashed, with its longest silence -------------
cat >"$RUN/client.py" <<'PY'
import hashlib, socket, sys, threading, time
vip, n, path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
res = [None] * n
def one(i):
    t0 = time.time(); last = t0; gap = (0.0, t0, t0); h = hashlib.sha256(); size = 0; status = "-"; port = 0
    try:
        s = socket.create_connection((vip, 80), timeout=40)
        port = s.getsockname()[1]
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, vip)).encode())
        buf = b""; body = False
        while True:
            b = s.recv(65536)
            now = time.time()
            if now - last > gap[0]:
                gap = (now - last, last, now)
            last = now
            if not b:
                break
            if body:
                h.update(b); size += len(b)
            else:
                buf += b
                k = buf.find(b"\r\n\r\n")
                if k >= 0:
                    status = buf.split(b" ", 2)[1].decode(); body = True
                    h.update(buf[k + 4:]); size += len(buf) - k - 4
        s.close()
    except Exception as e:
        status = "error:" + type(e).__name__
    res[i] = "dl=%d port=%d status=%s size=%d sha256=%s start=%.3f end=%.3f gap=%.3f gap_from=%.3f gap_to=%.3f" % (
        i, port, status, size, h.hexdigest(), t0, last, gap[0], gap[1], gap[2])
ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for t in ts:
    t.start(); time.sleep(0.05)
for t in ts:
    t.join()
with open(out, "w") as f:
    f.write("\n".join(res) + "\n")
PY

# ==============================================================================================
say "connection synchronisation, LVS-NAT, inside User-Mode Linux $(uname -r)"
network || { say "FAIL: could not lay out the network"; exit 1; }
head -c $((SIZE_KB * 1024)) /dev/urandom >"$RUN/big.bin"
SUM=$(sha256sum "$RUN/big.bin" | cut -d' ' -f1)
nginx_start r1 && nginx_start r2 || { say "FAIL: nginx did not start"; cat "$RUN"/r*/error.log; exit 1; }
# what `lvs4j director-sysctl up --mode nat` sets (here without a JVM start: the guest has one CPU)
for d in d1 d2; do in_ns $d sysctl -qw net.ipv4.ip_forward=1 || { say "FAIL: ip_forward"; exit 1; }; done
conf d1 MASTER 100
conf d2 BACKUP 99
say "directors: lvs4j run in cs-d1 (MASTER 100) and cs-d2 (BACKUP 99); global_defs of both:"
sed -n '/global_defs/,/^}/p' "$RUN/d1/keepalived.conf" | show
director_start d1
director_start d2
# two JVMs starting in a one-CPU guest: generous, this checks synchronisation, not start-up speed
wait_until 180 directors_up; check $? "directors up: cs-d1 holds $VIP, both have the service"
wait_until 20 daemons_up; check $? "sync daemons: master on cs-d1, backup on cs-d2"
for d in d1 d2; do in_ns $d ipvsadm -L --daemon | sed "s/^/cs-$d: /" | show; done

say "client: $N downloads of $SIZE_KB KB at ${RATE_K} KB/s each (nginx limit_rate) through http://$VIP/"
in_ns c /usr/bin/python3 "$RUN/client.py" $VIP "$N" /big.bin "$RUN/downloads.txt" >"$RUN/client.log" 2>&1 &
CPID=$!
t_start=$(date +%s%N)
# the moment the VIP appears on the backup, from the kernel's address events (not from polling)
ip -n cs-d2 -ts monitor address >"$RUN/d2-addr.txt" 2>&1 &
MPID=$!
wait_until 30 synced "$N"; check $? "the backup lists the $N downloads (synchronised connections)"
t_synced=$(date +%s%N)
in_ns d2 ipvsadm -Lnc >"$RUN/d2-conns-before.txt"
SYNCED=$(established)
alive "$CPID"; check $? "the downloads are still running when the master dies"
say "the master's host dies: links down (bridge ports of cs-d1), its JVM killed (kill -KILL ${DPID[d1]})"
t_kill=$(date +%s.%N)
ip link set v-d1-eth0 down; ip link set v-d1-eth1 down
kill -KILL "${DPID[d1]}"
wait_until 15 has_vip d2; check $? "the backup took the VIP"
wait_until 10 dead "${DPID[d1]}"; check $? "the master's JVM is dead"
sleep 0.3
kill -TERM "$MPID" 2>/dev/null
# the first event adding $VIP at or after the crash (an earlier one, or a deletion, is printed, not used)
stamp=
while IFS= read -r line; do
  case "$line" in *" inet $VIP/"*) ;; *) continue ;; esac
  ts=$(printf '%s\n' "$line" | sed -n 's/^\[\([^]]*\)\].*/\1/p')
  if [ -n "$ts" ] && [[ "$line" != *Deleted* ]] \
      && awk -v a="$(date -d "$ts" +%s.%N)" -v b="$t_kill" 'BEGIN { exit !(a >= b) }'; then
    stamp=$ts
    break
  fi
  say "cs-d2 address event not taken as the takeover: $line"
done <"$RUN/d2-addr.txt"
t_vip=$( [ -n "$stamp" ] && date -d "$stamp" +%s.%N || echo "$t_kill")
TAKEOVER_MS=$(awk -v a="$t_kill" -v b="$t_vip" 'BEGIN { printf "%d", (b - a) * 1000 }')
[ -n "$stamp" ]; check $? "the backup's address event for $VIP at $stamp"
say "takeover: $TAKEOVER_MS ms from the crash to $VIP on cs-d2"
say "ipvsadm -Lnc in cs-d2 (the backup) before the crash, $(( (t_synced - t_start) / 1000000 )) ms after the downloads started:"
show <"$RUN/d2-conns-before.txt"
in_ns d2 ipvsadm -L --daemon | sed "s/^/cs-d2: /" | show

wait_until 90 dead "$CPID"; check $? "the client finished"
say "downloads (status, size, sha256, longest silence):"
show <"$RUN/downloads.txt"
[ -s "$RUN/client.log" ] && show <"$RUN/client.log"
OK=$(awk -v s="$SUM" -v z=$((SIZE_KB * 1024)) '/^dl=/ && / status=200 / && index($0, " size=" z " ") && index($0, " sha256=" s " ")' "$RUN/downloads.txt" | wc -l)
LOST=$((N - OK))
# each download got data after the VIP moved: it was under way at the crash and ended through the backup
AFTER=$(awk -v t="$t_vip" '/^dl=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  if (v["end"] > t && v["start"] < t) n++ } END { print n + 0 }' "$RUN/downloads.txt")
# the last moment before the crash and the first after it at which the client got data: the gap
RESUME_MS=$(awk -v k="$t_kill" '/^dl=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  if (v["gap_from"] <= k + 0.5 && v["gap_to"] >= k && v["gap_to"] - k > m) m = v["gap_to"] - k }
  END { printf "%d", m * 1000 }' "$RUN/downloads.txt")
in_ns d2 ipvsadm -Lnc >"$RUN/d2-conns-after.txt"
[ "$OK" = "$N" ]; check $? "$OK of $N downloads complete, full size and checksum"
[ "$AFTER" = "$N" ]; check $? "$AFTER of $N downloads started before the crash and got data after the takeover"
say "data flowed again $RESUME_MS ms after the crash (the slowest download)"
echo "FIGURE downloads=$N"
echo "FIGURE synced=$SYNCED"
echo "FIGURE complete=$OK"
echo "FIGURE lost=$LOST"
echo "FIGURE through_backup=$AFTER"
echo "FIGURE takeover_ms=$TAKEOVER_MS"
echo "FIGURE resume_ms=$RESUME_MS"
echo "FIGURE seconds=$(awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }')"
[ "$failed" = 0 ] && echo "RESULT all checks held" || echo "RESULT some checks failed"
[ "$failed" = 0 ]
