#!/usr/bin/env bash
# Runs INSIDE the lab guest:
#   lab/uml-run --timeout 300 --env ORACLE_OUT=$PWD/lab/oracle --script lab/oracle/generate-rules.sh
# Creates representative IPVS state with the real ipvsadm 1.31 on a real 6.1 kernel and saves
# what ipvsadm prints under lab/oracle/ (stdout only, byte for byte: usable as test fixtures).
# Each NAME.txt has a NAME.cmd next to it: the command that printed it. transcript.txt has
# everything, with exit statuses and stderr.
set -u
OUT=${ORACLE_OUT:?set ORACLE_OUT (lab/uml-run --env ORACLE_OUT=$PWD/lab/oracle ...)}
mkdir -p "$OUT"
T=$OUT/transcript-rules.txt
: >"$T"

# rec NAME CMD...: run CMD, save stdout to NAME.txt, log everything
rec() {
  local name=$1; shift
  printf '%s\n' "$*" >"$OUT/$name.cmd"
  "$@" >"$OUT/$name.txt" 2>"$OUT/.err"
  local rc=$?
  { echo "### $name: \$ $*"; echo "# exit $rc"; cat "$OUT/$name.txt"; [ -s "$OUT/.err" ] && { echo "# stderr:"; cat "$OUT/.err"; }; echo; } >>"$T"
  [ -s "$OUT/.err" ] && cp "$OUT/.err" "$OUT/$name.stderr.txt"
  rm -f "$OUT/.err"
  return $rc
}
# run CMD...: run a setup command, log it; complain loudly on failure
run() {
  "$@" 2>"$OUT/.err"; local rc=$?
  { echo "\$ $*"; [ $rc -ne 0 ] && echo "# exit $rc: $(cat "$OUT/.err")"; } >>"$T"
  [ $rc -ne 0 ] && echo "FAILED ($rc): $* : $(cat "$OUT/.err")" >&2
  rm -f "$OUT/.err"
  return $rc
}

echo "# ipvsadm $(ipvsadm --version 2>&1 | head -1); kernel $(uname -r); $(head -1 /proc/net/ip_vs)" >>"$T"

# Real servers must be routable for ipvsadm -a: a dummy interface covers the documentation ranges.
run ip link add d0 type dummy
run ip link set d0 up
run ip addr add 198.51.100.254/24 dev d0
run ip addr add 203.0.113.254/24 dev d0
run ip -6 addr add 2001:db8:1::fe/64 dev d0 nodad

# ---- (a) representative rules -------------------------------------------------------------
# every scheduler
port=8000
for s in rr wrr lc wlc sed nq fo ovf lblc lblcr dh sh mh; do
  port=$((port + 1))
  run ipvsadm -A -t 192.0.2.1:$port -s $s
done
run ipvsadm -A -t 192.0.2.1:8100     # no -s: the default scheduler
# scheduler flags
run ipvsadm -A -t 192.0.2.2:80 -s sh -b sh-fallback,sh-port
run ipvsadm -A -t 192.0.2.2:81 -s sh -b sh-fallback
run ipvsadm -A -t 192.0.2.2:82 -s sh -b sh-port
run ipvsadm -A -t 192.0.2.2:83 -s mh -b mh-fallback,mh-port
run ipvsadm -A -t 192.0.2.2:84 -s mh -b mh-port
run ipvsadm -A -t 192.0.2.2:85 -s rr -b flag-1,flag-2,flag-3
run ipvsadm -A -t 192.0.2.2:86 -s wrr -b flag-2
# protocols
run ipvsadm -A -u 192.0.2.3:53 -s rr
run ipvsadm -A --sctp-service 192.0.2.3:3868 -s rr
run ipvsadm -A -t 192.0.2.3:0 -s rr            # port 0: all ports (with persistence only?)
run ipvsadm -A -f 1 -s rr
run ipvsadm -A -f 4294967295 -s wlc
run ipvsadm -A -f 2 -6 -s rr
# IPv6
run ipvsadm -A -t [2001:db8::10]:80 -s wlc
run ipvsadm -A -u [2001:db8::10]:53 -s rr
run ipvsadm -A --sctp-service [2001:db8::10]:3868 -s sh -b sh-port
# persistence
run ipvsadm -A -t 192.0.2.4:443 -s rr -p 300 -M 255.255.255.0
run ipvsadm -A -t 192.0.2.4:444 -s rr -p
run ipvsadm -A -t 192.0.2.4:0 -s rr -p 60
run ipvsadm -A -t [2001:db8::20]:443 -s rr -p 600 -M 64
run ipvsadm -A -f 3 -s rr -p 120 -M 255.255.0.0
run ipvsadm -A -f 4 -6 -s rr -p 120 -M 48
# one-packet scheduling and the SIP persistence engine
run ipvsadm -A -u 192.0.2.5:514 -s rr -o
run ipvsadm -A -u 192.0.2.5:5060 -s rr -p 60 --pe sip
run ipvsadm -A -u 192.0.2.5:5061 -s sh -o -b sh-port -p 30 --pe sip

# real servers: forwarding methods and weights
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.1:80 -g -w 1
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.2:8080 -m -w 5
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.3 -i -w 0
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.4:80 -m -w 65535
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.5:80 -m          # default weight
run ipvsadm -a -t 192.0.2.1:8001 -r 198.51.100.6                # default forwarding
# tunnels
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.10 -i --tun-type ipip
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.11 -i --tun-type gue --tun-port 6080
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.12 -i --tun-type gue --tun-port 6081 --tun-nocsum
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.13 -i --tun-type gue --tun-port 6082 --tun-csum
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.14 -i --tun-type gue --tun-port 6083 --tun-remcsum
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.15 -i --tun-type gre
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.16 -i --tun-type gre --tun-csum
run ipvsadm -a -t 192.0.2.1:8002 -r 198.51.100.17 -i --tun-type gre --tun-nocsum
# thresholds
run ipvsadm -a -t 192.0.2.1:8003 -r 198.51.100.20:80 -m -w 3 -x 100 -y 50
run ipvsadm -a -t 192.0.2.1:8003 -r 198.51.100.21:80 -m -x 10
run ipvsadm -a -t 192.0.2.1:8003 -r 198.51.100.22:80 -m -y 5     # fails: lower > upper (0)
run ipvsadm -a -t 192.0.2.1:8003 -r 198.51.100.22:80 -m -x 0 -y 0
# other protocols and families
run ipvsadm -a -u 192.0.2.3:53 -r 203.0.113.1:53 -m -w 2
run ipvsadm -a --sctp-service 192.0.2.3:3868 -r 203.0.113.2:3868 -g
run ipvsadm -a -f 1 -r 198.51.100.30:80 -m
run ipvsadm -a -f 1 -r 198.51.100.31 -g
run ipvsadm -a -f 2 -6 -r [2001:db8:1::30] -g             # fails: brackets need a port
run ipvsadm -a -f 2 -6 -r 2001:db8:1::30 -g
run ipvsadm -a -f 2 -6 -r [2001:db8:1::31]:0 -g
run ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:1::1]:80 -m -w 2
run ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:1::2]:8080 -g
run ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:1::3]:80 -i --tun-type gue --tun-port 6080 --tun-csum
run ipvsadm -a -t [2001:db8::10]:80 -r 198.51.100.40 -i     # IPv4 tunnel destination for an IPv6 service
run ipvsadm -a -t 192.0.2.4:443 -r 198.51.100.50:443 -m
run ipvsadm -a -t 192.0.2.4:0 -r 198.51.100.51 -g
run ipvsadm -a -u 192.0.2.5:5060 -r 203.0.113.60:5060 -m

rec save-representative ipvsadm -Sn
rec save-representative-resolved ipvsadm -S
rec list-representative ipvsadm -Ln
rec list-representative-nosort ipvsadm -Ln --nosort
rec list-representative-stats ipvsadm -Ln --stats
rec list-representative-stats-exact ipvsadm -Ln --stats --exact
rec list-representative-rate ipvsadm -Ln --rate
rec list-representative-thresholds ipvsadm -Ln --thresholds
rec list-representative-persistent-conn ipvsadm -Ln --persistent-conn
rec list-representative-tun-info ipvsadm -Ln --tun-info
rec list-one-service ipvsadm -Ln -t 192.0.2.1:8002
rec list-one-fwmark-v6 ipvsadm -Ln -f 2 -6
rec proc-net-ip_vs cat /proc/net/ip_vs
rec proc-net-ip_vs_stats cat /proc/net/ip_vs_stats

# save -> clear -> restore -> save is the identity
ipvsadm -Sn >/tmp/saved
run ipvsadm -C
rec restore-representative ipvsadm -R </tmp/saved
rec save-after-restore ipvsadm -Sn
cmp -s /tmp/saved "$OUT/save-after-restore.txt" && echo "# save/restore round trip: identical" >>"$T" \
  || echo "# save/restore round trip: DIFFERENT" >>"$T"
# the same without the fwmark that -Sn prints as -1 (which -R rejects)
grep -v '^-A -f -1 ' /tmp/saved >/tmp/saved-no-neg
run ipvsadm -C
rec restore-representative-no-negative-fwmark ipvsadm -R </tmp/saved-no-neg
rec save-after-restore-no-negative-fwmark ipvsadm -Sn
cmp -s /tmp/saved-no-neg "$OUT/save-after-restore-no-negative-fwmark.txt" \
  && echo "# save/restore round trip without fwmark -1: identical" >>"$T" \
  || echo "# save/restore round trip without fwmark -1: DIFFERENT" >>"$T"

# ---- (b) timeouts and sync daemons ---------------------------------------------------------
run ipvsadm -C   # the IPv4 tunnel destination of an IPv6 service above would block the sync daemon
rec timeout-default ipvsadm -Ln --timeout
run ipvsadm --set 900 120 300
rec timeout-set ipvsadm -Ln --timeout
run ipvsadm --set 100 20 30
rec timeout-set-100-20-30 ipvsadm -Ln --timeout
run ipvsadm --set 0 0 0     # does 0 mean "leave unchanged"?
rec timeout-set-zero ipvsadm -Ln --timeout
rec daemon-none ipvsadm -Ln --daemon
run ip link add s0 type veth peer name s1
run ip link set s0 up
run ip link set s1 up
run ipvsadm --start-daemon master --mcast-interface s0
rec daemon-master ipvsadm -Ln --daemon
run ipvsadm --start-daemon backup --mcast-interface s1 --syncid 7
rec daemon-master-backup ipvsadm -Ln --daemon
run ipvsadm --stop-daemon master
run ipvsadm --stop-daemon backup
run ipvsadm --start-daemon master --mcast-interface s0 --syncid 9 --sync-maxlen 1400 --mcast-group 239.1.2.3 --mcast-port 8849 --mcast-ttl 3
rec daemon-master-options ipvsadm -Ln --daemon
run ipvsadm --stop-daemon master
run ip -6 addr add 2001:db8:2::1/64 dev s0 nodad
run ipvsadm --start-daemon backup --mcast-interface s0 --mcast-group ff02::81 --syncid 3
rec daemon-backup-ipv6-group ipvsadm -Ln --daemon
run ipvsadm --stop-daemon backup
rec daemon-stopped ipvsadm -Ln --daemon
# a destination of the other address family (IPv4 tunnel dest in an IPv6 service) and sync daemons
# exclude each other
run ipvsadm -A -t [2001:db8::30]:80 -s rr
run ipvsadm -a -t [2001:db8::30]:80 -r 198.51.100.41 -i
rec err-daemon-with-mixed-family-dest ipvsadm --start-daemon master --mcast-interface s0; echo "exit=$?" >"$OUT/err-daemon-with-mixed-family-dest.exit"
run ipvsadm -d -t [2001:db8::30]:80 -r 198.51.100.41:80
run ipvsadm --start-daemon master --mcast-interface s0
rec err-mixed-family-dest-with-daemon ipvsadm -a -t [2001:db8::30]:80 -r 198.51.100.41 -i; echo "exit=$?" >"$OUT/err-mixed-family-dest-with-daemon.exit"
run ipvsadm --stop-daemon master

# ---- (c) destination order ----------------------------------------------------------------
run ipvsadm -C
run ipvsadm -A -t 192.0.2.7:80 -s rr
for h in 5 1 3 2 4; do run ipvsadm -a -t 192.0.2.7:80 -r 198.51.100.$h:80 -m -w $h; done
rec order-save ipvsadm -Sn
rec order-list ipvsadm -Ln
rec order-list-nosort ipvsadm -Ln --nosort
run ipvsadm -e -t 192.0.2.7:80 -r 198.51.100.3:80 -m -w 9
rec order-save-after-edit ipvsadm -Sn
run ipvsadm -d -t 192.0.2.7:80 -r 198.51.100.1:80
run ipvsadm -a -t 192.0.2.7:80 -r 198.51.100.1:80 -m -w 1
rec order-save-after-readd ipvsadm -Sn
rec order-list-nosort-after-readd ipvsadm -Ln --nosort
# service order: added 192.0.2.9, .8, then fwmark, udp, v6
run ipvsadm -A -t 192.0.2.9:80
run ipvsadm -A -t 192.0.2.8:80
run ipvsadm -A -f 10
run ipvsadm -A -u 192.0.2.8:80
run ipvsadm -A -t [2001:db8::1]:80
run ipvsadm -A -t 192.0.2.8:79
rec order-services-save ipvsadm -Sn
rec order-services-list ipvsadm -Ln
rec order-services-list-nosort ipvsadm -Ln --nosort

# ---- errors: exit status and stderr of the real tool ---------------------------------------
run ipvsadm -C
run ipvsadm -A -t 192.0.2.10:80 -s rr
rec err-duplicate-service ipvsadm -A -t 192.0.2.10:80 -s rr; echo "exit=$?" >"$OUT/err-duplicate-service.exit"
rec err-unknown-scheduler ipvsadm -A -t 192.0.2.11:80 -s nosuch; echo "exit=$?" >"$OUT/err-unknown-scheduler.exit"
rec err-missing-service ipvsadm -D -t 192.0.2.12:80; echo "exit=$?" >"$OUT/err-missing-service.exit"
rec err-missing-dest ipvsadm -d -t 192.0.2.10:80 -r 198.51.100.99:80; echo "exit=$?" >"$OUT/err-missing-dest.exit"
run ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.98:80 -m
rec err-duplicate-dest ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.98:80 -m; echo "exit=$?" >"$OUT/err-duplicate-dest.exit"
rec err-unroutable-dest ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.200:80 -m; echo "exit=$?" >"$OUT/err-unroutable-dest.exit"
rec err-weight-int-max ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.96:80 -m -w 2147483647; echo "exit=$?" >"$OUT/err-weight-int-max.exit"
rec err-weight-negative ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.95:80 -m -w -1; echo "exit=$?" >"$OUT/err-weight-negative.exit"
rec err-unroutable-dest-v6 ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:99::1]:80 -m; echo "exit=$?" >"$OUT/err-unroutable-dest-v6.exit"
run ipvsadm -A -t [2001:db8::10]:80 -s rr
rec err-unroutable-dest-v6-svc ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:99::1]:80 -m; echo "exit=$?" >"$OUT/err-unroutable-dest-v6-svc.exit"
rec err-threshold-lower-above-upper ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.94:80 -m -x 5 -y 6; echo "exit=$?" >"$OUT/err-threshold-lower-above-upper.exit"
rec err-persistence-v4-mask-on-v6 ipvsadm -A -t [2001:db8::11]:80 -p 60 -M 255.255.255.0; echo "exit=$?" >"$OUT/err-persistence-v4-mask-on-v6.exit"
rec err-sched-flag-unknown ipvsadm -A -t 192.0.2.15:80 -s sh -b nosuch; echo "exit=$?" >"$OUT/err-sched-flag-unknown.exit"
rec err-pe-unknown ipvsadm -A -u 192.0.2.15:80 -p --pe nosuch; echo "exit=$?" >"$OUT/err-pe-unknown.exit"
rec err-bad-weight ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.97:80 -w 70000; echo "exit=$?" >"$OUT/err-bad-weight.exit"
rec err-restore-bad-line ipvsadm -R <<<"-A -t 192.0.2.13:80 -s rr
-A -t 192.0.2.13:80 -s rr
-A -t 192.0.2.14:80 -s rr"; echo "exit=$?" >"$OUT/err-restore-bad-line.exit"
rec err-restore-bad-line-after ipvsadm -Sn
rm -f "$OUT"/*.cmd.tmp
exit 0
