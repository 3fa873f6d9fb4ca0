"""The result cache of the analysis engines: per-note results in SQLite, keyed by the note text, the redaction
mode, the analyzer version and a hash of the language data, for one model id. A rerun re-analyses only new or
changed notes; a changed model, version or language data re-analyses everything."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Mapping, Sequence


def _data_version() -> str:
    """The analyzer version and a hash of its language data (tokenizer tables, PII recognisers): cached results
    from another version are never reused."""
    global _DATA_VERSION
    if _DATA_VERSION is None:
        from importlib import resources

        from analyzer import __version__

        digest = hashlib.sha256(__version__.encode())
        data = resources.files("analyzer").joinpath("data")
        for item in sorted(_walk(data), key=lambda t: t.name):  # the model folder is keyed by the model id
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
        _DATA_VERSION = digest.hexdigest()[:16]
    return _DATA_VERSION


def _walk(folder):
    for item in folder.iterdir():
        if item.is_dir() and item.name != "model":
            yield from _walk(item)
        elif item.is_file():
            yield item


_DATA_VERSION: str | None = None
# What a cached payload holds: 2 adds ``text_sha256`` (issue 16). A payload of another version is never reused.
PAYLOAD_VERSION = 2


class ResultCache:
    """Per-note results keyed by sha256(text, redaction) for one model id, in a SQLite file."""

    def __init__(self, path: Path, model_id: str) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self.db = sqlite3.connect(self.path, timeout=60)  # another run may hold the lock
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, model TEXT, payload BLOB)")
            self.db.execute("DELETE FROM results WHERE model != ?", (model_id,))  # a changed model: start afresh
            self.db.commit()
        except sqlite3.DatabaseError:  # another program's database, or a damaged one
            self.db.close()
            from analyzer.errors import InputError

            raise InputError("cache.not_cache", path=str(path)) from None

    @staticmethod
    def key(text: str, redact_text: "bool | str") -> str:
        from analyzer.text.redact import mode_of

        return hashlib.sha256(f"{mode_of(redact_text)}\0{_data_version()}\0{PAYLOAD_VERSION}\0{text}"
                              .encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[dict]]:
        out = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i:i + 500]
            marks = ",".join("?" * len(part))
            for key, payload in self.db.execute(
                f"SELECT key, payload FROM results WHERE model = ? AND key IN ({marks})", (self.model_id, *part)
            ):
                out[key] = json.loads(zlib.decompress(payload))
        return out

    def put_many(self, items: Mapping[str, list[dict]]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO results (key, model, payload) VALUES (?, ?, ?)",
                [(k, self.model_id, zlib.compress(json.dumps(v, ensure_ascii=False).encode("utf-8")))
                 for k, v in items.items()],
            )

    def close(self) -> None:
        self.db.close()


def default_cache_path(output: Path) -> Path:
    return output.with_name(output.name + ".cache.sqlite")
