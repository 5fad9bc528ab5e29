"""What goes into a render: the draft cache key."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.template.loader import get_template

from ..bodies import BodyFacts, facts_of
from ..interests import fingerprint
from ..models import Appraisal
from ..results import Evaluation
from .rendering import DRAFT_STYLESHEET, RENDERER_VERSION, STYLESHEETS, TEMPLATE, _static_text


def document_hash(
    document: Mapping[str, Any], bodies: Sequence[BodyFacts] = (), interests: str = ""
) -> str:
    """SHA-256 of what a report is rendered from: the interchange document (the narrative
    and header included, the appraisal's status and any results left out: results follow
    from the rest), the renderer itself (template, stylesheets, version) and, for a draft,
    the facts of the councils and bodies named (`bodies`: the background gives them, and
    their administrators may change them) and the declarations of interest (`interests`:
    `appraisals.interests.fingerprint`, "" when there are none)."""
    content = {k: v for k, v in document.items() if k not in ("status", "archived", "results")}
    what = {"document": content, "renderer": _renderer_fingerprint()}
    if bodies:
        what["bodies"] = [b.as_key() for b in bodies]
    if interests:
        what["interests"] = interests
    blob = json.dumps(
        what,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def content_hash(appraisal: Appraisal) -> str:
    """The draft cache key of the appraisal as it stands (the export: ten queries, and one
    for the declarations of interest)."""
    from ..interchange import export_with_appraisal

    document, loaded = export_with_appraisal(appraisal)
    return document_hash(document, facts_of(loaded), fingerprint(loaded))


def evaluation_hash(evaluation: Evaluation) -> str:
    """The draft cache key of what `evaluation` renders: `content_hash` of its appraisal as
    it stood when evaluated."""
    return document_hash(evaluation.document, evaluation.bodies, evaluation.interests_key)


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
