ipvsadm -A -t 192.0.2.10:80 -s rr
