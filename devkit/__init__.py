"""What the demo, the benchmarks, the tests and `report --demo` share: the emulator and its fixes, seeded
scenarios, a Lambda context, read-back helpers. Product code (lambdas/, infra/, cli/) never imports it."""
