"""The one place that checks where a command may write, before any work is done.

An output must have a name, must not be one of the inputs (or lie inside an input folder, for a folder output),
must not be an existing folder when a file is meant, must not sit below a file, and its folder must really
accept a new file (probed by creating one: permission bits do not stop root, and some file systems refuse
files whatever the bits say). A missing parent folder is created. Files are then written atomically
(``io/atomic.py``), so an existing output is replaced only when the new one is complete. The result cache is
an output too (:func:`check_cache`): never the results file, never an input, never a file that is not a cache.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from analyzer.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"


def check_output(output: str | Path | None, inputs: Iterable[str | Path] = (), folder: bool = False) -> Path:
    """``output`` checked for writing (see the module docstring); its parent folder exists afterwards.

    ``folder``: the output is a folder (a model folder, a Dask results folder) rather than a file.

    >>> check_output("")
    Traceback (most recent call last):
    analyzer.errors.InputError: the output name is empty; give a file name.
    """
    if output is None or not str(output).strip():
        raise InputError("output.empty")
    out = Path(output)
    resolved = out.resolve()
    for given in inputs:
        if str(given) == "-":
            continue
        source = Path(given).resolve()
        if resolved == source or (source.is_dir() and source in resolved.parents) or \
                (folder and resolved in source.parents):
            raise InputError("output.is_input", path=str(out), input=str(given))
    if not folder and out.is_dir():
        raise InputError("output.is_folder", path=str(out))
    if folder and out.exists() and not out.is_dir():
        raise InputError("output.not_folder", path=str(out))
    for above in out.parents:  # the nearest existing folder above the output must be a folder
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise InputError("output.parent_not_folder", folder=str(above), path=str(out))
            break
    parent = resolved if folder and out.is_dir() else resolved.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("output.cannot_create", path=str(out.parent),
                         detail=exc.strerror or type(exc).__name__) from None
    if not _accepts_files(parent) or (out.is_file() and not os.access(out, os.W_OK)):
        raise InputError("output.not_writable", path=str(out))
    return out


def check_cache(cache: str | Path, output: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The result cache ``cache`` of a run writing ``output``, checked like an output; it must not be the
    output itself, and an existing file must be an SQLite database (anything else is left untouched)."""
    path = check_output(cache, inputs)
    if path.resolve() == Path(output).resolve():
        raise InputError("output.same_as_cache", path=str(path))
    if path.is_file() and path.stat().st_size:
        with open(path, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise InputError("cache.not_cache", path=str(path))
    return path


def _accepts_files(folder: Path) -> bool:
    """Whether a new file can really be created in ``folder`` (a probe file, removed at once)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".analyzer-probe.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True
