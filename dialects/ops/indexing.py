"""indexing ops of the pb dialect (being written)."""
