"""CDK constructs and the stack of Subnet IP Monitor."""
