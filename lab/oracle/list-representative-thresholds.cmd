ipvsadm -Ln --thresholds
