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

Pending ORM changes are flushed first, as ``Session.execute`` would
(:func:`ledger.session.flush_for_read`).

:func:`write` does the same for the INSERTs and UPDATEs every mail runs (the lines posted at
once, the outbox row, its claim and its delivery): on SQLite the statement's SQL, compiled once
(per set of columns an INSERT is given), run through the driver's cursor, one parameter set
after another; elsewhere ``Session.execute`` as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Date, Dialect, Insert, Select, Update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ledger.base import Fixed
from ledger.session import flush_for_read

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
    flush_for_read(session)
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        form = _sqlite_form(stmt, dialect)
        bound = form.bind(params or {})
        if bound is not None:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                return cursor.execute(*bound).fetchall(), form
            except dialect.loaded_dbapi.Error as e:  # as SQLAlchemy raises it
                raise DBAPIError.instance(*bound, e, dialect.loaded_dbapi.Error) from e
            finally:
                cursor.close()
    return generic_rows(session, stmt, params), None


def generic_rows(
    session: Session, stmt: Select[Any], params: Mapping[str, Any] | None = None
) -> list[Any]:
    """What :func:`rows` reads, through SQLAlchemy's result machinery on any dialect."""
    flush_for_read(session)
    return list(session.connection().execute(stmt, dict(params or {})).tuples())


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`write` did: the rows its ``RETURNING`` gave (tuples of Python values, in
    the order of the parameter sets) and the rows it changed."""

    rows: list[Any] = field(default_factory=list)
    rowcount: int = 0


def write(
    session: Session,
    stmt: Insert | Update,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> Written:
    """Run the INSERT or UPDATE ``stmt`` in the session's transaction, once per parameter set
    of ``params`` (one mapping, or a list of them with the same keys).

    On SQLite: its SQL compiled once and run through the driver's cursor; a column an INSERT
    is not given gets its scalar default, as SQLAlchemy would give it (a statement whose
    missing columns need more than that, or with expanding ``IN`` lists in an INSERT, runs
    through SQLAlchemy). ``rowcount`` counts the rows changed; for a statement with
    ``RETURNING``, count its rows. Pending ORM changes are flushed first when ``stmt`` is
    on a mapped class, as ``Session.execute`` would."""
    many = [params] if isinstance(params, Mapping) else list(params)
    if not many:
        return Written()
    if stmt._propagate_attrs.get("compile_state_plugin") == "orm":  # as Session.execute
        flush_for_read(session)
    connection = session.connection()
    dialect = connection.dialect
    form = _sqlite_write_form(stmt, tuple(many[0]), dialect) if dialect.name == "sqlite" else None
    bound = None if form is None else [form.bind(p) for p in many]
    if form is None or bound is None or any(b is None for b in bound):
        result = session.execute(stmt, many if len(many) > 1 else many[0])
        if stmt._returning:  # an ORM statement's result has rows, no count
            returned = list(result.tuples())
            return Written(returned, len(returned))
        return Written([], result.rowcount)  # type: ignore[attr-defined]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    sql, values = bound[0]  # type: ignore[misc]
    try:
        if not form.converters and all(b[0] == sql for b in bound):  # type: ignore[index]
            cursor.executemany(sql, [b[1] for b in bound])  # type: ignore[index]
            return Written([], cursor.rowcount)  # no RETURNING: one executemany
        found: list[Any] = []
        count = 0
        for sql, values in bound:  # type: ignore[misc]
            found += cursor.execute(sql, values).fetchall()
            count += max(cursor.rowcount, 0)
    except dialect.loaded_dbapi.Error as e:  # what Session.execute raises: SQLAlchemy's
        raise DBAPIError.instance(sql, values, e, dialect.loaded_dbapi.Error) from e
    finally:
        cursor.close()
    if form.convert is not None:
        found = list(map(form.convert, found))
    return Written(found, len(found) if form.converters else count)


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
    #: The values of a statement without ``IN`` lists from the parameters given, made by
    #: one generated function (:func:`_flat_binder`); None: by the loop of :meth:`bind`.
    flat: Callable[[Mapping[str, Any]], list[Any]] | None = None

    def bind(self, given: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
        """The SQL and its values for the parameters ``given``; None for an empty ``IN``
        list (SQLAlchemy's own form of it is used then)."""
        if self.flat is not None:
            return self.sql, self.flat(given)
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


def _flat_binder(
    params: Sequence[tuple[str, bool, Any, Callable[[Any], Any] | None]],
) -> Callable[[Mapping[str, Any]], list[Any]] | None:
    """One function making the values of ``params`` (none an ``IN`` list) from the mapping
    given, each through its processor: what :meth:`_SqliteForm.bind`'s loop makes, without
    the loop. None when a parameter is an ``IN`` list."""
    if any(expanding for _, expanding, _, _ in params):
        return None
    namespace: dict[str, Any] = {}
    cells = []
    for no, (name, _, default, process) in enumerate(params):
        namespace[f"d{no}"] = default
        cell = f"g.get({name!r}, d{no})"
        if process is not None:
            namespace[f"p{no}"] = process
            cell = f"p{no}({cell})"
        cells.append(cell)
    # Generated once per statement, as _row_converter's function is.
    return eval(f"lambda g: [{', '.join(cells)}]", namespace)  # type: ignore[no-any-return]


#: id(statement) → (the statement, kept so the id stays its own; its SQLite form).
_FORMS: dict[int, tuple[Select[Any], _SqliteForm]] = {}
#: (id(statement), the columns given) → (the statement; its SQLite form, None: not one).
_WRITE_FORMS: dict[tuple[int, tuple[str, ...]], tuple[Any, _SqliteForm | None]] = {}


def _sqlite_write_form(
    stmt: Insert | Update, keys: tuple[str, ...], dialect: Dialect
) -> _SqliteForm | None:
    """The SQLite form of ``stmt`` given the columns (or parameters) ``keys``; None when a
    column it leaves out has a default that is more than a value."""
    kept = _WRITE_FORMS.get((id(stmt), keys))
    if kept is not None and kept[0] is stmt:
        return kept[1]
    form = _compile_write(stmt, keys, dialect)
    _WRITE_FORMS[id(stmt), keys] = (stmt, form)
    return form


def _compile_write(
    stmt: Insert | Update, keys: tuple[str, ...], dialect: Dialect
) -> _SqliteForm | None:
    is_insert = isinstance(stmt, Insert)
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys) if is_insert else None)
    defaults: dict[str, Any] = {}
    prefetch = [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]
    for column, default in prefetch:
        if column.key in keys or default is None:
            continue
        if not default.is_scalar:  # a callable, a sequence, SQL: SQLAlchemy computes it
            return None
        defaults[column.key] = default.arg  # type: ignore[attr-defined]
    processors = compiled._bind_processors  # the types' own
    binds = compiled.binds
    params = []
    for name in compiled.positiontup or ():
        bind = binds[name]
        if is_insert and bind.expanding:
            return None
        process = cast("Callable[[Any], Any] | None", processors.get(name))
        value = defaults.get(name, bind.effective_value)
        params.append((name, bool(bind.expanding), value, process))
    # the columns of RETURNING, if any
    converters = tuple(_converter(c["type"], dialect) for c in stmt.returning_column_descriptions)
    return _SqliteForm(
        sql=compiled.string,
        params=tuple(params),
        converters=converters,
        convert=_row_converter(converters) if converters else None,
        expanded={},
        flat=_flat_binder(params),
    )


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
        flat=_flat_binder(params),
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
