"""What a person must decide, and the match rules reviewers' confirmations taught.

A review item is unique by its deterministic key, so creating it is idempotent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.statuses import ReviewStatus
from ledger.base import Base


class ReviewItem(Base):
    """Something a person must decide. ``key`` makes creating it idempotent."""

    __tablename__ = "review_items"
    #: The review app's queue: open items oldest first, without sorting them all (issue 7).
    __table_args__ = (Index("ix_review_items_status_created_at", "status", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # core.statuses.ReviewKind
    status: Mapped[str] = mapped_column(String(16), index=True, default=ReviewStatus.OPEN)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    remittance_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("remittance_lines.id"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    reason: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(255))


class MatchRule(Base):
    """What a reviewer's confirmation taught, as an explicit rule a person can list and delete.

    ``kind`` is ``sender`` (``pattern`` an exact lower-cased address, or ``@domain``),
    ``payer_name`` (``pattern`` the name as :func:`matching.customer.name_key` normalises it)
    or ``ref_prefix`` (``pattern`` what to put before the normalised reference the customer
    writes to get our invoice's ``ref_key``).
    """

    __tablename__ = "match_rules"
    __table_args__ = (UniqueConstraint("kind", "pattern", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(String(320))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    source_review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    hits: Mapped[int] = mapped_column(Integer, default=0)
    last_hit_at: Mapped[datetime | None]
