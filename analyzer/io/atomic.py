"""The one atomic writer: every file the tool writes appears whole or not at all.

Content goes to a temporary file with a unique name beside the target and is renamed over it only when
complete. Concurrent runs never share a temporary file, and a temporary file is removed only by the run that
made it, or later when the process that made it is gone (a run killed with SIGKILL). A long run holds
:func:`exclusive` on its output, so a second run on the same output stops at once instead of racing it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_PREFIX = "."
_SUFFIX = ".tmp"


def _temp_name(target: Path) -> str:
    return f"{_PREFIX}{target.name}.{os.getpid()}."


class atomic_path:  # noqa: N801 - used like a function: ``with atomic_path(target) as tmp``
    """A fresh temporary path beside ``target`` (a file, or a folder with ``directory=True``). Leaving the
    ``with`` block normally replaces ``target`` with it; an exception removes it. Streaming writers call
    :meth:`commit` or :meth:`discard` themselves.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('done', ['r.txt'])
    """

    def __init__(self, target: str | Path, directory: bool = False) -> None:
        self.target = Path(target)
        self.directory = directory
        remove_orphans(self.target)
        if directory:
            self.path = Path(tempfile.mkdtemp(prefix=_temp_name(self.target), suffix=_SUFFIX, dir=self.target.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=_temp_name(self.target), suffix=_SUFFIX, dir=self.target.parent)
            os.close(fd)
            self.path = Path(name)

    def commit(self) -> Path:
        if self.directory and self.target.is_dir():
            self.target.rmdir()  # an empty folder the caller allowed
        os.replace(self.path, self.target)
        return self.target

    def discard(self) -> None:
        _remove(self.path)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


@contextmanager
def exclusive(target: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` while the block runs: ``fcntl.flock`` on ``.NAME.lock`` beside it,
    which holds the owner's PID. A second holder stops at once with ``output.in_use`` (naming that PID). The
    kernel releases the lock when its process dies, however it dies; the lock file is removed by the run that
    holds it, and a stale one (its run was killed) is taken over by the next run. Without ``fcntl`` (Windows)
    there is no lock.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.parquet"
    >>> with exclusive(out):
    ...     with exclusive(out):
    ...         pass
    Traceback (most recent call last):
    analyzer.errors.InputError: ...r.parquet is being written by another analysis (PID ...). Wait until it finishes or choose another -o.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    from analyzer.errors import InputError

    target = Path(target)
    lock = target.parent / f"{_PREFIX}{target.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise InputError("output.in_use", path=str(target), pid=holder) from None
        try:  # the holder before us may have removed the file between our open and our lock: lock the new one
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        yield
    finally:
        try:
            os.unlink(lock)
        except FileNotFoundError:  # pragma: no cover
            pass
        os.close(fd)


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def remove_orphans(target: str | Path) -> None:
    """Remove temporary files of ``target`` left by processes that no longer exist."""
    target = Path(target)
    for tmp in target.parent.glob(f"{_PREFIX}{target.name}.*{_SUFFIX}"):
        pid = tmp.name[len(_PREFIX) + len(target.name) + 1:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(tmp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)
