"""``scoring.npz``: the fitted classifier as plain NumPy arrays (see ``model/scoring.py`` for how they score).

- :func:`pack_from_pipeline` takes the numbers scoring needs from a fitted scikit-learn ``FeatureUnion`` and the
  classifier's weights, and refuses a union the NumPy scorer does not reproduce;
- :func:`pack_bytes` writes them as a deterministic deflated archive (the same model gives the same bytes);
- :func:`read_pack` reads one back with ``allow_pickle=False`` (no code can run from it) and turns anything
  malformed into a clear error; :func:`load_pack` checks the file against ``metadata.json``'s SHA-256 and loads
  each file once per process.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.model.scoring import ScoringPack

PACK_FILE = "scoring.npz"
PACK_FORMAT = 1
_FIELDS = ("format", "word_terms", "word_idf", "word_ngrams", "char_idf", "char_ngrams", "char_rows",
           "word_weights", "char_weights", "bias")
_LOADED: dict[tuple, "ScoringPack"] = {}  # packs loaded in this process (see load_pack)


def pack_from_pipeline(features, weights: "np.ndarray", bias: "np.ndarray") -> "ScoringPack":
    """From a fitted ``FeatureUnion`` (as built by ``model.build_features``) and the dense weights
    (features × targets) and biases of the classifier. Refuses a union this scorer does not reproduce."""
    import numpy as np

    from analyzer.model.scoring import ScoringPack

    blocks = dict(features.transformer_list)
    word = blocks.get("word")
    if word is None or set(blocks) - {"word", "char"}:
        raise ModelError("model.corrupt", path="(pipeline)", detail="unexpected feature blocks")
    params = word.get_params()
    expected = {"token_pattern": r"\S+", "lowercase": False, "sublinear_tf": True, "norm": "l2",
                "use_idf": True, "analyzer": "word", "binary": False, "stop_words": None,
                "preprocessor": None, "tokenizer": None, "strip_accents": None, "vocabulary": None}
    if any(params.get(k) != v for k, v in expected.items()):
        raise ModelError("model.corrupt", path="(pipeline)", detail="word block settings")
    terms = [""] * len(word.vocabulary_)
    for term, index in word.vocabulary_.items():
        terms[index] = term
    n_word = len(terms)
    char_idf, char_ngrams = np.zeros(0), ()
    if "char" in blocks:
        hasher, tfidf = blocks["char"].named_steps["hash"], blocks["char"].named_steps["tfidf"]
        hp, tp = hasher.get_params(), tfidf.get_params()
        if (hp["analyzer"] != "char_wb" or hp["alternate_sign"] or hp["norm"] is not None or hp["binary"]
                or not hp["lowercase"] or hp["preprocessor"] is not None or hp["strip_accents"] is not None
                or not tp["sublinear_tf"] or tp["norm"] != "l2" or not tp["use_idf"]):
            raise ModelError("model.corrupt", path="(pipeline)", detail="character block settings")
        char_idf, char_ngrams = np.asarray(tfidf.idf_, dtype=np.float64), hp["ngram_range"]
    weights = np.asarray(weights, dtype=np.float64)
    char_part = weights[n_word:]
    rows = np.flatnonzero(np.any(char_part != 0, axis=1))
    return ScoringPack(terms, word.idf_, word.ngram_range, char_idf, char_ngrams, rows, weights[:n_word],
                       char_part[rows], bias)


def pack_arrays(pack: "ScoringPack") -> dict[str, "np.ndarray"]:
    """The arrays ``scoring.npz`` holds."""
    import numpy as np

    return {
        "format": np.array([PACK_FORMAT], dtype=np.int64),
        "word_terms": np.frombuffer("\n".join(pack.word_terms).encode("utf-8"), dtype=np.uint8),
        "word_idf": pack.word_idf,
        "word_ngrams": np.array(pack.word_ngrams, dtype=np.int64),
        "char_idf": pack.char_idf,
        "char_ngrams": np.array(pack.char_ngrams or (), dtype=np.int64),
        "char_rows": pack.char_rows,
        "word_weights": pack.word_weights,
        "char_weights": pack.char_weights,
        "bias": pack.bias,
    }


def pack_bytes(pack: "ScoringPack") -> bytes:
    """A deterministic ``.npz`` (fixed timestamps, deflated): the same model gives the same bytes."""
    import numpy as np

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, array in pack_arrays(pack).items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as out:
                np.lib.format.write_array(out, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def read_pack(data: bytes, source: str = PACK_FILE) -> "ScoringPack":
    """Read a pack; object arrays are refused (``allow_pickle=False``), anything malformed is a clear
    error."""
    import numpy as np

    from analyzer.model.scoring import ScoringPack

    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            if set(archive.files) != set(_FIELDS):
                raise ValueError("fields")
            arrays = {name: archive[name] for name in _FIELDS}
        if int(arrays["format"][0]) != PACK_FORMAT:
            raise ValueError("format")
        terms = bytes(arrays["word_terms"]).decode("utf-8")
        return ScoringPack(terms.split("\n") if terms else [], arrays["word_idf"], arrays["word_ngrams"],
                           arrays["char_idf"], arrays["char_ngrams"], arrays["char_rows"], arrays["word_weights"],
                           arrays["char_weights"], arrays["bias"])
    except (ValueError, KeyError, IndexError, OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ModelError("model.corrupt", path=source, detail=f"{type(exc).__name__}: {exc}") from None


def load_pack(path: str | Path, sha256: str | None = None) -> "ScoringPack":
    """Load ``path``; when ``sha256`` is given (from the model's metadata) the file must match it. A pack is
    read once per process: loading the same file again (same place, size, modification time and expected
    checksum) returns the pack already checked and loaded, with the tables it has built since."""
    path = Path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, sha256)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    data = path.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError("model.corrupt", path=str(path), detail="checksum differs from metadata.json")
    pack = read_pack(data, str(path))
    if key is not None:
        if len(_LOADED) >= 4:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = pack
    return pack
