"""Command-line tools (pullback-opt)."""
