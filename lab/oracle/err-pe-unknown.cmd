ipvsadm -A -u 192.0.2.15:80 -p --pe nosuch
