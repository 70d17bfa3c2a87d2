"""Item models: thin Qt adapters over plain Python data (GUI thread only)."""
