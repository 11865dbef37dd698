"""HTML mail bodies to plain text, the way a remittance parser wants to read them. Pure: no IO.

Built on the stdlib :class:`html.parser.HTMLParser` (tolerant of broken markup, no regex over
HTML). Script, style and head are dropped; block elements start new lines; each table row
becomes one line with its cells joined by ``" | "``, so::

    <tr><td>INV-1001</td><td>2026-01-05</td><td>1,250.00</td></tr>

becomes ``INV-1001 | 2026-01-05 | 1,250.00``, so :mod:`parsers.text_tables` cuts the rows
back into the same grid of cells: a cell spanning columns (``colspan``) is followed by
empty cells, so the columns stay aligned; an empty first cell is written ``-``; a ``|``
inside a cell becomes ``/``; a table nested in a cell gives its own rows (the outer row
goes on after it). Text inside ``<pre>`` keeps its spaces (a preformatted table stays
aligned). Lines inside ``<blockquote>`` get a ``"> "`` prefix, as mail clients quote, so
quoted replies can be told apart downstream.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from parsers.ascii_numbers import ascii_int

#: Elements whose content is never text a reader sees (an iframe's content is no fallback a
#: mail client shows: HTML parses it as raw text).
SKIPPED_TAGS = frozenset(
    {"script", "style", "head", "title", "template", "noscript", "svg", "iframe", "noembed",
     "noframes"}
)  # fmt: skip
#: Elements that start and end on their own line.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "ul",
    }
)
#: Blocks set off by a blank line before and after.
PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol"}
)
CELL_TAGS = frozenset({"td", "th"})
CELL_SEPARATOR = " | "
#: What an empty first cell of a row is written as: a row never starts with a bar, which
#: would read as the edge of a Markdown table and shift every cell one column left.
EMPTY_FIRST_CELL = "-"
#: Widest column span honoured.
MAX_COLSPAN = 50
#: Links kept per mail (a portal notice has a handful; a newsletter a few dozen).
MAX_LINKS = 100
#: Characters kept of a link's address and of its text.
MAX_LINK_CHARS = 4000

_SPACE_RE = re.compile(r"[^\S\n]+")
#: A markup declaration other than a comment (``<!DOCTYPE``, ``<![CDATA[``, ``<![``).
_DECLARATION_RE = re.compile(r"<!(?!--)")


class _TextCollector(HTMLParser):
    """Collects visible text into lines; see the module docstring for the rules."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip: list[str] = []
        self._quote_depth = 0
        self._pre_depth = 0
        self._cells_in_row = 0
        self._span_pending = 0  # empty cells owed by the last cell's colspan
        self._outer_rows: list[tuple[int, int]] = []  # (cells, span) of enclosing rows
        self._line_is_pre = False
        self.links: list[tuple[str, str]] = []
        self._link: tuple[str, list[str]] | None = None  # the open <a>: href, its text

    # -- line handling -------------------------------------------------------------------
    def _break(self) -> None:
        """End the current line, if it has any text."""
        joined = "".join(self._current)
        text = joined.rstrip() if self._line_is_pre else _SPACE_RE.sub(" ", joined).strip()
        self._current = []
        self._line_is_pre = False
        if text.strip(" |"):
            self.lines.append("> " * self._quote_depth + text)

    def _gap(self) -> None:
        """End the current line and leave one blank line (between paragraphs)."""
        self._break()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    # -- HTMLParser callbacks ------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self._skip:
            self._skip = [t for t in self._skip if t != "head"]  # <head> was never closed
        if tag in SKIPPED_TAGS:
            self._skip.append(tag)
            return
        if self._skip:
            return
        if tag == "a":
            self._open_link(attrs)
        elif tag == "br":
            self._break()
        elif tag == "tr":
            self._break()
            self._cells_in_row = 0
        elif tag in CELL_TAGS:
            if self._cells_in_row == 1 and not "".join(self._current).strip():
                self._current.append(EMPTY_FIRST_CELL)
            if self._cells_in_row:
                self._current.append(CELL_SEPARATOR * (1 + self._span_pending))
            self._cells_in_row += 1
            self._span_pending = _colspan(attrs) - 1
        elif tag in BLOCK_TAGS:
            if tag == "table":
                self._outer_rows.append((self._cells_in_row, self._span_pending))
                self._cells_in_row = self._span_pending = 0
            if tag in PARAGRAPH_TAGS:
                self._gap()
            else:
                self._break()
            if tag == "blockquote":
                self._quote_depth += 1
            elif tag == "pre":
                self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            return  # <script/> is empty: nothing to skip
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "td", "th"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if self._skip:
            return
        if tag == "a":
            self._close_link()
        elif tag == "tr":
            self._break()
            self._cells_in_row = self._span_pending = 0
        elif tag in BLOCK_TAGS:
            if tag in PARAGRAPH_TAGS:
                self._gap()
            else:
                self._break()
            if tag == "table" and self._outer_rows:
                self._cells_in_row, self._span_pending = self._outer_rows.pop()
            if tag == "blockquote" and self._quote_depth:
                self._quote_depth -= 1
            elif tag == "pre" and self._pre_depth:
                self._pre_depth -= 1

    def _open_link(self, attrs: list[tuple[str, str | None]]) -> None:
        self._close_link()  # <a> inside <a> is not nested: the first one ends
        href = dict(attrs).get("href")
        if href and len(self.links) < MAX_LINKS:
            self._link = (href.strip()[:MAX_LINK_CHARS], [])

    def _close_link(self) -> None:
        if self._link is not None:
            href, text = self._link
            self.links.append((" ".join("".join(text).split())[:MAX_LINK_CHARS], href))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._link is not None and sum(map(len, self._link[1])) < MAX_LINK_CHARS:
            self._link[1].append(data)
        if self._cells_in_row:
            data = data.replace("|", "/")
        if self._pre_depth:
            self._line_is_pre = True
            first, *rest = data.split("\n")
            self._current.append(first)
            for piece in rest:
                self._break()
                self._line_is_pre = True
                self._current.append(piece)
        else:
            self._current.append(data.replace("\n", " ").replace("\r", " "))

    def finish(self) -> str:
        self.close()
        self._close_link()
        self._break()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def _colspan(attrs: list[tuple[str, str | None]]) -> int:
    """The ``colspan`` of a cell: 1 when absent or not written in ASCII digits (``"²"``,
    issue 19), at most MAX_COLSPAN (a 4,300-digit span is the widest)."""
    span = ascii_int(dict(attrs).get("colspan"), minimum=1, maximum=MAX_COLSPAN, clamp=True)
    return span or 1


def html_to_text(html: str) -> str:
    """The visible text of ``html``: one line per block or table row, whitespace collapsed.

    Never raises on malformed markup; unclosed tags are closed at the end.
    """
    return html_to_text_and_links(html)[0]


def html_to_text_and_links(html: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The visible text of ``html`` (as :func:`html_to_text`) and its links: (the text of
    each ``<a href>``, the address as written), at most MAX_LINKS. Addresses are only read:
    what they point to is for the caller to judge (a ``javascript:`` one is kept as written).
    """
    collector = _TextCollector()
    try:
        collector.feed(html)
    except AssertionError:
        # Python 3.11's _markupbase asserts on a declaration it cannot name ("<![" then
        # no name, issue 19's hostile corpus): read it again with every declaration as text.
        collector = _TextCollector()
        collector.feed(_DECLARATION_RE.sub("&lt;!", html))
    return collector.finish(), tuple(collector.links)
