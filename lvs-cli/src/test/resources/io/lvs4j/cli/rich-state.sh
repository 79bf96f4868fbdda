# Sourced inside the lab guest: builds a rich IPVS state with the real ipvsadm.
# Real servers need no route in this kernel, but a dummy interface with the ranges keeps it realistic.
ip link add d0 type dummy && ip link set d0 up
ip addr add 198.51.100.254/24 dev d0
ip addr add 203.0.113.254/24 dev d0
ip -6 addr add 2001:db8:1::fe/64 dev d0 nodad
ipvs() { ipvsadm "$@" || echo "SETUP FAILED: ipvsadm $*" >&2; }

# every scheduler (no twos in this kernel), and the default
port=8000
for s in rr wrr lc wlc sed nq fo ovf lblc lblcr dh sh mh; do
  port=$((port + 1)); ipvs -A -t 192.0.2.1:$port -s $s
done
ipvs -A -t 192.0.2.1:8100
# scheduler flags
ipvs -A -t 192.0.2.2:80 -s sh -b sh-fallback,sh-port
ipvs -A -t 192.0.2.2:81 -s sh -b sh-fallback
ipvs -A -t 192.0.2.2:82 -s mh -b mh-fallback,mh-port
ipvs -A -t 192.0.2.2:83 -s mh -b mh-port
ipvs -A -t 192.0.2.2:85 -s rr -b flag-1,flag-2,flag-3
ipvs -A -t 192.0.2.2:86 -s wrr -b flag-2
# protocols, fwmarks (also above 2^31, which ipvsadm prints as negative)
ipvs -A -u 192.0.2.3:53 -s rr
ipvs -A --sctp-service 192.0.2.3:3868 -s rr
ipvs -A -f 1 -s rr
ipvs -A -f 2 -6 -s rr
ipvs -A -f 3000000000 -s wlc
ipvs -A -f 2147483648 -s wlc
# IPv6
ipvs -A -t [2001:db8::10]:80 -s wlc
ipvs -A -u [2001:db8::10]:53 -s rr
ipvs -A --sctp-service [2001:db8::10]:3868 -s sh -b sh-port
ipvs -A -t [fe80::1]:80 -s rr
ipvs -A -t [a000::1]:80 -s rr
# persistence, netmasks, one-packet, the sip persistence engine (also without persistence)
ipvs -A -t 192.0.2.4:443 -s rr -p 300 -M 255.255.255.0
ipvs -A -t 192.0.2.4:444 -s rr -p
ipvs -A -t 192.0.2.4:0 -s rr -p 60
ipvs -A -t [2001:db8::20]:443 -s rr -p 600 -M 64
ipvs -A -f 3 -s rr -p 120 -M 255.255.0.0
ipvs -A -f 4 -6 -s rr -p 120 -M 48
ipvs -A -u 192.0.2.5:514 -s rr -o
ipvs -A -u 192.0.2.5:5060 -s rr -p 60 --pe sip
ipvs -A -u 192.0.2.5:5061 -s sh -o -b sh-port -p 30 --pe sip
ipvs -A -u 192.0.2.5:5062 -s rr --pe sip
# services whose addresses differ by more than 2^31: ipvsadm's order is not numeric
for a in 10.0.0.1 200.0.0.1 100.0.0.1 150.0.0.1 1.2.3.4 255.0.0.1 128.0.0.1 127.0.0.1 129.0.0.1; do
  ipvs -A -t $a:80 -s rr
done

# real servers: forwarding methods and weights (added out of order)
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.5:80 -m
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.1:80 -g -w 1
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.2:8080 -m -w 5
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.3 -i -w 0
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.4:80 -m -w 65535
ipvs -a -t 192.0.2.1:8001 -r 198.51.100.6
# tunnels
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.10 -i --tun-type ipip
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.11 -i --tun-type gue --tun-port 6080
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.13 -i --tun-type gue --tun-port 6082 --tun-csum
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.14 -i --tun-type gue --tun-port 6083 --tun-remcsum
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.15 -i --tun-type gre
ipvs -a -t 192.0.2.1:8002 -r 198.51.100.16 -i --tun-type gre --tun-csum
# thresholds
ipvs -a -t 192.0.2.1:8003 -r 198.51.100.20:80 -m -w 3 -x 100 -y 50
ipvs -a -t 192.0.2.1:8003 -r 198.51.100.21:80 -m -x 10
ipvs -a -t 192.0.2.1:8003 -r 198.51.100.22:80 -m
# real servers whose addresses differ by more than 2^31
for a in 1.0.0.1 200.0.0.2 100.0.0.3 150.0.0.4 250.0.0.1 120.0.0.1 130.0.0.1; do
  ipvs -a -t 192.0.2.1:8004 -r $a:80 -m
done
# other protocols and families
ipvs -a -u 192.0.2.3:53 -r 203.0.113.1:53 -m -w 2
ipvs -a --sctp-service 192.0.2.3:3868 -r 203.0.113.2:3868 -g
ipvs -a -f 1 -r 198.51.100.30:80 -m
ipvs -a -f 1 -r 198.51.100.31 -g
ipvs -a -f 1 -r 198.51.100.32:8080 -g
ipvs -a -f 2 -6 -r 2001:db8:1::30 -g
ipvs -a -f 2 -6 -r [2001:db8:1::31]:0 -g
ipvs -a -t [2001:db8::10]:80 -r [2001:db8:1::1]:80 -m -w 2
ipvs -a -t [2001:db8::10]:80 -r [2001:db8:1::2]:8080 -g
ipvs -a -t [2001:db8::10]:80 -r [2001:db8:1::3]:80 -i --tun-type gue --tun-port 6080 --tun-csum
ipvs -a -t [2001:db8::10]:80 -r [a000::5]:80 -m
ipvs -a -t [2001:db8::10]:80 -r 198.51.100.40 -i   # an IPv4 tunnel destination of an IPv6 service
ipvs -a -t 192.0.2.4:443 -r 198.51.100.50:443 -m
ipvs -a -t 192.0.2.4:0 -r 198.51.100.51 -g
ipvs -a -u 192.0.2.5:5060 -r 203.0.113.60:5060 -m
ipvs -a -t 200.0.0.1:80 -r 198.51.100.60:80 -m -w 7
ipvs --set 100 20 3600   # UDP entries must outlive the run
# an IPv6 UDP service with a real server, and routes for the traffic that fills the connection table
ip addr add 192.0.2.254/24 dev d0
ip -6 addr add 2001:db8::fe/64 dev d0 nodad
ipvs -a -u [2001:db8::10]:53 -r [2001:db8:1::53]:53 -m

# Traffic for counters, rates and the connection table, called by the test once the idle state has
# been compared. Nothing answers (the real servers are on the dummy interface), so each packet leaves
# one connection entry: UDP (3600 s, --set above) and a TCP SYN_RECV entry, which the kernel keeps
# only 60 s (not settable with ipvsadm --set; ensure_synrecv makes a new one when it is gone).

# synrecv: a TCP connection attempt through 192.0.2.1:8001; once its entry is in the table the
# connector is stopped and reaped, so no retransmission follows
synrecv() {
  timeout 5 bash -c 'echo >/dev/tcp/192.0.2.1/8001' 2>/dev/null & local c=$! i
  for i in $(seq 50); do ipvsadm -Lnc | grep -q ' 192.0.2.1:8001 ' && break; sleep 0.1; done
  kill $c 2>/dev/null; wait $c 2>/dev/null
}

# ensure_synrecv: synrecv unless a TCP SYN_RECV entry is in the table
ensure_synrecv() { ipvsadm -Lnc | grep -Eq '^TCP [0-9:]+ +SYN_RECV ' || synrecv; }

# traffic: a UDP datagram through each UDP VIP (IPv4 and IPv6) and a TCP connection attempt; then,
# once the kernel reports all three (it folds its per-CPU counters into what it reports on its
# 2-second estimator tick), the estimator is stopped: counters and rates stand still from then on
# (until estimator_on), whatever a late packet does
traffic() {
  echo x >/dev/udp/192.0.2.3/53; echo x >/dev/udp/2001:db8::10/53
  synrecv
  counted() { ipvsadm -Ln --stats $1 | awk '$1 ~ /^(TCP|UDP)$/ {n = $3} END {exit !(n > 0)}'; }
  # at least 30 s (300 polls, 0.1 s apart): the estimator ticks every 2 s, but a loaded guest can run
  # it late; a count of polls, not the guest's clock, which can jump when the host is loaded
  local i ok=
  for i in $(seq 300); do
    counted '-t 192.0.2.1:8001' && counted '-u 192.0.2.3:53' && counted '-u [2001:db8::10]:53' && { ok=1; break; }
    sleep 0.1
  done
  [ -n "$ok" ] || echo "SETUP FAILED: the kernel did not count the traffic within 300 polls" >&2
  sysctl -qw net.ipv4.vs.run_estimation=0 || echo "SETUP FAILED: net.ipv4.vs.run_estimation=0" >&2
}
estimator_on() { sysctl -qw net.ipv4.vs.run_estimation=1; }
