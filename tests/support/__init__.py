"""What the tests, the demo and the benchmark share, kept out of the Lambda asset: the seeded scenario, a local
Lambda context, metric read-back, canned botocore answers and the event fixtures."""
