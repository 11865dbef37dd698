"""The mail as the item page shows it: pages numbered across PDFs, bounded, and bodies read
even when their charset is broken."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from review.item_mail import MAX_PDFS, html_body, mail_view, page_png
from review.pages import Rendered


def mail_with(pdfs: int, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann <ap@acme.example>"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Advice"
    msg.set_content("see attached")
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for n in range(pdfs):
        msg.add_attachment(
            b"%PDF-1.4 " + bytes([n]), maintype="application", subtype="pdf", filename=f"a{n}.pdf"
        )
    return msg.as_bytes()


class Pages:
    """A renderer that says each PDF has two pages (and counts its calls)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: bytes, *, image: bool = False) -> Rendered:
        self.calls += 1
        return Rendered("x", (Path(f"{data[-1]}-1.png"), Path(f"{data[-1]}-2.png")), 2)


def test_pages_are_numbered_across_the_pdf_attachments():
    raw = mail_with(2)
    view = mail_view(raw, pages=Pages())
    assert [a.pages for a in view.attachments] == [(1, 2), (3, 4)]
    assert page_png(raw, 3, pages=Pages()) == Path("1-1.png")
    assert page_png(raw, 5, pages=Pages()) is None
    assert page_png(raw, 0, pages=Pages()) is None


def test_only_the_first_pdfs_of_a_mail_are_rendered():
    pages = Pages()
    view = mail_view(mail_with(MAX_PDFS + 2), pages=pages)
    assert pages.calls == MAX_PDFS
    assert view.attachments[-1].reason == f"only the first {MAX_PDFS} PDFs and images are shown"
    assert view.attachments[-1].pages == ()


def test_the_html_body_is_sanitized_and_the_text_kept():
    view = mail_view(mail_with(0, html="<p onclick=x()>Paid<script>x()</script></p>"), pages=None)
    assert view.html == "<p>Paid</p>\n"
    assert view.text.strip() == "see attached"
    assert view.from_address == "ap@acme.example"


def test_an_html_part_in_an_unknown_charset_is_read_with_replacement_marks():
    raw = (
        b"From: ap@acme.example\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=x-no-such-charset\r\n\r\n<p>Paid \xff 10.00</p>\r\n"
    )
    assert "Paid" in (html_body(raw) or "")


@given(
    tag=st.sampled_from(["td", "th", "col", "table", "a", "img", "p", "li", "ol"]),
    name=st.sampled_from(["colspan", "rowspan", "span", "start", "width", "href", "alt"]),
    value=st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789²³¹٠١٢٣٤٥٦٧٨٩०१२३੧೬𝟘𝟙𝟚", max_size=12),
        st.integers(min_value=1, max_value=5000).map(lambda n: "9" * n),
        st.just(""),
    ),
)
@settings(max_examples=150, deadline=None)
def test_issue_19_no_attribute_of_the_html_body_makes_the_mail_view_raise(tag, name, value):
    """https://github.com/arbox/arbox/issues/19 (finding 3): the item page's view of a mail
    (the parser's reading and the sanitized HTML) is made whatever an attribute holds."""
    quoted = value.replace("&", "&amp;").replace('"', "&quot;")
    html = f'<table><tr><{tag} {name}="{quoted}">INV-1</{tag}></tr></table>'
    view = mail_view(mail_with(0, html=html), pages=None)
    assert view.html is not None and "INV-1" in view.html
    assert view.html_document is not None


def test_a_mail_the_parser_cannot_read_is_shown_by_its_headers_and_html():
    # parsers/html_text.py raised on colspan="²" (issue 19, its own fix is in parsers/)
    view = mail_view(
        mail_with(0, html='<table><tr><td colspan="²">INV-1</td></tr></table>'), pages=None
    )
    assert view.subject == "Advice"
    assert view.html is not None and "INV-1" in view.html
