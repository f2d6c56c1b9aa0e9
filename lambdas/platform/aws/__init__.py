"""Adapters: thin functions that take a boto3 client, call AWS and return plain data or project errors."""
