ipvsadm -D -t 192.0.2.12:80
