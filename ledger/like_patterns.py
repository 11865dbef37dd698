"""LIKE patterns built from text a person typed: the text matches literally (``%``, ``_`` and
``\\`` are escaped with a backslash), wherever it stands in the column, whatever the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, func


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards and the escape character escaped (by a backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_folded(column: ColumnExpressionArgument[Any], text: str) -> ColumnElement[bool]:
    """``lower(column) LIKE '%text%'``, with ``text`` lower-cased and matched literally."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape="\\")
