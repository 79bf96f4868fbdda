# Sourced inside the lab guest by IpvsCliIT: reads one kernel table with ipvsadm and with lvs4j so
# that a change of the table between the two reads can neither fail nor pass the comparison by chance.
#
#   compare NAME "IPVSADM ARGS" "LVS4J ARGS" [REQUIRED]
#
# One attempt is three reads: ipvsadm, lvs4j, ipvsadm again. An attempt counts when the two ipvsadm
# reads agree (for connection entries, -c, with the expiry column masked: it counts down) and, if
# REQUIRED (an extended regular expression) is given, the first read matches it; otherwise the three
# reads are repeated, at most COMPARE_ATTEMPTS times (default 5). The test asserts the agreement
# again and compares lvs4j's read with the first ipvsadm read; it fails, showing every attempt, when
# no attempt counted.
#
# Why agreeing outer reads prove that lvs4j saw the same table: these comparisons run with no traffic
# through the VIPs, so the table only changes one way. Counters and rates do not move at all (the
# caller stops the kernel's estimator: net.ipv4.vs.run_estimation=0); connection entries only expire,
# taking their ActiveConn/InActConn count with them, and nothing that went comes back. A change
# between the first and the second read therefore still shows in the third.
#
# Sections printed for each attempt K: "ipvsadm-NAME#K", "lvs4j-NAME#K", "again-NAME#K", each
# followed by ".err" (stderr) and ".rc" (exit status); then "NAME.attempts" with the last K.
#
# Before each attempt, the function named by $prepare (if set) runs: it restores what REQUIRED asks for.
#
# PROVOKE (a test of this mechanism, not of lvs4j: lvs4j.it.provoke in IpvsCliIT) changes the table
# on purpose in the first attempt of each comparison, between the first ipvsadm read and lvs4j's:
#   expiry   (connection comparisons) wait until the TCP SYN_RECV entry has at most a second left,
#            then 3 s between the two reads: the entry expires between them;
#   traffic  a UDP datagram through a VIP (a new connection entry, one more InActConn, and once the
#            estimator runs, one more packet) and 2.5 s, past a 2-second estimator tick.
# The variable provoke does the same for one call (IpvsCliIT's own check of the mechanism).

COMPARE_ATTEMPTS=${COMPARE_ATTEMPTS:-5}
PROVOKE=${PROVOKE:-}

# mask FILE: the file with the expiry of connection entries ("TCP 00:58  SYN_RECV ...") masked
mask() { sed -E 's/^([A-Z]+ )[0-9]{2}:[0-9]{2} /\1mm:ss /' "$1"; }

# read_to FILE CMD...: stdout to FILE, stderr to FILE.err, the exit status to FILE.rc
read_to() { local f=$1; shift; "$@" >"$f" 2>"$f.err"; echo $? >"$f.rc"; }

# show NAME FILE: FILE, FILE.err and FILE.rc as sections NAME, NAME.err, NAME.rc
show() { echo "== $1"; cat "$2"; echo "== $1.err"; cat "$2.err"; echo "== $1.rc"; cat "$2.rc"; }

# provoke_between WHAT IPVSADM-ARGS: the table change WHAT, done between two reads
provoke_between() {
  case $1 in
    expiry)
      case " $2 " in
        *" -Lnc "*|*" -c "*) sleep 3 ;;
      esac ;;
    traffic) echo x >/dev/udp/192.0.2.3/53; sleep 2.5 ;;
  esac
}

# provoke_before WHAT IPVSADM-ARGS: what WHAT waits for before the first read
provoke_before() {
  case $1 in
    expiry)
      case " $2 " in
        *" -Lnc "*|*" -c "*)
          # the entry lives 60 s from the traffic step: wait for its last second by the clock (400
          # polls of 0.1 s could end before it where ipvsadm runs quickly)
          local end=$((SECONDS + 75))
          while [ $SECONDS -lt $end ]; do
            ipvsadm -Lnc | grep -Eq '^TCP 00:0[01] +SYN_RECV ' && return 0
            sleep 0.1
          done
          echo "PROVOKE expiry: no SYN_RECV entry about to expire" >&2 ;;
      esac ;;
  esac
}

compare() {
  local name=$1 a=$2 l=$3 required=${4:-} t what d=/tmp/compare
  mkdir -p $d
  for t in $(seq "$COMPARE_ATTEMPTS"); do
    what=
    [ "$t" = 1 ] && what=${provoke:-$PROVOKE}
    [ -n "${prepare:-}" ] && $prepare
    provoke_before "$what" "$a"
    read_to $d/first ipvsadm $a
    provoke_between "$what" "$a"
    read_to $d/lvs4j $L $l
    read_to $d/again ipvsadm $a
    show "ipvsadm-$name#$t" $d/first
    show "lvs4j-$name#$t" $d/lvs4j
    show "again-$name#$t" $d/again
    mask $d/first >$d/first.masked
    mask $d/again >$d/again.masked
    if cmp -s $d/first.masked $d/again.masked && cmp -s $d/first.rc $d/again.rc \
        && { [ -z "$required" ] || grep -Eq -- "$required" $d/first; }; then
      break
    fi
  done
  echo "== $name.attempts"
  echo "$t"
}
