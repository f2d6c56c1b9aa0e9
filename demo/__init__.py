"""Local demo: the real collector handlers against moto's in-process AWS emulator, no account needed."""
