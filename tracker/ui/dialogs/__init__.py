"""Dialogs that collect input for a named operation (GUI thread only)."""
