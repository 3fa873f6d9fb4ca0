"""The one place that checks where a command may write, before any work is done.

An output must not be one of the inputs (or lie inside an input folder, for a folder output), must not be an
existing folder when a file is meant, and its folder must be writable. A missing parent folder is created.
Files are then written atomically (``io/atomic.py``), so an existing output is replaced only when the new one
is complete.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from analyzer.errors import InputError


def check_output(output: str | Path, inputs: Iterable[str | Path] = (), folder: bool = False) -> Path:
    """``output`` checked for writing (see the module docstring); its parent folder exists afterwards.

    ``folder``: the output is a folder (a model folder, a Dask results folder) rather than a file.
    """
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
    parent = resolved if folder and out.is_dir() else resolved.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("output.cannot_create", path=str(parent), detail=exc.strerror or type(exc).__name__) from None
    if not os.access(parent, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError("output.not_writable", path=str(out))
    return out
