"""Spec rows of the logical family."""
CASES = {}
