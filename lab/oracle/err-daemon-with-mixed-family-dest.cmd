ipvsadm --start-daemon master --mcast-interface s0
