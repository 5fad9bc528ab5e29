"""What changed between two states of an appraisal, in plain words.

`compare(old, new)` reads two snapshots (the interchange document with its `results`, as a
`ReportVersion` keeps it, or as `results.results_document` builds it for the appraisal as it
stands) and says what changed, grouped by what a reader looks for: options, criteria and
weights, scores and reasons, risks, finance, the report's text, and the results. A group
with nothing changed says so ("No changes to risks."), so a reader knows it was looked at.

Pure: plain values in, small frozen dataclasses out, no Django (tests/test_engine_purity.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .explain import (
    format_percent,
    format_pounds,
    format_score,
    format_value,
    join_names,
    ordinal,
    the_panel,
)

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Change:
    """One change, said in a sentence; for rewritten text, the text before and after."""

    text: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    changes: tuple[Change, ...]
    unchanged: str  # what is said when nothing changed

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class Comparison:
    groups: tuple[Group, ...]

    @property
    def changed(self) -> bool:
        return any(g.changed for g in self.groups)

    @property
    def count(self) -> int:
        return sum(len(g.changes) for g in self.groups)


# The report's header facts, as a reader names them (report.* keys of the document).
HEADER_LABELS = (
    ("author", "report author"),
    ("report_of", "“Report of” line"),
    ("portfolio_holder", "portfolio holder"),
    ("contact_name", "contact officer"),
    ("contact_job_title", "contact officer's job title"),
    ("contact_telephone", "contact officer's telephone number"),
    ("contact_email", "contact officer's email address"),
    ("officers_consulted", "officers consulted"),
    ("wards_affected", "wards affected"),
    ("ward_members_consulted", "ward members consulted"),
    ("papers_inspection", "place the background papers can be inspected"),
    ("exempt_paragraph", "Schedule 12A paragraph"),
    ("forward_plan_reference", "forward plan reference"),
)
COMMITTEE_LABELS = (
    ("name", "committee"),
    ("meeting_date", "date of the meeting"),
    ("agenda_item", "agenda item"),
)
SERIES = (("costs", "one-off and running costs"),) + tuple(
    (s, f"{s} savings") for s in ("low", "central", "high")
)
MOST_YEARS_LISTED = 3  # more changed years than this are said as totals


def compare(
    old: Doc,
    new: Doc,
    *,
    section_titles: Sequence[tuple[str, str]] = (),
    include_text: bool = True,
) -> Comparison:
    """What changed from `old` to `new`. `section_titles` names the narrative sections
    (key, title) in the report's order; `include_text` False leaves the report's text out
    (for readers not yet shown the draft)."""
    groups = [
        Group("options", "Options", tuple(_options(old, new)), "No changes to the options."),
        Group(
            "criteria",
            "Criteria and weights",
            tuple(_criteria(old, new)),
            "No changes to the criteria or their weights.",
        ),
        Group(
            "scores",
            "Scores and reasons",
            tuple(_scores(old, new)),
            "No changes to the panels, scores or reasons.",
        ),
        Group("risks", "Risks", tuple(_risks(old, new)), "No changes to risks."),
        Group("finance", "Finance", tuple(_finance(old, new)), "No changes to the finance."),
    ]
    if include_text:
        groups.append(
            Group(
                "text",
                "The report's text and details",
                tuple(_text(old, new, section_titles)),
                "No changes to the report's text or details.",
            )
        )
    if (old.get("report") or {}).get("exempt") or (new.get("report") or {}).get("exempt"):
        groups.append(
            Group(
                "exempt",
                "Exempt information",
                tuple(_exempt(old, new, dict(section_titles))),
                "No changes to what is exempt.",
            )
        )
    groups.append(
        Group(
            "results",
            "Results",
            tuple(_results(old, new)),
            "No changes to the results: every option keeps its rank and value.",
        )
    )
    return Comparison(tuple(groups))


# Words ---------------------------------------------------------------------------------------


def _pounds(value: float | None) -> str:
    return "none" if value is None else format_pounds(value)


def _possessive(name: str) -> str:
    return f"{name}'s"


def _scale(doc: Doc) -> str:
    scale = doc.get("scale") or {}
    low, high = scale.get("min", 0), scale.get("max", 5)
    if low == 0:
        return f"out of {format_score(high)}"
    return f"on the scale of {format_score(low)} to {format_score(high)}"


def _quote(text: str, most: int = 80) -> str:
    text = " ".join((text or "").split())
    return f"“{text if len(text) <= most else text[: most - 1].rstrip() + '…'}”"


def _model(key: str) -> str:
    return (key or "").replace("-", " ")


def _by_key(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    return {item["key"]: item for item in items or []}


def _names(old: Doc, new: Doc, field: str) -> dict[str, str]:
    """Key → name, the new document's name where it has one."""
    return {x["key"]: x["name"] for doc in (old, new) for x in doc.get(field) or []} | {
        x["key"]: x["name"] for x in new.get(field) or []
    }


def _ordered_keys(old: Doc, new: Doc, field: str) -> list[str]:
    """Keys in the new document's order, then those only in the old one."""
    keys = [x["key"] for x in new.get(field) or []]
    seen = set(keys)
    return keys + [x["key"] for x in old.get(field) or [] if x["key"] not in seen]


# Options -------------------------------------------------------------------------------------

STATUS_WORDS = {"shortlisted": "short-listed", "longlisted": "long-listed", "rejected": "rejected"}


def _options(old: Doc, new: Doc) -> Iterable[Change]:
    before, after = _by_key(old.get("options")), _by_key(new.get("options"))
    for key in _ordered_keys(old, new, "options"):
        o, n = before.get(key), after.get(key)
        if o is None:
            status = STATUS_WORDS.get(n.get("status", ""), n.get("status", ""))
            yield Change(f"{n['name']} was added as an option ({status}).")
            continue
        if n is None:
            yield Change(f"{o['name']} was removed from the options.")
            continue
        name = n["name"]
        if o["name"] != name:
            yield Change(f"{o['name']} is now called {name}.")
        if o.get("status") != n.get("status"):
            was = STATUS_WORDS.get(o.get("status", ""), o.get("status", ""))
            now = STATUS_WORDS.get(n.get("status", ""), n.get("status", ""))
            said = f"{name} is now {now} (it was {was})"
            if n.get("status") == "rejected" and n.get("rejection_reason"):
                said += f", because: {_quote(n['rejection_reason'], 200)}"
            yield Change(said + ".")
        elif n.get("status") == "rejected" and o.get("rejection_reason") != n.get(
            "rejection_reason"
        ):
            yield Change(
                f"The reason {name} was rejected was changed.",
                o.get("rejection_reason") or "",
                n.get("rejection_reason") or "",
            )
        if o.get("delivery_model") != n.get("delivery_model"):
            yield Change(
                f"{_possessive(name)} delivery model went from {_model(o['delivery_model'])} "
                f"to {_model(n['delivery_model'])}."
            )
        if sorted(o.get("partners") or []) != sorted(n.get("partners") or []):
            yield Change(
                f"{_possessive(name)} partners went from "
                f"{join_names(o.get('partners') or []) or 'none'} to "
                f"{join_names(n.get('partners') or []) or 'none'}."
            )
        if (o.get("description") or "") != (n.get("description") or ""):
            yield Change(
                f"{_possessive(name)} description was changed.",
                o.get("description") or "",
                n.get("description") or "",
            )
    yield from _marked(old, new, "baseline", "the baseline")
    yield from _marked(old, new, "recommended", "the option officers recommend")


def _marked(old: Doc, new: Doc, flag: str, what: str) -> Iterable[Change]:
    """The baseline or the recommended option, where it moved."""
    names = _names(old, new, "options")
    was = next((o["key"] for o in old.get("options") or [] if o.get(flag)), None)
    now = next((o["key"] for o in new.get("options") or [] if o.get(flag)), None)
    if was == now:
        return
    if now is None:
        yield Change(f"No option is {what} now (it was {names[was]}).")
    elif was is None:
        yield Change(f"{names[now]} is now {what} (none was before).")
    else:
        yield Change(f"{names[now]} is now {what}, in place of {names[was]}.")


# Criteria and weights ------------------------------------------------------------------------

METHOD_WORDS = {
    "direct": "entered directly",
    "swing": "set by swing weighting",
    "pairwise": "set by pairwise comparison",
}


def weights_of(doc: Doc) -> dict[str, float]:
    """Each criterion's weight as a fraction of the whole: the results' own where the
    snapshot has them, otherwise the entered weights, normalised."""
    results = doc.get("results") or {}
    if results.get("weights"):
        return {k: float(v) for k, v in results["weights"].items()}
    raw = {c["key"]: float(c.get("weight") or 0) for c in doc.get("criteria") or []}
    total = sum(raw.values())
    return {k: (v / total if total else 0.0) for k, v in raw.items()}


def _criteria(old: Doc, new: Doc) -> Iterable[Change]:
    before, after = _by_key(old.get("criteria")), _by_key(new.get("criteria"))
    w_old, w_new = weights_of(old), weights_of(new)
    m_old = (old.get("weighting") or {}).get("method", "direct")
    m_new = (new.get("weighting") or {}).get("method", "direct")
    if m_old != m_new:
        yield Change(
            f"Weights are now {METHOD_WORDS.get(m_new, m_new)} "
            f"(they were {METHOD_WORDS.get(m_old, m_old)})."
        )
    if (old.get("scale") or {}) != (new.get("scale") or {}):
        yield Change(f"Scores are now given {_scale(new)} (they were given {_scale(old)}).")
    for key in _ordered_keys(old, new, "criteria"):
        o, n = before.get(key), after.get(key)
        if o is None:
            yield Change(
                f"{n['name']} was added as a criterion, with a weight of "
                f"{format_percent(w_new.get(key, 0))}."
            )
            continue
        if n is None:
            yield Change(
                f"{o['name']} was removed from the criteria (its weight was "
                f"{format_percent(w_old.get(key, 0))})."
            )
            continue
        name = n["name"]
        if o["name"] != name:
            yield Change(f"The criterion {o['name']} is now called {name}.")
        was, now = format_percent(w_old.get(key, 0)), format_percent(w_new.get(key, 0))
        if was != now:
            yield Change(f"{_possessive(name)} weight went from {was} to {now}.")
        if (o.get("group") or "") != (n.get("group") or ""):
            yield Change(
                f"{name} moved from the group {o.get('group') or '(none)'} to "
                f"{n.get('group') or '(none)'}."
            )
        for field, what in (("guidance", "scoring guidance"), ("description", "description")):
            if (o.get(field) or "") != (n.get(field) or ""):
                yield Change(
                    f"The {what} for {name} was changed.", o.get(field) or "", n.get(field) or ""
                )


# Panels, scores and reasons ------------------------------------------------------------------


def _scores(old: Doc, new: Doc) -> Iterable[Change]:
    p_old, p_new = _by_key(old.get("panels")), _by_key(new.get("panels"))
    for key in _ordered_keys(old, new, "panels"):
        o, n = p_old.get(key), p_new.get(key)
        if o is None:
            yield Change(f"{the_panel(n['name'], capital=True)} was added.")
        elif n is None:
            yield Change(f"{the_panel(o['name'], capital=True)} was removed, with its scores.")
        else:
            if o["name"] != n["name"]:
                # Capital only where the sentence starts: "The Staff panel is now called the
                # Workforce panel", "Panel 1 is now called the Staff panel".
                was, now = the_panel(o["name"], capital=True), the_panel(n["name"])
                yield Change(f"{was} is now called {now}.")
            if (o.get("scored_when") or "") != (n.get("scored_when") or ""):
                yield Change(
                    f"When {the_panel(n['name'])} scored went from "
                    f"{o.get('scored_when') or 'not given'} to "
                    f"{n.get('scored_when') or 'not given'}."
                )
    panels = _names(old, new, "panels")
    options = _names(old, new, "options")
    criteria = _names(old, new, "criteria")
    removed_panels = set(p_old) - set(p_new)
    removed_options = {o["key"] for o in old.get("options") or []} - {
        o["key"] for o in new.get("options") or []
    }
    removed_criteria = {c["key"] for c in old.get("criteria") or []} - {
        c["key"] for c in new.get("criteria") or []
    }

    def cells(doc: Doc) -> dict[tuple[str, str, str], Mapping[str, Any]]:
        return {(s["panel"], s["option"], s["criterion"]): s for s in doc.get("scores") or []}

    before, after = cells(old), cells(new)
    order = {
        "panel": {k: i for i, k in enumerate(_ordered_keys(old, new, "panels"))},
        "option": {k: i for i, k in enumerate(_ordered_keys(old, new, "options"))},
        "criterion": {k: i for i, k in enumerate(_ordered_keys(old, new, "criteria"))},
    }
    keys = sorted(
        set(before) | set(after),
        key=lambda k: (
            order["panel"].get(k[0], 0),
            order["option"].get(k[1], 0),
            order["criterion"].get(k[2], 0),
        ),
    )
    scale = _scale(new)
    for cell in keys:
        o, n = before.get(cell), after.get(cell)
        panel, option, criterion = cell
        if (
            o is not None
            and n is None
            and (
                panel in removed_panels
                or option in removed_options
                or criterion in removed_criteria
            )
        ):
            continue  # said once, with the panel, option or criterion that went
        whose = (
            f"{_possessive(the_panel(panels.get(panel, panel), capital=True))} score for "
            f"{options.get(option, option)} on {criteria.get(criterion, criterion)}"
        )
        if o is None:
            yield Change(f"{whose} was given: {format_score(n['score'])} {scale}.")
        elif n is None:
            yield Change(f"{whose} was taken out (it was {format_score(o['score'])} {scale}).")
        else:
            reason_changed = (o.get("reason") or "") != (n.get("reason") or "")
            if o["score"] != n["score"]:
                said = (
                    f"{whose} went from {format_score(o['score'])} to "
                    f"{format_score(n['score'])} {scale}"
                )
                if reason_changed:
                    yield Change(
                        said + ", with a new reason.", o.get("reason") or "", n.get("reason") or ""
                    )
                else:
                    yield Change(said + ".")
            elif reason_changed:
                yield Change(
                    f"{whose.replace(' score for ', ' reason for the score of ', 1)} "
                    "was changed (the score is still "
                    f"{format_score(n['score'])} {scale}).",
                    o.get("reason") or "",
                    n.get("reason") or "",
                )


# Risks ---------------------------------------------------------------------------------------

RISK_TEXTS = (
    ("consequences", "consequences"),
    ("controls", "controls"),
)


def _risks(old: Doc, new: Doc) -> Iterable[Change]:
    """Risks have no keys: each is matched by its words (and option), then a leftover pair in
    the same place in the register is taken as the same risk reworded."""
    names = _names(old, new, "options")
    olds, news = list(old.get("risks") or []), list(new.get("risks") or [])
    pairs: list[tuple[int | None, int | None]] = []
    unmatched_old = list(range(len(olds)))
    for j, n in enumerate(news):
        match = next(
            (
                i
                for i in unmatched_old
                if olds[i]["risk"] == n["risk"] and olds[i].get("option") == n.get("option")
            ),
            None,
        )
        if match is None:
            match = next((i for i in unmatched_old if olds[i]["risk"] == n["risk"]), None)
        if match is not None:
            unmatched_old.remove(match)
        pairs.append((match, j))
    for index, (i, j) in enumerate(pairs):
        if i is None and j in unmatched_old:  # the same place in the register: reworded
            unmatched_old.remove(j)
            pairs[index] = (j, j)
    pairs += [(i, None) for i in unmatched_old]

    def whose(r: Mapping[str, Any]) -> str:
        return "the whole appraisal" if r.get("option") is None else names.get(r["option"], "")

    for i, j in pairs:
        o = None if i is None else olds[i]
        n = None if j is None else news[j]
        if o is None:
            added = f"The risk {_quote(n['risk'])} (to {whose(n)}) was added"
            if n.get("likelihood") is None:  # exempt: its ratings withheld (exempt.RATINGS)
                yield Change(f"{added}.")
            else:
                yield Change(
                    f"{added}, rated {_rating(n, '')} before controls and "
                    f"{_rating(n, 'residual_')} after."
                )
            continue
        if n is None:
            yield Change(f"The risk {_quote(o['risk'])} (to {whose(o)}) was removed.")
            continue
        label = f"The risk {_quote(n['risk'])}"
        if o["risk"] != n["risk"]:
            yield Change(f"The risk {_quote(o['risk'])} was reworded.", o["risk"], n["risk"])
        if o.get("option") != n.get("option"):
            yield Change(f"{label} is now a risk to {whose(n)} (it was to {whose(o)}).")
        for prefix, when in (("", "before controls"), ("residual_", "after controls")):
            was, now = _rating(o, prefix), _rating(n, prefix)
            if was != now:
                yield Change(
                    f"{_possessive(label)} rating {when} went from {was} to {now} "
                    "(likelihood × impact)."
                )
        if (o.get("owner") or "") != (n.get("owner") or ""):
            yield Change(
                f"{_possessive(label)} owner went from {o.get('owner') or 'no one'} to "
                f"{n.get('owner') or 'no one'}."
            )
        for field, what in RISK_TEXTS:
            if (o.get(field) or "") != (n.get(field) or ""):
                yield Change(
                    f"{_possessive(label)} {what} were changed.",
                    o.get(field) or "",
                    n.get(field) or "",
                )


def _rating(r: Mapping[str, Any], prefix: str) -> str:
    likelihood, impact = r[f"{prefix}likelihood"], r[f"{prefix}impact"]
    if likelihood is None or impact is None:  # exempt: withheld (exempt.RATINGS)
        return "exempt"
    return f"{likelihood} × {impact} = {likelihood * impact}"


# Finance -------------------------------------------------------------------------------------


def _finance(old: Doc, new: Doc) -> Iterable[Change]:
    f_old, f_new = old.get("finance") or {}, new.get("finance") or {}
    for field, what in (("discount_rate", "discount rate"), ("optimism_bias", "optimism bias")):
        was = format_percent(float(f_old.get(field) or 0))
        now = format_percent(float(f_new.get(field) or 0))
        if was != now:
            yield Change(f"The {what} went from {was} to {now}.")
    yield from _target(old.get("savings_target"), new.get("savings_target"))
    names = _names(old, new, "options")
    cases_old, cases_new = f_old.get("options") or {}, f_new.get("options") or {}
    for key in _ordered_keys(old, new, "options"):
        o, n = cases_old.get(key), cases_new.get(key)
        name = names.get(key, key)
        if o is None and n is None:
            continue
        if o is None:
            yield Change(f"A financial case was added for {name}.")
            continue
        if n is None:
            if key in {x["key"] for x in new.get("options") or []}:
                yield Change(f"{_possessive(name)} financial case was removed.")
            continue
        for series, what in SERIES:
            was = o["costs"] if series == "costs" else (o.get("savings") or {}).get(series, [])
            now = n["costs"] if series == "costs" else (n.get("savings") or {}).get(series, [])
            said = _series(was, now)
            if said:
                yield Change(f"{_possessive(name)} {what} {said}.")
        shares_old, shares_new = o.get("partner_shares") or {}, n.get("partner_shares") or {}
        if shares_old != shares_new:
            yield Change(
                f"{_possessive(name)} shares between partners went from {_shares(shares_old)} "
                f"to {_shares(shares_new)}."
            )


def _target(was: Mapping[str, Any] | None, now: Mapping[str, Any] | None) -> Iterable[Change]:
    def words(t: Mapping[str, Any] | None) -> str:
        if not t:
            return "none"
        year = t.get("year")
        by = f" by year {year}" if year is not None else ""
        return f"{_pounds(t.get('amount'))} a year{by}"

    if words(was) != words(now):
        yield Change(f"The savings target went from {words(was)} to {words(now)}.")


def _series(was: Sequence[float], now: Sequence[float]) -> str:
    """ "went from £600,000 to £650,000 in year 2", or, when many years changed, the totals."""
    years = max(len(was), len(now))

    def at(values: Sequence[float], t: int) -> float:
        return float(values[t]) if t < len(values) else 0.0

    changed = [t for t in range(years) if _pounds(at(was, t)) != _pounds(at(now, t))]
    if len(was) != len(now):
        return (
            f"now cover {len(now)} years (they covered {len(was)}): in total they went from "
            f"{_pounds(sum(was))} to {_pounds(sum(now))}"
        )
    if not changed:
        return ""
    if len(changed) <= MOST_YEARS_LISTED:
        return "went from " + join_names(
            [f"{_pounds(at(was, t))} to {_pounds(at(now, t))} in year {t}" for t in changed]
        )
    return (
        f"changed in {len(changed)} years: in total they went from {_pounds(sum(was))} to "
        f"{_pounds(sum(now))}"
    )


def _shares(shares: Mapping[str, float]) -> str:
    if not shares:
        return "none"
    return join_names([f"{name} {format_percent(float(s))}" for name, s in shares.items()])


# The report's text and details ---------------------------------------------------------------


def _text(old: Doc, new: Doc, section_titles: Sequence[tuple[str, str]]) -> Iterable[Change]:
    for field, what in (("title", "title"), ("summary", "summary")):
        if (old.get(field) or "") != (new.get(field) or ""):
            yield Change(
                f"The appraisal's {what} was changed.", old.get(field) or "", new.get(field) or ""
            )
    if list(old.get("objectives") or []) != list(new.get("objectives") or []):
        yield Change(
            "The objectives were changed.",
            "\n".join(old.get("objectives") or []),
            "\n".join(new.get("objectives") or []),
        )
    c_old, c_new = old.get("committee") or {}, new.get("committee") or {}
    for field, what in COMMITTEE_LABELS:
        if field == "meeting_date":
            yield from _fact(what, _date(c_old.get(field)), _date(c_new.get(field)))
        else:
            yield from _fact(what, c_old.get(field), c_new.get(field))
    r_old, r_new = old.get("report") or {}, new.get("report") or {}
    for field, what in HEADER_LABELS:
        yield from _fact(what, r_old.get(field), r_new.get(field))
    if bool(r_old.get("key_decision")) != bool(r_new.get("key_decision")):
        yield Change(
            "The report is now a key decision."
            if r_new.get("key_decision")
            else "The report is no longer a key decision."
        )
    if (r_old.get("status") or "open") != (r_new.get("status") or "open"):
        yield Change(
            f"The report is now {r_new.get('status') or 'open'} (it was "
            f"{r_old.get('status') or 'open'})."
        )
    if (r_old.get("purpose") or "decision") != (r_new.get("purpose") or "decision"):
        yield Change(
            f"The report is now for {r_new.get('purpose') or 'decision'} (it was for "
            f"{r_old.get('purpose') or 'decision'})."
        )
    n_old, n_new = r_old.get("narrative") or {}, r_new.get("narrative") or {}
    titles = dict(section_titles)
    keys = [k for k, _ in section_titles] + sorted((set(n_old) | set(n_new)) - set(titles))
    for key in keys:
        was, now = (n_old.get(key) or "").strip(), (n_new.get(key) or "").strip()
        if was == now:
            continue
        title = titles.get(key, key)
        if not was:
            yield Change(f"The section “{title}” was written.", "", now)
        elif not now:
            yield Change(f"The section “{title}” was emptied.", was, "")
        else:
            yield Change(f"The section “{title}” was changed.", was, now)


def _exempt(old: Doc, new: Doc, titles: Mapping[str, str]) -> Iterable[Change]:
    """Parts marked exempt under Schedule 12A, or no longer, and their paragraphs and reasons
    (`report.exempt`); and whether partners may read them."""

    def marks(doc: Doc) -> dict[tuple[str, Any], Mapping[str, Any]]:
        target = {"finance": "option", "risk": "risk", "section": "section"}
        return {
            (p["part"], p.get(target.get(p["part"], ""))): p
            for p in (doc.get("report") or {}).get("exempt") or ()
        }

    names = {**_names(old, new, "options")}

    def what(kind: str, target: Any) -> str:
        if kind == "finance":
            return f"The financial case for {names.get(target, target)}"
        if kind == "risk":
            return f"Risk R{int(target) + 1}"
        return f"The section “{titles.get(target, target)}”"

    was, now = marks(old), marks(new)
    for key in [*was, *(k for k in now if k not in was)]:
        a, b = was.get(key), now.get(key)
        if a is None and b is not None:
            yield Change(f"{what(*key)} was marked exempt (paragraph {b['paragraph']}).")
        elif b is None and a is not None:
            yield Change(f"{what(*key)} is no longer exempt.")
        elif a is not None and b is not None:
            if a["paragraph"] != b["paragraph"]:
                yield Change(
                    f"{what(*key)} is now exempt under paragraph {b['paragraph']} (it was "
                    f"paragraph {a['paragraph']})."
                )
            if a.get("reason") != b.get("reason"):
                yield Change(
                    f"The public-interest reason for keeping {what(*key)[0].lower()}"
                    f"{what(*key)[1:]} exempt was changed.",
                    a.get("reason") or "",
                    b.get("reason") or "",
                )
    r_old, r_new = old.get("report") or {}, new.get("report") or {}
    if bool(r_old.get("exempt_to_partners")) != bool(r_new.get("exempt_to_partners")):
        yield Change(
            "The partners may now read the exempt information."
            if r_new.get("exempt_to_partners")
            else "The partners may no longer read the exempt information."
        )


def _date(value: str | None) -> str:
    """An ISO date as a reader writes it: 3 March 2026."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def _fact(what: str, was: Any, now: Any) -> Iterable[Change]:
    was, now = str(was or "").strip(), str(now or "").strip()
    if was == now:
        return
    if not was:
        yield Change(f"The {what} is now {now} (none was given).")
    elif not now:
        yield Change(f"The {what} was taken out (it was {was}).")
    else:
        yield Change(f"The {what} went from {was} to {now}.")


# Results -------------------------------------------------------------------------------------


def _results(old: Doc, new: Doc) -> Iterable[Change]:
    r_old = {o["key"]: o for o in (old.get("results") or {}).get("options") or []}
    r_new = {o["key"]: o for o in (new.get("results") or {}).get("options") or []}
    if not r_old or not r_new:
        if r_old or r_new:
            yield Change("The results cannot be compared: one of the two has none kept.")
        return
    names = _names(old, new, "options")
    lead_old = next((k for k, o in r_old.items() if o.get("rank") == 1), None)
    lead_new = next((k for k, o in r_new.items() if o.get("rank") == 1), None)
    if lead_old != lead_new:
        if lead_new is None:
            yield Change(f"No option ranks first now (it was {names.get(lead_old, lead_old)}).")
        elif lead_old is None:
            yield Change(f"{names.get(lead_new, lead_new)} now ranks first (none did before).")
        else:
            yield Change(
                f"{names.get(lead_new, lead_new)} now ranks first, in place of "
                f"{names.get(lead_old, lead_old)}."
            )
    for key in _ordered_keys(old, new, "options"):
        o, n = r_old.get(key), r_new.get(key)
        if o is None or n is None:
            continue  # an option added or removed is said under Options
        name = names.get(key, key)
        was, now = o.get("rank"), n.get("rank")
        if was != now:
            if now is None:
                yield Change(f"{name} is no longer ranked (it was {ordinal(was)}).")
            elif was is None:
                yield Change(f"{name} is now ranked {ordinal(now)} (it was not ranked).")
            else:
                yield Change(f"{name} moved from {ordinal(was)} to {ordinal(now)}.")
        v_old, v_new = o.get("value"), n.get("value")
        if v_old is not None and v_new is not None:
            if format_value(v_old) != format_value(v_new):
                yield Change(
                    f"{_possessive(name)} weighted score went from {format_value(v_old)} to "
                    f"{format_value(v_new)} out of 100."
                )
        elif (v_old is None) != (v_new is None):
            yield Change(
                f"{name} now has a weighted score of {format_value(v_new)} out of 100 (it was "
                "not scored on every criterion)."
                if v_new is not None
                else f"{name} no longer has a weighted score: it is not scored on every criterion."
            )
        yield from _money(name, o.get("finance"), n.get("finance"))


def _money(
    name: str, was: Mapping[str, Any] | None, now: Mapping[str, Any] | None
) -> Iterable[Change]:
    if not was or not now:
        return
    npv_was = (was.get("npv_to_lead") or {}).get("central")
    npv_now = (now.get("npv_to_lead") or {}).get("central")
    if _pounds(npv_was) != _pounds(npv_now):
        yield Change(
            f"{_possessive(name)} net present value to the lead council (central estimate) went "
            f"from {_pounds(npv_was)} to {_pounds(npv_now)}."
        )

    def payback(x: float | None) -> str:
        if x is None:
            return "does not pay back"
        return "pays back in year 0" if x == 0 else f"pays back during year {math.ceil(x)}"

    if payback(was.get("payback_years")) != payback(now.get("payback_years")):
        yield Change(
            f"{name} now {payback(now.get('payback_years'))} (it "
            f"{payback(was.get('payback_years')).replace('pays', 'paid').replace('does', 'did')})."
        )
