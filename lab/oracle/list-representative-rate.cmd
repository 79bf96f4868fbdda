ipvsadm -Ln --rate
