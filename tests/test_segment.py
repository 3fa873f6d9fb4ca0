from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.text.segment import MAX_WORDS, is_header_line, segment_note, segment_notes

NOTE = """CATATAN KUNJUNGAN RUMAH
Nama klien: Ibu R (45 th)
Hari/tanggal : Senin, 3 Agustus 2026
Alamat: Dsn. Krajan RT 02

Sy dtg ke rumah Ibu R jam 10. Beliau menyambut dgn ramah. Kami ngobrol soal anaknya yg tdk sekolah.
Ibu R bilang anaknya malu. Sy tanya sejak kapan. Ternyata sejak kelas 3. Sy ulangi ceritanya supaya yakin.
Peksos: "Ibu ingin anak kembali sekolah?"

Refleksi: sy terlalu cepat memberi saran."""


def test_headers_are_separate_and_recognisable():
    ps = segment_note(NOTE)
    headers = [p.text for p in ps if p.is_header]
    assert headers == [
        "CATATAN KUNJUNGAN RUMAH", "Nama klien: Ibu R (45 th)", "Hari/tanggal : Senin, 3 Agustus 2026",
        "Alamat: Dsn. Krajan RT 02",
    ]
    assert ps[-1].text == "Refleksi: sy terlalu cepat memberi saran." and ps[-1].kind == "body"


def test_long_paragraph_is_cut_into_sentence_windows():
    body = [p for p in segment_note(NOTE) if not p.is_header]
    assert len(body) >= 3
    assert body[0].text.startswith("Sy dtg ke rumah") and body[0].text.endswith(".")
    assert all(len(p.tokens) <= MAX_WORDS for p in body)


def test_dialogue_lines_are_not_headers():
    assert not is_header_line('Peksos: "Ibu ingin anak kembali sekolah?"')
    assert not is_header_line("Klien: “Saya takut pulang.”")
    assert is_header_line("Tujuan kunjungan: asesmen awal")
    assert is_header_line("- Usia : 12 tahun")
    assert not is_header_line("Refleksi: saya kurang sabar.")


def test_offsets_round_trip_on_windows_and_crlf():
    note = "Nama: An. F\r\n\r\n" + " ".join(f"Kalimat ke {i} tentang kunjungan." for i in range(30)) + "\r\n"
    ps = segment_note(note)
    assert ps[0].is_header and len(ps) > 3
    for p in ps:
        assert note[p.start : p.end] == p.text


def test_tokens_are_normalised():
    (p,) = segment_note("Sy sdh ktm ortu klien.")
    assert p.tokens == ("saya", "sudah", "bertemu", "orang", "tua", "klien")


def test_blank_note_has_no_passages():
    assert segment_note("   \n\n \t ") == []


_alphabet = st.sampled_from(list("abc deNK.:!?\n\n\r\t\"-/2é—“”") + ["Nama klien: ", "Sy sdh ", ". ", "\n\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_offsets_always_round_trip(note):
    passages = segment_note(note)
    for p in passages:
        assert note[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
    ends = [(p.start, p.end) for p in passages]
    assert ends == sorted(ends)
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=4))
def test_offsets_round_trip_on_arbitrary_unicode(notes):
    for note, passages in zip(notes, segment_notes(notes)):
        for p in passages:
            assert note[p.start : p.end] == p.text


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(_alphabet, max_size=60).map("".join), min_size=1, max_size=5))
def test_batch_segmentation_equals_one_note_at_a_time_and_tokens_equal_the_passage_alone(notes):
    """Notes are tokenised whole and segmented as a batch; every passage's words are what tokenising its own
    text gives, and a note's passages do not depend on the other notes of the batch."""
    from analyzer.text.tokenizer import feature_strings

    batched = list(segment_notes(notes))
    assert batched == [segment_note(n) for n in notes]
    passages = [p for ps in batched for p in ps]
    assert [" ".join(p.tokens) for p in passages] == feature_strings([p.text for p in passages])


# --- a short readable segmenter the batch segmenter is checked against ------------------------------------------

def reference_segment(text: str) -> list[tuple[int, int, int, str]]:
    """One note at a time, with spaCy's own Sentencizer on each block tokenised alone: header lines whole; a
    body block whole when it has at most MAX_SENTENCES sentences and MAX_WORDS words, else cut into windows of
    whole sentences (at most WINDOW_SENTENCES sentences and WINDOW_WORDS words; a longer sentence stays whole).
    Returns (index, start, end, kind) per passage."""
    from spacy.pipeline import Sentencizer

    from analyzer.text.segment import MAX_SENTENCES, WINDOW_SENTENCES, WINDOW_WORDS, _blocks, _trim
    from analyzer.text.tokenizer import get_nlp

    sentencizer = Sentencizer()
    spans: list[tuple[int, int, str]] = []
    for kind, raw_start, raw_end in _blocks(text):
        start, end = _trim(text, raw_start, raw_end)
        if start >= end:
            continue
        if kind == "header":
            spans.append((start, end, "header"))
            continue
        doc = sentencizer(get_nlp().make_doc(text[start:end]))
        sentences = [(s.start, s.end, sum(not (t.is_punct or t.is_space) for t in s)) for s in doc.sents]
        if len(sentences) <= MAX_SENTENCES and sum(n for _, _, n in sentences) <= MAX_WORDS:
            windows = [(0, len(doc))]
        else:
            windows, current = [], []
            for sentence in sentences:
                if current and (len(current) >= WINDOW_SENTENCES
                                or sum(n for _, _, n in current) + sentence[2] > WINDOW_WORDS):
                    windows.append((current[0][0], current[-1][1]))
                    current = []
                current.append(sentence)
            windows.append((current[0][0], current[-1][1]))
        for first, last in windows:
            a, b = _trim(text, start + doc[first].idx, start + doc[last - 1].idx + len(doc[last - 1].text))
            if a < b:
                spans.append((a, b, "body"))
    return [(i, a, b, kind) for i, (a, b, kind) in enumerate(spans)]


_sentences = st.sampled_from(["Sy tanya sejak kapan. ", "Ibu R diam saja... ", "Kami sepakat! ", "Apa benar? ",
                              "Beliau bercerita panjang tentang anaknya yang sudah dua bulan tidak sekolah ",
                              "“Saya malu,” katanya. ", "Nama klien: Ibu R\n", "\n", "\n\n", "  ", "A.\tB: c "])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(_sentences, max_size=40).map("".join), min_size=1, max_size=4))
def test_batch_segmenter_agrees_with_the_readable_reference(notes):
    for note, passages in zip(notes, segment_notes(notes)):
        assert [(p.index, p.start, p.end, p.kind) for p in passages] == reference_segment(note)


def test_reference_cuts_a_long_block_into_windows():
    """The reference itself: a block of 12 short sentences becomes windows of three sentences."""
    block = " ".join(f"Kalimat nomor {i} selesai." for i in range(12))
    got = reference_segment(block)
    assert len(got) == 4 and all(k == "body" for *_, k in got)
    assert [block[a:b].count(".") for _, a, b, _ in got] == [3, 3, 3, 3]
