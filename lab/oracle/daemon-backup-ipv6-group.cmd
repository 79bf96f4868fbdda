ipvsadm -Ln --daemon
