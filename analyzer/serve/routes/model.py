"""The model (``/model``: its card and its reliability per code, as reports print it) and the codebook
(``/codebook``: every code with its definition, indicators and reflection question; gaps link here)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup
from starlette.routing import Route

from analyzer.serve.routes.common import server
from analyzer.serve.web import page

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request


@lru_cache(maxsize=4)
def card_html(path: str, mtime: int) -> Markup:
    """The model card (Markdown) as HTML; raw HTML in the card is not passed through, links lose no text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return Markup(md.render(Path(path).read_text(encoding="utf-8")))


def model_page(request: "Request"):
    from analyzer.analysis.passages import model_id
    from analyzer.model.persist import CARD_FILE, _model_folder
    from analyzer.report.coverage import model_info

    state = server(request)
    info = model_info(state.model.metadata, model_id(state.model))
    card_path = _model_folder(state.config.model_dir) / CARD_FILE
    card = card_html(str(card_path), card_path.stat().st_mtime_ns) if card_path.is_file() else None
    return page(request, "model.html.j2", info=info, card=card, cb=state.codebook,
                weak=set(info.get("weak_codes", [])), thresholds=state.model.metadata.get("thresholds", {}))


def codebook_page(request: "Request"):
    state = server(request)
    return page(request, "codebook.html.j2", cb=state.codebook)


ROUTES = [Route("/model", model_page), Route("/codebook", codebook_page)]
