ipvsadm -Ln -f 2 -6
