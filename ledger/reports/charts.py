"""Small SVG charts with no external assets: a grouped bar chart and a line chart. Pure.

Labels are XML-escaped; coordinates are computed in Decimal and written with one decimal, so
the same report always gives the same bytes. :func:`aging_svg` draws the aging buckets (one
bar series per currency: currencies are never added), :func:`stp_svg` the daily STP rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from ledger.reports.aging import BUCKET_LABELS, AgingReport
from ledger.reports.cash import CashReport

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 36, 48
#: One colour per series, in order (colour-blind safe: Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_PX = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Series:
    """A named series of values (None: no value there)."""

    name: str
    values: tuple[Decimal | None, ...]


def _px(value: Decimal | int) -> str:
    return format(Decimal(value).quantize(_PX, rounding=ROUND_HALF_UP), "f")


def _nice_max(top: Decimal) -> Decimal:
    """A round axis maximum at or above ``top`` (1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return Decimal(1)
    power = Decimal(10) ** (top.adjusted())
    for step in (1, 2, 5, 10):
        if power * step >= top:
            return power * step
    return power * 10


def _frame(title: str, y_max: Decimal, unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(title)} '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH // 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    for i in range(5):
        value = y_max * i / 4
        y = Decimal(TOP + plot_h) - Decimal(plot_h) * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{_px(y)}" x2="{WIDTH - RIGHT}" y2="{_px(y)}" stroke="#ddd"/>'
        )
        label = f"{value.normalize():,f}{unit}"
        parts.append(
            f'<text x="{LEFT - 6}" y="{_px(y + 4)}" text-anchor="end">{escape(label)}</text>'
        )
    return parts


def bar_chart_svg(
    title: str, categories: Sequence[str], series: Sequence[Series], *, unit: str = ""
) -> str:
    """Grouped vertical bars: one group per category, one bar per series; negative values are
    drawn as zero (the axis starts at 0)."""
    values = [v for s in series for v in s.values if v is not None]
    y_max = _nice_max(max(values, default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, y_max, unit)
    group = Decimal(plot_w) / max(1, len(categories))
    bar = group * Decimal("0.8") / max(1, len(series))
    for c, category in enumerate(categories):
        x0 = LEFT + group * c + group * Decimal("0.1")
        for s_index, s in enumerate(series):
            value = s.values[c] if c < len(s.values) else None
            if value is None:
                continue
            h = Decimal(plot_h) * max(value, Decimal(0)) / y_max
            x = x0 + bar * s_index
            parts.append(
                f'<rect x="{_px(x)}" y="{_px(TOP + plot_h - h)}" width="{_px(bar)}" '
                f'height="{_px(h)}" fill="{PALETTE[s_index % len(PALETTE)]}">'
                f"<title>{escape(f'{s.name} {category}: {value:,f}')}</title></rect>"
            )
        parts.append(
            f'<text x="{_px(LEFT + group * c + group / 2)}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    parts.extend(_legend(series))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def line_chart_svg(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    y_max: Decimal | None = None,
) -> str:
    """Lines through the points of each series, a dot on each; a None value breaks the line."""
    values = [v for s in series for v in s.values if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, top, unit)
    step = Decimal(plot_w) / max(1, len(labels) - 1) if len(labels) > 1 else Decimal(0)
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + step * i if len(labels) > 1 else Decimal(LEFT + plot_w // 2)
            y = TOP + plot_h - Decimal(plot_h) * min(max(value, Decimal(0)), top) / top
            runs[-1].append(f"{_px(x)},{_px(y)}")
            parts.append(
                f'<circle cx="{_px(x)}" cy="{_px(y)}" r="2.5" fill="{colour}">'
                f"<title>{escape(f'{labels[i]}: {value:f}{unit}')}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="1.5"/>'
                )
    ticks = sorted({0, len(labels) - 1, *range(0, len(labels), max(1, len(labels) // 6))})
    for i in ticks if labels else ():
        x = LEFT + step * i if len(labels) > 1 else Decimal(LEFT + plot_w // 2)
        anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        parts.append(
            f'<text x="{_px(x)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}">'
            f"{escape(labels[i])}</text>"
        )
    parts.extend(_legend(series))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        x = LEFT + 110 * i
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 18}" width="10" height="10" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 9}">{escape(s.name)}</text>'
        )
    return parts


def aging_svg(report: AgingReport) -> str:
    """The aging buckets of the total rows, one bar series per currency."""
    return bar_chart_svg(
        f"AR aging as of {report.as_of.isoformat()}",
        BUCKET_LABELS,
        [Series(t.currency, t.buckets) for t in report.totals],
    )


def stp_svg(report: CashReport) -> str:
    """The daily STP rate (percent of remittance lines applied with no person)."""
    return line_chart_svg(
        f"STP per day, {report.start.isoformat()} to {report.end.isoformat()}",
        [d.day.isoformat() for d in report.stp_days],
        [Series("STP", tuple(d.stp for d in report.stp_days))],
        unit="%",
        y_max=Decimal(100),
    )
