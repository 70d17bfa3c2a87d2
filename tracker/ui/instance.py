"""One GUI per data folder: a second start hands its files to the first window and exits.

The first GUI on a data folder takes a lock file in it (``gui.lock``, a :class:`QLockFile`:
a lock whose process is gone, after a crash, is taken over) and listens on a local socket
named after the folder. A later start on the same folder finds the lock held, connects and
sends one line of JSON, ``{"open": [absolute paths]}``; the first window comes to the front,
opens the files and answers ``ok``. The lock, not the socket, decides who is first, so two
starts at the same moment cannot both win; the socket of a crashed instance is removed
before listening (we hold the lock, so it cannot be anyone's).

Threading rule: GUI thread only. Costs a few milliseconds at start-up (a lock file and a
failed connect); nothing for a first instance beyond that.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_NAME = "gui.lock"
MAX_MESSAGE = 1 << 20  # 1 MB of paths is more than any file manager sends


def server_name(folder: Path) -> str:
    """A socket name per user and data folder (short: Unix socket paths are limited)."""
    key = f"{os.getuid() if hasattr(os, 'getuid') else os.environ.get('USERNAME', '')}:" \
          f"{os.path.realpath(folder)}"
    return "mlops-tracker-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")
                                             ).hexdigest()[:24]


class NotAnswering(Exception):
    """Another GUI holds the data folder but does not answer (hung, or still starting)."""


class SingleInstance(QObject):
    """The first GUI's side: holds the lock, listens, emits ``files_received``."""

    files_received = Signal(list)

    def __init__(self, folder: Path, lock: QLockFile, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = folder
        self.lock = lock
        self.name = server_name(folder)
        self._buffers: dict[QLocalSocket, bytearray] = {}  # connections being read
        self._done: list[QLocalSocket] = []  # answered; freed at the next connection
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if lock.isLocked():  # ours: a socket file left there is a crashed instance's
            QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            from tracker import diagnostics

            diagnostics.get_logger("tracker.instance").warning(
                "cannot listen on %s: %s", self.name, self.server.errorString())
        self.server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        finished = [s for s in self._done
                    if s.state() == QLocalSocket.LocalSocketState.UnconnectedState]
        for sock in finished:  # answered earlier and closed: free them now
            self._done.remove(sock)
            sock.deleteLater()
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock is None:
                break
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(self._on_ready)
            sock.disconnected.connect(self._on_gone)
            if sock.bytesAvailable():
                self._read(sock)

    def _on_ready(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket) and sock in self._buffers:
            self._read(sock)

    def _on_gone(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket):
            self._drop(sock)

    def _drop(self, sock: QLocalSocket) -> None:
        """Stop listening to a connection. It is freed at the next connection (or with the
        server), never from inside its own signal: deleteLater there crashed the test
        process about every other run."""
        if self._buffers.pop(sock, None) is not None:
            sock.readyRead.disconnect(self._on_ready)
            sock.disconnected.disconnect(self._on_gone)
            self._done.append(sock)

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers[sock]
        buf.extend(bytes(sock.readAll().data()))
        if len(buf) > MAX_MESSAGE:
            self._drop(sock)
            sock.abort()
            return
        if b"\n" not in buf:
            return
        line = bytes(buf).split(b"\n", 1)[0]
        try:
            message = json.loads(line.decode("utf-8"))
            files = [f for f in message.get("open", []) if isinstance(f, str)]
        except (ValueError, AttributeError, TypeError):
            self._drop(sock)
            sock.abort()
            return
        self._drop(sock)
        sock.write(b"ok\n")
        sock.flush()
        sock.disconnectFromServer()
        from tracker import diagnostics

        diagnostics.get_logger("tracker.instance").info(
            "another start handed over %d file(s)", len(files))
        self.files_received.emit(files)

    def close(self) -> None:
        for sock in [*self._buffers, *self._done]:
            try:
                sock.abort()
            except RuntimeError:  # already deleted with the server
                pass
        self._buffers.clear()
        self._done.clear()
        self.server.close()
        self.lock.unlock()


def claim(folder: Path) -> QLockFile | None:
    """The lock for ``folder`` if this is the first GUI on it, else None. A folder that
    cannot hold a lock (missing parent, read-only) gives an unlocked QLockFile: the store
    reports that folder's real problem a moment later."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return QLockFile(str(folder / LOCK_NAME))
    lock = QLockFile(str(folder / LOCK_NAME))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return None
    return lock  # PermissionError / UnknownError: run without the guard


def forward(folder: Path, files: list[str], timeout_ms: int = 5000) -> None:
    """Hand ``files`` (absolute paths) to the GUI that holds ``folder``; raises
    :class:`NotAnswering` if it does not take them within ``timeout_ms`` (it may still be
    starting: its socket opens a moment after its lock)."""
    import time

    name = server_name(folder)
    message = (json.dumps({"open": files}) + "\n").encode("utf-8")
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        sock = QLocalSocket()
        sock.connectToServer(name)
        if sock.waitForConnected(500):
            sock.write(message)
            if sock.waitForBytesWritten(2000):
                answer = bytearray()
                while True:
                    answer.extend(bytes(sock.readAll().data()))
                    left = int((deadline - time.monotonic()) * 1000)
                    if b"\n" in answer or left <= 0 or not sock.waitForReadyRead(left):
                        break
                if bytes(answer).startswith(b"ok"):
                    sock.disconnectFromServer()
                    return
        sock.abort()
        if time.monotonic() >= deadline:
            raise NotAnswering(f"another MLOps Career Tracker window has the data folder "
                               f"{folder} open but does not answer; close it and try again")
        time.sleep(0.1)
