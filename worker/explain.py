"""``arbox explain``: a mail's remittance lines with their decision records, for a terminal or
as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console

from ledger.queries import LineRecord
from worker.cli.common import PlainTable


def records_to_json(records: Sequence[LineRecord]) -> str:
    """The records as a JSON list (amounts and scores as strings)."""
    return (
        json.dumps(
            [
                {
                    "inbound_id": r.inbound_id,
                    "line_no": r.line_no,
                    "invoice_ref": r.invoice_ref,
                    "stated_amount": None if r.stated_amount is None else str(r.stated_amount),
                    "amount": str(r.amount),
                    "outcome": r.outcome,
                    "confidence": str(r.confidence),
                    "reason": r.reason,
                    "invoice_number": r.invoice_number,
                    "signals": r.evidence.get("signals", []),
                    "candidates": r.evidence.get("candidates", []),
                    "runner_up": r.evidence.get("runner_up"),
                    "allocations": r.evidence.get("allocations", []),
                }
                for r in records
            ],
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def render_records(records: Sequence[LineRecord], console: Console) -> None:
    """One block per line: what was written, what was decided, and the evidence."""
    for r in records:
        stated = "not stated" if r.stated_amount is None else str(r.stated_amount)
        console.print(
            f"[bold]line {r.line_no}[/bold] (mail {r.inbound_id}): {r.invoice_ref or '—'} "
            f"{stated} → [bold]{r.outcome}[/bold] {r.invoice_number or ''} "
            f"confidence {r.confidence}",
            markup=True,
            highlight=False,
        )
        console.print(f"  {r.reason}", markup=False, highlight=False)
        table = PlainTable(show_header=True, box=None, pad_edge=False)
        for column in ("signal", "value", "detail"):
            table.add_column(column, overflow="fold")
        for signal in r.evidence.get("signals", []):
            table.add_row(str(signal["name"]), str(signal["value"]), str(signal["detail"]))
        candidates = ", ".join(
            f"{c['invoice_number']} ({c['score']})" for c in r.evidence.get("candidates", [])
        )
        table.add_row("candidates", candidates or "none", "")
        table.add_row("runner-up", r.evidence.get("runner_up") or "none", "")
        for part in r.evidence.get("allocations", []):
            discount = f", discount {part['discount']}" if part["discount"] != "0.00" else ""
            table.add_row("applied to", str(part["invoice_number"]), f"{part['amount']}{discount}")
        console.print(table)
