"""Export (``/export``): the collection's passages for an annotation tool, in the formats of ``analyzer export``
(Label Studio, doccano, Prodigy, REFI-QDA), with the codes in effect as pre-annotations. Built by the same library
function as the command (``analysis.annotation.export_results``) and sent as a download (one file as it is,
several in a zip); nothing is written on the server."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from starlette.responses import Response
from starlette.routing import Route

from analyzer.serve.routes.common import BadParameter, NoCollection, collection_of, server, text_param
from analyzer.serve.web import lang_of, page

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

FORMATS = ("label-studio", "doccano", "prodigy", "refi-qda")
TYPES = {".json": "application/json", ".jsonl": "application/x-ndjson", ".xml": "application/xml",
         ".qdpx": "application/zip", ".zip": "application/zip"}


def export_page(request: "Request"):
    state = server(request)
    if not state.has_collection:
        raise NoCollection()
    return page(request, "export.html.j2", formats=FORMATS, workers=state.workers())


def export_download(request: "Request"):
    from analyzer.analysis.annotation import default_schema, export_results

    state = server(request)
    collection = collection_of(request)
    fmt = text_param(request, "fmt", 20)
    if fmt not in FORMATS:
        raise BadParameter("fmt", fmt or "")
    worker = text_param(request, "worker")
    df = collection.df
    select = None
    if worker:
        body = df[(df["worker"] == worker) & (df["kind"] == "body")]
        if body.empty:
            from analyzer.serve.routes.common import NotFound

            raise NotFound("serve.error.unknown_worker", worker=worker)
        select = {(n, int(p)) for n, p in zip(body["note_id"], body["passage"])}
    analysis = collection.analysis
    files = export_results(df, fmt, state.codebook, mode=state.config.redact, stored_mode=analysis.redacted,
                           lang=lang_of(request), model_version=analysis.model.get("model_id") or "analyzer",
                           schema=default_schema(), select=select)
    if len(files) == 1:
        ((name, content),) = files.items()
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in files.items():
                archive.writestr(member, data)
        name, content = f"analyzer-{fmt}.zip", buf.getvalue()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return Response(content, media_type=TYPES.get(suffix, "application/octet-stream"),
                    headers={"content-disposition": f'attachment; filename="{safe}"'})


ROUTES = [Route("/export", export_page), Route("/export/download", export_download)]
