"""analyzer serve: every page and every error through Starlette's TestClient, the security rules, and the command
that starts and stops the server."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape
from click.testing import CliRunner
from starlette.testclient import TestClient

from analyzer.cli import cli
from analyzer.resources import DEMO_DIR, REPO_ROOT

NOTES = DEMO_DIR / "notes"
WORKERS = ("AW", "RA")  # two workers' demo notes (38): enough breaches, gaps and cases, quick to analyse
BASE = "http://127.0.0.1"
CRAFTED = """---
note_id: ZZ-XSS-20260901
worker: Rahmawati A.
client: KPM-<b>X</b>
date: 2026-09-01
---
Saya mendengarkan cerita Ibu Sari Wulandari <script>alert(1)</script> sampai selesai, lalu saya ulangi intinya.
Beliau bisa dihubungi di 0813-2245-7781. Saya bentak dia karena terlambat & <img src=x onerror=alert(2)>.
"""


def run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def notes_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notes") / "notes"
    folder.mkdir()
    for path in sorted(NOTES.glob("*.md")):
        if path.name.split("-")[0] in WORKERS:
            shutil.copy(path, folder / path.name)
    (folder / "ZZ-XSS-20260901.md").write_text(CRAFTED, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def results(notes_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("res") / "hasil.parquet"
    result = run(["analyze", str(notes_dir), "-o", str(out), "--jobs", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def app(results):
    from analyzer.serve.app import create_app

    return create_app([results])


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, base_url=BASE)


@pytest.fixture(scope="module")
def report_json(results) -> dict:
    result = run(["report", str(results), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def links(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and 'File "' not in text and "Error:" not in text.split("<body>")[0]


GET_PAGES = ["/report", "/report?worker=Agus+Wibowo", "/report?code=P10", "/report?from=2026-09-01&to=2026-09-30",
             "/passages?code=P10", "/passages?breach=1", "/case?client=Sdr.+DP", "/model", "/codebook", "/review"]


# --- pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GET_PAGES)
def test_every_page_renders_with_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert "<script" not in page.lower() and " style=" not in page and "<style" not in page
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', page)  # nothing from another site


def test_home_goes_to_the_report_and_static_css_is_served(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/report"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and ".heat" in css.text
    assert "url(" not in css.text and "@import" not in css.text


def test_report_matches_the_report_command(client, report_json):
    page = client.get("/report?lang=en").text
    totals = report_json["totals"]
    assert (f"{totals['notes']} notes, {totals['workers']} workers, {totals['clients']} clients, "
            f"{totals['passages']} passages analysed") in page
    rows = re.findall(r'<tr class="worker-row"><td><a href="[^"]+">([^<]+)</a></td>\s*<td class="num">(\d+)</td>', page)
    assert [(w, int(n)) for w, n in rows] == [(w["worker"], w["notes"]) for w in report_json["workers"]]
    assert [w for w, _ in rows] == sorted(w for w, _ in rows)  # alphabetical, not a ranking
    for w in report_json["workers"]:
        assert f"{w['principles_evidenced']}/16" in page


def test_drill_down_from_a_count_to_its_passages(client, report_json):
    worker = report_json["workers"][0]
    code = next(c for c in ("P10", "P04", "P03", "P01") if worker["codes"][c]["applied"])
    page = client.get("/report").text
    target = [h for h in links(page, "/passages?") if f"code={code}" in h and "breach" not in h
              and "worker=" + worker["worker"].replace(" ", "+") in h]
    assert len(target) == 1
    listing = client.get(target[0] + "&lang=en").text
    expected = worker["codes"][code]["applied"]
    assert f'<p id="passage-count">{expected} passages.' in listing
    passages = links(listing, "/passage?")
    notes = {re.search(r"note=([^&]+)", h).group(1) for h in passages}
    assert len(notes) == worker["codes"][code]["notes"]
    one = client.get(passages[0] + "&lang=en")
    assert one.status_code == 200 and f"✓ {code}" in one.text and "Model scores" in one.text


def test_breach_counts_lead_to_breach_passages(client, report_json):
    worker = next(w for w in report_json["workers"] if w["breach_passages"])
    listing = client.get("/passages", params={"worker": worker["worker"], "breach": "1", "lang": "en"}).text
    assert f'<p id="passage-count">{worker["breach_passages"]} passages.' in listing
    assert listing.count('class="passage-item breach"') == min(worker["breach_passages"], 50)
    filtered = client.get("/report", params={"worker": worker["worker"], "lang": "en"}).text
    assert filtered.count('class="breach-row"') == min(len(worker["breaches"]), 50)
    for b in worker["breaches"][:3]:
        assert f'note={b["note_id"]}&amp;p={b["passage"]}' in filtered


def test_filters_in_the_url(client, report_json):
    september = client.get("/report?from=2026-09-01&to=2026-09-30&lang=en").text
    months = re.findall(r"<td><a href=\"/report\?[^\"]*\">(\d{4}-\d{2})</a></td>", september)
    assert months == ["2026-09"]
    worker = report_json["workers"][1]["worker"]
    one = client.get("/report", params={"worker": worker, "lang": "en"}).text
    assert one.count('class="worker-row"') == 1 and worker in one
    code = client.get("/report?code=E3&lang=en").text
    assert 'id="code-E3"' in code and "Passages with the code" in code
    client_name = report_json["clients"][0]["client"]
    only = client.get("/report", params={"client": client_name, "lang": "en"}).text
    assert re.search(r"(\d+) notes, \d+ workers?, 1 clients", only)
    gaps = [g for w in report_json["workers"] for g in w["gaps"]]
    if gaps:
        assert f'href="/codebook#{gaps[0]}"' in client.get("/report").text
        assert f'id="{gaps[0]}"' in client.get("/codebook").text


def test_months_and_pages_link_back_into_the_report(client):
    page = client.get("/report").text
    for href in links(page, "/report?")[:25]:
        assert client.get(href).status_code == 200, href


def test_case_page_has_outcomes_in_order_and_a_timeline(client, results):
    df = pd.read_parquet(results)
    name = "Sdr. DP"
    notes = df[df["client"] == name]["note_id"].nunique()
    page = client.get("/case", params={"client": name, "lang": "en"}).text
    assert [m for m in re.findall(r"<strong>(E\d)</strong>", page)] == ["E1", "E2", "E3", "E4"]
    timeline = page[page.index('id="timeline"'):]
    assert timeline.count('<span class="date">') == notes
    dates = re.findall(r'<span class="date">([^<]+)</span>', timeline)
    assert dates == sorted(dates)


def test_outcomes_out_of_order_are_flagged():
    from analyzer.serve.routes.cases import outcomes_of

    timeline = [{"note_id": "a", "date": "2026-08-01", "labels": ["E2"]},
                {"note_id": "b", "date": "2026-08-08", "labels": ["E1", "E3"]},
                {"note_id": "c", "date": "2026-08-15", "labels": ["E4"]}]
    got = {o["code"]: (o["note_id"], o["out_of_order"]) for o in outcomes_of(timeline)}
    assert got == {"E1": ("b", False), "E2": ("a", True), "E3": ("b", False), "E4": ("c", False)}


def test_passage_page_shows_its_note_scores_and_evidence(client, results):
    df = pd.read_parquet(results)
    row = df[(df["kind"] == "body") & (df["labels"].map(len) > 0)].iloc[0]
    page = client.get("/passage", params={"note": row["note_id"], "p": int(row["passage"]), "lang": "en"}).text
    assert str(escape(row["text"])) in page
    assert page.count("<tr") >= 21  # a score row per code
    evidence = json.loads(row["evidence"])[row["labels"][0]]
    assert ", ".join(html.escape(t) for t in evidence) in page
    note_passages = df[df["note_id"] == row["note_id"]]
    assert f"The whole note ({len(note_passages)} passages)" in page or len(note_passages) <= 7


# --- review my note -----------------------------------------------------------------------------------------------


def review_json(tmp_path, text: str, suffix: str = ".txt") -> dict:
    path = tmp_path / f"note{suffix}"
    path.write_text(text, encoding="utf-8")
    result = run(["review", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def shown_codes(page: str) -> tuple[str, str]:
    summary = re.search(r'<p id="review-summary">(.*?)</p>', page, re.S).group(1)
    principles = re.search(r"Principles shown \(\d+/16\): ([^<]*)", summary).group(1).strip()
    outcomes = re.search(r"Engagement outcomes reached: ([^<\n]*)", summary).group(1).strip()
    return principles, outcomes


def post_review(client, lang="en", **kw):
    token = csrf_of(client.get("/review").text)
    return client.post(f"/review?lang={lang}", data={"csrf": token, **kw.pop("data", {})}, **kw)


def test_review_of_pasted_text_is_the_same_as_the_review_command(client, tmp_path):
    text = "\n\n".join(p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(NOTES.glob("RA-*.md"))[:2])
    expected = review_json(tmp_path, text)
    response = post_review(client, data={"text": text})
    assert response.status_code == 200
    principles, outcomes = shown_codes(response.text)
    assert principles == (", ".join(expected["principles_shown"]) or "—")
    assert outcomes == (", ".join(expected["outcomes_reached"]) or "—")
    assert response.text.count('<div class="passage') == len(expected["passages"])
    for code in expected["prompts"]:
        assert f"<li><strong>{code}</strong>" in response.text


@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx"])
def test_review_of_an_uploaded_note(client, tmp_path, suffix):
    note = sorted(NOTES.glob("AW-*.md"))[0]
    raw = note.read_text(encoding="utf-8")
    expected = review_json(tmp_path, raw, ".md")
    if suffix == ".docx":
        import docx

        document = docx.Document()
        for para in raw.split("---", 2)[2].split("\n\n"):
            document.add_paragraph(para)
        buf = io.BytesIO()
        document.save(buf)
        data = buf.getvalue()
        expected = None  # paragraphs are re-joined: compare with the command on the same .docx
        path = tmp_path / "n.docx"
        path.write_bytes(data)
        expected = json.loads(run(["review", str(path), "--format", "json", "--lang", "en"]).output)
    else:
        data = raw.encode("utf-8")
    response = post_review(client, files={"file": (f"catatan{suffix}", data)})
    assert response.status_code == 200, response.text[:800]
    principles, outcomes = shown_codes(response.text)
    assert principles == (", ".join(expected["principles_shown"]) or "—")
    assert outcomes == (", ".join(expected["outcomes_reached"]) or "—")
    assert f"catatan{suffix}" in response.text


@pytest.mark.parametrize("name, data, status, message", [
    ("laporan.pdf", b"%PDF-1.4", 400, "laporan.pdf: file type .pdf is not supported. Upload .txt, .md, .docx."),
    ("kosong.txt", b"   \n", 400, "file kosong.txt is empty; there is no note text to process."),
    ("biner.txt", bytes(range(256)) * 40, 400, "binary"),
    ("rusak.docx", b"PK\x03\x04 not really a zip", 400, "cannot be read"),
    ("../../etc/passwd.md", "Saya dengarkan klien.".encode(), 200, None),
])
def test_review_upload_catalogue_of_bad_inputs(client, name, data, status, message):
    response = post_review(client, files={"file": (name, data)})
    assert response.status_code == status, response.text[:600]
    assert no_traceback(response.text)
    if message:
        assert message in html.unescape(response.text)
    else:
        assert "passwd.md" in response.text and "../" not in response.text.split('id="review-result"')[1][:200]


def test_review_upload_limits(app, tmp_path):
    client = TestClient(app, base_url=BASE)
    big = b"Saya dengarkan. " * 200_000  # 3.2 MB
    response = post_review(client, files={"file": ("besar.txt", big)})
    assert response.status_code == 413 and "too large" in response.text
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * 30_000_000)
    response = post_review(client, files={"file": ("bom.docx", bomb.getvalue())})
    assert response.status_code == 400 and "too large once unpacked" in response.text
    response = post_review(client, data={"text": "   "})
    assert response.status_code == 400 and "no text: paste a note or choose a file." in response.text


def test_review_escapes_and_masks_the_pasted_note(client):
    response = post_review(client, data={"text": CRAFTED})
    page = response.text
    result = page[page.index('id="review-result"'):]
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in result
    assert "<img src=x" not in page
    assert "0813-2245-7781" not in result and "[TELEPON]" in result
    assert "Wulandari" not in result


# --- security -------------------------------------------------------------------------------------------------


def test_note_text_is_escaped_and_masked_in_every_view(client):
    page = client.get("/passage", params={"note": "ZZ-XSS-20260901", "p": 0}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "0813-2245-7781" not in page and "Wulandari" not in page
    report = client.get("/report").text
    assert "KPM-&lt;b&gt;X&lt;/b&gt;" in report and "<b>X</b>" not in report
    case = client.get("/case", params={"client": "KPM-<b>X</b>"}).text
    assert "Kasus KPM-&lt;b&gt;X&lt;/b&gt;" in case


def test_unmasked_only_when_started_with_no_redact(results, tmp_path):
    from analyzer.serve.app import create_app

    raw = tmp_path / "raw.parquet"
    notes = tmp_path / "n"
    notes.mkdir()
    (notes / "z.md").write_text(CRAFTED, encoding="utf-8")
    assert run(["analyze", str(notes), "-o", str(raw), "--redact", "none", "--jobs", "1", "--no-cache"]).exit_code == 0
    masked = TestClient(create_app([raw]), base_url=BASE)  # results written unmasked: the server masks them
    plain = TestClient(create_app([raw], redact="none"), base_url=BASE)
    for c, visible in ((masked, False), (plain, True)):
        page = c.get("/passage", params={"note": "ZZ-XSS-20260901", "p": 0}).text
        assert ("0813-2245-7781" in page) is visible and ("Wulandari" in page) is visible
        assert ("NOT masked" in c.get("/report?lang=en").text) is visible


@pytest.mark.parametrize("path", [
    "/static/../../../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/%2e%2e/README.md",
    "/static/style.css%00.png", "/passage?note=../../../../etc/passwd&p=0", "/passage?note=%2Fetc%2Fpasswd&p=0",
    "/case?client=../../etc/passwd", "/static/", "/../../etc/passwd",
])
def test_path_parameters_never_reach_files(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert "root:x:0" not in response.text and "# analyzer" not in response.text
    assert no_traceback(response.text)


def test_unknown_things_give_clear_error_pages_in_both_languages(client):
    cases = [
        ("/nope", 404, "Halaman ini tidak ada", "This page does not exist"),
        ("/passage?note=TIDAK-ADA&p=1", 404, "Catatan 'TIDAK-ADA' tidak ada", "Note 'TIDAK-ADA' is not in the collection"),
        ("/passage?note=AW-DP-20260826&p=999", 404, "tidak memiliki passage 999", "has no passage 999"),
        ("/passage?note=AW-DP-20260826&p=x", 400, "Nilai 'x' untuk 'p'", "The value 'x' of 'p'"),
        ("/report?from=2026-13-01", 400, "Nilai '2026-13-01' untuk 'from'", "The value '2026-13-01' of 'from'"),
        ("/report?from=2026-10-01&to=2026-09-01", 400, "untuk 'from'", "of 'from'"),
        ("/report?code=P99", 400, "'P99'", "'P99'"),
        ("/passages?code=E1&breach=1", 400, "'E1'", "'E1'"),
        ("/report?worker=Nobody", 400, "petugas 'Nobody' tidak ada", "worker 'Nobody' is not in the notes"),
        ("/report?client=Nobody", 404, "Klien 'Nobody' tidak ada", "Client 'Nobody' is not in the notes"),
        ("/case", 404, "Pilih klien", "Choose a client"),
        ("/case?client=Sdr.+DP&worker=Nobody", 404, "Tidak ada catatan", "No notes for client"),
        ("/report?page=0", 400, "'page'", "'page'"),
    ]
    for path, status, indonesian, english in cases:
        r = client.get(path)
        assert r.status_code == status, (path, r.text[:300])
        assert indonesian in html.unescape(r.text), path
        assert no_traceback(r.text)
        sep = "&" if "?" in path else "?"
        r = client.get(path + sep + "lang=en")
        assert r.status_code == status and english in html.unescape(r.text), path


def test_language_choice_is_kept_in_a_cookie(app):
    c = TestClient(app, base_url=BASE)
    assert "Ringkasan per petugas" in c.get("/report").text
    assert "Summary per worker" in c.get("/report?lang=en").text
    assert "Summary per worker" in c.get("/report").text  # the cookie
    assert "Ringkasan per petugas" in c.get("/report?lang=id").text
    assert "Ringkasan per petugas" in c.get("/report?lang=xx").text  # unknown: the cookie's language


def test_wrong_method_and_internal_errors_never_show_a_traceback(app, monkeypatch):
    c = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    r = c.post("/report")
    assert r.status_code == 405 and no_traceback(r.text)
    from analyzer.serve.state import ServerState

    def broken(self, *a, **k):
        raise RuntimeError("secret internal detail /home/user/notes")

    monkeypatch.setattr(ServerState, "report", broken)
    r = c.get("/report?lang=en")
    assert r.status_code == 500 and "Something went wrong on the server" in r.text
    assert "secret internal detail" not in r.text and no_traceback(r.text)
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_every_form_is_refused_without_its_csrf_token(app):
    c = TestClient(app, base_url=BASE)
    posts = [r.path for r in app.routes if "POST" in (getattr(r, "methods", None) or ())]
    assert "/review" in posts
    for path in posts:
        assert c.post(path, data={"text": "Saya dengarkan."}).status_code == 403, path  # no token at all
        page = c.get("/review").text
        assert c.post(path, data={"csrf": "x" * 43, "text": "Saya dengarkan."}).status_code == 403, path  # wrong
        fresh = TestClient(app, base_url=BASE)  # the token of another browser (no cookie here)
        assert fresh.post(path, data={"csrf": csrf_of(page), "text": "a"}).status_code == 403, path
    r = c.post("/review?lang=en", data={"csrf": "nope"})
    assert "This form has expired or was not sent from this site's page." in html.unescape(r.text)


def test_csrf_cookie_is_strict_and_http_only(app):
    c = TestClient(app, base_url=BASE)
    cookie = c.get("/review").headers["set-cookie"]
    assert cookie.startswith("analyzer_csrf=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "set-cookie" not in c.get("/review").headers  # kept, not renewed


def test_only_the_loopback_host_names_are_answered(app):
    assert TestClient(app, base_url="http://localhost:8000").get("/model").status_code == 200
    r = TestClient(app, base_url="http://attacker.example").get("/report")
    assert r.status_code == 400 and "Rahmawati" not in r.text


def test_body_size_is_limited_before_it_is_read(client):
    r = client.post("/review", content=b"x" * 10, headers={"content-length": str(50_000_000),
                                                            "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_token_is_required_when_given(results):
    from analyzer.serve.app import create_app

    app = create_app([results], token="rahasia-panjang-sekali", allowed_hosts=["*"])
    c = TestClient(app, base_url="http://192.168.1.20:8000")
    r = c.get("/report?lang=en")
    assert r.status_code == 401 and "needs an access token" in r.text and "Rahmawati" not in r.text
    assert c.get("/report?token=salah").status_code == 401
    r = c.get("/report?token=rahasia-panjang-sekali&worker=Agus+Wibowo", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/report?worker=Agus+Wibowo"
    assert "analyzer_token=rahasia-panjang-sekali" in r.headers["set-cookie"]
    assert c.get("/report").status_code == 200  # the cookie
    other = TestClient(app, base_url="http://192.168.1.20:8000")
    assert other.get("/model", headers={"Authorization": "Bearer rahasia-panjang-sekali"}).status_code == 200
    assert other.get("/model", headers={"Authorization": "Bearer salah"}).status_code == 401


# --- aggregates, reloading, no collection ---------------------------------------------------------------------


def test_reports_are_cached_and_rebuilt_when_the_results_change(results, notes_dir, tmp_path):
    from analyzer.serve.app import create_app

    path = tmp_path / "r.parquet"
    shutil.copy(results, path)
    app = create_app([path])
    c = TestClient(app, base_url=BASE)
    state = app.state.server
    before = c.get("/report?lang=en").text
    assert state.collection().reports  # cached
    first = state.collection()
    assert c.get("/report?lang=en").text == before and state.collection() is first
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for note in sorted(notes_dir.glob("AW-*.md"))[:3]:
        shutil.copy(note, fewer / note.name)
    assert run(["analyze", str(fewer), "-o", str(path), "--jobs", "1", "--no-cache"]).exit_code == 0
    after = c.get("/report?lang=en").text
    assert "3 notes, 1 workers" in after and state.collection() is not first


def test_without_a_collection_review_and_model_still_work():
    from analyzer.serve.app import create_app

    c = TestClient(create_app(), base_url=BASE)
    assert c.get("/", follow_redirects=False).headers["location"] == "/review"
    assert "started without notes or results" in c.get("/report?lang=en").text
    assert c.get("/passages?lang=en").status_code == 404
    assert c.get("/model").status_code == 200 and c.get("/review").status_code == 200


def test_the_server_reads_notes_too(notes_dir, tmp_path):
    from analyzer.serve.app import create_app

    few = tmp_path / "few"
    few.mkdir()
    for note in sorted(notes_dir.glob("RA-*.md"))[:4]:
        shutil.copy(note, few / note.name)
    c = TestClient(create_app([few]), base_url=BASE)
    assert "4 notes, 1 workers" in c.get("/report?lang=en").text


def test_model_page_shows_reliability_per_code_and_the_card(client):
    from analyzer.model.persist import load_model
    from analyzer.report.coverage import model_info

    info = model_info(load_model().metadata)
    page = client.get("/model?lang=en").text
    assert page.count('<tr id="rel-') == 20
    for code, f1 in list(info["code_f1"].items())[:5]:
        assert re.search(rf'<tr id="rel-{code}"[^>]*>.*?<td class="num">{f1}</td>', page)
    assert "<h1>Model card: analyzer passage classifier</h1>" in page and "<table>" in page


# --- the command ------------------------------------------------------------------------------------------------


def test_loopback_and_allowed_hosts():
    from analyzer.serve.run import allowed_hosts, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3") and not is_loopback("myhost")
    assert allowed_hosts("127.0.0.1", None) == ("127.0.0.1", "localhost", "::1", "[::1]")
    assert allowed_hosts("0.0.0.0", "t") == ("*",)


def test_a_port_in_use_is_a_clear_error():
    from analyzer.serve import ServeError
    from analyzer.serve.run import bind

    sock = bind("127.0.0.1", 0)
    try:
        with pytest.raises(ServeError) as err:
            bind("127.0.0.1", sock.getsockname()[1])
        assert err.value.render("en").startswith(f"port {sock.getsockname()[1]} on 127.0.0.1 is already in use")
    finally:
        sock.close()
    result = CliRunner().invoke(cli, ["serve", "--host", "no-such-host.invalid", "--lang", "en"])
    assert result.exit_code == 1 and "Error: the address no-such-host.invalid cannot be used" in result.output


def test_serve_starts_answers_and_stops_on_ctrl_c(results, tmp_path):
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", str(results), "--port", "0", "--lang", "en"],
                            cwd=REPO_ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "Stop it with Ctrl-C" in line:
                break
        started = "".join(lines)
        url = re.search(r"running at (http://127\.0\.0\.1:\d+)", started).group(1)
        assert "not for the internet" in started
        with urllib.request.urlopen(url + "/report?lang=en", timeout=30) as response:
            assert response.status == 200 and b"Summary per worker" in response.read()
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "analyzer serve stopped." in rest and "Traceback" not in rest


def test_another_address_warns_and_needs_a_token(results):
    proc = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--lang", "en"], cwd=REPO_ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "keeps it in a cookie" in line:
                break
        out = "".join(lines)
        assert "Warning: 0.0.0.0 is not a loopback address" in out and "A token was generated" in out
        token = re.search(r"Access token: (\S+)", out).group(1)
        port = re.search(r"running at http://0\.0\.0\.0:(\d+)", out).group(1)
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/model", timeout=30)
        assert err.value.code == 401
        request = urllib.request.Request(f"http://127.0.0.1:{port}/model",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


# --- corrections ------------------------------------------------------------------------------------------------


@pytest.fixture
def own(results, tmp_path):
    """A private copy of the results (its corrections.jsonl is written beside it) and a client of a server on it."""
    from analyzer.serve.app import create_app

    path = tmp_path / "hasil.parquet"
    shutil.copy(results, path)
    return path, TestClient(create_app([path]), base_url=BASE)


def count_of(c, **params) -> int:
    page = c.get("/passages", params={**params, "lang": "en"}).text
    return int(re.search(r'<p id="passage-count">(\d+) passages\.', page).group(1))


def correct(c, note, p, action, code, breach=False, by="Sari Ayu", lang="en"):
    page = c.get("/review").text  # any page with a form gives the token
    data = {"csrf": csrf_of(page), "note": note, "p": str(p), "action": action, "code": code, "by": by,
            "next": f"/passage?note={note}&p={p}"}
    if breach:
        data["breach"] = "1"
    return c.post(f"/corrections?lang={lang}", data=data, follow_redirects=False)


def test_a_correction_is_written_changes_the_figures_and_can_be_undone(own):
    path, c = own
    df = pd.read_parquet(path)
    row = df[(df["worker"] == "Agus Wibowo") & df["labels"].map(lambda l: "P10" in l)].iloc[0]
    note, p = row["note_id"], int(row["passage"])
    before = count_of(c, worker="Agus Wibowo", code="P10")
    response = correct(c, note, p, "reject", "P10")
    assert response.status_code == 303 and response.headers["location"] == f"/passage?note={note}&p={p}&done=saved"
    shown = c.get(response.headers["location"] + "&lang=en").text
    assert "Correction saved; the report" in html.unescape(shown)
    assert f"✓ P10" not in shown.split('id="scores"')[0]
    assert count_of(c, worker="Agus Wibowo", code="P10") == before - 1
    lines = [json.loads(x) for x in (path.parent / "corrections.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["action"], x["note_id"], x["passage"], x["code"], x["by"], x["source"]) for x in lines] == \
        [("reject", note, p, "P10", "Sari Ayu", "serve")]
    # The command line sees the same figures from the same file.
    cli_report = json.loads(run(["report", str(path), "--format", "json", "--lang", "en"]).output)
    worker = next(w for w in cli_report["workers"] if w["worker"] == "Agus Wibowo")
    assert worker["codes"]["P10"]["applied"] == before - 1
    page = c.get("/report?lang=en").text
    assert re.search(r"Agus Wibowo.*?1 of \d+ findings confirmed|0 of \d+ findings", page, re.S)
    # Undo from the corrections page.
    listing = c.get("/corrections?lang=en").text
    assert "1 corrections in effect: 1 applied, 0 stale" in listing
    undo = c.post("/corrections/undo", data={"csrf": csrf_of(listing), "id": lines[0]["id"], "next": "/corrections"},
                  follow_redirects=False)
    assert undo.status_code == 303 and undo.headers["location"] == "/corrections?done=undone"
    assert count_of(c, worker="Agus Wibowo", code="P10") == before
    assert "undone" in c.get("/corrections?lang=en").text


def test_adding_a_breach_and_confirming_a_code(own):
    path, c = own
    df = pd.read_parquet(path)
    body = df[(df["kind"] == "body") & (df["worker"] == "Agus Wibowo")]
    row = body[body["breaches"].map(len) == 0].iloc[0]
    note, p = row["note_id"], int(row["passage"])
    breaches = count_of(c, worker="Agus Wibowo", code="P02", breach="1")
    assert correct(c, note, p, "add", "P02", breach=True).status_code == 303
    assert count_of(c, worker="Agus Wibowo", code="P02", breach="1") == breaches + 1
    page = c.get("/passage", params={"note": note, "p": p, "lang": "en"}).text
    assert "✗ P02" in page and "confirmed" in page
    labelled = body[body["labels"].map(len) > 0].iloc[0]
    code = labelled["labels"][0]
    assert correct(c, labelled["note_id"], int(labelled["passage"]), "confirm", code).status_code == 303
    report = json.loads(run(["report", str(path), "--format", "json", "--lang", "en"]).output)
    assert report["totals"]["findings_confirmed"] == 2
    assert f"2 of {report['totals']['findings']} findings confirmed by a person" in c.get("/report?lang=en").text


def test_corrections_that_cannot_be_made_are_clear_errors(own):
    path, c = own
    df = pd.read_parquet(path)
    row = df[(df["kind"] == "body") & (df["labels"].map(len) > 0)].iloc[0]
    absent = next(x for x in ("P01", "P02", "P03", "P04", "P05") if x not in row["labels"])
    r = correct(c, row["note_id"], int(row["passage"]), "confirm", absent)
    assert r.status_code == 400
    assert f"passage {int(row['passage'])} of note {row['note_id']} does not have {absent}" in html.unescape(r.text)
    header = df[df["kind"] == "header"].iloc[0]
    r = correct(c, header["note_id"], int(header["passage"]), "add", "P01")
    assert r.status_code == 400 and "is a header (biodata) line and gets no codes" in r.text
    assert no_traceback(r.text)
    r = correct(c, row["note_id"], int(row["passage"]), "add", "E1", breach=True)
    assert r.status_code == 400 and "E1 is an engagement outcome and cannot be breached" in r.text
    page = c.get("/review").text
    r = c.post("/corrections?lang=en", data={"csrf": csrf_of(page), "note": "TIDAK-ADA", "p": "1", "action": "add",
                                              "code": "P01"})
    assert r.status_code == 404 and "Note 'TIDAK-ADA' is not in the collection" in html.unescape(r.text)
    for field, value in (("action", "delete"), ("code", "P99"), ("p", "x")):
        data = {"csrf": csrf_of(page), "note": row["note_id"], "p": "1", "action": "add", "code": "P01", field: value}
        assert c.post("/corrections?lang=en", data=data).status_code == 400, field
    assert not (path.parent / "corrections.jsonl").exists()  # nothing written by a refused correction


def test_corrections_made_elsewhere_and_stale_ones_show(own):
    path, c = own
    df = pd.read_parquet(path)
    row = df[(df["kind"] == "body") & (df["worker"] == "Rahmawati A.") & df["labels"].map(lambda l: "P11" in l)].iloc[0]
    before = count_of(c, worker="Rahmawati A.", code="P11")
    result = run(["correct", str(path), row["note_id"], str(int(row["passage"])), "--remove", "P11", "--by", "Budi"])
    assert result.exit_code == 0, result.output
    assert count_of(c, worker="Rahmawati A.", code="P11") == before - 1  # the server saw the file change
    stale = {"id": "abcdef123456", "action": "add", "note_id": row["note_id"], "passage": int(row["passage"]),
             "start": int(row["start"]), "end": int(row["end"]), "text_sha256": "0" * 64, "code": "P01",
             "breach": False, "by": "x", "at": "2026-09-01T00:00:00+00:00", "source": "correct"}
    with (path.parent / "corrections.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(stale) + "\n")
    listing = c.get("/corrections?lang=en").text
    assert 'id="stale"' in listing and "stale" in listing
    assert "1 stale corrections" in c.get("/report?lang=en").text


def test_review_applies_the_corrections_of_its_note(own):
    path, c = own
    note_file = sorted(NOTES.glob("AW-*.md"))[0]
    note_id = note_file.stem
    df = pd.read_parquet(path)
    row = df[(df["note_id"] == note_id) & (df["kind"] == "body") & df["labels"].map(lambda l: "P16" not in l)].iloc[0]
    assert correct(c, note_id, int(row["passage"]), "add", "P16").status_code == 303
    response = post_review(c, files={"file": (note_file.name, note_file.read_bytes())})
    block = re.search(rf'id="p{int(row["passage"])}">(.*?)</div>\s*</div>', response.text, re.S).group(1)
    assert "✓ P16" in block and "confirmed" in block
    cli = json.loads(run(["review", str(note_file), "--format", "json", "--lang", "en", "--corrections",
                          str(path.parent / "corrections.jsonl")]).output)
    assert "P16" in cli["passages"][int(row["passage"])]["labels"]


# --- export -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, kind", [("label-studio", "zip"), ("doccano", "jsonl"), ("prodigy", "jsonl"),
                                       ("refi-qda", "qdpx")])
def test_export_downloads_every_format(client, results, fmt, kind):
    r = client.get("/export/download", params={"fmt": fmt})
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment; filename=")
    df = pd.read_parquet(results)
    body = int((df["kind"] == "body").sum())
    if kind == "jsonl":
        assert len(r.content.decode("utf-8").splitlines()) == body
    else:
        with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
            names = archive.namelist()
        assert names
        if fmt == "label-studio":
            assert any(n.endswith(".json") for n in names) and any(n.endswith(".xml") for n in names)
    assert b"0813-2245-7781" not in r.content


def test_export_of_one_worker_and_bad_requests(client, results):
    df = pd.read_parquet(results)
    body = df[(df["kind"] == "body") & (df["worker"] == "Agus Wibowo")]
    r = client.get("/export/download", params={"fmt": "doccano", "worker": "Agus Wibowo"})
    assert len(r.content.decode("utf-8").splitlines()) == len(body)
    assert client.get("/export/download?fmt=excel").status_code == 400
    assert client.get("/export/download?fmt=doccano&worker=Nobody").status_code == 404
    page = client.get("/export?lang=en").text
    assert 'action="/export/download"' in page and "REFI-QDA" in page


def test_every_text_of_the_pages_exists_in_both_languages():
    """Every message key the server's code and templates name (also those composed from a prefix) is in
    data/messages.yaml in Indonesian and English."""
    from analyzer.messages import _catalog
    from analyzer.serve.web import NAV, STATUS_KEYS

    catalog = _catalog()
    package = REPO_ROOT / "analyzer" / "serve"
    named = set()
    for path in [*package.rglob("*.py"), *package.rglob("*.j2")]:
        named |= set(re.findall(r"""["']((?:serve|ui\.serve|corrections|report|review|col|word)\.[a-z0-9_.-]+[a-z0-9_])["']""",
                                path.read_text(encoding="utf-8")))
    named |= {f"serve.nav.{k}" for k, _ in NAV} | {f"serve.status.{s}" for s in STATUS_KEYS}
    named |= {f"serve.action.{a}" for a in ("confirm", "reject", "add", "label")}
    named |= {f"serve.filter.{k}" for k in ("worker", "client", "from", "to", "code", "breach")}
    named |= {f"serve.export.fmt.{f}" for f in ("label-studio", "doccano", "prodigy", "refi-qda")}
    named |= {f"serve.done.{d}" for d in ("saved", "undone")}
    named = {k for k in named if not k.endswith((".py", ".j2", ".html"))}
    missing = sorted(k for k in named if k not in catalog)
    assert missing == []
    for key in (k for k in catalog if k.startswith(("serve.", "ui.serve."))):
        assert catalog[key].get("id") and catalog[key].get("en"), key
