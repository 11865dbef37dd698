"""Declarative base, the naming convention for constraints, and the Money column type.

Money is ``Numeric(14, 2)`` on PostgreSQL. SQLite has no decimal type (NUMERIC affinity turns
``0.10`` into a binary float), so there the same column stores exact integer cents. Python
always sees ``Decimal`` with two places; SQL arithmetic such as ``balance - :amount`` stays exact
on both, because the bound value goes through the same type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Dialect, MetaData, Numeric, TypeDecorator
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Fixed(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places: NUMERIC, or a scaled integer on SQLite.

    Binding a value with more places than the column holds raises instead of rounding.
    """

    impl = Numeric(14, 2)
    cache_ok = True

    def __init__(self, places: int = 2, precision: int = 14) -> None:
        super().__init__()
        self.places = places
        self.precision = precision
        self._exp = Decimal(1).scaleb(-places)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.places, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"decimal columns take Decimal, not {type(value).__name__}")
        exact = value.quantize(self._exp)
        if exact != value:
            raise ValueError(f"{value} has more than {self.places} decimal places")
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.places))
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.places).quantize(self._exp)
        return Decimal(value).quantize(self._exp)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self


def Money() -> Fixed:
    """Money: two decimal places."""
    return Fixed(2, 14)


def Score() -> Fixed:
    """A 0–1 confidence or similarity with three decimal places."""
    return Fixed(3, 4)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive-UTC on SQLite and timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: arbox stores aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {Decimal: Money(), datetime: UtcDateTime()}
