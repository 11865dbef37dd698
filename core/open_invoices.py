"""A customer's open invoices as columns, each :class:`~core.types.OpenInvoice` made when first
asked for (``ledger.matching_reads`` builds them from its rows; matching compares the columns)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, overload

from core.types import OpenInvoice


class OpenInvoices(Sequence[OpenInvoice]):
    """One customer's open invoices in order, with the columns matching compares on every
    line (ids, numbers, keys, balances) ready, and each invoice made when first asked for.

    A customer has hundreds of open invoices and a line looks closely at one or two: making
    every :class:`OpenInvoice` was most of the time a line spent reading the ledger
    (``ledger.matching_reads`` builds these from its rows). Indexing or iterating gives the
    same invoices a list would, and compares equal to such a list.
    """

    __slots__ = (
        "_by_balance",
        "_by_id",
        "_made",
        "_make",
        "_make_all",
        "_rows",
        "balances",
        "ids",
        "keys",
        "numbers",
    )

    def __init__(
        self,
        *,
        ids: Sequence[int],
        numbers: Sequence[str],
        keys: Sequence[str],
        balances: Sequence[Decimal],
        rows: Sequence[Any],
        make: Callable[[Any], OpenInvoice],
        make_all: Callable[[Sequence[Any]], Sequence[OpenInvoice]] | None = None,
    ) -> None:
        """``make`` makes the invoice of one of ``rows``; ``make_all``, when given, those of
        all of them at once (iterating uses it: one read instead of one per invoice)."""
        if not len(ids) == len(numbers) == len(keys) == len(balances) == len(rows):
            raise ValueError("every column of the open invoices needs one value per invoice")
        self.ids = ids
        self.numbers = numbers
        self.keys = keys
        self.balances = balances
        self._rows = rows
        self._make = make
        self._make_all = make_all
        self._made: list[OpenInvoice | None] = [None] * len(rows)
        self._by_id: _Positions | None = None
        self._by_balance: _Positions | None = None

    @classmethod
    def of(cls, invoices: Iterable[OpenInvoice]) -> OpenInvoices:
        """``invoices`` as open invoices with columns (the same object when it is one)."""
        if isinstance(invoices, OpenInvoices):
            return invoices
        made = list(invoices)
        return cls(
            ids=[inv.invoice_id for inv in made],
            numbers=[inv.number for inv in made],
            keys=[inv.key for inv in made],
            balances=[inv.balance for inv in made],
            rows=made,
            make=_itself,
        )

    def positions_of_id(self, invoice_id: int | None) -> list[int]:
        """The positions of the invoice ``invoice_id``, in order (:class:`_Positions`: built
        on the first call, so every line of a remittance asks in constant time)."""
        if invoice_id is None:
            return []
        if self._by_id is None:
            self._by_id = _Positions(self.ids)
        return self._by_id.of(invoice_id)

    def positions_of_balance(self, amount: Decimal | None) -> list[int]:
        """The positions, in order, of the invoices whose balance equals ``amount`` (Decimal
        equality: ``500.0`` is ``500.00``)."""
        if amount is None:
            return []
        if self._by_balance is None:
            self._by_balance = _Positions(self.balances)
        return self._by_balance.of(amount)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> OpenInvoice: ...

    @overload
    def __getitem__(self, index: slice) -> list[OpenInvoice]: ...

    def __getitem__(self, index: int | slice) -> OpenInvoice | list[OpenInvoice]:
        if isinstance(index, slice):
            return [self[no] for no in range(*index.indices(len(self)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._make(self._rows[index])
        return made

    def __iter__(self) -> Iterator[OpenInvoice]:
        if self._make_all is not None and self._made.count(None) > 1:
            every = self._make_all(self._rows)
            self._made = [every[no] if m is None else m for no, m in enumerate(self._made)]
        for no in range(len(self._rows)):
            yield self[no]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OpenInvoices | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OpenInvoices({list(self)!r})"


class _Positions:
    """Where each value of a column is: the first and the last position of each value, both
    dictionaries made by the interpreter's own loop (a customer's thousand balances in a
    fraction of a Python loop's time); the positions between them are looked at only for a
    value held more than once."""

    __slots__ = ("_column", "_first", "_last")

    def __init__(self, column: Sequence[Any]) -> None:
        self._column = column
        count = len(column)
        self._last = dict(zip(column, range(count), strict=True))
        self._first = (
            self._last  # every value once (ids always): the first is the last
            if len(self._last) == count
            else dict(zip(reversed(column), range(count - 1, -1, -1), strict=True))
        )

    def of(self, value: Any) -> list[int]:
        """The positions holding ``value`` (equal to it), in order."""
        first = self._first.get(value)
        if first is None:
            return []
        last = self._last[value]
        if first == last:
            return [first]
        column = self._column
        return [no for no in range(first, last + 1) if column[no] == value]


def _itself(invoice: OpenInvoice) -> OpenInvoice:
    return invoice
