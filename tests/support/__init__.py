"""Test support only the tests use: the edge audit, fault injection, mutations."""
