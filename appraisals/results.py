"""Everything a screen or report shows about an appraisal's results, computed in one place.

`evaluate` reads the appraisal once (its interchange document, ten queries whatever its
size, and its declarations of interest, one more), runs the method (`engine`), the
financial case (`finance`) and the explanations (`explain`), and rates the risks on the lead
authority's matrix. Views and the report read the frozen `Evaluation`; they never query or
compute results themselves.

Evaluations are cached (Django's cache: each process's memory, see settings.CACHES) under a
fingerprint of everything they are computed from: the document, the declarations of
interest, the rows' ids and the lead authority's risk matrix that `RiskView` reads, the
facts of the councils and bodies named (the report's background gives them), the samples
and seed, and the source of the method itself. An edit changes the fingerprint, so nothing
is ever invalidated: a page after an edit computes afresh, and every page after it reads the
cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache

from . import engine, explain, finance, interests
from .bodies import BodyFacts, facts_of
from .interchange import export_with_appraisal
from .models import Appraisal

WHOLE_APPRAISAL = "Whole appraisal"


@dataclass(frozen=True, slots=True)
class RiskView:
    pk: int
    option: str | None  # option key, None for a risk to the whole appraisal
    option_name: str  # the option's name, or "Whole appraisal"
    risk: str
    consequences: str
    likelihood: int
    impact: int
    controls: str
    residual_likelihood: int
    residual_impact: int
    owner: str
    before: engine.RiskRating  # likelihood × impact, banded on the lead authority's matrix
    after: engine.RiskRating  # the same after controls
    ref: str = ""  # "R1", "R2" ... in the register's order: the tables and heat maps use it
    # Exempt and opened (`exempt.open_evaluation`): its words and ratings are withheld.
    exempt: bool = False


@dataclass(frozen=True)
class Evaluation:
    document: dict[str, Any]
    result: engine.AppraisalResult
    finance: dict[str, finance.FinanceResult]  # by option key; options with a financial case
    explanations: tuple[str, ...]  # every paragraph of `explained`, in reading order
    explained: explain.Explained  # the same by kind, with the lead's robustness
    risks: tuple[RiskView, ...]
    risk_cutoffs: tuple[int, int, int]
    option_names: dict[str, str]
    criterion_names: dict[str, str]
    panel_names: dict[str, str]
    # The lead council and the partners with their facts (population, budget, character),
    # which the report's background gives: not part of the interchange document, since
    # each body's own administrators keep them.
    bodies: tuple[BodyFacts, ...] = ()
    # Declarations of interest, and whether the ranking holds without the declarers' scores;
    # `interests_key` is what they were read from (`interests.fingerprint`), for the draft's key.
    interests: interests.Interests = interests.NO_INTERESTS
    interests_key: str = ""
    # The fingerprint it is cached under (`evaluation_key`): what is derived from it alone,
    # such as its charts, is cached under it too (`derived`). "" when not from `evaluate`.
    key: str = ""

    @property
    def leader(self) -> str | None:
        """The key of the option ranked first, if any."""
        return self.result.leader

    @property
    def recommended(self) -> str | None:
        """The key of the option the officers recommend, if they have marked one."""
        return next((o["key"] for o in self.document["options"] if o.get("recommended")), None)

    def option_name(self, key: str | None) -> str:
        return WHOLE_APPRAISAL if key is None else self.option_names.get(key, key)

    def criterion_name(self, key: str) -> str:
        return self.criterion_names.get(key, key)

    def panel_name(self, key: str) -> str:
        return self.panel_names.get(key, key)


def _evaluate_document(
    doc: dict[str, Any],
    appraisal: Appraisal,
    *,
    samples: int,
    seed: int,
    declared: str,
    key: str = "",
) -> Evaluation:
    result = engine.compute(engine.AppraisalIn.from_document(doc), samples=samples, seed=seed)
    money = finance.evaluate_all(
        finance.FinanceIn.from_document(doc),
        target=appraisal.savings_target,
        target_year=appraisal.savings_target_year,
    )
    explained = explain.explain_parts(result)
    option_names = {o["key"]: o["name"] for o in doc["options"]}
    option_by_pk = {o.pk: o.key for o in appraisal.options.all()}  # prefetched by the export
    cutoffs = appraisal.lead_authority.risk_cutoffs
    risks = tuple(
        RiskView(
            pk=r.pk,
            option=option_by_pk.get(r.option_id),
            option_name=(
                option_names[option_by_pk[r.option_id]] if r.option_id else WHOLE_APPRAISAL
            ),
            risk=r.risk,
            consequences=r.consequences,
            likelihood=r.likelihood,
            impact=r.impact,
            controls=r.controls,
            residual_likelihood=r.residual_likelihood,
            residual_impact=r.residual_impact,
            owner=r.owner,
            before=engine.risk_rating(r.likelihood, r.impact, cutoffs),
            after=engine.risk_rating(r.residual_likelihood, r.residual_impact, cutoffs),
            ref=f"R{n}",
        )
        # prefetched by the export, in the document's order
        for n, r in enumerate(appraisal.risks.all(), start=1)
    )
    return Evaluation(
        document=doc,
        result=result,
        finance=money,
        explanations=explained.all(),
        explained=explained,
        risks=risks,
        risk_cutoffs=cutoffs,
        option_names=option_names,
        criterion_names={c["key"]: c["name"] for c in doc["criteria"]},
        panel_names={p["key"]: p["name"] for p in doc["panels"]},
        bodies=facts_of(appraisal),
        interests=(
            interests.interests_for(appraisal, doc, result) if declared else interests.NO_INTERESTS
        ),
        interests_key=declared,
        key=key,
    )


def evaluate(
    appraisal: Appraisal, *, samples: int = engine.DEFAULT_SAMPLES, seed: int = 1
) -> Evaluation:
    """The appraisal's results, finance, explanations and rated risks (ten queries, for the
    document; computed only when its fingerprint is new to this process)."""
    return fingerprinted(appraisal, samples=samples, seed=seed).evaluation()


@dataclass(frozen=True)
class Fingerprinted:
    """The appraisal read (its document) and the fingerprint its evaluation is cached under,
    before the evaluation itself is read: what `derived` needs (`key`), and the document.
    A page whose own output is cached under the fingerprint (the draft as a web page) reads
    that without reading the evaluation back from the cache (15 ms of unpickling for 12
    options x 40 criteria x 6 panels) until it has to print it afresh."""

    document: dict[str, Any]
    key: str
    appraisal: Appraisal
    declared: str
    samples: int
    seed: int

    def evaluation(self) -> Evaluation:
        evaluation = cache.get(self.key)
        if evaluation is None:
            evaluation = _evaluate_document(
                self.document,
                self.appraisal,
                samples=self.samples,
                seed=self.seed,
                declared=self.declared,
                key=self.key,
            )
            cache.set(self.key, evaluation)
        return evaluation


def fingerprinted(
    appraisal: Appraisal, *, samples: int = engine.DEFAULT_SAMPLES, seed: int = 1
) -> Fingerprinted:
    """The appraisal's document and evaluation fingerprint (ten queries, and one for the
    declarations of interest), its evaluation not yet read: `.evaluation()` reads it."""
    doc, loaded = export_with_appraisal(appraisal)
    declared = interests.fingerprint(loaded)  # one query when nobody has declared
    key = evaluation_key(doc, loaded, declared, samples=samples, seed=seed)
    return Fingerprinted(doc, key, loaded, declared, samples, seed)


def derived[T](evaluation: Evaluation | Fingerprinted, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, cached under the evaluation's fingerprint and `name`: for what follows
    from the evaluation alone and costs more to make than to read (its charts, a page's
    tables). `name` must say everything else the value depends on (a chart's id, a query).
    Like the evaluation itself, an entry never needs invalidating: after an edit the
    fingerprint is new. An evaluation not from `evaluate` (no key) is computed each time."""
    if not evaluation.key:
        return compute()
    key = f"{evaluation.key}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value)
    return value


_MISSING = object()


def evaluation_key(
    doc: dict[str, Any], appraisal: Appraisal, declared: str, *, samples: int, seed: int
) -> str:
    """The cache key of the evaluation of `doc`: a SHA-256 of all it is computed from."""
    blob = json.dumps(
        {
            "document": doc,
            "risk_ids": [r.pk for r in appraisal.risks.all()],  # prefetched by the export
            "risk_cutoffs": appraisal.lead_authority.risk_cutoffs,
            "bodies": [b.as_key() for b in facts_of(appraisal)],
            "interests": declared,
            "samples": samples,
            "seed": seed,
            "method": _method_fingerprint(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return "evaluation:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


@functools.cache
def _method_fingerprint() -> str:
    """Changes when the code that computes an evaluation does, so that a deployment never
    serves an evaluation cached by the code it replaced."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(
        [*(here / "engine").glob("*.py"), *(here / n for n in ("finance.py", "explain.py"))]
    ) + [Path(__file__).resolve()]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def results_document(
    appraisal: Appraisal, *, samples: int = engine.DEFAULT_SAMPLES, seed: int = 1
) -> dict[str, Any]:
    """The interchange document with its `results` object (interchange.md "Results")."""
    return snapshot_of(evaluate(appraisal, samples=samples, seed=seed))


def snapshot_of(evaluation: Evaluation) -> dict[str, Any]:
    """The document with its results, as an issued version keeps it (`ReportVersion.snapshot`)
    and as "What changed" compares the appraisal as it stands with one."""
    return {
        **evaluation.document,
        "results": engine.results_to_dict(evaluation.result, evaluation.finance),
    }
