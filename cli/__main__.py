"""`python -m cli`: the same as the `subnet-ip-monitor` console script."""

from cli.main import console

console()
