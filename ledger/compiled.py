"""Running a Core statement of the matching path, compiled once per dialect.

Every remittance line runs a handful of reads. Through SQLAlchemy each costs far more than
SQLite takes to run it: looking up the compiled form, a result object, a row object and a type
processor per cell. So on SQLite :func:`rows` runs the statement's SQL, compiled once for the
dialect and cached (per length of its ``IN`` lists), through the driver's cursor, and converts
the columns its types say need it (``ledger.base.Fixed``: integer cents; ``Date``: ISO text)
with one function per statement. Elsewhere it runs the statement on the session's connection
(:func:`generic_rows`). Either way the rows are tuples of the same Python values, and the
statement is written once, in Core. ``tests/unit/ledger/test_matching_reads.py`` checks
the two paths read the same.

Pending ORM changes are flushed first, as ``Session.execute`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Date, Dialect, Select
from sqlalchemy.orm import Session

from ledger.base import Fixed

_T = TypeVar("_T")

#: Rows per ``IN (...)`` list: below SQLite's historical limit of 999 bound parameters.
IN_CHUNK = 900


def rows(session: Session, stmt: Select[Any], params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row of ``stmt`` with ``params`` (lists for its expanding ``IN`` parameters), in
    the session's transaction: tuples of Python values, whatever the dialect."""
    found, form = _fetch(session, stmt, params)
    if form is None or form.convert is None:
        return found
    return list(map(form.convert, found))


def columns(
    session: Session, stmt: Select[Any], params: Mapping[str, Any] | None = None
) -> list[list[Any]]:
    """What :func:`rows` reads, column by column: for many rows of few columns (no tuple is
    made per row)."""
    found, form = _fetch(session, stmt, params)
    if not found:
        return [[] for _ in stmt.selected_columns]
    cells = list(zip(*found, strict=True))
    if form is None:
        return [list(column) for column in cells]
    return [
        list(column) if conv is None else _converted(conv, column)
        for conv, column in zip(form.converters, cells, strict=True)
    ]


def _converted(conv: Callable[[Any], Any], column: Sequence[Any]) -> list[Any]:
    if None in column:
        return [None if v is None else conv(v) for v in column]
    return list(map(conv, column))


def _fetch(
    session: Session, stmt: Select[Any], params: Mapping[str, Any] | None
) -> tuple[list[Any], _SqliteForm | None]:
    """The rows as the driver gives them and the form that says how to convert them; on
    another dialect than SQLite (or for an empty ``IN`` list), SQLAlchemy's rows and None."""
    if session.autoflush:
        session.flush()
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        form = _sqlite_form(stmt, dialect)
        bound = form.bind(params or {})
        if bound is not None:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                return cursor.execute(*bound).fetchall(), form
            finally:
                cursor.close()
    return generic_rows(session, stmt, params), None


def generic_rows(
    session: Session, stmt: Select[Any], params: Mapping[str, Any] | None = None
) -> list[Any]:
    """What :func:`rows` reads, through SQLAlchemy's result machinery on any dialect."""
    if session.autoflush:
        session.flush()
    return list(session.connection().execute(stmt, dict(params or {})).tuples())


def chunks(items: Sequence[_T], size: int = IN_CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class _SqliteForm:
    """A statement compiled for SQLite: its SQL, its parameters in order, and how to make its
    rows' values."""

    sql: str
    #: (name, is an expanding IN list, value when the caller gives none, bind processor).
    params: tuple[tuple[str, bool, Any, Callable[[Any], Any] | None], ...]
    #: Per column, what makes its value from the driver's (None: the driver's as it is).
    converters: tuple[Callable[[Any], Any] | None, ...]
    convert: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None
    expanded: dict[tuple[int, ...], str]

    def bind(self, given: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
        """The SQL and its values for the parameters ``given``; None for an empty ``IN``
        list (SQLAlchemy's own form of it is used then)."""
        values: list[Any] = []
        lengths: list[int] = []
        for name, expanding, default, process in self.params:
            value = given.get(name, default)
            if expanding:
                items = [process(v) for v in value] if process else list(value)
                if not items:
                    return None
                values.extend(items)
                lengths.append(len(items))
            else:
                values.append(process(value) if process else value)
        if not lengths:
            return self.sql, values
        key = tuple(lengths)
        sql = self.expanded.get(key)
        if sql is None:
            sql = self.sql
            lists = [name for name, expanding, _, _ in self.params if expanding]
            for name, n in zip(lists, lengths, strict=True):
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * n), 1)
            self.expanded[key] = sql
        return sql, values


#: id(statement) → (the statement, kept so the id stays its own; its SQLite form).
_FORMS: dict[int, tuple[Select[Any], _SqliteForm]] = {}


def _sqlite_form(stmt: Select[Any], dialect: Dialect) -> _SqliteForm:
    kept = _FORMS.get(id(stmt))
    if kept is not None and kept[0] is stmt:
        return kept[1]
    compiled = stmt.compile(dialect=dialect)
    processors = compiled._bind_processors  # the types' own
    binds = compiled.binds
    params = tuple(
        (
            name,
            bool(binds[name].expanding),
            binds[name].effective_value,
            # one callable per parameter here (a sequence only for tuple types)
            cast("Callable[[Any], Any] | None", processors.get(name)),
        )
        for name in compiled.positiontup or ()
    )
    converters = tuple(_converter(c.type, dialect) for c in stmt.selected_columns)
    form = _SqliteForm(
        sql=compiled.string,
        params=params,
        converters=converters,
        convert=_row_converter(converters),
        expanded={},
    )
    _FORMS[id(stmt)] = (stmt, form)
    return form


def _row_converter(
    converters: Sequence[Callable[[Any], Any] | None],
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """One function making a row's Python values from what the driver returned, or None when
    every column is as the driver gives it."""
    if not any(converters):
        return None
    cells = ", ".join(
        f"r[{no}]" if conv is None else f"(None if r[{no}] is None else c{no}(r[{no}]))"
        for no, conv in enumerate(converters)
    )
    namespace = {f"c{no}": conv for no, conv in enumerate(converters) if conv is not None}
    # Generated once per statement (as dataclasses makes its __init__): per row one tuple
    # display, no loop over the cells.
    return eval(f"lambda r: ({cells},)", namespace)  # type: ignore[no-any-return]


def _converter(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    if isinstance(type_, Fixed):
        return type_.from_stored  # what Fixed reads on SQLite
    if isinstance(type_, Date):
        return date.fromisoformat
    return type_.dialect_impl(dialect).result_processor(dialect, None)  # type: ignore[no-any-return]
