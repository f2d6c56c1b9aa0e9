"""Pure facts of the problem (addresses, the deployment fit, snapshot shapes) and the reads that build them."""
