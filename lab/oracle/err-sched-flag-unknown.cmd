ipvsadm -A -t 192.0.2.15:80 -s sh -b nosuch
