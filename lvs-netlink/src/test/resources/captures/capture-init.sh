#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
mkdir -p /tmp/m/lib/modules
ln -s /usr/lib/uml/modules/$(uname -r) /tmp/m/lib/modules/$(uname -r)
for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh dummy; do modprobe -d /tmp/m $m; done
ip link set lo up
ip link add d0 type dummy; ip addr add 10.0.0.10/24 dev d0; ip link set d0 up
O=/work/nlcap/out; mkdir -p $O
S="strace -f -e trace=sendmsg,recvmsg -e write=3 -e read=3 -xx -s 8192"
$S -o $O/01-add-svc.txt ipvsadm -A -t 192.0.2.10:80 -s wrr
$S -o $O/02-add-dest.txt ipvsadm -a -t 192.0.2.10:80 -r 10.0.0.1:8080 -m -w 3
$S -o $O/03-edit-svc.txt ipvsadm -E -t 192.0.2.10:80 -s sh -b sh-port -p 300 -M 255.255.255.0
$S -o $O/04-list.txt ipvsadm -Ln
$S -o $O/05-add-svc6.txt ipvsadm -A -u [2001:db8::1]:53 -s rr
$S -o $O/06-add-fwm.txt ipvsadm -A -f 7 -s rr
$S -o $O/07-dup.txt ipvsadm -A -t 192.0.2.10:80 -s wrr
$S -o $O/08-badsched.txt ipvsadm -A -t 192.0.2.11:80 -s nosuch
$S -o $O/09-timeout.txt ipvsadm --set 900 120 300
$S -o $O/10-list-timeout.txt ipvsadm -L --timeout
$S -o $O/11-save.txt ipvsadm -Sn
$S -o $O/12-daemon.txt ipvsadm --start-daemon master --mcast-interface d0 --syncid 5
$S -o $O/13-list-daemon.txt ipvsadm -L --daemon
$S -o $O/14-add-tun.txt ipvsadm -a -t 192.0.2.10:80 -r 10.0.0.2 -i --tun-type gue --tun-port 6080 --tun-nocsum -x 100 -y 10
$S -o $O/15-list-stats.txt ipvsadm -Ln --stats
$S -o $O/16-del-dest.txt ipvsadm -d -t 192.0.2.10:80 -r 10.0.0.2
$S -o $O/17-zero.txt ipvsadm -Z
$S -o $O/18-stopdaemon.txt ipvsadm --stop-daemon master
$S -o $O/19-flush.txt ipvsadm -C
genl ctrl get name IPVS > $O/genl-get.txt 2>&1
genl ctrl policy name IPVS > $O/genl-policy.txt 2>&1
$S -o $O/20-genl-policy.txt genl ctrl policy name IPVS
ipvsadm -Sn > $O/final.txt 2>&1
cat /proc/net/ip_vs > $O/procipvs.txt 2>&1
poweroff -f
