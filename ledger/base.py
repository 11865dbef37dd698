"""Declarative base, the naming convention for constraints, and the Money column type.

Money is ``Numeric(17, 3)`` on PostgreSQL: three decimals, for the currencies ISO 4217 gives
three (KWD, BHD, TND, …). SQLite has no decimal type (NUMERIC affinity turns ``0.10`` into a
binary float), so there the same column stores exact integer thousandths. Python sees
``Decimal`` with two places, or three when the third is used (``12.34``, ``1.125``); whether an
amount fits its currency is checked at the doors (``core.money.fits_currency``). SQL arithmetic
such as ``balance - :amount`` stays exact on both, because the bound value goes through the
same type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Dialect, MetaData, Numeric, TypeDecorator
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeEngine

from core.money import from_thousandths

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
            return self.from_stored(value)
        return Decimal(value).quantize(self._exp)

    def from_stored(self, value: Any) -> Decimal:
        """The Decimal of the scaled integer SQLite stores."""
        return Decimal(int(value)).scaleb(-self.places).quantize(self._exp)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self


class MoneyType(Fixed):
    """Money: up to three decimals stored, read with two unless the third is used."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(MONEY_PLACES, 17)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return money_from_stored(int(value))
        return money_from_stored(int(Decimal(value).scaleb(MONEY_PLACES)))

    def from_stored(self, value: Any) -> Decimal:
        return money_from_stored(int(value))


#: Decimals a money column keeps.
MONEY_PLACES = 3


def money_from_stored(thousandths: int) -> Decimal:
    """A money amount from its integer thousandths: ``1230`` → ``1.23``, ``1125`` → ``1.125``."""
    return from_thousandths(thousandths)


def money_from_sum(value: object) -> Decimal:
    """A SUM of a money column read without its type: SQLite sums the stored thousandths,
    PostgreSQL the NUMERIC."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, int):
        return money_from_stored(value)
    return money_from_stored(int(Decimal(str(value)).scaleb(MONEY_PLACES)))


def Money() -> Fixed:
    """Money: up to three decimal places (see :class:`MoneyType`)."""
    return MoneyType()


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
