"""The HTML body of a mail made safe to show: nh3 (Ammonia, over html5ever) with a strict
allow-list, then a document of its own for a sandboxed ``<iframe srcdoc>``. Pure: no IO.

What a customer's (or an attacker's) HTML may keep is text and plain structure (paragraphs,
line breaks, lists, tables with their spans, bold and italics). Everything else goes:

- ``script``, ``style``, ``svg``, ``math``, ``iframe``, ``object`` and the like, with their
  content;
- every attribute except ``colspan``/``rowspan`` of table cells (ASCII digits, 1–100): no
  ``on*`` handlers, no ``style`` (CSS ``url()`` loads remote content), no ``class``/``id``;
- images (``<img>``, remote or inline) become the text ``[image: alt]``: nothing is fetched;
- links become inert text with their address after them: ``text [https://x.example/]``
  (``javascript:`` and other schemes show no address at all).

nh3 parses as a browser does (the HTML5 algorithm) and writes the tree back out, so nothing
it returns holds a script or an event handler. That is not enough to put its output into
our page as markup: a tree written out and parsed again in another place need not be the
same tree (issue 19: ``<li><div><object><li>…`` comes back as ``<li><div><li>…``, which the
page's parser closes up through the page's own ``div``s). So the page never parses mail
markup as its own: :func:`mail_document` wraps it in a document of its own that the item page
shows in ``<iframe sandbox srcdoc=…>`` (no scripts, an opaque origin, no forms, no
navigation of the page), with a Content-Security-Policy that loads nothing. Whatever the
markup does, it does inside that frame.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from html.parser import HTMLParser
from typing import Final

import nh3

#: Tags kept (without attributes unless listed in ``_ATTRIBUTES``).
ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "small", "sub", "sup",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
        "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "code", "hr",
    }
)  # fmt: skip
#: Tags dropped together with everything inside them.
DROPPED_WITH_CONTENT: Final = frozenset(
    {
        "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed",
        "applet", "template", "noscript", "noembed", "noframes", "head", "title", "textarea",
        "select", "button", "audio", "video", "canvas", "xml", "base", "link", "meta",
    }
)  # fmt: skip
#: Attributes nh3 lets through; ``a`` and ``img`` are turned into text afterwards.
_ATTRIBUTES: Final = {
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "a": {"href"},
    "img": {"alt"},
}
_SPANS: Final = frozenset({"colspan", "rowspan"})
_LINK_SCHEMES: Final = ("http://", "https://", "mailto:")
#: The largest colspan/rowspan kept.
MAX_SPAN: Final = 100
#: Input longer than this is cut (a body is a few KB; this is about the page, not the mail).
MAX_INPUT_CHARS: Final = 500_000
#: The frame's own look (the page's stylesheet does not reach into a frame).
FRAME_STYLE: Final = (
    "body{font:14px/1.45 system-ui,sans-serif;color:#1d2430;margin:8px;overflow-wrap:anywhere}"
    "table{border-collapse:collapse}td,th{border:1px solid #d5dae1;padding:2px 6px}"
    "pre{white-space:pre-wrap}"
)
#: The CSP source of exactly that style block. A srcdoc frame also obeys the page's policy,
#: so the page's ``style-src`` names it too (review/security.py); no other inline style runs.
FRAME_STYLE_SOURCE: Final = (
    "'sha256-" + base64.b64encode(hashlib.sha256(FRAME_STYLE.encode()).digest()).decode() + "'"
)
#: The policy of the frame's document: it loads and runs nothing but its own style.
FRAME_CSP: Final = (
    f"default-src 'none'; style-src {FRAME_STYLE_SOURCE}; img-src 'none'; "
    "form-action 'none'; base-uri 'none'"
)


def _span_value(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a span is ASCII digits 1..MAX_SPAN (``"²"`` and a 4,300-digit
    number are not, and never reach ``int``); other attributes pass as nh3 allowed them."""
    if attribute not in _SPANS:
        return value
    if tag in ("td", "th") and value.isascii() and value.isdigit() and len(value) <= 3:
        return value if 1 <= int(value) <= MAX_SPAN else None
    return None


class _Inert(HTMLParser):
    """nh3's (well-formed) output with ``img`` and ``a`` turned into text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            alt = " ".join(next((v for k, v in attrs if k == "alt" and v), "").split())[:200]
            self.out.append(escape(f"[image: {alt}]" if alt else "[image]"))
        elif tag == "a":
            self.links.append(_link(attrs))
        elif tag in ALLOWED_TAGS:
            kept = "".join(
                f' {name}="{escape(value)}"' for name, value in attrs if name in _SPANS and value
            )
            self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            href = self.links.pop() if self.links else None
            if href:
                self.out.append(f" [{escape(href)}]")
        elif tag in ALLOWED_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data))


def _link(attrs: list[tuple[str, str | None]]) -> str | None:
    """The address a link shows as text: http(s) or mailto only, without control characters."""
    href = next((v for k, v in attrs if k == "href" and v), None)
    if href is None:
        return None
    cleaned = "".join(ch for ch in href if ch.isprintable() and not ch.isspace())[:500]
    return cleaned if cleaned.lower().startswith(_LINK_SCHEMES) else None


def sanitize_html(html: str) -> str:
    """``html`` reduced to the allow-list above. Safe as a frame's content (never as the
    page's own markup: see the module docstring).

    >>> sanitize_html('<p onclick="x()">Paid <b>INV-1</b><script>alert(1)</script></p>')
    '<p>Paid <b>INV-1</b></p>'
    >>> sanitize_html('<img src="https://t.example/p.gif" alt="logo"><a href="javascript:x">y</a>')
    '[image: logo]y'
    """
    cleaned = nh3.clean(
        html[:MAX_INPUT_CHARS],
        tags=set(ALLOWED_TAGS | {"a", "img"}),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_span_value,
        url_schemes={"http", "https", "mailto"},  # _Inert shows them as text, never links
        link_rel=None,
        strip_comments=True,
    )
    inert = _Inert()
    inert.feed(cleaned)
    inert.close()
    return "".join(inert.out)


def mail_document(sanitized: str) -> str:
    """A whole document around :func:`sanitize_html`'s output, for ``<iframe srcdoc>``: its
    own CSP (nothing loads), no base URL, its own style."""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{FRAME_CSP}">'
        f"<style>{FRAME_STYLE}</style></head><body>{sanitized}</body></html>"
    )
