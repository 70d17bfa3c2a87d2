"""Qt widgets, item models, undo commands and dialogs: the only Qt-widget code."""
