"""Review mode: a learner's exported progress file opened read-only by a mentor."""
