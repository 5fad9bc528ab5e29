"""The committee report's HTML → a PDF/UA-1 file, with WeasyPrint.

`write_pdf` is the one way in. Three things here are ours rather than WeasyPrint's defaults:

- **Safe fetching.** `StaticFilesFetcher` serves the app's own static files and refuses every
  other URL (file:, http(s):, data:, another host) without opening it.
- **A fast parse.** The report template writes polyglot markup (HTML that is also well-formed
  XML: `<br/>`, `<col/>`, every string escaped), so `ReportHTML` builds the tree with the
  standard library's C XML parser instead of WeasyPrint's pure-Python HTML5 parser: the same
  tree and the same PDF, in 5 ms instead of 150–250 ms.
- **A lean user-agent stylesheet.** WeasyPrint's own gives every element six pseudo-elements
  (`::marker`, footnote and note calls and markers), each with a computed style: 2,200
  elements became 13,900 style computations. The report has no footnotes or notes and its
  only markers are list items', so `ReportHTML` uses WeasyPrint's stylesheet with those
  rules dropped and `::marker` narrowed to `li::marker`.

Two more: pydyf rebuilds the tuple of page references each time it is read, and WeasyPrint's
tagging reads it once per tagged box (quadratic in pages), so `_cache_page_references` keeps
it until a page is added; and the garbage collector waits for the end of a render rather
than walking the live box tree again and again. `bench/bench_reports.py` measures the whole.
"""

from __future__ import annotations

import functools
import gc
import mimetypes
import re
import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import cssselect2
import pydyf
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# Relative URLs in the report resolve against this base; `.invalid` never resolves (RFC 2606),
# and the fetcher answers only for its /static/ prefix, from the static files on disk.
BASE_URL = "https://report.councilopts.invalid/"
PDF_VARIANT = "pdf/ua-1"


# --------------------------------------------------------------------------------------------
# Safe fetching: only our own static files


class RefusedURL(ValueError):
    """The report asked for something other than one of our static files."""


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, cut down to the app's static files.

    A URL is served only if it is `BASE_URL` + STATIC_URL + a path the staticfiles finders
    locate (which refuse `..` and absolute paths); anything else — file:, http(s):, data:,
    ftp:, another host — is refused without being opened. WeasyPrint then leaves the image,
    stylesheet or attachment out.
    """

    def __init__(self) -> None:
        # The base class builds an HTTPS handler, which loads the system's CA certificates
        # into a new SSL context (~40 ms a render). `fetch` below never opens a URL, so one
        # shared context serves every fetcher.
        super().__init__(
            allowed_protocols=("https",), allow_redirects=False, ssl_context=_ssl_context()
        )
        self.prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = _static_path(url, self.prefix)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"the report may not fetch {url[:200]!r}")
        self.served.append(url)
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _static_path(url: str, prefix: str) -> Path | None:
    if not url.startswith(prefix) or any(c in url for c in "?#\\%"):
        return None
    relative = url[len(prefix) :]
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    if not found:
        return None
    path = Path(found if isinstance(found, str) else found[0])
    return path if path.is_file() else None


# --------------------------------------------------------------------------------------------
# The document: our markup, parsed fast, with a lean user-agent stylesheet


class MarkupError(ValueError):
    """The report's HTML is not well-formed: a template bug, never the officer's text."""


# Characters XML 1.0 forbids. Officers paste them from word processors (a form feed, a
# vertical tab for a soft line break); they mean nothing on a page, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class ReportHTML(HTML):
    """WeasyPrint's HTML document, built from the report template's polyglot markup with the
    standard library's XML parser, and styled over `lean_user_agent_stylesheet`.

    WeasyPrint's own test suite subclasses `HTML` the same way to swap the user-agent
    stylesheet; the attributes set here are the ones its `__init__` sets.
    """

    def __init__(self, string: str, *, url_fetcher: URLFetcher) -> None:
        if "<!ENTITY" in string:  # escaped text cannot make one: refuse entity expansion
            raise MarkupError("the report's HTML may not declare entities")
        string = _NOT_XML.sub("", string)
        try:
            root = ElementTree.fromstring(string)  # noqa: S314 - see above
        except ElementTree.ParseError as error:
            line, column = error.position  # in the string parsed, so `near` points right
            near = string.splitlines()[line - 1][max(0, column - 30) : column + 30]
            raise MarkupError(
                f"the report's HTML is not well-formed ({error}), near {near!r}"
            ) from None
        self.base_url = BASE_URL
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [lean_user_agent_stylesheet()]


@functools.cache
def lean_user_agent_stylesheet() -> CSS:
    """WeasyPrint's HTML5 user-agent stylesheet without the universal pseudo-element rules
    the report does not use (footnotes, notes) and with `::marker` for list items only."""
    text = (Path(weasyprint.__file__).parent / "css" / "html5_ua.css").read_text("utf-8")
    text = re.sub(r"(?m)^::(?:footnote|note)-[a-z-]+\s*\{[^}]*\}\s*$", "", text)
    text = re.sub(r"(?m)^::marker\b", "li::marker", text)
    return CSS(string=text)


def _cache_page_references() -> None:
    """Make `pydyf.PDF.page_references` cached until a page is added (see the docstring)."""
    rebuild = pydyf.PDF.page_references.fget

    def page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        count = len(pdf.pages["Kids"])
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] != count:
            cached = pdf.__dict__["_page_references"] = (count, rebuild(pdf))
        return cached[1]

    page_references.__doc__ = rebuild.__doc__
    pydyf.PDF.page_references = property(page_references)


if isinstance(getattr(pydyf.PDF, "page_references", None), property):
    _cache_page_references()


# --------------------------------------------------------------------------------------------
# Writing the PDF


def write_pdf(html: str, *, fetcher: StaticFilesFetcher | None = None) -> bytes:
    """The report's HTML → PDF/UA-1 bytes. The document is dropped as soon as it is written.
    Raises `MarkupError` if the HTML is not well-formed (the report template's is)."""
    # The cyclic garbage collector would walk the growing box tree again and again while it is
    # all alive (0.3-0.8 s of a 28-page render); it runs once instead, after the document is
    # dropped, and frees it at once (about 0.25 s).
    collecting = gc.isenabled()
    gc.disable()
    try:
        source = ReportHTML(html, url_fetcher=fetcher or StaticFilesFetcher())
        pdf = source.write_pdf(pdf_variant=PDF_VARIANT, finisher=_mark_header_scope)
        del source
    finally:
        if collecting:
            gc.enable()
    gc.collect()
    return pdf


def _mark_header_scope(document: Any, pdf: Any) -> None:
    """Give each table header cell its /Scope (PDF/UA: TH says what it heads). WeasyPrint
    tags <th> as TH and links cells to headers; headers inside THead head columns, the
    others (th scope=row in the body) head rows."""
    objects = pdf.objects
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("S") != "/TH":
            continue
        scope = "/Row"
        parent = _object(objects, obj.get("P"))
        grandparent = _object(objects, parent.get("P")) if parent else None
        if grandparent is not None and grandparent.get("S") == "/THead":
            scope = "/Column"
        attributes = obj.get("A")
        if attributes is not None:
            attributes["Scope"] = scope


def _object(objects: Sequence[Any], reference: Any) -> Any:
    if not reference:
        return None
    try:
        number = (
            int(bytes(reference).split()[0])
            if not isinstance(reference, str)
            else int(reference.split()[0])
        )
        return objects[number]
    except (ValueError, IndexError, TypeError):
        return None
