"""What the amounts a payer wrote on a line say about which invoice it pays. Pure: no IO.

A payer writes the net it pays, and often the gross (the invoice's amount as it has it), the
discount it took and a deduction. Any of them can be the one that equals our open balance:
a short pay writes the gross and a smaller net, a discount writes both. So a near reference
is confirmed by any of them (issue 17: "every amount the payer wrote confirms a near
reference"), and an exact reference whose amounts equal none of them while a near form of
it has exactly that balance was most likely mistyped.
"""

from __future__ import annotations

from decimal import Decimal

from core.types import RemittanceLine

ZERO = Decimal("0.00")


def confirming_amounts(line: RemittanceLine) -> tuple[Decimal, ...]:
    """The amounts of ``line`` that, equal to an invoice's open balance (or to that less an
    earned discount), confirm the line pays that invoice: the net, the stated gross, and the
    net with the stated discount and deduction added back. Positive ones only, net first."""
    found: list[Decimal] = []
    if line.amount is not None:
        found.append(line.amount)
        added = (line.discount or ZERO) + (line.deduction or ZERO)
        if added > 0:
            found.append(line.amount + added)
    if line.gross is not None:
        found.append(line.gross)
    return tuple(a for a in dict.fromkeys(found) if a > 0)
