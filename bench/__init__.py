"""`make bench`: the collectors' API calls, time and memory at S, M and L sizes, against the local emulator."""
