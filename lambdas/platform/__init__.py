"""Plumbing every capability uses: contract, settings, targets, the run skeleton, publishing, notifying, AWS reads."""
