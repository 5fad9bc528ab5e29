"""What goes into a render: the draft cache key."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.template.loader import get_template
from django.utils import timezone

from ..bodies import BodyFacts, facts_of
from ..interests import fingerprint
from ..models import Appraisal
from ..results import Evaluation, derived, fingerprinted
from .build import delivery_models
from .previous import previous_version
from .rendering import (
    DRAFT_STYLESHEET,
    RENDERER_VERSION,
    STYLESHEETS,
    TEMPLATE,
    _static_text,
    render_html,
)
from .signoff import sign_offs_for


def document_hash(
    document: Mapping[str, Any],
    bodies: Sequence[BodyFacts] = (),
    interests: str = "",
    *,
    besides: Mapping[str, Any] | None = None,
) -> str:
    """SHA-256 of what a report is rendered from: the interchange document (the narrative
    and header included, the appraisal's status and any results left out: results follow
    from the rest), the renderer itself (template, stylesheets, version) and, for a draft,
    the facts of the councils and bodies named (`bodies`: the background gives them, and
    their administrators may change them), the declarations of interest (`interests`:
    `appraisals.interests.fingerprint`, "" when there are none) and what else it prints
    from outside the document (`besides`: the version it follows, `draft_inputs`). Each is
    left out when empty, so a document's own hash is the same as an issued snapshot's."""
    content = {k: v for k, v in document.items() if k not in ("status", "archived", "results")}
    what: dict[str, Any] = {"document": content, "renderer": _renderer_fingerprint()}
    if bodies:
        what["bodies"] = [b.as_key() for b in bodies]
    if interests:
        what["interests"] = interests
    if besides:
        what["besides"] = dict(besides)
    blob = json.dumps(
        what,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def content_hash(appraisal: Appraisal) -> str:
    """The draft cache key of the appraisal as it stands (the export: ten queries, one for
    the declarations of interest, and three for the version it follows and the sign-offs)."""
    from ..interchange import export_with_appraisal

    document, loaded = export_with_appraisal(appraisal)
    return document_hash(
        document, facts_of(loaded), fingerprint(loaded), besides=draft_inputs(appraisal)
    )


def evaluation_hash(evaluation: Evaluation, *, besides: Mapping[str, Any] | None = None) -> str:
    """The draft cache key of what `evaluation` renders: `content_hash` of its appraisal as
    it stood when evaluated (`besides`: `draft_inputs` of it)."""
    return document_hash(
        evaluation.document, evaluation.bodies, evaluation.interests_key, besides=besides
    )


def report_extras(appraisal: Appraisal) -> dict[str, Any]:
    """What a report prints from outside the document, as `render_html`, `render_word` and
    `build_report` take it: the version it follows and the sign-offs (three queries)."""
    return {"previous": previous_version(appraisal), "sign_offs": sign_offs_for(appraisal)}


def draft_inputs(appraisal: Appraisal, extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a draft prints besides the document, for its key: the number of the version it
    follows ("Changes since version N") and the sign-offs it prints. Give `extras`
    (`report_extras`) if they are loaded already (else three queries)."""
    if extras is None:
        number = appraisal.report_versions.order_by("-number").values_list("number", flat=True)
        latest = number.first()
        sign_offs = sign_offs_for(appraisal)
    else:
        previous = extras.get("previous")
        latest = None if previous is None else previous.number
        sign_offs = extras.get("sign_offs")
    key: dict[str, Any] = {}
    if latest is not None:
        key["previous"] = latest
    if sign_offs is not None and (sign_offs.required or sign_offs.agreements):
        key["sign_offs"] = sign_offs.as_key()
    return key


def draft_page(appraisal: Appraisal) -> str:
    """The draft as a web page, as it stands now (`render_html`), printed once for each
    state of the appraisal: cached under the evaluation's fingerprint (`results.derived`)
    with all else the page prints: the version it follows, the sign-offs, the catalogue
    entries of the options' delivery models, the day ("Draft rendered 2 December 2026") and
    the renderer. Five queries besides the evaluation's; a change to any of these is a new
    entry, so nothing is ever invalidated."""
    # The evaluation is read only to print the page afresh: a page already printed for this
    # fingerprint needs only the fingerprint and the options' delivery models.
    read = fingerprinted(appraisal)
    extras = report_extras(appraisal)
    models, models_key = delivery_models(read)
    previous, sign_offs = extras["previous"], extras["sign_offs"]
    printed = {
        "previous": previous and [previous.number, previous.issued_at.isoformat()],
        "sign_offs": sign_offs and sign_offs.as_key(),
        "models": models_key,
        "day": timezone.localdate().isoformat(),
        "renderer": _renderer_fingerprint(),
    }
    blob = json.dumps(printed, sort_keys=True, default=str, ensure_ascii=False)
    name = "draft-page:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
    return derived(
        read,
        name,
        lambda: render_html(evaluation=read.evaluation(), draft=True, models=models, **extras),
    )


@functools.cache
def _renderer_fingerprint() -> str:
    """Changes when the report's templates or stylesheets do (so does every draft's key)."""
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    origin = get_template(TEMPLATE).origin
    for path in sorted(Path(origin.name).parent.glob("*.html")):
        digest.update(path.read_bytes())
    for name in (*STYLESHEETS, DRAFT_STYLESHEET):
        digest.update(_static_text(name).encode("utf-8"))
    return digest.hexdigest()[:16]
