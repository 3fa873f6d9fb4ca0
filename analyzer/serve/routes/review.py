"""Review my note (``/review``): paste a note or upload one (.txt, .md, .docx) and get what ``analyzer review``
gives: each passage with its codes and evidence, what the note shows and what it does not, and the reflection
questions.

An upload is read like a note file on the command line (``io.documents.read_note_file``: encodings detected,
empty, binary and undecodable files refused with the same messages). It is written only into a private
temporary folder, under a fixed name (never the name the browser sent), and removed when the request ends.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.routing import Route

from analyzer.errors import InputError
from analyzer.serve.routes.common import server
from analyzer.serve.security import checked_form
from analyzer.serve.web import lang_of, page, translator

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

UPLOAD_SUFFIXES = (".txt", ".md", ".docx")


async def review_page(request: "Request"):
    state = server(request)
    if request.method == "GET":
        return page(request, "review.html.j2", review=None, text="", limit_kb=state.config.max_upload_bytes // 1000)
    form = await checked_form(request, state.config.max_upload_bytes)
    upload = form.get("file")
    pasted = form.get("text")
    if isinstance(upload, UploadFile) and upload.filename:
        text = await _read_upload(upload, state.config)
        source = Path(upload.filename).name
        shown = ""
    elif isinstance(pasted, str) and pasted.strip():
        from analyzer.io.documents import decode_bytes

        # The same checks as a file's bytes (control characters of binary data refused, lone CR as newline).
        text = decode_bytes(pasted.replace("\r\n", "\n").encode("utf-8"),
                            translator(lang_of(request))("serve.review.pasted"))
        source = None
        shown = pasted
    else:
        raise InputError("serve.review.nothing")
    if len(text) > state.config.max_text_chars:
        raise InputError("serve.review.too_long", limit=state.config.max_text_chars)
    lang = lang_of(request)
    from starlette.concurrency import run_in_threadpool

    review = await run_in_threadpool(state.review, text, lang, source)
    return page(request, "review.html.j2", review=review, text=shown, source=source, cb=state.codebook,
                weak=set(review.weak_codes), limit_kb=state.config.max_upload_bytes // 1000)


async def _read_upload(upload: UploadFile, config) -> str:
    from analyzer.io.documents import read_note_file

    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError("serve.review.bad_type", name=name, suffix=suffix or "—", allowed=", ".join(UPLOAD_SUFFIXES))
    data = await upload.read(config.max_upload_bytes + 1)
    if len(data) > config.max_upload_bytes:
        raise InputError("serve.review.too_large", name=name, limit=config.max_upload_bytes // 1000)
    with tempfile.TemporaryDirectory(prefix="analyzer-serve-") as folder:
        path = Path(folder) / f"note{suffix}"
        path.write_bytes(data)
        if suffix == ".docx":
            _check_docx(path, name, config.max_docx_unpacked)
        try:
            return read_note_file(path)
        except InputError as err:  # name the file the user chose, not the temporary one
            params = {k: (name if v == str(path) else v) for k, v in err.params.items()}
            raise type(err)(err.key, **params) from None


def _check_docx(path: Path, name: str, limit: int) -> None:
    """A .docx is a zip archive: refuse one that is not, or that would unpack to more than ``limit`` bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InputError("input.docx_unreadable", path=name, detail="not a Word document") from None
    if unpacked > limit:
        raise InputError("serve.review.docx_too_large", name=name)


ROUTES = [Route("/review", review_page, methods=["GET", "POST"])]
