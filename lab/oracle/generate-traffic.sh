#!/usr/bin/env bash
# Runs INSIDE the lab guest:
#   lab/uml-run --timeout 300 --env ORACLE_OUT=$PWD/lab/oracle --script lab/oracle/generate-traffic.sh
# An LVS-NAT cluster inside UML (client and two real servers in network namespaces, veth pairs,
# python3 http.server as real servers), real HTTP through the VIP, then what ipvsadm lists:
# -Ln --stats/--rate/--exact, -Lnc. Values (counters, expiry times) vary from run to run: these
# fixtures show the format, not fixed numbers.
set -u
OUT=${ORACLE_OUT:?set ORACLE_OUT}
T=$OUT/transcript-traffic.txt
: >"$T"
rec() {
  local name=$1; shift
  printf '%s\n' "$*" >"$OUT/$name.cmd"
  "$@" >"$OUT/$name.txt" 2>"$OUT/.err"; local rc=$?
  { echo "### $name: \$ $*"; echo "# exit $rc"; cat "$OUT/$name.txt"; [ -s "$OUT/.err" ] && { echo "# stderr:"; cat "$OUT/.err"; }; echo; } >>"$T"
  rm -f "$OUT/.err"; return $rc
}
run() { "$@" 2>>"$T"; local rc=$?; echo "\$ $*$( [ $rc -ne 0 ] && echo "   # exit $rc")" >>"$T"; return $rc; }

sysctl -qw net.ipv4.ip_forward=1
# client namespace 192.0.2.130/25 via director 192.0.2.129; VIP 192.0.2.100 on the director
run ip netns add cl
run ip link add vc0 type veth peer name vc1
run ip link set vc1 netns cl
run ip addr add 192.0.2.129/25 dev vc0
run ip link set vc0 up
run ip -n cl addr add 192.0.2.130/25 dev vc1
run ip -n cl link set vc1 up
run ip -n cl link set lo up
run ip -n cl route add default via 192.0.2.129
run ip addr add 192.0.2.100/32 dev lo
# real servers rs1 203.0.113.2, rs2 203.0.113.6, each on its own /30, default route via the director
i=0
for rs in rs1 rs2; do
  i=$((i + 1)); d=$(( (i - 1) * 4 + 1 )); r=$((d + 1))
  run ip netns add $rs
  run ip link add vr${i}0 type veth peer name vr${i}1
  run ip link set vr${i}1 netns $rs
  run ip addr add 203.0.113.$d/30 dev vr${i}0
  run ip link set vr${i}0 up
  run ip -n $rs addr add 203.0.113.$r/30 dev vr${i}1
  run ip -n $rs link set vr${i}1 up
  run ip -n $rs link set lo up
  run ip -n $rs route add default via 203.0.113.$d
  mkdir -p /tmp/$rs && echo "$rs" >/tmp/$rs/index.html
  (cd /tmp/$rs && exec ip netns exec $rs python3 -m http.server 8000 --bind 203.0.113.$r >/dev/null 2>&1) &
  echo $! >/tmp/$rs.pid
done
for r in 203.0.113.2 203.0.113.6; do
  for n in $(seq 1 100); do curl -s -m 1 -o /dev/null http://$r:8000/ && break; sleep 0.2; done
done
run ipvsadm -A -t 192.0.2.100:80 -s rr
run ipvsadm -a -t 192.0.2.100:80 -r 203.0.113.2:8000 -m -w 1
run ipvsadm -a -t 192.0.2.100:80 -r 203.0.113.6:8000 -m -w 1
run ipvsadm -A -u 192.0.2.100:53 -s rr
run ipvsadm -a -u 192.0.2.100:53 -r 203.0.113.2:53 -m
replies=""
for n in 1 2 3 4 5 6; do replies="$replies $(ip netns exec cl curl -s -m 3 http://192.0.2.100/)"; done
echo "# replies through the VIP, in order:$replies" >>"$T"
echo "$replies" >"$OUT/traffic-rr-replies.txt"
# a UDP datagram (no server answers: a connection entry all the same)
ip netns exec cl bash -c 'echo x >/dev/udp/192.0.2.100/53' 2>/dev/null
# a connection held open (ESTABLISHED) during the listings
ip netns exec cl python3 -c '
import socket,time
s=socket.create_connection(("192.0.2.100",80),timeout=3); time.sleep(30)' &
held=$!
sleep 3
rec traffic-list-stats ipvsadm -Ln --stats
rec traffic-list-stats-exact ipvsadm -Ln --stats --exact
rec traffic-list ipvsadm -Ln
rec traffic-list-connections ipvsadm -Lnc
rec traffic-list-connections-resolved ipvsadm -Lc
rec traffic-list-persistent-conn ipvsadm -Ln --persistent-conn
rec traffic-proc-ip_vs_conn cat /proc/net/ip_vs_conn
rec traffic-proc-ip_vs_stats cat /proc/net/ip_vs_stats
# rates are estimated every 2 s; keep traffic flowing for a few seconds
for n in $(seq 1 20); do ip netns exec cl curl -s -m 3 -o /dev/null http://192.0.2.100/; done
rec traffic-list-rate ipvsadm -Ln --rate
rec traffic-list-rate-exact ipvsadm -Ln --rate --exact
rec traffic-proc-ip_vs_stats_percpu cat /proc/net/ip_vs_stats_percpu
run ipvsadm -Z
rec traffic-list-stats-after-zero ipvsadm -Ln --stats
kill $held $(cat /tmp/rs1.pid) $(cat /tmp/rs2.pid) 2>/dev/null
wait 2>/dev/null
exit 0
