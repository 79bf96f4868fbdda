ipvsadm -Ln --timeout
