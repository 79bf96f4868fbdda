#!/usr/bin/env bash
# The demo's cluster, run inside User-Mode Linux by scripts/demo (lab/uml-run --script):
#
#   lab.sh MODE DIRECTOR      MODE: dr | nat; DIRECTOR: lvs4j (./bin/lvs4j run) | keepalived
#
# Lays out the seeds' topology with network namespaces on bridges, then checks five steps and
# prints a transcript. Every step ends in a line "PASS step N: ..." or "FAIL step N: ...";
# the last line is "RESULT MODE: K of 5 steps held"; exit status 0 only when all 5 held.
# Environment: DEMO_KEEP=DIR (a host path) copies the run files there when a step failed.
set -uo pipefail

MODE=${1:?mode (dr or nat)}
DIRECTOR=${2:-lvs4j}
case "$MODE" in dr|nat) ;; *) echo "lab.sh: mode \"$MODE\" (expected: dr or nat)" >&2; exit 2 ;; esac
case "$DIRECTOR" in lvs4j|keepalived) ;; *) echo "lab.sh: director \"$DIRECTOR\" (expected: lvs4j or keepalived)" >&2; exit 2 ;; esac

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(pwd)
CLIENT_PY="/usr/bin/python3 $REPO/scripts/demo.d/client.py"
[ -f "$REPO/scripts/demo.d/client.py" ] || CLIENT_PY="/usr/bin/python3 $HERE/client.py"
RUN=/tmp/lvs4j-demo            # a tmpfs inside the guest
mkdir -p "$RUN" && chmod 755 "$RUN"
export LVS4J_JAVA_OPTS="${LVS4J_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xmx96m -Xss512k}"

VIP=192.0.2.100
FRONT=192.0.2
if [ "$MODE" = nat ]; then BACK=198.51.100; GW=$BACK.1; else BACK=$FRONT; fi
RS1=$BACK.21
RS2=$BACK.22
T0=$(date +%s.%N)
passed=0
failed_any=0

# --- transcript helpers ----------------------------------------------------------------------
ts() { awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%6.1fs", now - t0 }'; }
say() { echo "$(ts)  $*"; }
show() { sed 's/^/            /'; }
pass() { passed=$((passed + 1)); say "PASS step $1: $2"; echo; }
fail() { failed_any=1; say "FAIL step $1: $2"; echo; }
# wait_until SECONDS COMMAND...: polls every 0.2 s; true if COMMAND succeeded in time
wait_until() {
  local limit=$1; shift
  local end=$(( $(date +%s%N) + limit * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$end" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
lvs4j() { "$REPO/bin/lvs4j" "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "demo-$ns" "$@"; }
has_vip() { ip -n "demo-$1" -4 -o addr show dev eth0 | grep -q " $VIP/"; }
no_vip() { ! has_vip "$1"; }
ipvs() { in_ns "$1" ipvsadm -Ln; }
ipvs_has() { ipvs "$1" | grep -q -- "-> $2:80 "; }
ipvs_lacks() { ! ipvs_has "$@"; }
directors_up() { has_vip d1 && ipvs_has d1 $RS1 && ipvs_has d1 $RS2 && ipvs_has d2 $RS1 && ipvs_has d2 $RS2; }
ipvs_weight() { ipvs "$1" | awk -v a="$2:80" '$2 == a { print $4 }'; }
weight_is() { [ "$(ipvs_weight "$1" "$2")" = "$3" ]; }
burst() { in_ns c $CLIENT_PY burst $VIP "$1"; }
alternates() { # every reply from rs1 or rs2, never the same twice in a row, both seen
  local prev="" n
  for n in $1; do
    case "$n" in rs1|rs2) ;; *) return 1 ;; esac
    [ "$n" = "$prev" ] && return 1
    prev=$n
  done
  [[ " $1 " == *" rs1 "* && " $1 " == *" rs2 "* ]]
}
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
dead() { ! alive "$1"; }
count() { local c=0 n; for n in $2; do [ "$n" = "$1" ] && c=$((c + 1)); done; echo $c; }

declare -A DPID NPID
cleanup() {
  local p
  for p in "${DPID[@]}" "${NPID[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${DPID[@]}" "${NPID[@]}"; do
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  for ns in c d1 d2 r1 r2; do ip netns del "demo-$ns" 2>/dev/null; done
  if [ "$failed_any" = 1 ] && [ -n "${DEMO_KEEP:-}" ]; then
    mkdir -p "$DEMO_KEEP" && cp -r "$RUN" "$DEMO_KEEP/$MODE" 2>/dev/null
  fi
}
trap cleanup EXIT

# --- the network -----------------------------------------------------------------------------
bridge() { ip link add "$1" type bridge && ip link set "$1" up; }
# attach NS BRIDGE IFNAME ADDR: a veth pair, IFNAME inside NS, the other end on BRIDGE
attach() {
  local ns=$1 br=$2 ifname=$3 addr=$4 host="v-$1-$3"
  ip link add "$host" type veth peer name "$ifname" netns "demo-$ns" || return 1
  ip link set "$host" master "$br" up
  ip -n "demo-$ns" addr add "$addr/24" dev "$ifname"
  ip -n "demo-$ns" link set "$ifname" up
}

network() {
  local ns
  for ns in c d1 d2 r1 r2; do ip netns add "demo-$ns" && ip -n "demo-$ns" link set lo up || return 1; done
  bridge br-front || return 1
  attach c br-front eth0 $FRONT.50 && attach d1 br-front eth0 $FRONT.11 && attach d2 br-front eth0 $FRONT.12 || return 1
  if [ "$MODE" = nat ]; then
    bridge br-back || return 1
    attach d1 br-back eth1 $BACK.11 && attach d2 br-back eth1 $BACK.12 || return 1
    attach r1 br-back eth0 $RS1 && attach r2 br-back eth0 $RS2 || return 1
    ip -n demo-r1 route add default via $GW && ip -n demo-r2 route add default via $GW || return 1
  else
    attach r1 br-front eth0 $RS1 && attach r2 br-front eth0 $RS2 || return 1
  fi
}

# --- nginx real servers ----------------------------------------------------------------------
nginx_start() { # NAME: nginx in demo-NAME with its own conf, pid, logs and page under $RUN/NAME
  local n=$1 d=$RUN/$1
  mkdir -p "$d/html" && chmod -R 755 "$d"
  echo "rs${n#r}" >"$d/html/index.html"
  cat >"$d/nginx.conf" <<EOF
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 256; }
http {
  access_log off;
  default_type text/plain;
  keepalive_timeout 120s;
  keepalive_requests 100000;
  client_body_temp_path $d/tmp-body; proxy_temp_path $d/tmp-proxy; fastcgi_temp_path $d/tmp-fcgi;
  uwsgi_temp_path $d/tmp-uwsgi; scgi_temp_path $d/tmp-scgi;
  server { listen 80; root $d/html; }
}
EOF
  rm -f "$d/nginx.pid"
  in_ns "$n" nginx -c "$d/nginx.conf" -p "$d" -g 'user root;' || return 1
  wait_until 10 test -s "$d/nginx.pid" || return 1
  NPID[$n]=$(cat "$d/nginx.pid")
}
nginx_stop() {
  local p=${NPID[$1]}
  kill -TERM "$p" 2>/dev/null
  wait_until 10 dead "$p" || kill -KILL "$p" 2>/dev/null
  unset "NPID[$1]"
}

# --- the directors ---------------------------------------------------------------------------
# conf NAME STATE PRIORITY W1 W2: a keepalived.conf like the seeds' (MASTER 100 / BACKUP 99, wrr, TCP_CHECK)
conf() {
  local name=$1 state=$2 prio=$3 w1=$4 w2=$5 kind vips
  if [ "$MODE" = nat ]; then
    kind=NAT
    vips="        $VIP/24 dev eth0
        $GW/24 dev eth1"
  else
    kind=DR
    vips="        $VIP/24 dev eth0"
  fi
  cat >"$RUN/$name/keepalived.conf" <<EOF
global_defs {
    router_id LVS_${name^^}
}

vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass demo1234
    }
    virtual_ipaddress {
$vips
    }
}

virtual_server $VIP 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind $kind
    protocol TCP

    real_server $RS1 80 {
        weight $w1
        TCP_CHECK {
            connect_port 80
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
    real_server $RS2 80 {
        weight $w2
        TCP_CHECK {
            connect_port 80
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
}
EOF
}

director_start() { # NAME
  local n=$1 d=$RUN/$1
  [ -f "$d/log" ] && mv "$d/log" "$d/log.$(date +%s%N)"   # the log of this run only
  if [ "$DIRECTOR" = lvs4j ]; then
    # as keepalived runs: the whole process in the namespace (ip netns exec), with its own control socket
    ip netns exec "demo-$n" "$REPO/bin/lvs4j" run "$d/keepalived.conf" --control "$d/control.sock" >>"$d/log" 2>&1 &
  else
    ip netns exec "demo-$n" keepalived -n -l -D -f "$d/keepalived.conf" -p "$d/ka.pid" -r "$d/vrrp.pid" \
      -c "$d/check.pid" >>"$d/log" 2>&1 &
  fi
  DPID[$n]=$!
}
logs() { director_log "$1" "$2" | sed "s/^/demo-$1: /" | show; }
director_log() { grep -E "Entering|Removing service|Adding service|Enabling service|Disabling service|TCP connection|Reload|lvs4j:|ERROR|Exception" "$RUN/$1/log" | tail -n "${2:-6}"; }

# ==============================================================================================
KERNEL=$(uname -r)
if [ "$MODE" = dr ]; then TITLE="LVS-DR (direct routing, as the seeds)"; else TITLE="LVS-NAT"; fi
say "lvs4j demo, $TITLE, inside User-Mode Linux $KERNEL (a real kernel with IPVS, 1 CPU)"
say "director: $([ "$DIRECTOR" = lvs4j ] && echo "lvs4j run keepalived.conf" || echo "keepalived $(keepalived -v 2>&1 | awk 'NR==1{print $2}') (reference run)")"
echo
if ! network; then
  failed_any=1; say "FAIL: could not lay out the network"; exit 1
fi
say "topology (network namespaces on bridges, nothing leaves the guest):"
{
  echo "client      demo-c    $FRONT.50"
  echo "director 1  demo-d1   $FRONT.11$([ "$MODE" = nat ] && echo " / $BACK.11")   MASTER, priority 100"
  echo "director 2  demo-d2   $FRONT.12$([ "$MODE" = nat ] && echo " / $BACK.12")   BACKUP, priority 99"
  echo "nginx rs1   demo-r1   $RS1"
  echo "nginx rs2   demo-r2   $RS2"
  if [ "$MODE" = nat ]; then
    echo "VIP $VIP (clients) and gateway VIP $GW (real servers' default route), both on the VRRP master"
  else
    echo "VIP $VIP on the VRRP master; the real servers answer the client directly"
  fi
} | show
echo

say "real servers: nginx in demo-r1 and demo-r2, each serving a page that names it"
if ! nginx_start r1 || ! nginx_start r2; then failed_any=1; say "FAIL: nginx did not start"; cat "$RUN"/r*/error.log 2>/dev/null | show; exit 1; fi
if [ "$MODE" = dr ]; then
  say "\$ lvs4j realserver up --vip $VIP --netns demo-r1 --netns demo-r2"
  lvs4j realserver up --vip $VIP --netns demo-r1 --netns demo-r2 2>&1 | show
  [ "${PIPESTATUS[0]}" = 0 ] || { failed_any=1; say "FAIL: lvs4j realserver up"; exit 1; }
fi
mkdir -p "$RUN/d1" "$RUN/d2"
say "\$ lvs4j director-sysctl up --mode $MODE --netns demo-d1 --netns demo-d2"
lvs4j director-sysctl up --mode "$MODE" --netns demo-d1 --netns demo-d2 2>&1 | show
[ "${PIPESTATUS[0]}" = 0 ] || { failed_any=1; say "FAIL: lvs4j director-sysctl up"; exit 1; }
conf d1 MASTER 100 1 1
conf d2 BACKUP 99 1 1
echo
say "directors: demo-d1 and demo-d2 each run $([ "$DIRECTOR" = lvs4j ] && echo "lvs4j run" || echo keepalived) on a keepalived.conf like this (demo-d1's):"
show <"$RUN/d1/keepalived.conf"
director_start d1
director_start d2
# two JVMs starting in a one-CPU guest, beside the other mode's guest: about 36 s on a quiet 2-core
# host, several times that on a loaded one; the steps below check behaviour, not start-up speed, so
# the budget is generous
if wait_until 240 directors_up; then
  say "demo-d1 is MASTER (holds $VIP); both directors have the IPVS service:"
else
  failed_any=1
  say "FAIL: the directors did not come up (VIP on demo-d1: $(has_vip d1 && echo yes || echo no))"
  director_log d1 20 | show; director_log d2 20 | show
  exit 1
fi
ipvs d1 | show
echo

# --- step 1 -----------------------------------------------------------------------------------
say "step 1: six requests from the client to http://$VIP/ (wrr, weights 1:1)"
r=$(burst 6); say "replies: $r"
if alternates "$r"; then pass 1 "replies alternate between the real servers through the VIP"
else fail 1 "replies do not alternate between rs1 and rs2: $r"; fi

# --- step 2 -----------------------------------------------------------------------------------
say "step 2: nginx on rs1 stopped (kill -TERM ${NPID[r1]})"
nginx_stop r1
if wait_until 20 ipvs_lacks d1 $RS1; then
  say "the master's TCP_CHECK removed rs1; ipvsadm -Ln in demo-d1:"
  ipvs d1 | show
  logs d1 2
  r=$(burst 6); say "replies: $r"
  if [ "$(count rs2 "$r")" = 6 ]; then pass 2 "rs1 removed, replies only from rs2"
  else fail 2 "replies not all from rs2: $r"; fi
else
  ipvs d1 | show
  fail 2 "rs1 still in the master's table 20 s after nginx stopped"
fi
say "nginx on rs1 started again"
nginx_start r1
if wait_until 20 ipvs_has d1 $RS1 && wait_until 20 ipvs_has d2 $RS1; then say "rs1 is back in both directors' tables"
else say "rs1 did not come back (the next steps may fail)"; fi
echo

# --- step 3 -----------------------------------------------------------------------------------
say "step 3: the master killed: kill -TERM ${DPID[d1]}, its $([ "$DIRECTOR" = lvs4j ] && echo "lvs4j run" || echo keepalived) process in demo-d1 (as the seeds stop keepalived on the master)"
kill -TERM "${DPID[d1]}"
t_kill=$(date +%s%N)
if wait_until 15 has_vip d2 && wait_until 10 no_vip d1; then
  t_moved=$(date +%s%N)
  say "VIP $VIP moved to demo-d2 after $(( (t_moved - t_kill) / 1000000 )) ms"
  wait_until 10 dead "${DPID[d1]}"
  r=$(burst 6); say "replies: $r"
  if alternates "$r"; then pass 3 "the VIP moved to the backup and traffic continues through it"
  else fail 3 "traffic through the backup: $r"; fi
else
  fail 3 "the VIP did not move to demo-d2 (demo-d2: $(has_vip d2 && echo has || echo lacks) it, demo-d1: $(has_vip d1 && echo has || echo lacks) it)"
fi
logs d2 3
echo

# --- step 4 -----------------------------------------------------------------------------------
say "step 4: the master back: demo-d1 starts again"
director_start d1
t_start=$(date +%s%N)
if wait_until 90 has_vip d1 && wait_until 10 no_vip d2; then
  say "demo-d1 took the VIP back after $(( ($(date +%s%N) - t_start) / 1000000 )) ms (process start included); demo-d2 released it"
  wait_until 20 ipvs_has d1 $RS1; wait_until 20 ipvs_has d1 $RS2
  r=$(burst 4); say "replies: $r"
  if alternates "$r"; then pass 4 "the master preempted and serves again"
  else fail 4 "traffic after preemption: $r"; fi
else
  fail 4 "demo-d1 did not take the VIP back (demo-d1: $(has_vip d1 && echo has || echo lacks) it, demo-d2: $(has_vip d2 && echo has || echo lacks) it)"
fi
logs d1 3
echo

# --- step 5 -----------------------------------------------------------------------------------
say "step 5: rs1's weight changed from 1 to 3 at runtime (keepalived.conf edited, SIGHUP to both directors)"
say "meanwhile the client keeps one keep-alive connection busy and opens a new connection every 0.1 s"
rm -f "$RUN/stop"
in_ns c $CLIENT_PY hold $VIP 60 "$RUN/stop" >"$RUN/hold.out" 2>"$RUN/hold.err" &
hold=$!
sleep 2
conf d1 MASTER 100 3 1
conf d2 BACKUP 99 3 1
kill -HUP "${DPID[d1]}" "${DPID[d2]}"
if wait_until 20 weight_is d1 $RS1 3 && wait_until 20 weight_is d2 $RS1 3; then
  say "both directors have the new weight; ipvsadm -Ln in demo-d1:"
  ipvs d1 | show
  sleep 1
  touch "$RUN/stop"
  wait "$hold"; hold_status=$?
  say "client during the change: $(cat "$RUN/hold.out")"
  [ -s "$RUN/hold.err" ] && show <"$RUN/hold.err"
  r=$(burst 8); say "replies: $r"
  c1=$(count rs1 "$r"); c2=$(count rs2 "$r")
  say "rs1 $c1, rs2 $c2 of 8 (wrr with weights 3:1 gives exactly 6:2 in any 8 consecutive picks)"
  if [ "$hold_status" = 0 ] && [ "$c1" = 6 ] && [ "$c2" = 2 ]; then
    pass 5 "the distribution follows the new weight, and no request or connection failed"
  else
    fail 5 "distribution rs1 $c1 : rs2 $c2, client during the change: exit $hold_status"
  fi
else
  touch "$RUN/stop"; wait "$hold"
  ipvs d1 | show
  fail 5 "the new weight did not reach both directors' tables in 20 s"
fi
say "the directors' logs:"
logs d1 2
logs d2 2
echo

say "RESULT $MODE: $passed of 5 steps held"
[ "$passed" = 5 ] && [ "$failed_any" = 0 ]
