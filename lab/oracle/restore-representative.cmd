ipvsadm -R
