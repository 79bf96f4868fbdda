ipvsadm -Lc
