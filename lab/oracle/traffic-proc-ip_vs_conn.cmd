cat /proc/net/ip_vs_conn
