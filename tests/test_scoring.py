"""The NumPy scorer (scoring.npz): same features and scores as the scikit-learn pipeline, safe loading,
deterministic files, no scikit-learn import when scoring."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.errors import ModelError
from analyzer.model.pack import pack_arrays, pack_bytes, read_pack
from analyzer.model.persist import load_model
from tests.conftest import edit_metadata
from tests.test_model import Evil  # a type that must never be constructed from a model file


def test_scoring_arrays_with_objects_are_refused(model_copy, small_model):
    """scoring.npz is read with allow_pickle=False: an object array (a pickle inside .npy) is never loaded."""
    import hashlib
    import io

    model, _ = small_model
    arrays = pack_arrays(model.pack)
    arrays["bias"] = np.array([Evil()], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (model_copy / "scoring.npz").write_bytes(buffer.getvalue())
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    edit_metadata(model_copy, lambda meta: meta["files"].update({"scoring.npz": digest}))
    with pytest.raises(ModelError) as exc:
        load_model(model_copy)
    assert exc.value.render("en").startswith(f"model file {model_copy / 'scoring.npz'} is damaged (ValueError")
    assert not Evil.loaded


def test_scoring_arrays_must_match_the_metadata_checksum(model_copy):
    pack = model_copy / "scoring.npz"
    data = bytearray(pack.read_bytes())
    data[-100] ^= 1
    pack.write_bytes(bytes(data))
    with pytest.raises(ModelError) as exc:
        load_model(model_copy)
    assert exc.value.render("en") == (f"model file {pack} is damaged (checksum differs from metadata.json). "
                                      "Train again with 'analyzer train'.")


def test_scoring_arrays_are_deterministic(small_model, saved_small_model):
    """The same model gives a byte-identical scoring.npz: the saved file equals the arrays written again now."""
    model, _ = small_model
    assert (saved_small_model / "scoring.npz").read_bytes() == pack_bytes(model.pack)


def test_numpy_scoring_equals_scikit_learn(small_model, sample_records):
    """The NumPy scorer reproduces the scikit-learn pipeline: the same feature matrix (both blocks, the hashed
    character n-grams included) and the same probabilities, on real passages and awkward strings, in small
    batches (NumPy product) and large ones (SciPy product)."""
    from analyzer.text.tokenizer import feature_strings

    model, _ = small_model
    texts = feature_strings([r.text for r in sample_records[:300]]) + [
        "", "ÉÉ ünïcode  —  <num>", "a", "ab abc abcd abcde abcdef", "x\ty  z", "日本語 テキスト 😀"]
    reference = model.estimator.named_steps["features"].transform(texts).tocsr()
    reference.sort_indices()
    expected = model.estimator.named_steps["clf"].predict_proba(reference)
    for batch in (texts[:7], texts):
        fast = model.transform(batch)
        ref = reference[: len(batch)]
        assert fast.shape == ref.shape
        assert np.array_equal(fast.indptr, ref.indptr) and np.array_equal(fast.indices, ref.indices)
        assert np.abs(fast.data - ref.data).max() < 1e-12
        assert np.abs(model.scores_from_matrix(fast) - expected[: len(batch)]).max() < 1e-12
    assert len(model.transform(texts).data) > model.pack.SPARSE_PRODUCT_NNZ // 2
    # score(): a single note's worth of text takes the NumPy path, a large batch the SciPy path
    n_words = [len(t.split()) for t in texts]
    assert sum(n_words[:7]) < model.pack.SPARSE_BATCH_WORDS < sum(n_words)
    for batch in (texts[:7], texts):
        probabilities, words = model.pack.score(batch)
        assert np.abs(probabilities - expected[: len(batch)]).max() < 1e-12
        word_part = words.indices < model.pack.n_word
        ref = reference[: len(batch)]
        ref_word = ref.indices < model.pack.n_word
        assert np.array_equal(words.indices[word_part], ref.indices[ref_word])
        assert np.abs(words.data[word_part] - ref.data[ref_word]).max() < 1e-12


def test_char_ngrams_and_buckets_match_scikit_learn():
    from murmurhash.mrmr import hash as murmur
    from sklearn.feature_extraction.text import HashingVectorizer

    from analyzer.model.scoring import _bucket, char_wb_ngrams

    vec = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, alternate_sign=False, norm=None,
                            n_features=2 ** 10)
    analyse = vec.build_analyzer()
    for word in ["a", "ab", "abc", "abcd", "klien-klien", "ñé", "<num>", "😀x"]:
        assert char_wb_ngrams(word, 2, 5) == analyse(word)
        row = vec.transform([word])
        counts = {}
        for gram in analyse(word):
            b = _bucket(murmur(gram), 2 ** 10)
            counts[b] = counts.get(b, 0) + 1
        assert dict(zip(row.indices.tolist(), row.data.tolist())) == counts


def test_loading_a_model_does_not_import_scikit_learn(repo_root):
    """Review and analyze workers score with NumPy: no scikit-learn, SciPy or skops import (start-up time)."""
    import subprocess
    import sys

    code = ("import sys; from analyzer.model.persist import load_model; from analyzer.analysis.passages import predict_passages; m = load_model(); "
            "predict_passages(m, ['Saya dengarkan cerita Ibu A sampai selesai.']); "
            "print(sorted({n.split('.')[0] for n in sys.modules} & {'sklearn', 'scipy', 'skops', 'pandas'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo_root)
    assert out.stdout.strip() == "[]"


def test_threads_sharing_one_model_get_the_same_scores(small_model, sample_records):
    """Dask workers may run several threads on one loaded model: the word cache must stay consistent."""
    from concurrent.futures import ThreadPoolExecutor

    from analyzer.text.tokenizer import feature_strings

    model, _ = small_model
    texts = feature_strings([r.text for r in sample_records[:400]])
    batches = [texts[i::8] for i in range(8)]
    expected = [model.pack.score(batch)[0] for batch in batches]
    fresh = read_pack(pack_bytes(model.pack))  # empty word cache, filled by all threads at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda batch: fresh.score(batch)[0], batches))
    for got, want in zip(results, expected):
        assert np.abs(got - want).max() < 1e-12


def test_word_ids_from_the_segmenter_score_like_feature_strings(small_model, sample_records):
    """``score_ids`` on the segmenter's global word ids gives the scores and word block of ``score`` on the same
    passages as feature strings (both the NumPy and the SciPy path)."""
    from analyzer.text.ragged import select_rows
    from analyzer.text.segment import segment_batch

    model, _ = small_model
    sizes = []
    for notes in ([r.text for r in sample_records[:5]], ["\n\n".join(r.text for r in sample_records[i:i + 4])
                                                        for i in range(0, 400, 4)]):
        batch = segment_batch(notes)
        body = np.flatnonzero(np.asarray(batch.kind) == "body")
        indptr, ids = select_rows(batch.feature_ptr, batch.feature_ids, body)
        by_ids, words_ids = model.pack.score_ids(indptr, ids, batch.words)
        by_strings, words_strings = model.pack.score([" ".join(batch.tokens(i)) for i in body])
        assert np.abs(by_ids - by_strings).max() < 1e-12
        assert np.array_equal(words_ids.indptr, words_strings.indptr)
        assert np.array_equal(words_ids.indices, words_strings.indices)
        assert np.abs(words_ids.data - words_strings.data).max() < 1e-12
        sizes.append(len(ids))
    assert sizes[0] < model.pack.SPARSE_BATCH_WORDS < sizes[1]


def test_both_scoring_routes_return_the_same_word_block(small_model, sample_records):
    """``score_ids`` takes NumPy for a small batch and SciPy for a large one; both return the same scores and
    the same word block (issue 13: the two routes returned matrices of different shapes)."""
    import numpy as np

    from analyzer.model.scoring import intern_docs
    from analyzer.text.tokenizer import feature_strings

    model, _ = small_model
    pack = model.pack
    batch = intern_docs(feature_strings([r.text for r in sample_records[:200]]))
    assert len(batch[1]) >= pack.SPARSE_BATCH_WORDS
    sparse_scores, sparse_words = pack.score_ids(*batch)
    limit, pack.SPARSE_BATCH_WORDS = pack.SPARSE_BATCH_WORDS, 10 ** 9
    try:
        dense_scores, dense_words = pack.score_ids(*batch)
    finally:
        pack.SPARSE_BATCH_WORDS = limit
    np.testing.assert_allclose(sparse_scores, dense_scores, rtol=1e-9, atol=1e-12)
    assert sparse_words.shape == dense_words.shape == (200, pack.n_word)
    assert np.array_equal(sparse_words.indptr, dense_words.indptr)
    assert np.array_equal(sparse_words.indices, dense_words.indices)
    np.testing.assert_allclose(sparse_words.data, dense_words.data, rtol=1e-12)
