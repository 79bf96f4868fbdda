#!/usr/bin/env bash
# Runs INSIDE the lab guest:
#   lab/uml-run --timeout 300 --env ORACLE_OUT=$PWD/lab/oracle --script lab/oracle/generate-keepalived.sh
# Does `keepalived -n -l -D -C -f FILE` program IPVS inside UML, and how soon does ipvsadm -Sn
# show it? Polls ipvsadm -Sn every ~0.1 s and records each change with the time since start.
set -u
OUT=${ORACLE_OUT:?set ORACLE_OUT}
T=$OUT/transcript-keepalived.txt
: >"$T"
ip link add d0 type dummy; ip link set d0 up
ip addr add 198.51.100.254/24 dev d0
# something listens on 198.51.100.254:80 (a TCP_CHECK that succeeds); nothing on .12:80 (fails)
mkdir -p /tmp/www && (cd /tmp/www && exec python3 -m http.server 80 --bind 198.51.100.254 >/dev/null 2>&1) &
www=$!
for n in $(seq 1 100); do curl -s -m 1 -o /dev/null http://198.51.100.254/ && break; sleep 0.2; done

cat >/tmp/keepalived.conf <<'CONF'
global_defs {
    router_id lab
}
virtual_server 192.0.2.50 80 {
    delay_loop 2
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    persistence_timeout 120
    real_server 198.51.100.11 80 {
        weight 3
    }
    real_server 198.51.100.12 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 198.51.100.254 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
virtual_server 192.0.2.51 53 {
    lb_algo rr
    lb_kind DR
    protocol UDP
    real_server 198.51.100.13 53 {
        weight 1
    }
}
virtual_server fwmark 7 {
    lb_algo sh
    lb_kind TUN
    real_server 198.51.100.14 0 {
        weight 1
    }
}
CONF
cp /tmp/keepalived.conf "$OUT/keepalived-sample.conf"
echo "# keepalived: $(keepalived --version 2>&1 | head -1)" >>"$T"
start=$EPOCHREALTIME
keepalived -n -l -D -C -f /tmp/keepalived.conf -p /run/ka.pid -c /run/ka-check.pid >/tmp/ka.log 2>&1 &
ka=$!
prev=""
end=$(( ${start/./} / 1000 + 15000 ))
while :; do
  now=$EPOCHREALTIME; ms=$(( (${now/./} - ${start/./}) / 1000 ))
  cur=$(ipvsadm -Sn 2>&1)
  if [ "$cur" != "$prev" ]; then
    { echo "### t=${ms} ms: ipvsadm -Sn"; echo "$cur"; echo; } >>"$T"
    prev=$cur
  fi
  [ $(( ${now/./} / 1000 )) -ge $end ] && break
  sleep 0.1
done
ipvsadm -Sn >"$OUT/keepalived-save.txt"
ipvsadm -Ln >"$OUT/keepalived-list.txt"
kill -TERM $ka
for n in $(seq 1 50); do kill -0 $ka 2>/dev/null || break; sleep 0.1; done
kill -KILL $ka 2>/dev/null
{ echo "### after SIGTERM to keepalived: ipvsadm -Sn"; ipvsadm -Sn; echo; echo "### keepalived log"; cat /tmp/ka.log; } >>"$T"
kill $www 2>/dev/null
exit 0
