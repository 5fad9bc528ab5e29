"""The SQLite full-text index behind search (`search.py`): FTS5 tables kept in step with
the tables they index by triggers, so every write, however it is made (a form, `update()`,
`bulk_create`, an import, a cascade), changes the index in the same transaction, and a
rollback undoes both.

| FTS5 table              | indexes                                   | rowid                  |
| ----------------------- | ----------------------------------------- | ---------------------- |
- appraisals_fts_appraisal: an appraisal's title, summary and objectives (rowid: its id);
- appraisals_fts_option: an option's name, description and rejection reason (its id);
- appraisals_fts_score: a score's reason, when it has one (its id);
- appraisals_fts_risk: a risk's text, consequences, controls and owner (its id);
- appraisals_fts_narrative: each section of the report's text, with its key (rowid: the
  appraisal's id × 1,000 + n, so all of one appraisal's are deleted by one range).

Words are stemmed (Porter, so "outsourcing" finds "outsourced", as PostgreSQL's English
search does) and accents folded.

SQLite drops a table's triggers when Django's schema editor rebuilds the table (most ALTERs
on SQLite). So the index is not made by a migration but after every `migrate` (a
`post_migrate` handler, `ensure`): when any trigger is missing or out of date, the triggers
are made again and the index is rebuilt from the tables, in one transaction (about a second
for the demo data many times over; see tests/test_search.py). Search uses the index only when
every trigger is in place (`ready`), and otherwise the plain match, so it is never stale.

PostgreSQL does not use any of this: its search is full-text search over the tables.
"""

# ruff: noqa: S608 -- every name put into SQL here is a constant of this module, never input
from __future__ import annotations

import hashlib

from django.db import transaction

PREFIX = "appraisals_fts_"
TOKENIZE = "porter unicode61 remove_diacritics 2"
SECTION_SLOTS = 1000  # report sections an appraisal can have in the index

# FTS table: (source table, indexed columns, WHEN condition for a row to be indexed)
TABLES = {
    "appraisal": ("appraisals_appraisal", ["title", "summary", "objectives"], ""),
    "option": ("appraisals_option", ["name", "description", "rejection_reason"], ""),
    "score": ("appraisals_score", ["reason"], "{row}.reason <> ''"),
    "risk": ("appraisals_risk", ["risk", "consequences", "controls", "owner"], ""),
}


def _insert(name: str, row: str, every_row: bool = False) -> str:
    """INSERT of `row`'s indexed columns: a trigger's `new`, or (`every_row`, for a rebuild)
    every row of the source table, `row` being its alias."""
    table, columns, when = TABLES[name]
    values = ", ".join(f"{row}.{c}" for c in columns)
    tables = f" FROM {table} {row}" if every_row else ""
    where = f" WHERE {when.format(row=row)}" if when else ""
    into = f"{PREFIX}{name}(rowid, {', '.join(columns)})"
    return f"INSERT INTO {into} SELECT {row}.id, {values}{tables}{where}"


def _narrative_insert(row: str) -> str:
    return (
        f"INSERT INTO {PREFIX}narrative(rowid, body, section) "
        f"SELECT {row}.id * {SECTION_SLOTS} + row_number() OVER (ORDER BY key), value, key "
        f"FROM json_each({row}.narrative) WHERE type = 'text' LIMIT {SECTION_SLOTS - 1}"
    )


def _narrative_delete(row: str) -> str:
    return (
        f"DELETE FROM {PREFIX}narrative WHERE rowid BETWEEN {row}.id * {SECTION_SLOTS} "
        f"AND {row}.id * {SECTION_SLOTS} + {SECTION_SLOTS - 1}"
    )


def _tables_sql() -> list[str]:
    sql = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {PREFIX}{name} "
        f"USING fts5({', '.join(columns)}, tokenize='{TOKENIZE}')"
        for name, (_, columns, _) in TABLES.items()
    ]
    sql.append(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {PREFIX}narrative "
        f"USING fts5(body, section UNINDEXED, tokenize='{TOKENIZE}')"
    )
    return sql


def _triggers() -> dict[str, str]:
    """Trigger name (without its version) -> CREATE TRIGGER statement, `{name}` for the name."""
    triggers = {}
    for name, (source, columns, _) in TABLES.items():
        delete = f"DELETE FROM {PREFIX}{name} WHERE rowid = old.id"
        triggers[f"{name}_ai"] = (
            f"CREATE TRIGGER {{name}} AFTER INSERT ON {source} BEGIN {_insert(name, 'new')}; END"
        )
        triggers[f"{name}_ad"] = (
            f"CREATE TRIGGER {{name}} AFTER DELETE ON {source} BEGIN {delete}; END"
        )
        triggers[f"{name}_au"] = (
            f"CREATE TRIGGER {{name}} AFTER UPDATE OF {', '.join(columns)} ON {source} "
            f"BEGIN {delete}; {_insert(name, 'new')}; END"
        )
    source = TABLES["appraisal"][0]
    triggers["narrative_ai"] = (
        f"CREATE TRIGGER {{name}} AFTER INSERT ON {source} BEGIN {_narrative_insert('new')}; END"
    )
    triggers["narrative_ad"] = (
        f"CREATE TRIGGER {{name}} AFTER DELETE ON {source} BEGIN {_narrative_delete('old')}; END"
    )
    triggers["narrative_au"] = (
        f"CREATE TRIGGER {{name}} AFTER UPDATE OF narrative ON {source} "
        f"BEGIN {_narrative_delete('old')}; {_narrative_insert('new')}; END"
    )
    return triggers


def _version() -> str:
    """A short hash of the index's definition: a trigger of another version is remade."""
    text = "\n".join(_tables_sql() + sorted(_triggers().values()))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def trigger_names() -> list[str]:
    return [f"{PREFIX}{_version()}_{key}" for key in _triggers()]


def available(connection) -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        return bool(cursor.fetchone()[0])


def _our_triggers(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, %s) = %s",
        [len(PREFIX), PREFIX],
    )
    return [row[0] for row in cursor.fetchall()]


def ready(connection) -> bool:
    """Whether the index is there with every trigger of this version (SQLite only)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        return set(_our_triggers(cursor)) == set(trigger_names())


def rebuild(connection) -> None:
    """Empty the index and fill it again from the tables (in the caller's transaction)."""
    with connection.cursor() as cursor:
        for name in [*TABLES, "narrative"]:
            cursor.execute(f"DELETE FROM {PREFIX}{name}")
        for name in TABLES:
            cursor.execute(_insert(name, "t", every_row=True))
        source = TABLES["appraisal"][0]
        cursor.execute(
            f"INSERT INTO {PREFIX}narrative(rowid, body, section) "
            f"SELECT a.id * {SECTION_SLOTS} + row_number() OVER "
            f"(PARTITION BY a.id ORDER BY j.key), j.value, j.key "
            f"FROM {source} a, json_each(a.narrative) j WHERE j.type = 'text'"
        )


def ensure(connection) -> bool:
    """Make the index and its triggers if any is missing or out of date, and rebuild the
    index; True if it did. Nothing on PostgreSQL or where SQLite has no FTS5."""
    if not available(connection) or ready(connection):
        return False
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for sql in _tables_sql():
            cursor.execute(sql)
        for old in _our_triggers(cursor):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{old}"')
        version = _version()
        for key, sql in _triggers().items():
            cursor.execute(sql.format(name=f"{PREFIX}{version}_{key}"))
        rebuild(connection)
    return True


def on_post_migrate(sender, using, **kwargs) -> None:
    from django.db import connections

    ensure(connections[using])
