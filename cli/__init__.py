"""`subnet-ip-monitor`: the command-line tool (report: a read-only look at an account; plan: subnet sizing)."""
