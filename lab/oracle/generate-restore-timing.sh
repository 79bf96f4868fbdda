#!/usr/bin/env bash
# Runs INSIDE the lab guest (alone on the machine, for honest timings):
#   lab/uml-run --timeout 3600 --env ORACLE_OUT=$PWD/lab/oracle --script lab/oracle/generate-restore-timing.sh
# Times `ipvsadm -R` for N services with K real servers each (NAT), then -Sn and -C.
# Rules: service i is TCP 192.0.2.(1+i%250):(1000+i/250); its real servers are
# 198.51.100.(1+(K*i+j)%250):(80+(K*i+j)/250), j=0..K-1, reachable through a dummy interface.
set -u
OUT=${ORACLE_OUT:?set ORACLE_OUT}
R=$OUT/restore-timing.txt
ip link add d0 type dummy; ip link set d0 up
ip addr add 198.51.100.254/24 dev d0

gen() { # N K -> rules on stdout
  awk -v n="$1" -v k="$2" 'BEGIN {
    for (i = 0; i < n; i++) {
      vip = sprintf("192.0.2.%d:%d", 1 + i % 250, 1000 + int(i / 250));
      printf "-A -t %s -s wlc\n", vip;
      for (j = 0; j < k; j++) { x = k * i + j; printf "-a -t %s -r 198.51.100.%d:%d -m -w 1\n", vip, 1 + x % 250, 80 + int(x / 250) }
    }
  }'
}
ms_since() { local now=$EPOCHREALTIME; echo $(( (${now/./} - ${1/./}) / 1000 )); }

{
  echo "# ipvsadm -R timings inside UML: $(uname -r), $(ipvsadm --version 2>&1 | head -1), host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# services real_servers_each lines restore_ms save_ms(-Sn) clear_ms(-C) services_after"
} >"$R"
for spec in "1000 1" "1000 1" "2000 1" "5000 1" "10000 4"; do
  set -- $spec
  gen "$1" "$2" >/tmp/rules
  lines=$(wc -l </tmp/rules)
  t=$EPOCHREALTIME; ipvsadm -R </tmp/rules 2>/tmp/restore.err; rc=$?; restore=$(ms_since "$t")
  t=$EPOCHREALTIME; ipvsadm -Sn >/tmp/saved; save=$(ms_since "$t")
  count=$(grep -c '^-A' /tmp/saved)
  cmp -s /tmp/rules /tmp/saved && same=identical || same=differs
  t=$EPOCHREALTIME; ipvsadm -C; clear=$(ms_since "$t")
  echo "$1 $2 $lines $restore $save $clear $count   # restore exit $rc, $(wc -l </tmp/restore.err) stderr lines, save vs input: $same" >>"$R"
done
cat "$R"
