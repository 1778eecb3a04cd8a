"""Spec rows of the indexing family."""
CASES = {}
