ipvsadm -S
