"""One table of delete keys (tracker/ui/keys.py) for every list and table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from tracker.ui.keys import is_delete_key

K, M = Qt.Key, Qt.KeyboardModifier


@pytest.mark.parametrize(("key", "mods", "deletes"), [
    (K.Key_Delete, M.NoModifier, True),
    (K.Key_Backspace, M.NoModifier, True),
    (K.Key_Backspace, M.ControlModifier, False),  # the editor's delete-word
    (K.Key_Delete, M.ShiftModifier, False),
    (K.Key_D, M.NoModifier, False),
])
def test_delete_keys(key, mods, deletes):
    e = QKeyEvent(QEvent.Type.KeyPress, key, mods)
    assert is_delete_key(e) is deletes
