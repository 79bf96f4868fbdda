ipvsadm -Ln -t 192.0.2.1:8002
