"""parsers.html_text: HTML bodies as the lines a remittance parser reads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.html_text import html_to_text


def test_table_rows_become_one_line_with_cells_separated_by_bars() -> None:
    html = """<table border=1>
      <tr><th>Invoice</th><th>Date</th><th>Amount</th></tr>
      <tr><td>INV-1001</td>
          <td>2026-01-05</td><td> $1,250.00 </td></tr>
      <tr><td colspan=2><b>Total</b></td><td>$1,250.00</td></tr>
    </table>"""
    assert html_to_text(html).splitlines() == [
        "Invoice | Date | Amount",
        "INV-1001 | 2026-01-05 | $1,250.00",
        "Total | | $1,250.00",  # colspan=2: the amount stays in the third column
    ]


def test_script_style_and_head_are_dropped() -> None:
    html = (
        "<html><head><title>Advice</title><style>td {color: red}</style></head>"
        "<body><script>var x = '1001 9.99';</script><p>Paid</p></body></html>"
    )
    assert html_to_text(html) == "Paid"


def test_unclosed_head_ends_at_body() -> None:
    assert html_to_text("<head><meta charset=utf-8><body><p>Hello</p>") == "Hello"


def test_blocks_and_br_start_new_lines_and_whitespace_collapses() -> None:
    html = "<div>Dear   team,</div><p>we paid<br>today\n   by ACH.</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "Dear team,\n\nwe paid\ntoday by ACH.\n\na\nb"


def test_entities_are_decoded() -> None:
    assert html_to_text("<p>Smith&nbsp;&amp;&nbsp;Sons &euro;&#160;12,50 &lt;ok&gt;</p>") == (
        "Smith & Sons € 12,50 <ok>"
    )


def test_blockquote_lines_are_marked_as_quoted() -> None:
    html = "<p>Thanks</p><blockquote><p>INV-1 1.00</p><blockquote>deeper</blockquote></blockquote>"
    assert html_to_text(html).splitlines() == ["Thanks", "", "> INV-1 1.00", "", "> > deeper"]


def test_pre_keeps_its_line_breaks_and_its_alignment() -> None:
    assert html_to_text("<pre>INV-1   1.00\nINV-2   2.00</pre>") == "INV-1   1.00\nINV-2   2.00"


@given(st.text(alphabet=st.sampled_from("<>/=\"'&;#ab tdrpx\n"), max_size=200))
def test_any_markup_soup_converts_without_error(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_nested_table_rows_are_their_own_lines_and_the_outer_row_goes_on() -> None:
    html = (
        "<table><tr><td>Notice</td><td><table><tr><th>Invoice</th><th>Amount</th></tr>"
        "<tr><td>INV-1|2</td><td>1.00</td></tr></table></td><td>after</td></tr></table>"
    )
    assert html_to_text(html).splitlines() == [
        "Notice |",
        "",
        "Invoice | Amount",
        "INV-1/2 | 1.00",  # a bar inside a cell is no cell boundary
        "",
        "| after",
    ]


def test_colspan_is_bounded_and_tolerates_junk() -> None:
    html = '<table><tr><td colspan="9999">a</td><td>b</td></tr><tr><td colspan=x>c</td><td>d'
    lines = html_to_text(html).splitlines()
    assert lines[0].count("|") == 50  # MAX_COLSPAN
    assert lines[1] == "c | d"
