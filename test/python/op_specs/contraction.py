"""Spec rows of the contraction family."""
CASES = {}
