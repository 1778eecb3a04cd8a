"""Spec rows of the reduction family."""
CASES = {}
