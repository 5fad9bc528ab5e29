"""Search across the appraisals a person may see: titles and scopes, options (with the
reasons options were rejected), the panels' reasons for their scores, risks, and the
committee report's text.

What may be searched is settled before any text is matched, from `access`: only the
appraisals the person may see (`visible_appraisals`), and the report's text only where
they may read it: officers of the lead council read all of it; members and partners'
officers read only the draft recommendations, once officers mark the draft ready for them,
and all of it once it is issued (it is then the issued report's text).

On PostgreSQL the text is matched by full-text search (English stemming, so "outsource"
finds "outsourcing"; quotes and "or" work as in a web search), ranked by relevance. On
SQLite the same is done with SQLite's FTS5 index (`fts.py`: Porter stemming, "quoted
phrases", "or", and "-word" to leave a word out), ranked by BM25; where that index is not
there (a SQLite without FTS5), every word typed must appear in the text,
case-insensitively. Either way the index only proposes rows: which rows may be shown is the
same queryset of what the person may see. Snippets are cut from the stored text in Python
and escaped; the matched words are marked with <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from . import fts
from .access import can_edit, memberships, visible_appraisals
from .models import Appraisal, Option, Risk, Score
from .reports import NARRATIVE_SECTIONS

MAX_QUERY = 200  # characters of a query
MAX_HITS = 200  # hits of one kind, before they are cut
SNIPPET = 90  # characters either side of the first match
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    appraisal: Appraisal
    kind: str  # "Appraisal", "Option", "Reason for a score", "Risk", "Report"
    where: str  # which one, in words
    snippet: SafeString
    url: str
    rank: float = 0.0
    key: str = ""  # a report section's key, for a hit in the report's text


def words(query: str) -> list[str]:
    return _WORD.findall(query[:MAX_QUERY].lower())


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# A "phrase" or a word, each with a "-" before it if that starts a word ("self-service" is
# two words, "-service" leaves one out).
_TOKEN = re.compile(r'(?:(?<!\S)(-))?"([^"]*)"?|(?:(?<!\S)(-))?(\w+)', re.UNICODE)


def fts_query(query: str) -> str:
    """`query` as an FTS5 query, as PostgreSQL's websearch reads it: every word (or "quoted
    phrase") must match, "or" between two offers either, "-word" leaves a word out. Each
    word is quoted, so nothing typed is read as FTS5's own syntax. "" if nothing is left."""
    groups: list[list[str]] = [[]]  # AND of groups, each an OR of terms
    left_out: list[str] = []
    joining = False
    for m in _TOKEN.finditer(query[:MAX_QUERY]):
        minus = m.group(1) or m.group(3)
        found = words(m.group(2) if m.group(2) is not None else m.group(4))
        if not found:
            continue
        if m.group(4) and found == ["or"] and groups[-1] and not minus:
            joining = True
            continue
        term = '"' + " ".join(found) + '"'
        if minus:
            left_out.append(term)
        elif joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    wanted = [g for g in groups if g]
    if not wanted:
        return ""
    expr = " AND ".join(f"({' OR '.join(g)})" for g in wanted)
    return f"({expr}) NOT ({' OR '.join(left_out)})" if left_out else expr


def _fts(queryset: QuerySet, table: str, query: str) -> QuerySet:
    """`queryset` narrowed to the rows FTS5 table `table` matches, each with `rank`."""
    expr = fts_query(query)
    if not expr:
        return queryset.none()
    table = fts.PREFIX + table
    own = f"{queryset.model._meta.db_table}.id"
    # Table names are constants; what was typed is only ever a parameter. Each row the
    # person may see is looked up in the index by its rowid, so the cost follows what they
    # may see, not how often the words occur in other councils' appraisals.
    probe = f"SELECT {{}} FROM {table} WHERE {table} MATCH %s AND rowid = {own}"  # noqa: S608
    matched = RawSQL(f"EXISTS ({probe.format(1)})", [expr], output_field=BooleanField())  # noqa: S611
    rank = RawSQL(f"({probe.format(f'-bm25({table})')})", [expr])  # noqa: S611
    return queryset.filter(matched).annotate(rank=rank).order_by("-rank", "pk")


def _matching(queryset: QuerySet, fields: list[str], query: str, table: str) -> QuerySet:
    """`queryset` narrowed to rows whose `fields` match `query`, each with `rank`; on SQLite
    through FTS5 table `table` (which indexes those fields) when the index is ready."""
    if _postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="english")
        search = SearchQuery(query[:MAX_QUERY], search_type="websearch", config="english")
        # Matched with @@ (a rank can be above 0 for a row that does not match), then ranked.
        return (
            queryset.annotate(matched=vector)
            .filter(matched=search)
            .annotate(rank=SearchRank(F("matched"), search))
        )
    if _fts_ready():
        return _fts(queryset, table, query)
    terms = words(query)
    each = [reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in terms]
    return queryset.filter(reduce(and_, each)).annotate(rank=Value(0.0, FloatField()))


def _fts_ready() -> bool:
    return fts.ready(connection)


def snippet(text: str, query: str) -> SafeString:
    """Up to SNIPPET characters either side of the first word of `query` found in `text`
    (the start of `text` if none is: full-text search matches stems too), escaped, with
    the query's words marked."""
    text = " ".join(text.split())
    terms = [w for w in words(query) if len(w) > 1] or words(query)
    found = [m.start() for w in terms if (m := re.search(re.escape(w), text, re.I))]
    start = max(0, min(found) - SNIPPET) if found else 0
    end = min(len(text), (min(found) if found else 0) + SNIPPET)
    piece = text[start:end]
    out = format_html("{}", "… " if start else "")
    pos = 0
    if terms:
        pattern = re.compile("|".join(re.escape(w) for w in terms), re.I)
        for m in pattern.finditer(piece):
            out += format_html("{}<mark>{}</mark>", piece[pos : m.start()], m.group(0))
            pos = m.end()
    return out + format_html("{}{}", piece[pos:], " …" if end < len(text) else "")


def _narrative_readable(user, appraisal: Appraisal) -> set[str] | None:
    """The report sections `user` may read of `appraisal`'s text: None for all of them.
    Issued (and not reopened), its text is the issued report's, which all its readers see."""
    if can_edit(user, appraisal) or appraisal.status == Appraisal.Status.ISSUED:
        return None
    return {"recommendations"} if appraisal.draft_ready_for_members else set()


def search(user, query: str) -> list[Hit]:
    """Every hit for `query` in what `user` may see, best first (then by appraisal)."""
    if not words(query):
        return []
    visible = visible_appraisals(user)
    memberships(user)  # read once, for can_edit below
    hits: list[Hit] = []

    def ref_url(name: str, appraisal: Appraisal, *args) -> str:
        return reverse(f"appraisals:{name}", args=[appraisal.reference, *args])

    appraisals = _matching(
        visible.select_related("lead_authority"),
        ["title", "summary", "objectives"],
        query,
        "appraisal",
    )
    for a in appraisals[:MAX_HITS]:
        text = " ".join(p for p in (a.title, a.summary, a.objectives) if p)
        hits.append(Hit(a, "Appraisal", a.lead_authority.name, snippet(text, query),
                        a.get_absolute_url(), a.rank))  # fmt: skip

    options = _matching(
        Option.objects.filter(appraisal__in=visible).select_related("appraisal"),
        ["name", "description", "rejection_reason"],
        query,
        "option",
    )
    for o in options[:MAX_HITS]:
        text = " ".join(p for p in (o.name, o.description, o.rejection_reason) if p)
        where = o.name + (" (rejected)" if o.status == Option.Status.REJECTED else "")
        hits.append(Hit(o.appraisal, "Option", where, snippet(text, query),
                        ref_url("options", o.appraisal), o.rank))  # fmt: skip

    scores = _matching(
        Score.objects.filter(panel__appraisal__in=visible)
        .exclude(reason="")
        .select_related("panel__appraisal", "option", "criterion"),
        ["reason"],
        query,
        "score",
    )
    for s in scores[:MAX_HITS]:
        a = s.panel.appraisal
        where = f"{s.panel.name}: {s.option.name} on {s.criterion.name}"
        hits.append(Hit(a, "Reason for a score", where, snippet(s.reason, query),
                        ref_url("export-scores-csv", a), s.rank))  # fmt: skip

    risks = _matching(
        Risk.objects.filter(appraisal__in=visible).select_related("appraisal"),
        ["risk", "consequences", "controls", "owner"],
        query,
        "risk",
    )
    withheld = _exempt_withheld(user, visible)
    for r in risks[:MAX_HITS]:
        if ("risk", r.appraisal_id, r.pk) in withheld:
            continue
        text = " ".join(p for p in (r.risk, r.consequences, r.controls, r.owner) if p)
        hits.append(Hit(r.appraisal, "Risk", r.risk[:80], snippet(text, query),
                        ref_url("risks", r.appraisal), r.rank))  # fmt: skip

    hits += [
        h
        for h in _narrative_hits(user, visible, query)
        if ("section", h.appraisal.pk, h.key) not in withheld
    ]
    hits.sort(key=lambda h: (-h.rank, h.appraisal.title, h.kind, h.where))
    return hits


def _narrative_hits(user, visible: QuerySet, query: str) -> list[Hit]:
    """The report sections matching `query` that `user` may read: each section of each
    visible appraisal's report is matched on its own (on PostgreSQL in one query, through
    jsonb_each_text), then kept only if the user may read that section."""
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    fts_ready = not _postgres() and _fts_ready()
    if _postgres():
        ids = list(visible.exclude(narrative={}).values_list("pk", flat=True))
        if not ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id, e.key FROM appraisals_appraisal a "
                "CROSS JOIN LATERAL jsonb_each_text(a.narrative) e "
                "WHERE a.id = ANY(%s) AND to_tsvector('english', e.value) "
                "@@ websearch_to_tsquery('english', %s)",
                [ids, query[:MAX_QUERY]],
            )
            matched = cursor.fetchall()
    elif fts_ready:
        expr = fts_query(query)
        if not expr:
            return []
        ids, params = visible.values("pk").query.sql_with_params()
        table = fts.PREFIX + "narrative"
        with connection.cursor() as cursor:
            cursor.execute(  # the visible appraisals' query, compiled by Django, as a subquery
                f"SELECT rowid / {fts.SECTION_SLOTS}, section FROM {table} "  # noqa: S608
                f"WHERE {table} MATCH %s AND rowid / {fts.SECTION_SLOTS} IN ({ids}) "
                f"ORDER BY rank LIMIT {MAX_HITS}",
                [expr, *params],
            )
            matched = cursor.fetchall()
    else:
        terms = words(query)
        candidates = visible.filter(reduce(and_, (Q(narrative__icontains=w) for w in terms)))
        matched = [
            (pk, key)
            for pk, narrative in candidates.values_list("pk", "narrative")[:MAX_HITS]
            for key, text in (narrative or {}).items()
            if isinstance(text, str) and all(w in text.lower() for w in terms)
        ]
    appraisals = Appraisal.objects.in_bulk({pk for pk, _ in matched})
    hits = []
    for pk, key in matched:
        a = appraisals[pk]
        readable = _narrative_readable(user, a)
        if key not in titles or (readable is not None and key not in readable):
            continue
        if can_edit(user, a):
            url = reverse("appraisals:report", args=[a.reference]) + f"#id_narrative_{key}"
        elif readable is None:  # issued: its readers read it in the issued versions
            url = reverse("appraisals:versions", args=[a.reference])
        else:
            url = a.get_absolute_url()
        hits.append(Hit(a, "Report", titles[key], snippet(a.narrative[key], query), url, key=key))
    return hits


def _exempt_withheld(user, visible: QuerySet) -> set[tuple[str, int, object]]:
    """(kind, appraisal id, risk id or section key) of the exempt risks and report sections
    this user may not read (appraisals.exempt): one query, two more only if any are marked."""
    from .exempt import may_see
    from .models import ExemptPart

    marked = list(
        ExemptPart.objects.filter(appraisal__in=visible, kind__in=["risk", "section"]).values_list(
            "kind", "appraisal_id", "risk_id", "section"
        )
    )
    if not marked:
        return set()
    appraisals = Appraisal.objects.in_bulk({a for _, a, _, _ in marked})
    allowed = {pk: may_see(user, a) for pk, a in appraisals.items()}
    return {
        (kind, a, risk if kind == "risk" else section)
        for kind, a, risk, section in marked
        if not allowed[a]
    }


def describe(count: int, query: str) -> str:
    noun = "result" if count == 1 else "results"
    return format_html("{} {} for “{}”", f"{count:,}", noun, query)
