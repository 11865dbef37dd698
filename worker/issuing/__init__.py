"""Issuing invoices and credit memos (issue 24): :func:`issue_credit_memo` (``arbox credits
issue``, the review app's "credit" decision) and :func:`issue_invoices` (``arbox invoices
issue``). See :mod:`worker.issuing.common` for the transaction a document is issued in."""

from __future__ import annotations

from worker.issuing.common import IssuedDocument, NumberTakenError
from worker.issuing.credits import CreditRefusedError, issue_credit_memo

__all__ = ["CreditRefusedError", "IssuedDocument", "NumberTakenError", "issue_credit_memo"]
