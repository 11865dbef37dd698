"""How long the item page's work takes: the view of one item (without and with its PDF
pages), the first render of a PDF and a cached one, sanitizing a large HTML body, and one
decision (accept, rolled back) against the same posting done by ``confirm_line`` directly.

Run: ``python bench/item_page.py`` (medians; on a loaded machine compare the ratios).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledger import models as m
from ledger.review_actions import confirm_line
from ledger.review_decisions import accept_proposal, proposal
from parsers.mime import parse_email
from review.item_mail import renderer
from review.item_view import item_view
from review.pages import render_pdf
from review.sanitize import sanitize_html
from tests.unit.review.item_seed import PDF, seed


def median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="arbox-item-bench-"))
    seeded = seed(work)
    sessions = seeded.svc.sessions
    pages = renderer(work / "data")
    print("what                                   median ms   ratio")
    with sessions() as s:
        item = seeded.items["pdf"]
        inbound = s.get(m.InboundMessage, s.get(m.ReviewItem, item).inbound_id)
        raw = inbound.raw
        parse = median_ms(lambda: parse_email(raw), 30)
        bare = median_ms(lambda: item_view(s, item, pages=None), 30)
        item_view(s, item, pages=pages)  # render once
        warm = median_ms(lambda: item_view(s, item, pages=pages), 30)
    print(f"parse_email of the mail (baseline)     {parse:9.2f}   1.0")
    print(f"item view, pages not read              {bare:9.2f}   {bare / parse:.1f}")
    print(f"item view, PDF pages cached            {warm:9.2f}   {warm / parse:.1f}")
    data = PDF.read_bytes()
    cold = median_ms(lambda: render_pdf(data, cache_dir=Path(tempfile.mkdtemp(dir=work))), 3)
    print(f"PDF first render (child process)       {cold:9.2f}   {cold / parse:.1f}")
    html = (
        "<table>"
        + "".join(
            f"<tr><td onclick='x()'>INV-{n}</td><td style='color:red'>{n}.00</td>"
            f"<td><img src='https://t.example/{n}.gif'></td></tr>"
            for n in range(3000)
        )
        + "</table>"
    )
    plain = median_ms(lambda: HTMLParser().feed(html), 5)
    clean = median_ms(lambda: sanitize_html(html), 5)
    print(f"html.parser alone, {len(html) // 1024} KB (baseline)   {plain:9.2f}   1.0")
    print(f"sanitize_html, same input              {clean:9.2f}   {clean / plain:.1f}")
    item = seeded.items["ambiguous"]

    def decide(direct: bool) -> None:
        with sessions() as s:
            s.begin()
            if direct:
                parts = proposal(s, s.get(m.ReviewItem, item))
                confirm_line(
                    s,
                    item_id=item,
                    allocations=parts,
                    actor="bench",
                    remember=False,
                    now=seeded.svc.clock(),
                )
            else:
                accept_proposal(
                    s, item_id=item, actor="bench", now=seeded.svc.clock(), submission="bench"
                )
            s.rollback()

    direct = median_ms(lambda: decide(True), 30)
    wrapped = median_ms(lambda: decide(False), 30)
    print(f"confirm_line, rolled back (baseline)   {direct:9.2f}   1.0")
    print(f"accept_proposal, rolled back           {wrapped:9.2f}   {wrapped / direct:.2f}")
    seeded.svc.engine.dispose()


if __name__ == "__main__":
    main()
