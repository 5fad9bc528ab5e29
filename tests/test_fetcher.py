"""Safe rendering: the report fetches nothing but our own static files.

Two lines of defence, each tested: narrative text is escaped, so it cannot create an element
that would fetch anything; and the URL fetcher refuses every URL that is not one of our
static files, so even markup that did get in (or a template mistake) fetches and embeds
nothing. A local HTTP server counts any request that escapes."""

from __future__ import annotations

import http.server
import io
import threading

import pikepdf
import pytest

from appraisals import report_pdf, reports
from tests.test_reports_data import make_report_appraisal

STATIC = report_pdf.BASE_URL + "static/"


@pytest.fixture
def server():
    """A web server on localhost that records every request made to it."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def spy(monkeypatch):
    """Every fetcher the renderer creates, kept to look at what it served and refused."""
    made: list[report_pdf.StaticFilesFetcher] = []

    class Spy(report_pdf.StaticFilesFetcher):
        def __init__(self):
            super().__init__()
            made.append(self)

    monkeypatch.setattr(report_pdf, "StaticFilesFetcher", Spy)
    return made


def embedded_files_and_images(pdf: bytes) -> tuple[int, int]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        names = doc.Root.get("/Names")
        files = 0 if names is None or "/EmbeddedFiles" not in names else 1
        images = sum(
            1
            for page in doc.pages
            for _ in page.get_images()  # raster images, also inside form XObjects
        )
        files += sum(
            1
            for page in doc.pages
            for annot in page.get("/Annots", [])
            if annot.get("/Subtype") == "/FileAttachment"
        )
    return files, images


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/static/reports/report.css",
        "data:image/svg+xml,<svg/>",
        "ftp://example.com/x",
        STATIC + "../../../../etc/passwd",
        STATIC + "reports/../../../etc/passwd",
        STATIC + "%2e%2e/%2e%2e/etc/passwd",
        STATIC + "/etc/passwd",
        STATIC + "reports/no-such-file.css",
        STATIC + "reports/report.css?x=../../etc/passwd",
        report_pdf.BASE_URL + "media/secret.pdf",
        report_pdf.BASE_URL + "appraisals/",
    ],
)
def test_fetcher_refuses_anything_but_a_static_file(url):
    fetcher = report_pdf.StaticFilesFetcher()
    with pytest.raises(report_pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_reports_own_stylesheet():
    fetcher = report_pdf.StaticFilesFetcher()
    response = fetcher.fetch(STATIC + "reports/report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    response.close()


def test_hostile_narrative_embeds_nothing_and_fetches_nothing(db, personas, server, spy):
    base, seen = server
    hostile = (
        f'<img src="{base}/img.svg"> <img src="file:///etc/passwd">\n\n'
        f'<a rel="attachment" href="file:///etc/hostname">attached</a>\n\n'
        f'<link rel="attachment" href="{base}/attach.txt">\n\n'
        f'<link rel="stylesheet" href="{base}/evil.css">\n\n'
        f'<object data="{base}/object"></object> <iframe src="{base}/frame"></iframe>\n\n'
        f"- {base}/plain-link\n- file:///etc/passwd"
    )
    appraisal = make_report_appraisal(
        options=1, criteria=2, panels=1, risks=0, narrative_text={"legal": hostile}
    )
    pdf = reports.render_committee_report(appraisal)
    assert seen == []
    served = [url for fetcher in spy for url in fetcher.served]
    refused = [url for fetcher in spy for url in fetcher.refused]
    assert refused == []  # the escaped narrative never even asked
    assert served and all(url.startswith(STATIC + "reports/") for url in served)
    assert embedded_files_and_images(pdf) == (0, 0)


def test_markup_that_got_in_would_still_fetch_nothing(server, spy):
    base, seen = server
    html = (
        '<html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{base}/evil.css"/>'
        '<link rel="attachment" href="file:///etc/hostname"/></head><body>'
        f'<img src="{base}/img.svg" alt="x"/><img src="file:///etc/passwd" alt="x"/>'
        f'<a rel="attachment" href="{base}/attach.txt">a</a>'
        '<div style="background: url(file:///etc/passwd)">b</div>'
        f'<link rel="stylesheet" href="{STATIC}reports/draft.css"/>'
        "</body></html>"
    )
    pdf = report_pdf.write_pdf(html)
    assert seen == []
    refused = spy[0].refused
    assert f"{base}/evil.css" in refused
    assert f"{base}/img.svg" in refused
    assert "file:///etc/passwd" in refused
    assert "file:///etc/hostname" in refused
    assert spy[0].served == [f"{STATIC}reports/draft.css"]
    files, _ = embedded_files_and_images(pdf)
    assert files == 0
