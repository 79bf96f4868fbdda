ipvsadm -A -t 192.0.2.11:80 -s nosuch
