"""Files that come from or leave the machine: progress and review files, Open Badges.
Qt-free; every loader treats its input as untrusted."""
