ipvsadm -Ln --nosort
