"""Subnet IP Monitor runtime: the code shipped as the Lambda asset (one package, several handlers)."""
