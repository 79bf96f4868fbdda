#!/usr/bin/env bash
# The scale-out scenario of issue 14, run inside User-Mode Linux by ScaleOutIT (lab/uml-run):
#
#   scaleout.sh OUT       OUT: a host directory for the logs and results (written inside the guest)
#
# One guest, network namespaces on a bridge (LVS-DR, nothing leaves the guest):
#   so-c   client   203.0.113.50  --  so-rt router 203.0.113.1 / 192.0.2.1 (BIRD 2, AS 65000, ECMP,
#                                       fib_multipath_hash_policy=1, hold time 3)
#   so-d1..3  directors 192.0.2.11-13 (lvs4j run: lb_algo mh + mh-port, TCP_CHECK, bgp_speaker AS 65001)
#   so-r1, so-r2  nginx real servers 192.0.2.21-22 (VIP 198.51.100.10 on lo, downloads paced 24 KB/s)
# Prints "RESULT key value" lines for the test; every step prints what it saw. Exit status 0 when
# the script ran to its end (the test judges the results).
set -uo pipefail
OUT=${1:?output directory}
REPO=$(pwd)
HERE=$REPO/lvs-cli/src/test/lab
RUN=/tmp/so
mkdir -p "$RUN" "$OUT" && chmod 755 "$RUN"
VIP=198.51.100.10
SIZE=$((360 * 1024))     # 15 s at 24 KB/s
N=24
T0=$(date +%s%N)
ts() { local n; n=$(date +%s%N); printf '%6.1fs' "$(( (n - T0) / 1000000 ))e-3"; }
say() { echo "$(ts)  $*"; }
result() { echo "RESULT $1 $2"; }
wait_until() { # SECONDS COMMAND...: polls every 0.2 s
  local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  while [ "$(date +%s%N)" -lt "$end" ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
lvs4j() { "$REPO/bin/lvs4j" "$@"; }
declare -A DPID
NGINX=()
MON=
cleanup() {
  local p
  for p in "${DPID[@]}" ${MON:-}; do kill -KILL "$p" 2>/dev/null; done
  for p in "${NGINX[@]}"; do kill -TERM "$p" 2>/dev/null; done
  [ -f "$RUN/bird.pid" ] && kill -TERM "$(cat "$RUN/bird.pid")" 2>/dev/null
  cp -r "$RUN"/d? "$RUN"/bird.log "$RUN"/*.txt "$OUT"/ 2>/dev/null
  for ns in c rt d1 d2 d3 r1 r2; do ip netns del "so-$ns" 2>/dev/null; done
}
trap cleanup EXIT

# --- network ---------------------------------------------------------------------------------
set -e
for ns in c rt d1 d2 d3 r1 r2; do ip netns add "so-$ns"; ip -n "so-$ns" link set lo up; done
ip link add br0 type bridge && ip link set br0 up
attach() { # NS ADDR: eth0 in NS on br0
  ip link add "v-$1" type veth peer name eth0 netns "so-$1"
  ip link set "v-$1" master br0 up
  ip -n "so-$1" addr add "$2/24" dev eth0
  ip -n "so-$1" link set eth0 up
}
attach rt 192.0.2.1
for i in 1 2 3; do attach "d$i" "192.0.2.1$i"; done
for i in 1 2; do attach "r$i" "192.0.2.2$i"; ip -n "so-r$i" route add default via 192.0.2.1; done
ip link add eth1 netns so-rt type veth peer name eth0 netns so-c
ip -n so-rt addr add 203.0.113.1/24 dev eth1; ip -n so-rt link set eth1 up
ip -n so-c addr add 203.0.113.50/24 dev eth0; ip -n so-c link set eth0 up
ip -n so-c route add default via 203.0.113.1
ip netns exec so-rt sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1
set +e

# --- BIRD 2 on the router ------------------------------------------------------------------------
cat >"$RUN/bird.conf" <<B
log "$RUN/bird.log" all;
router id 192.0.2.1;
protocol device { scan time 1; }
protocol kernel { ipv4 { export where source = RTS_BGP; }; merge paths on; }
filter from_directors { if net.len != 32 then reject; accept; }
template bgp director {
  local 192.0.2.1 as 65000;
  hold time 3;
  connect retry time 1;
  error wait time 1, 5;
  ipv4 { import filter from_directors; export none; };
}
protocol bgp d1 from director { neighbor 192.0.2.11 as 65001; }
protocol bgp d2 from director { neighbor 192.0.2.12 as 65001; }
protocol bgp d3 from director { neighbor 192.0.2.13 as 65001; }
B
ip netns exec so-rt bird -c "$RUN/bird.conf" -s "$RUN/bird.ctl" -P "$RUN/bird.pid" || { say "BIRD did not start"; exit 1; }
route() { ip -n so-rt route show "$VIP"; }
nexthops() { route | grep -o 'via 192\.0\.2\.1[0-9]' | sort | tr '\n' ' ' | sed 's/via //g; s/ $//'; }
nexthops_are() { [ "$(nexthops)" = "$1" ]; }

# --- nginx real servers ---------------------------------------------------------------------------
head -c "$SIZE" /dev/zero >"$RUN/big"
for i in 1 2; do
  d=$RUN/r$i; mkdir -p "$d/html"; echo "rs$i" >"$d/html/index.html"; cp "$RUN/big" "$d/html/big"
  cat >"$d/nginx.conf" <<X
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path $d/t1; proxy_temp_path $d/t2; fastcgi_temp_path $d/t3; uwsgi_temp_path $d/t4; scgi_temp_path $d/t5;
  server { listen 80; root $d/html; location /big { limit_rate 24k; } }
}
X
  ip netns exec "so-r$i" nginx -c "$d/nginx.conf" -p "$d" -g 'user root;'
  wait_until 10 test -s "$d/nginx.pid"
  NGINX[$i]=$(cat "$d/nginx.pid")
done
# one-shot commands without class-data sharing: the archive is the directors' (written below)
LVS4J_CDS=off lvs4j realserver up --vip $VIP --netns so-r1 --netns so-r2 | sed 's/^/    /'
LVS4J_CDS=off lvs4j director-sysctl up --mode dr --active-active --netns so-d1 --netns so-d2 --netns so-d3 \
  | sed 's/^/    /'

# --- the directors ----------------------------------------------------------------------------------
for i in 1 2 3; do
  mkdir -p "$RUN/d$i"
  cat >"$RUN/d$i/keepalived.conf" <<K
global_defs {
    router_id so-d$i
}
bgp_speaker {
    router_id 192.0.2.1$i
    local_as 65001
    stop_drain 1
    neighbor 192.0.2.1 {
        remote_as 65000
        hold_time 3
    }
}
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo mh
    mh-port
    lb_kind DR
    protocol TCP
    real_server 192.0.2.21 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 192.0.2.22 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
K
done
director_start() { # I
  ip netns exec "so-d$1" "$REPO/bin/lvs4j" run "$RUN/d$1/keepalived.conf" --control "$RUN/d$1/control.sock" \
    >>"$RUN/d$1/log" 2>&1 &
  DPID[d$1]=$!
}
# class-data sharing: a warm-up run writes the archive once per jar (bin/lvs4j, at a normal exit)
if [ "${LVS4J_CDS:-off}" != off ] && ! [ "$LVS4J_CDS" -nt "$LVS4J_JAR" ]; then
  t=$(date +%s%N)
  director_start 1
  wait_until 120 nexthops_are 192.0.2.11
  kill -TERM "${DPID[d1]}"; wait "${DPID[d1]}"
  say "warm-up run wrote the class-data archive in $(( ($(date +%s%N) - t) / 1000000 )) ms"
  wait_until 10 nexthops_are ""
fi
t=$(date +%s%N)
for i in 1 2 3; do director_start $i; done
if wait_until 180 nexthops_are "192.0.2.11 192.0.2.12 192.0.2.13"; then
  result start_ms $(( ($(date +%s%N) - t) / 1000000 ))
  say "three directors announce $VIP; the router's route:"; route | sed 's/^/    /'
else
  say "the directors did not all announce: $(nexthops)"; tail -n 20 "$RUN"/d?/log; birdc -s "$RUN/bird.ctl" show protocols
  exit 1
fi
free -m | sed 's/^/    /'
for i in 1 2 3; do
  result rss_kb_d$i "$(awk '/VmRSS/ {print $2}' "/proc/${DPID[d$i]}/status")"
done

conns() { ip netns exec "so-d$1" ipvsadm -Lnc | awk '$3 == "ESTABLISHED" || $3 == "FIN_WAIT" || $3 == "NONE" { n++ } END { print n + 0 }'; }
conns_est() { ip netns exec "so-d$1" ipvsadm -Lnc | awk '$3 == "ESTABLISHED" { n++ } END { print n + 0 }'; }
# monitor: every route change at the router, timestamped
ip -n so-rt -ts monitor route >"$RUN/monitor.txt" 2>&1 &
MON=$!
# withdrawn_ms T ADDR: ms from epoch time T (s.ns) to the first route change for the VIP at the
# router without the next hop ADDR (ip monitor's timestamps), -1 if none
withdrawn_ms() {
  python3 - "$1" "$2" "$RUN/monitor.txt" <<'P'
import sys, datetime
t0, gone, blocks = float(sys.argv[1]), "via " + sys.argv[2] + " ", []
for line in open(sys.argv[3]):
    if line.startswith("["):
        blocks.append(line)
    elif blocks:
        blocks[-1] += line
for b in blocks:
    if "198.51.100.10" not in b.split("]", 1)[1].split("\n")[0]:
        continue
    t = datetime.datetime.strptime(b[1:27], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
    if t >= t0 and gone not in b:
        print(round((t - t0) * 1000))
        break
else:
    print(-1)
P
}
# hold-timer expiries BIRD logged so far (a session that dropped without a crash: a starved guest);
# with a protocol name (d1, d2, d3), only that session's
expiries() { grep -c "${1:+$1: .*}Hold timer expired" "$RUN/bird.log"; }

# downloads LABEL CRASH: N downloads; CRASH (a command) runs once they all have bytes; prints results
downloads() {
  local label=$1; shift
  rm -f "$RUN/ready"
  ip netns exec so-c python3 "$HERE/scaleout-client.py" $VIP $N $SIZE "$RUN/ready" 60 >"$RUN/$label.txt" 2>"$RUN/$label.err" &
  local cpid=$!
  wait_until 30 test -e "$RUN/ready" || say "downloads did not all start"
  sleep 2
  for i in 1 2 3; do result "${label}_conns_d$i" "$(conns_est $i)"; done
  "$@"
  wait $cpid; local rc=$?
  result "${label}_client_exit" $rc
  result "${label}_downloads_ok" "$(grep -c '^download .* ok ' "$RUN/$label.txt")"
  result "${label}_probes" "$(awk '/^probes/ {print $2 "/" $2 + $3}' "$RUN/$label.txt")"
  grep -v ' ok ' "$RUN/$label.txt" | sed 's/^/    /'; sed 's/^/    /' "$RUN/$label.err"
}

# --- 1: spread -----------------------------------------------------------------------------------
say "step 1: $N paced downloads; each director's IPVS connections while they run; director 1's process killed"
crash_process() {
  result process_crash_expiries_before "$(expiries)"
  result process_crash_expiries_d1_before "$(expiries d1)"
  local t; t=$(date +%s.%N)
  kill -KILL "${DPID[d1]}"
  wait_until 10 nexthops_are "192.0.2.12 192.0.2.13"
  result process_crash_withdrawal_ms "$(withdrawn_ms "$t" 192.0.2.11)"
  # the killed process's socket closed the session: BIRD withdrew without waiting for its hold timer
  result process_crash_expiries_d1_after "$(expiries d1)"
  say "after the kill: $(nexthops)"
}
downloads crash crash_process
for i in 1 2 3; do result "stats_inpkts_d$i" "$(ip netns exec "so-d$i" ipvsadm -Ln --stats | awk '$1 == "TCP" { print $4 }')"; done

# --- 2: director 1 comes back --------------------------------------------------------------------------
say "step 2: director 1 started again (it takes over the rules and the VIP on lo it left), its real"
say "        servers unreachable from it (prohibit routes); then, while $N downloads run, reachable: it is"
say "        announced again and takes its share without breaking them"
ip -n so-d1 route add prohibit 192.0.2.21/32; ip -n so-d1 route add prohibit 192.0.2.22/32
# up: one more "Control socket" line in its log (the killed run left the socket file behind)
sockets() { grep -c '^Control socket' "$RUN/d1/log"; }
n0=$(sockets)
t=$(date +%s%N)
director_start 1
started_again() { [ "$(sockets)" -gt "$n0" ]; }
if wait_until 120 started_again; then
  result restart_ms $(( ($(date +%s%N) - t) / 1000000 ))
else result restart_ms -1; fi
vip_off_d1() { ! ip -n so-d1 -o addr show dev lo | grep -q " $VIP/"; }
wait_until 20 vip_off_d1   # its checks failed: withdrawn (it left the VIP on lo when it was killed)
result restart_route "$(nexthops | tr ' ' ,)"
comeback() {
  # a split view on purpose: rs1 reachable from d1 first, rs2 only 3 s later. Meanwhile d1 alone sees
  # rs2 down while d2 and d3 have it; its table of one must not go out (partial_table_delay 10)
  ip -n so-d1 route del prohibit 192.0.2.21/32
  sleep 3
  result comeback_split_route "$(nexthops | tr ' ' ,)"
  local t; t=$(date +%s%N)
  ip -n so-d1 route del prohibit 192.0.2.22/32
  if wait_until 20 nexthops_are "192.0.2.11 192.0.2.12 192.0.2.13"; then
    result comeback_ms $(( ($(date +%s%N) - t) / 1000000 ))
  else result comeback_ms -1; fi
  sleep 2
  result comeback_conns_d1 "$(conns_est 1)"
}
downloads back comeback
ip netns exec so-d1 ipvsadm -Ln | sed 's/^/    /'
# the kernel's Maglev table depends on the order of the real servers: the same on every director
# (the kernel's list order: --nosort; ipvsadm sorts by address otherwise)
order() { ip netns exec "so-d$1" ipvsadm -Ln --nosort | awk '$1 == "->" && $2 ~ /^192/ { printf "%s,", $2 }'; }
for i in 1 2 3; do result "order_back_d$i" "$(order $i)"; done

# --- 3: quorum lost on director 3 only ---------------------------------------------------------
say "step 3: director 3 cannot reach the real servers (prohibit routes): only its route goes"
ip -n so-d3 route add prohibit 192.0.2.21/32; ip -n so-d3 route add prohibit 192.0.2.22/32
if wait_until 20 nexthops_are "192.0.2.11 192.0.2.12"; then result quorum_route "$(nexthops | tr ' ' ,)"
else result quorum_route "$(nexthops | tr ' ' , ) (still)"; fi
ip -n so-d3 -o addr show dev lo | grep -q " $VIP/" && result quorum_vip_on_d3_lo yes || result quorum_vip_on_d3_lo no
ip -n so-d3 route del prohibit 192.0.2.21/32; ip -n so-d3 route del prohibit 192.0.2.22/32
wait_until 20 nexthops_are "192.0.2.11 192.0.2.12 192.0.2.13" && result quorum_back yes || result quorum_back no
for i in 1 2 3; do result "order_quorum_d$i" "$(order $i)"; done

# --- 4: a director's host dies -------------------------------------------------------------------
say "step 4: $N paced downloads; director 2's host dies (link down, then its process killed)"
crash_host() {
  result host_crash_expiries_before "$(expiries)"
  result host_crash_expiries_d2_before "$(expiries d2)"
  local t; t=$(date +%s.%N)
  ip link set v-d2 down
  kill -KILL "${DPID[d2]}"
  wait_until 10 nexthops_are "192.0.2.11 192.0.2.13"
  result host_crash_withdrawal_ms "$(withdrawn_ms "$t" 192.0.2.12)"
  # nothing reaches BIRD from a dead host: its hold timer ended the session
  result host_crash_expiries_d2_after "$(expiries d2)"
  say "after the crash: $(nexthops)"
}
downloads host crash_host

# --- 5: a real server fails its check --------------------------------------------------------------------
say "step 5: nginx on rs2 stopped: both live directors withdraw it"
rs_in() { ip netns exec "so-d$1" ipvsadm -Ln | grep -q -- "-> 192.0.2.22:80 "; }
kill -TERM "${NGINX[2]}"
if wait_until 20 eval '! rs_in 1 && ! rs_in 3'; then result rs_withdrawn yes; else result rs_withdrawn no; fi
ip netns exec so-d1 ipvsadm -Ln | sed 's/^/    /'
result rs_down_route "$(nexthops | tr ' ' ,)"
ip netns exec so-c python3 "$REPO/scripts/demo.d/client.py" burst $VIP 6 >"$RUN/burst.txt"
result rs_down_replies "$(tr ' ' , <"$RUN/burst.txt")"
result expiries_total "$(expiries)"
say "done"
