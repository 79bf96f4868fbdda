cat /proc/net/ip_vs
