"""Spec rows of the shape family."""
CASES = {}
