"""What the item page shows of a dispute's credit memos (review.item_credit decides them)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ledger import models as m
from ledger.review_credit import CREDIT_KINDS, ItemCredit, disputed_invoices, item_credits
from review import deps


def credit_panel(request: Request, item_id: int, kind: str, is_open: bool) -> dict[str, Any]:
    """What the item page shows about credit memos: the item's credit memos, and for an open
    dispute the invoices it names (the first preselected) when the app can issue."""
    if kind not in CREDIT_KINDS:
        return {"offered": False, "credits": []}
    session = deps.db(request)
    credits: list[ItemCredit] = item_credits(session, item_id)
    item = session.get(m.ReviewItem, item_id)
    invoices = disputed_invoices(session, item) if item is not None and is_open else []
    issuer = getattr(request.app.state, "credit_issuer", None)
    return {"offered": is_open and issuer is not None, "invoices": invoices, "credits": credits}
