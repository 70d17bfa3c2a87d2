"""HTML and PDF reports built from a snapshot."""
