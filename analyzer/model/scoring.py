"""Scoring with NumPy alone: the fitted classifier's parameters as plain arrays (``scoring.npz``).

The canonical model is the scikit-learn pipeline in ``model.skops`` (see ``model/config.py``). Prediction needs only
a few of its fitted numbers — the word vocabulary and idf, the character-block idf, the weights and biases —
so ``analyzer train`` also writes them as ``scoring.npz``, a deflated NumPy archive with no pickled objects
(loaded with ``allow_pickle=False``: no code can run from it; its SHA-256 is checked against
``metadata.json``). Loading it imports neither scikit-learn nor skops, which is what keeps ``analyzer review``
and every ``analyze`` worker quick to start; a single note is scored with NumPy alone, large batches with
SciPy's sparse products (:meth:`ScoringPack.score`).

:class:`ScoringPack` reproduces the pipeline's ``transform`` exactly, block by block:

- words: ``TfidfVectorizer(token_pattern=r"\\S+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True)``
  — whitespace tokens and their bigrams looked up in the vocabulary, ``1 + log(count)`` × idf, L2 per row;
- characters: ``HashingVectorizer(analyzer="char_wb", alternate_sign=False, norm=None)`` then
  ``TfidfTransformer(sublinear_tf=True)`` — n-grams of each lower-cased word padded with spaces, hashed with
  the same MurmurHash3 (x86, 32-bit, seed 0, via the ``murmurhash`` package spaCy already uses) into the
  same buckets, ``1 + log(count)`` × idf, L2 per row.

Character n-grams never cross a word boundary, so each distinct word's buckets are computed once and cached.
A test checks the matrix and the scores equal scikit-learn's on real passages. Building a pack from the fitted
pipeline and reading or writing ``scoring.npz`` are in ``model/pack.py``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, NamedTuple, Sequence

from analyzer.errors import ModelError
from analyzer.model.pack import PACK_FILE
from analyzer.text.ragged import gather_ranges, offsets, row_ids

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_INT32_MIN = -(2 ** 31)


class FeatureRows(NamedTuple):
    """A passages × features matrix in CSR form (row ``i`` is ``indices/data[indptr[i]:indptr[i + 1]]``,
    column indices sorted): word columns first, then ``n_word + bucket`` for the character block — the
    layout of the scikit-learn ``FeatureUnion``."""

    indptr: "np.ndarray"
    indices: "np.ndarray"
    data: "np.ndarray"
    shape: tuple[int, int]


def _bucket(h: int, n_features: int) -> int:
    """scikit-learn's ``FeatureHasher`` index for a signed 32-bit MurmurHash3 value."""
    if h == _INT32_MIN:
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


def char_wb_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """The ``char_wb`` n-grams of one word, exactly as scikit-learn's ``_char_wb_ngrams`` lists them."""
    w = " " + word + " "
    size = len(w)
    if size > hi:  # the usual case: every length fits
        return [w[i:i + n] for n in range(lo, hi + 1) for i in range(size - n + 1)]
    grams: list[str] = []
    for n in range(lo, hi + 1):
        grams.extend(w[i:i + n] for i in range(max(1, size - n + 1)))
        if size <= n:  # a short word is counted once, at its full length
            break
    return grams


def _tfidf_l2(pid: "np.ndarray", counts: "np.ndarray", idf: "np.ndarray", n_rows: int) -> "np.ndarray":
    """What both blocks' fitted TF-IDF steps do to raw counts: sublinear tf ``1 + log(count)`` × idf, then each
    row divided by its L2 norm (rows given by ``pid``; empty rows stay empty)."""
    import numpy as np

    values = (np.log(counts) + 1.0) * idf
    norms = np.sqrt(np.bincount(pid, weights=values * values, minlength=n_rows))
    norms[norms == 0] = 1.0
    return values / norms[pid]


def _counts(pid: "np.ndarray", col: "np.ndarray", width: int, weights: "np.ndarray | None" = None):
    """Sum duplicate (row, column) pairs: the sorted unique pairs and their totals (counts are whole numbers,
    so the order of summation cannot change them)."""
    import numpy as np

    keys = pid.astype(np.int64) * width + col
    if not len(keys):
        return keys, keys, np.zeros(0)
    order = np.argsort(keys, kind="stable")  # far faster than np.unique's sort on these nearly-sorted keys
    keys = keys[order]
    starts = np.concatenate([[0], np.flatnonzero(keys[1:] != keys[:-1]) + 1])
    if weights is None:
        totals = np.diff(np.append(starts, len(keys))).astype(np.float64)
    else:
        totals = np.add.reduceat(weights[order], starts)
    uniq = keys[starts]
    return uniq // width, uniq % width, totals


def intern_docs(docs: Sequence[str]) -> tuple["np.ndarray", "np.ndarray", list[str]]:
    """Feature strings as a batch of word ids (row boundaries, ids, the words): the input of
    :meth:`ScoringPack.transform_ids`. Words are split on whitespace, as the fitted vectorizer does."""
    import numpy as np

    table: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    for doc in docs:
        tokens = doc.split()
        lengths.append(len(tokens))
        ids.extend(table.setdefault(t, len(table)) for t in tokens)
    return offsets(np.asarray(lengths, dtype=np.int64)), np.asarray(ids, dtype=np.int64), list(table)


class ScoringPack:
    """The fitted parameters needed to score passages, as NumPy arrays (see the module docstring)."""

    MAX_CACHE = 500_000  # distinct words whose character buckets are kept
    SPARSE_PRODUCT_NNZ = 100_000  # above this many non-zeros, decision_function uses SciPy's sparse product
    SPARSE_BATCH_WORDS = 6_000  # from this many words on, score() uses SciPy

    def __init__(self, word_terms: Sequence[str], word_idf, word_ngrams, char_idf, char_ngrams, char_rows,
                 word_weights, char_weights, bias) -> None:
        import numpy as np

        self.word_terms = list(word_terms)
        self.word_idf = np.asarray(word_idf, dtype=np.float64)
        self.word_ngrams = (int(word_ngrams[0]), int(word_ngrams[1]))
        self.char_idf = np.asarray(char_idf, dtype=np.float64)
        self.char_ngrams = (int(char_ngrams[0]), int(char_ngrams[1])) if len(char_ngrams) else None
        self.char_rows = np.asarray(char_rows, dtype=np.int64)
        self.word_weights = np.asarray(word_weights, dtype=np.float64)
        self.char_weights = np.asarray(char_weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.n_word = len(self.word_terms)
        self.n_char = len(self.char_idf)
        if (len(self.word_idf) != self.n_word or self.word_weights.shape[0] != self.n_word
                or self.char_weights.shape[0] != len(self.char_rows)
                or self.word_weights.shape[1] != len(self.bias) or self.char_weights.shape[1] != len(self.bias)
                or (len(self.char_rows) and (self.char_rows.min() < 0 or self.char_rows.max() >= self.n_char))):
            raise ValueError("inconsistent scoring arrays")
        self.vocabulary = {t: i for i, t in enumerate(self.word_terms)}
        # Scoring matrix: the word rows, then only the character buckets with a non-zero weight.
        self.weights = np.vstack([self.word_weights, self.char_weights])
        self.slot = np.full(self.n_char, -1, dtype=np.int64)
        self.slot[self.char_rows] = self.n_word + np.arange(len(self.char_rows))
        self._word_ids: dict[str, int] = {}
        self._word_buckets: list[tuple] = []
        self._cache_lock = threading.Lock()
        self._tables: tuple | None = None
        self._char_weights_zero: np.ndarray | None = None
        self._slot_zero: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.n_word + self.n_char

    @property
    def n_targets(self) -> int:
        return len(self.bias)

    # features ---------------------------------------------------------------------------------------------
    def _ngram_tables(self):
        """The word vocabulary as integers (built on first use): an id per word occurring in any term, and per
        n-gram length the sorted keys ``((id1 * P) + id2) * P ...`` of the terms with their columns."""
        import numpy as np

        if self._tables is None:
            parts: dict[str, int] = {}
            split = [t.split(" ") for t in self.word_terms]
            for words in split:
                for w in words:
                    parts.setdefault(w, len(parts))
            size = max(len(parts), 1)
            if size ** self.word_ngrams[1] >= 2 ** 62:
                raise ModelError("model.corrupt", path=PACK_FILE, detail="word n-grams too long")
            by_length: dict[int, tuple[list[int], list[int]]] = {}
            for col, words in enumerate(split):
                key = 0
                for w in words:
                    key = key * size + parts[w]
                keys, cols = by_length.setdefault(len(words), ([], []))
                keys.append(key)
                cols.append(col)
            grams = {}
            for n, (keys, cols) in by_length.items():
                keys_arr, cols_arr = np.asarray(keys, dtype=np.int64), np.asarray(cols, dtype=np.int64)
                order = np.argsort(keys_arr, kind="stable")
                grams[n] = (keys_arr[order], cols_arr[order])
            self._tables = (parts, size, grams)
        return self._tables

    def _word_block(self, pid: "np.ndarray", strings: Sequence[str], inverse: "np.ndarray", n_docs: int):
        """The word block as sorted (row, column, value) triples. ``strings[inverse[i]]`` is the i-th token of
        the batch and ``pid[i]`` its passage (passages are contiguous)."""
        import numpy as np

        parts, size, grams = self._ngram_tables()
        get = parts.get
        part = np.fromiter((get(w, -1) for w in strings), dtype=np.int64, count=len(strings))[inverse]
        found_rows, found_cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        lo, hi = self.word_ngrams
        for n in range(lo, hi + 1):
            m = len(part) - n + 1
            if m <= 0 or n not in grams:
                continue
            ok = part[:m] >= 0
            key = part[:m].copy()
            for k in range(1, n):  # the next word, in the same passage
                nxt = part[k:k + m]
                ok &= (nxt >= 0) & (pid[k:k + m] == pid[:m])
                key = key * size + nxt
            keys, cols = grams[n]
            cand = np.flatnonzero(ok)
            pos = np.minimum(np.searchsorted(keys, key[cand]), len(keys) - 1)
            hit = keys[pos] == key[cand]
            found_rows.append(pid[cand[hit]])
            found_cols.append(cols[pos[hit]])
        rows, col, counts = _counts(np.concatenate(found_rows), np.concatenate(found_cols), max(self.n_word, 1))
        return rows, col, _tfidf_l2(rows, counts, self.word_idf[col], n_docs)

    def _add_words(self, words: Sequence[str]) -> None:
        """Compute and cache the character buckets and counts of new words (all at once)."""
        import numpy as np
        from murmurhash.mrmr import hash as murmur

        lo, hi = self.char_ngrams
        grams = [char_wb_ngrams(w, lo, hi) for w in words]
        hashes = np.fromiter((murmur(g) for gs in grams for g in gs), dtype=np.int64)
        n = self.n_char
        buckets = np.abs(hashes) % n
        buckets[hashes == _INT32_MIN] = _bucket(_INT32_MIN, n)
        owner = np.repeat(np.arange(len(words), dtype=np.int64), [len(gs) for gs in grams])
        keys, counts = np.unique(owner * n + buckets, return_counts=True)
        bounds = np.searchsorted(keys // n, np.arange(len(words) + 1)).tolist()
        idx, counts = keys % n, counts.astype(np.float64)
        first = len(self._word_buckets)
        for k, word in enumerate(words):
            self._word_ids[word] = first + k
            self._word_buckets.append((idx[bounds[k]:bounds[k + 1]], counts[bounds[k]:bounds[k + 1]]))

    def _char_occurrences(self, strings: Sequence[str], inverse: "np.ndarray"):
        """For every token (``strings[inverse[i]]``, lower-cased as the hasher sees it): its index among the
        batch's distinct lower-cased words, and those words' cached buckets as one CSR block (indptr,
        buckets, counts)."""
        import numpy as np

        lowered = [w.lower() for w in strings]
        with self._cache_lock:  # a Dask worker may run several threads on one model
            if len(self._word_ids) + len(lowered) > self.MAX_CACHE:
                self._word_ids.clear()
                self._word_buckets.clear()
            known = self._word_ids
            new = list(dict.fromkeys(w for w in lowered if w not in known))
            if new:
                self._add_words(new)
            uniq, distinct = np.unique(np.fromiter(map(known.__getitem__, lowered), dtype=np.int64,
                                                   count=len(lowered)), return_inverse=True)
            pieces = [self._word_buckets[w] for w in uniq.tolist()]
        indptr = offsets(np.fromiter((len(p[0]) for p in pieces), dtype=np.int64, count=len(pieces)))
        buckets = np.concatenate([p[0] for p in pieces])
        counts = np.concatenate([p[1] for p in pieces])
        return distinct.ravel()[inverse], (indptr, buckets, counts)

    def _char_block(self, pid: "np.ndarray", strings: Sequence[str], inverse: "np.ndarray", n_docs: int):
        """The character block as sorted (row, column, value) triples (NumPy only)."""
        import numpy as np

        if not len(inverse):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        occ, (indptr, buckets, counts) = self._char_occurrences(strings, inverse)
        sizes = np.diff(indptr)
        occ_sizes = sizes[occ]
        positions = gather_ranges(indptr[:-1][occ], occ_sizes)
        rows, col, totals = _counts(np.repeat(pid, occ_sizes), buckets[positions], self.n_char, counts[positions])
        return rows, col, _tfidf_l2(rows, totals, self.char_idf[col], n_docs)

    def _char_scores_sparse(self, pid: "np.ndarray", strings: Sequence[str], inverse: "np.ndarray",
                            n_docs: int) -> "np.ndarray":
        """The character block's contribution to the linear scores for a large batch, with SciPy: counts as
        (passages × distinct words) @ (distinct words × buckets), then tf-idf, L2 and the product with the
        used weight rows (unused buckets point at a zero row) — no sorting, no merged matrix."""
        import numpy as np
        from scipy import sparse

        if not len(inverse):
            return np.zeros((n_docs, self.n_targets))
        occ, (indptr, buckets, counts) = self._char_occurrences(strings, inverse)
        per_doc = sparse.csr_matrix((np.ones(len(occ)), (pid, occ)), shape=(n_docs, len(indptr) - 1))
        matrix = (per_doc @ sparse.csr_matrix((counts, buckets, indptr), shape=(len(indptr) - 1, self.n_char)))
        matrix = matrix.tocsr()
        rows = row_ids(matrix.indptr)
        values = _tfidf_l2(rows, matrix.data, self.char_idf[matrix.indices], n_docs)
        if self._char_weights_zero is None:
            self._char_weights_zero = np.vstack([self.char_weights, np.zeros((1, self.n_targets))])
            self._slot_zero = np.where(self.slot >= 0, self.slot - self.n_word, len(self.char_rows))
        scoring = sparse.csr_matrix((values, self._slot_zero[matrix.indices], matrix.indptr),
                                    shape=(n_docs, len(self._char_weights_zero)))
        return np.asarray(scoring @ self._char_weights_zero)

    @staticmethod
    def _tokens(indptr: "np.ndarray", ids: "np.ndarray", words: Sequence[str]):
        """A batch given as word ids: each token's passage, the batch's distinct words, each token's index
        among them."""
        import numpy as np

        uniq, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        return row_ids(indptr), [words[i] for i in uniq.tolist()], inverse.ravel()

    def transform(self, docs: Sequence[str]) -> FeatureRows:
        """The feature matrix of the fitted ``FeatureUnion`` for feature strings."""
        return self.transform_ids(*intern_docs(docs))

    def transform_ids(self, indptr: "np.ndarray", ids: "np.ndarray", words: Sequence[str]) -> FeatureRows:
        """The feature matrix for passages given as word ids: passage ``i`` is the words
        ``words[j] for j in ids[indptr[i]:indptr[i + 1]]`` (what ``segment.segment_batch`` produces)."""
        import numpy as np

        n_docs = len(indptr) - 1
        pid, strings, inverse = self._tokens(indptr, ids, words)
        w_rows, w_col, w_val = self._word_block(pid, strings, inverse, n_docs)
        if self.char_ngrams:
            c_rows, c_col, c_val = self._char_block(pid, strings, inverse, n_docs)
            rows = np.concatenate([w_rows, c_rows])
            col = np.concatenate([w_col, c_col + self.n_word])
            val = np.concatenate([w_val, c_val])
            # Each block is sorted by (row, column) and every character column follows every word column, so
            # a stable sort by row alone (a linear merge of two sorted runs) gives the union's order.
            order = np.argsort(rows, kind="stable")
            rows, col, val = rows[order], col[order], val[order]
        else:
            rows, col, val = w_rows, w_col, w_val
        return FeatureRows(offsets(np.bincount(rows, minlength=n_docs)), col, val, (n_docs, self.n_features))

    # scores -----------------------------------------------------------------------------------------------
    def decision_function(self, features: FeatureRows, chunk: int = 50_000) -> "np.ndarray":
        """Linear scores (passages × targets): ``features @ weights + bias``, over non-zero weights only.

        Large batches use SciPy's sparse product (faster, and SciPy is installed with scikit-learn); small
        ones — a single note under review — gather the weight rows with NumPy and skip importing SciPy."""
        import numpy as np

        n_rows = features.shape[0]
        cols = features.indices
        if len(self.slot):
            slots = np.where(cols < self.n_word, cols, self.slot[np.maximum(cols - self.n_word, 0)])
        else:  # a model without the character block
            slots = cols
        keep = slots >= 0
        rows = row_ids(features.indptr)[keep]
        slots, values = slots[keep], features.data[keep]
        if len(slots) > self.SPARSE_PRODUCT_NNZ:
            from scipy import sparse

            indptr = offsets(np.bincount(rows, minlength=n_rows))
            matrix = sparse.csr_matrix((values, slots, indptr), shape=(n_rows, len(self.weights)))
            return matrix @ self.weights + self.bias
        out = np.tile(self.bias, (n_rows, 1))
        for lo in range(0, len(slots), chunk):
            part = slice(lo, lo + chunk)
            contrib = self.weights[slots[part]] * values[part, None]
            present, starts = np.unique(rows[part], return_index=True)
            out[present] += np.add.reduceat(contrib, starts, axis=0)
        return out

    def score(self, docs: Sequence[str]) -> tuple["np.ndarray", FeatureRows]:
        """Probabilities (passages × targets) and the word block (for evidence) of feature strings."""
        return self.score_ids(*intern_docs(docs))

    def score_ids(self, indptr: "np.ndarray", ids: "np.ndarray", words: Sequence[str]) \
            -> tuple["np.ndarray", FeatureRows]:
        """Probabilities and the word block (passages × ``n_word``, the same on both routes) of passages given
        as word ids (see :meth:`transform_ids`).

        A single note takes the NumPy path (:meth:`transform_ids`, then the product); a large batch computes
        the character block with SciPy sparse products, which is faster. Both give the pipeline's scores
        (tests)."""
        import numpy as np

        if not self.char_ngrams or len(ids) < self.SPARSE_BATCH_WORDS:
            features = self.transform_ids(indptr, ids, words)
            return self.predict_proba(features), self._word_columns(features)
        from scipy import sparse

        n_docs = len(indptr) - 1
        pid, strings, inverse = self._tokens(indptr, ids, words)
        rows, col, val = self._word_block(pid, strings, inverse, n_docs)
        word_ptr = offsets(np.bincount(rows, minlength=n_docs))
        z = sparse.csr_matrix((val, col, word_ptr), shape=(n_docs, self.n_word)) @ self.word_weights
        z += self._char_scores_sparse(pid, strings, inverse, n_docs)
        z += self.bias
        return _logistic(z), FeatureRows(word_ptr, col, val, (n_docs, self.n_word))

    def _word_columns(self, features: FeatureRows) -> FeatureRows:
        """The word block of a feature matrix (columns ``< n_word``), what evidence reads."""
        import numpy as np

        keep = features.indices < self.n_word
        indptr = offsets(np.bincount(row_ids(features.indptr)[keep], minlength=features.shape[0]))
        return FeatureRows(indptr, features.indices[keep], features.data[keep], (features.shape[0], self.n_word))

    def predict_proba(self, features: FeatureRows) -> "np.ndarray":
        """Probabilities (the logistic function of :meth:`decision_function`)."""
        return _logistic(self.decision_function(features))


def _logistic(z: "np.ndarray") -> "np.ndarray":
    import numpy as np

    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
