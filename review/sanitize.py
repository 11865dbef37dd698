"""The HTML body of a mail made safe to show: a strict allow-list. Pure: no IO.

What a customer's (or an attacker's) HTML may keep is text and plain structure (paragraphs,
line breaks, lists, tables with their spans, bold and italics). Everything else goes:

- ``script``, ``style``, ``svg``, ``math``, ``iframe``, ``object`` and the like, with their
  content (SVG and MathML are their own parsing worlds: no part of them is kept);
- every attribute except ``colspan``/``rowspan`` (digits): no ``on*`` handlers, no ``style``
  (CSS ``url()`` loads remote content), no ``class``/``id``;
- images (``<img>``, remote or inline) become the text ``[image: alt]``: nothing is fetched;
- links become inert text with their address after them: ``text [https://x.example/]``
  (``javascript:`` and other schemes show no address at all).

The output is rebuilt from the parse, never copied: every text is escaped, every tag written
by us, and every tag left open is closed, so what a browser sees is what this module meant.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

#: Tags kept (without attributes unless listed in ``_SPANS``).
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "small", "sub", "sup",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
        "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "code", "hr",
    }
)  # fmt: skip
#: Tags dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed",
        "applet", "template", "noscript", "noembed", "noframes", "head", "title", "textarea",
        "select", "button", "audio", "video", "canvas", "xml", "base", "link", "meta",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "wbr", "col", "input", "meta", "link", "base", "area"})
_SPANS = frozenset({"colspan", "rowspan"})
_LINK_SCHEMES = ("http://", "https://", "mailto:")
#: Input longer than this is cut (a body is a few KB; this is about the page, not the mail).
MAX_INPUT_CHARS = 500_000
#: Deeper nesting is flattened (its tags are dropped, its text kept).
MAX_DEPTH = 64


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping: str | None = None
        self.drop_depth = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping is not None:
            if tag == self.dropping:
                self.drop_depth += 1
            return
        if tag in DROPPED_WITH_CONTENT:
            if tag not in _VOID:
                self.dropping, self.drop_depth = tag, 1
            return
        if tag == "img":
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            self.out.append(escape(f"[image: {alt.strip()[:200]}]" if alt.strip() else "[image]"))
            return
        if tag == "a":
            self.links.append(_link(attrs))
            return
        if tag not in ALLOWED_TAGS or len(self.stack) >= MAX_DEPTH:
            return
        kept = "".join(
            f' {name}="{value}"'
            for name, value in attrs
            if name in _SPANS and value and value.isdigit() and int(value) <= 100
            and tag in ("td", "th")
        )  # fmt: skip
        self.out.append(f"<{tag}{kept}>")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping is not None or tag in DROPPED_WITH_CONTENT:
            return
        if tag == "a":
            return
        self.handle_starttag(tag, attrs)
        if tag in ALLOWED_TAGS and tag not in _VOID and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping is not None:
            if tag == self.dropping:
                self.drop_depth -= 1
                if self.drop_depth == 0:
                    self.dropping = None
            return
        if tag == "a":
            if self.links:
                href = self.links.pop()
                if href:
                    self.out.append(f" [{escape(href)}]")
            return
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.dropping is None:
            self.out.append(escape(data))

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def _link(attrs: list[tuple[str, str | None]]) -> str | None:
    """The address a link shows as text: http(s) or mailto only, without control characters."""
    href = next((v for k, v in attrs if k == "href" and v), None)
    if href is None:
        return None
    cleaned = "".join(ch for ch in href if ch.isprintable() and not ch.isspace())[:500]
    return cleaned if cleaned.lower().startswith(_LINK_SCHEMES) else None


def sanitize_html(html: str) -> str:
    """``html`` reduced to the allow-list above: safe to put in a page as markup.

    >>> sanitize_html('<p onclick="x()">Paid <b>INV-1</b><script>alert(1)</script></p>')
    '<p>Paid <b>INV-1</b></p>'
    >>> sanitize_html('<img src="https://t.example/p.gif" alt="logo"><a href="javascript:x">y</a>')
    '[image: logo]y'
    """
    parser = _Sanitizer()
    parser.feed(html[:MAX_INPUT_CHARS])
    return parser.result()
