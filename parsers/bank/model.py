"""What a bank statement says, whatever its format: accounts, balances and entries. Pure: no IO.

Every reader in this package (BAI2, camt.05x, MT940, CSV) returns :class:`BankStatement` values
and raises only :class:`BankStatementError`, whose message names the format, the statement and,
where known, the line, so a rejected file says why. Amounts are Decimal with their sign
(credits positive, debits negative), built from the file's text, never from a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from core.errors import PermanentError

BankFormat = Literal["bai2", "camt", "mt940", "csv"]
#: The formats ``arbox import bank --format`` takes (``auto`` detects them).
FORMATS: tuple[BankFormat, ...] = ("bai2", "camt", "mt940", "csv")
#: Files larger than this are refused before any parsing (a statement is kilobytes).
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
ZERO = Decimal("0")


class BankStatementError(PermanentError):
    """A bank statement file does not parse or does not balance: nothing of it is used."""

    def __init__(
        self,
        reason: str,
        *,
        format: str,
        statement: str | None = None,
        line: int | None = None,
    ) -> None:
        where = format
        if statement:
            where += f" statement {statement!r}"
        if line is not None:
            where += f" line {line}"
        super().__init__(f"{where}: {reason}")
        self.reason = reason
        self.format = format
        self.statement = statement
        self.line = line


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One booked movement on the account.

    ``amount`` is signed: positive for a credit (money in), negative for a debit. ``refs``
    are structured references the bank passes on (camt ``RfrdDocInf/Nb``,
    ``CdtrRefInf/Ref``); ``remittance_text`` is the free text (camt ``Ustrd``, MT940 ``:86:``,
    BAI2 type-16 text) that may name invoices.
    """

    amount: Decimal
    currency: str
    value_date: date | None
    booking_date: date | None = None
    payer_name: str | None = None
    payer_account: str | None = None
    bank_ref: str | None = None
    end_to_end_id: str | None = None
    remittance_text: str = ""
    refs: tuple[str, ...] = ()
    #: The bank's transaction code (BAI2 type code, MT940 id, camt BkTxCd), as written.
    type_code: str | None = None
    #: Where the entry starts in the file (1-based line), when the format has lines.
    line: int | None = None
    #: False for an entry the bank reports but has not booked (camt ``Sts`` PDNG, INFO):
    #: it moves no balance and becomes no payment.
    booked: bool = True

    @property
    def is_credit(self) -> bool:
        """Whether money came in (a booked entry with a positive amount)."""
        return self.booked and self.amount > ZERO


@dataclass(frozen=True, slots=True)
class BankStatement:
    """One account's statement (a file may hold several)."""

    format: BankFormat
    account: str
    currency: str
    statement_id: str
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    entries: tuple[BankEntry, ...]
    opening_date: date | None = None
    closing_date: date | None = None
    #: Set when the file's balances cannot be checked as they stand (a balance in another
    #: currency than the account): :func:`check_balances` rejects the statement with it.
    balance_problem: str | None = None

    @property
    def credits(self) -> tuple[BankEntry, ...]:
        """The entries that brought money in."""
        return tuple(e for e in self.entries if e.is_credit)

    @property
    def movement(self) -> Decimal:
        """The sum of the booked entries (credits minus debits)."""
        return sum((e.amount for e in self.entries if e.booked), start=ZERO)


def exact_amount(
    value: Decimal,
    *,
    currency: str,
    places: int,
    shown: str,
    format: str,
    statement: str,
    line: int | None = None,
) -> Decimal:
    """``value`` quantized to ``places`` (its currency's minor units); a value with more
    decimals raises :class:`BankStatementError` (``shown`` is the amount as the file wrote
    it), never rounded."""
    exact = value.quantize(Decimal(1).scaleb(-places))
    if exact != value:
        raise BankStatementError(
            f"amount {shown} has more decimals than {currency}'s {places}",
            format=format,
            statement=statement,
            line=line,
        )
    return exact


def check_balances(statement: BankStatement) -> None:
    """Raise unless opening balance + entries = closing balance (when the statement has both).

    Raises:
        BankStatementError: the balances and the entries disagree, naming the difference.
    """
    if statement.balance_problem:
        raise BankStatementError(
            statement.balance_problem, format=statement.format, statement=statement.statement_id
        )
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None or closing is None:
        return
    expected = opening + statement.movement
    if expected != closing:
        raise BankStatementError(
            f"does not balance: opening {opening} + entries {statement.movement} = "
            f"{expected}, but the closing balance is {closing}",
            format=statement.format,
            statement=statement.statement_id,
        )


def clean_text(text: str | None, *, size: int = 2000) -> str:
    """``text`` with runs of whitespace and control characters made single spaces, cut to
    ``size`` characters."""
    if not text:
        return ""
    out = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(out.split())[:size]
