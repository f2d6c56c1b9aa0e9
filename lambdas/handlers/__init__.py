"""Lambda entry points: parse input, load settings, call the pipeline, return."""
