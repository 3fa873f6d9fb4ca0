"""Saving and loading a model folder: ``model.skops`` (the scikit-learn pipeline, loaded by skops with an
explicit list of trusted types), ``scoring.npz`` (its arrays for fast scoring), the model's own
``lexicon.tsv`` and ``metadata.json`` (thresholds, targets, checksums). Never pickle."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from analyzer import __version__
from analyzer.errors import ModelError
from analyzer.io import atomic
from analyzer.model.classifier import CodeModel
from analyzer.model.skops_safe import TRUSTED_TYPES, skops_io
from analyzer.model.targets import TARGETS

MODEL_FORMAT = 1


MODEL_FILE = "model.skops"


LEXICON_FILE = "lexicon.tsv"


METADATA_FILE = "metadata.json"


CARD_FILE = "MODEL_CARD.md"


def save_model(model: CodeModel, out_dir: str | Path) -> Path:
    """Write ``model.skops`` (the scikit-learn pipeline, compressed), ``scoring.npz`` (its arrays for fast
    scoring) and ``metadata.json`` (with the SHA-256 of both) into ``out_dir``."""
    from zipfile import ZIP_DEFLATED

    from analyzer.model.pack import PACK_FILE, pack_bytes

    if model.estimator is None:
        raise ModelError("model.no_estimator")
    sio = skops_io()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_path(out / MODEL_FILE) as tmp:
        sio.dump(model.estimator, tmp, compression=ZIP_DEFLATED, compresslevel=9)
    pack = pack_bytes(model.pack)
    atomic.write_bytes(out / PACK_FILE, pack)
    files = {PACK_FILE: hashlib.sha256(pack).hexdigest()}
    if model.lexicon is not None:
        data = model.lexicon.text.encode("utf-8")
        atomic.write_bytes(out / LEXICON_FILE, data)
        files[LEXICON_FILE] = hashlib.sha256(data).hexdigest()
    meta = dict(model.metadata)
    meta.update({
        "model_format": MODEL_FORMAT,
        "analyzer_version": __version__,
        "targets": list(TARGETS),
        "thresholds": {t: float(v) for t, v in zip(TARGETS, model.thresholds)},
        "gate_threshold": model.gate_threshold,
        "files": files,
    })
    # Last: it holds the checksums of the other files, so a folder whose save was interrupted is refused.
    atomic.write_text(out / METADATA_FILE, json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return out


def _model_folder(model_dir: str | Path | None) -> Path:
    from analyzer.resources import DEFAULT_MODEL_DIR

    folder = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    if not folder.is_dir():
        raise ModelError("model.not_found", path=str(folder))
    return folder


def _read_metadata(folder: Path) -> tuple[dict, list[float], float]:
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=METADATA_FILE)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError("model.bad_metadata", path=str(meta_path)) from None
    if not isinstance(meta, dict) or meta.get("model_format") != MODEL_FORMAT:
        found = meta.get("model_format") if isinstance(meta, dict) else None
        raise ModelError("model.incompatible", path=str(folder), found=found, expected=MODEL_FORMAT)
    if meta.get("targets") != list(TARGETS):
        raise ModelError("model.bad_metadata", path=str(meta_path))
    try:
        thresholds = [float(meta["thresholds"][t]) for t in TARGETS]
        gate = float(meta["gate_threshold"])
    except (KeyError, TypeError, ValueError):
        raise ModelError("model.bad_metadata", path=str(meta_path)) from None
    return meta, thresholds, gate


def load_estimator(model_dir: str | Path | None = None):
    """The scikit-learn pipeline of a model folder (``model.skops``), loaded by skops with the explicit
    ``TRUSTED_TYPES`` list: any other type in the file is refused and never constructed."""
    import zipfile

    folder = _model_folder(model_dir)
    model_path = folder / MODEL_FILE
    if not model_path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=MODEL_FILE)
    sio = skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException  # after skops_io(): cheap

    try:
        estimator = sio.load(model_path, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException:
        types = ", ".join(t for t in sio.get_untrusted_types(file=model_path) if t not in TRUSTED_TYPES)
        raise ModelError("model.untrusted", path=str(model_path), types=types) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, json.JSONDecodeError) as exc:
        raise ModelError("model.corrupt", path=str(model_path), detail=type(exc).__name__) from None
    if type(estimator).__name__ != "Pipeline" or "clf" not in getattr(estimator, "named_steps", {}):
        raise ModelError("model.corrupt", path=str(model_path), detail="not an analyzer pipeline")
    return estimator


def load_model(model_dir: str | Path | None = None, estimator: bool = False) -> CodeModel:
    """Load a model folder, refusing files from another format version, damaged or with untrusted content.

    Scoring uses ``scoring.npz`` (NumPy arrays, no pickle; its SHA-256 must match ``metadata.json``), which
    loads without importing scikit-learn. With ``estimator=True``, or when a folder has no ``scoring.npz``,
    the scikit-learn pipeline is loaded from ``model.skops`` as well (and the arrays taken from it).
    """
    from analyzer.model.pack import PACK_FILE, load_pack

    folder = _model_folder(model_dir)
    meta, thresholds, gate = _read_metadata(folder)
    lexicon = _read_lexicon(folder, meta)
    pack_sha = (meta.get("files") or {}).get(PACK_FILE)
    if estimator or not pack_sha or not (folder / PACK_FILE).is_file():
        if not (folder / MODEL_FILE).is_file():
            raise ModelError("model.missing_file", path=str(folder),
                             file=PACK_FILE if pack_sha else MODEL_FILE)
        model = CodeModel.from_estimator(load_estimator(folder), thresholds, meta, gate_threshold=gate,
                                         lexicon=lexicon)
        if pack_sha and (folder / PACK_FILE).is_file():
            load_pack(folder / PACK_FILE, pack_sha)  # both files must be intact
        return model
    return CodeModel(load_pack(folder / PACK_FILE, pack_sha), thresholds, meta, gate_threshold=gate,
                     lexicon=lexicon)


def _read_lexicon(folder: Path, meta: dict):
    """The model's own copy of the concept lexicon (``lexicon.tsv``, SHA-256 checked), or None."""
    sha = (meta.get("files") or {}).get(LEXICON_FILE)
    if not sha:
        return None
    path = folder / LEXICON_FILE
    if not path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=LEXICON_FILE)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise ModelError("model.corrupt", path=str(path), detail="checksum mismatch")
    from analyzer.text.lexicon import Lexicon

    try:
        return Lexicon.from_text(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ModelError("model.corrupt", path=str(path), detail="unreadable lexicon") from None
