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

And `finish`, run on the PDF's objects before they are written, puts right what WeasyPrint's
PDF/UA output lacks: table headers' /Scope; running headers, page numbers and the DRAFT mark
as pagination artifacts rather than untagged-tree content; figures' /BBox in points; figures'
alt text with their description; and the bookmarks pane open (/PageMode /UseOutlines).
`tests/test_report_pdf_structure.py` reads each of these back.

Two more: pydyf rebuilds the tuple of page references each time it is read, and WeasyPrint's
tagging reads it once per tagged box (quadratic in pages), so `_cache_page_references` keeps
it until a page is added; and the garbage collector waits for the end of a render rather
than walking the live box tree again and again. `bench/bench_reports.py` measures the whole.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import gc
import mimetypes
import os
import re
import ssl
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import cssselect2
import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders


@contextlib.contextmanager
def _libraries_found_in_one_look() -> Iterator[None]:
    """While WeasyPrint is imported, `ctypes.util.find_library` answers from one reading of
    the dynamic linker's cache.

    WeasyPrint tries several names for each of its seven C libraries (Pango, HarfBuzz,
    fontconfig...), Windows' and macOS's first, and cffi hands each name it cannot open to
    `find_library`, which on Linux runs `ldconfig -p` and then, for a name the cache does not
    have, gcc and ld: 22 look-ups, about 60 processes, 0.5 s of a cold `render_report` where
    gcc is installed. A library the cache lacks cannot be opened by name anyway, so a name not
    in it is not found, as before. Only with glibc's ldconfig and no LD_LIBRARY_PATH or
    LIBRARY_PATH (where gcc and ld could find more); otherwise `find_library` is left as it is.
    The standard library's function is swapped for the import only, rather than WeasyPrint's:
    WeasyPrint has no setting for where its libraries are.
    """
    if not sys.platform.startswith("linux") or {"LD_LIBRARY_PATH", "LIBRARY_PATH"} & set(
        os.environ
    ):
        yield
        return
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        yield
        return
    # ctypes.util's own pattern and ABI names (`_findSoname_ldconfig`).
    machine = f"{os.uname().machine}-{64 if sys.maxsize > 2**32 else 32}"
    abi = {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}"
        found = re.search(os.fsencode(pattern), listing)
        return os.fsdecode(found.group(1)) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


with _libraries_found_in_one_look():
    import weasyprint
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
        # The base class builds an HTTPS handler, which would load the system's CA
        # certificates into a new SSL context (30-40 ms, once a render before, once a process
        # when shared). `fetch` below never opens a URL, so the handler gets a context with no
        # certificates at all: nothing to load, and any connection it made would fail.
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
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts nobody


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
    # dropped, and frees it at once (about 0.2 s). What was alive before the render (the
    # modules, Django's and WeasyPrint's caches: 130,000 objects) cannot be the render's
    # garbage, so it is frozen out of that collection (`gc.freeze`, 50-80 ms less), unless
    # the process froze objects of its own (a forking server may), which stay as they are.
    collecting = gc.isenabled()
    freezing = gc.get_freeze_count() == 0
    gc.disable()
    if freezing:
        gc.freeze()
    try:
        source = ReportHTML(html, url_fetcher=fetcher or StaticFilesFetcher())
        pdf = source.write_pdf(pdf_variant=PDF_VARIANT, finisher=finisher_for(source))
        del source
    finally:
        if collecting:
            gc.enable()
        gc.collect()
        if freezing:
            gc.unfreeze()
    return pdf


SVG = "{http://www.w3.org/2000/svg}"
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels and draws at 72/96 of them


def figure_descriptions(source: ReportHTML) -> dict[str, list[str]]:
    """Each chart's <title> → the <desc> of the charts with that title, in document order."""
    descriptions: dict[str, list[str]] = {}
    for svg in source.etree_element.iter(f"{SVG}svg"):
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        if title is not None and title.text:
            descriptions.setdefault(title.text, []).append(
                desc.text if desc is not None and desc.text else ""
            )
    return descriptions


def finisher_for(source: ReportHTML) -> Any:
    """The `finish` step for this document, as WeasyPrint's `write_pdf(finisher=...)`."""
    return functools.partial(finish, descriptions=figure_descriptions(source))


def finish(document: Any, pdf: Any, *, descriptions: Mapping[str, list[str]]) -> None:
    """What WeasyPrint's PDF/UA output lacks, put right before the PDF is written."""
    _mark_header_scope(document, pdf)
    _join_split_tables(pdf)
    _mark_running_content_as_artifacts(pdf)
    _add_id_tree(pdf)
    _fix_figures(pdf, {title: list(texts) for title, texts in descriptions.items()})
    # Open with the bookmarks pane: the report's headings are its table of contents.
    pdf.catalog["PageMode"] = "/UseOutlines"


def _number(reference: Any) -> int | None:
    if isinstance(reference, bytes | str):
        try:
            return int(reference.split()[0])
        except (ValueError, IndexError):
            return None
    return None


def _struct_elements(pdf: Any) -> tuple[Any, set[int]]:
    """The structure tree root and the object numbers of every element reachable from it."""
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    reachable: set[int] = set()
    todo = [n for n in map(_number, root["K"]) if n is not None]
    while todo:
        number = todo.pop()
        if number in reachable:
            continue
        reachable.add(number)
        kids = objects[number].get("K") if isinstance(objects[number], dict) else None
        if isinstance(kids, list):
            todo.extend(n for n in map(_number, kids) if n is not None)
    return root, reachable


def _mark_running_content_as_artifacts(pdf: Any) -> None:
    """Running headers, footers, page numbers and the DRAFT mark become /Artifact /Pagination.

    WeasyPrint tags the text of @page margin boxes like body text (/Span with an MCID) but
    leaves its structure elements out of the tree, since a PDF 1.7 tree may not hold
    artifacts. So a screen reader met "Page 3 of 19" as content. An MCID whose element is
    not reachable from the tree's root is such text: its marked content is rewritten as a
    pagination artifact and its parent-tree entry emptied.
    """
    objects = pdf.objects
    root, reachable = _struct_elements(pdf)
    nums = objects[_number(root["ParentTree"])]["Nums"]
    pages = [objects[number] for number in pdf.pages["Kids"][::3]]
    for index in range(0, len(nums), 2):
        page_number, mcids = nums[index], nums[index + 1]
        if not isinstance(mcids, list) or page_number >= len(pages):
            continue  # an annotation's entry, not a page's
        running = {
            mcid
            for mcid, reference in enumerate(mcids)
            if _number(reference) is not None and _number(reference) not in reachable
        }
        if not running:
            continue
        stream = objects[_number(pages[page_number]["Contents"])].stream
        for position, item in enumerate(stream):
            if isinstance(item, dict) and item.get("MCID") in running and position:
                mcids[item["MCID"]] = "null"
                stream[position - 1] = "/Artifact"
                stream[position] = pydyf.Dictionary({"Type": "/Pagination"})


def _fix_figures(pdf: Any, descriptions: dict[str, list[str]]) -> None:
    """Figures' bounding boxes in PDF points, and their alt text with the description.

    WeasyPrint writes a figure's /BBox in CSS pixels from the top of the page; PDF/UA wants
    default user space: points, from the bottom. Its /Alt is the SVG's <title> only; the
    <desc> says what the chart shows, so the alt text carries both.
    """
    heights = {
        number: float(pdf.objects[number]["MediaBox"][3]) for number in pdf.pages["Kids"][::3]
    }
    for obj in pdf.objects:
        if not isinstance(obj, dict) or obj.get("S") != "/Figure":
            continue
        layout = obj.get("A")
        height = heights.get(_number(obj.get("Pg")))
        if isinstance(layout, dict) and "BBox" in layout and height is not None:
            x1, y1, x2, y2 = (float(v) for v in layout["BBox"])
            layout["BBox"] = pydyf.Array(
                [
                    round(x1 * PX_TO_PT, 2),
                    round(height - y2 * PX_TO_PT, 2),
                    round(x2 * PX_TO_PT, 2),
                    round(height - y1 * PX_TO_PT, 2),
                ]
            )
        alt = obj.get("Alt")
        title = getattr(alt, "string", None)
        if title and descriptions.get(title):
            description = descriptions[title].pop(0)
            if description:
                obj["Alt"] = pydyf.String(f"{title.rstrip('.')}. {description}")


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


_BLOCKS = frozenset({"/P", "/H1", "/H2", "/H3", "/H4", "/Table", "/L", "/Figure", "/Caption"})


def _kids(objects: Sequence[Any], element: Any) -> list[Any]:
    """The structure elements among `element`'s /K (not its marked-content numbers)."""
    kids = element.get("K") if isinstance(element, dict) else None
    if not isinstance(kids, list):
        return []
    found = [_object(objects, k) for k in kids if not isinstance(k, int)]
    return [k for k in found if isinstance(k, dict) and "S" in k]


def _join_split_tables(pdf: Any) -> None:
    """A table that runs onto another page is one /Table, its header cells said once.

    WeasyPrint tags each page's part of a table as a /Table of its own, and the header row
    it repeats at the top of the next page as header cells of their own, with IDs of their
    own that the cells below name in /Headers. A checker reads that as split header cells:
    two tables, the second's headers unlinked to the first's. So each continuation (a
    /Table without a caption that follows a table with nothing between) gives its rows to
    the table it continues, its cells' /Headers are pointed at that table's header cells,
    and its repeated header row leaves the tree: `_mark_running_content_as_artifacts` then
    makes its marks pagination artifacts, as a repeated header is.
    """
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    blocks: list[tuple[Any, Any]] = []  # (element, its parent) in reading order

    def visit(element: Any) -> None:
        for kid in _kids(objects, element):
            if kid.get("S") in _BLOCKS:
                blocks.append((kid, element))
                if kid.get("S") in {"/Table", "/L", "/Figure", "/Caption"}:
                    continue
            visit(kid)

    for top in _kids(objects, root):
        visit(top)
    previous = None
    for element, parent in blocks:
        if element.get("S") != "/Table":
            previous = None
            continue
        parts = _kids(objects, element)
        if previous is not None and not any(p.get("S") == "/Caption" for p in parts):
            _continue_table(objects, previous, element, parent)
        else:
            previous = element


def _continue_table(objects: Sequence[Any], table: Any, continuation: Any, parent: Any) -> None:
    parts = _kids(objects, table)
    bodies = [p for p in parts if p.get("S") == "/TBody"]
    if not bodies:
        return
    body = bodies[-1]
    head_ids = [
        th.get("ID")
        for head in parts
        if head.get("S") == "/THead"
        for row in _kids(objects, head)
        for th in _kids(objects, row)
    ]
    renamed: dict[str, Any] = {}
    for part in _kids(objects, continuation):
        if part.get("S") == "/THead":
            repeated = [th for row in _kids(objects, part) for th in _kids(objects, row)]
            for th, original in zip(repeated, head_ids, strict=False):
                if th.get("ID") is not None and original is not None:
                    renamed[_text(th["ID"])] = original
        elif part.get("S") == "/TBody":
            for row in _kids(objects, part):
                row["P"] = body.reference
                body["K"].append(row.reference)
                for cell in _kids(objects, row):
                    attributes = cell.get("A")
                    if isinstance(attributes, dict) and "Headers" in attributes:
                        attributes["Headers"] = pydyf.Array(
                            renamed.get(_text(h), h) for h in attributes["Headers"]
                        )
    parent["K"] = pydyf.Array(
        k for k in parent["K"] if isinstance(k, int) or _number(k) != continuation.number
    )


def _text(value: Any) -> str:
    """A pydyf string's text (an /ID, an entry of /Headers)."""
    return str(getattr(value, "string", value))


def _add_id_tree(pdf: Any) -> None:
    """The structure tree's /IDTree: the name tree in which /Headers finds each header cell
    by its /ID (ISO 32000-1, 14.7.2). WeasyPrint gives header cells IDs but no tree."""
    objects = pdf.objects
    root, reachable = _struct_elements(pdf)
    named = sorted(
        (_text(objects[n]["ID"]), objects[n].reference)
        for n in reachable
        if isinstance(objects[n], dict) and objects[n].get("ID") is not None
    )
    if named:
        root["IDTree"] = pydyf.Dictionary(
            {"Names": pydyf.Array(x for key, ref in named for x in (pydyf.String(key), ref))}
        )


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
