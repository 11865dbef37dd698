"""The parse child's limits with OCR (issue 23): the parent waits OCR's time on top of the
plain limit only for a mail that may carry a scan, and only when OCR is on."""

from __future__ import annotations

from email.message import EmailMessage

from parsers.remittance_ocr import OcrOptions
from worker.inbound.pool import ParseLimits, may_need_ocr


def raw_mail(*, maintype: str | None = None, subtype: str = "", filename: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["Subject"] = "Payment"
    msg.set_content("We paid invoice INV-10001 for 1,250.00.")
    if maintype:
        msg.add_attachment(b"\0" * 16, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def test_a_mail_with_an_image_or_a_pdf_may_need_ocr_and_a_plain_one_does_not():
    assert may_need_ocr(raw_mail(maintype="image", subtype="png", filename="scan.png"))
    assert may_need_ocr(raw_mail(maintype="application", subtype="pdf", filename="a.pdf"))
    assert may_need_ocr(raw_mail(maintype="application", subtype="octet-stream", filename="x"))
    assert not may_need_ocr(raw_mail())
    assert not may_need_ocr(raw_mail(maintype="text", subtype="csv", filename="remit.csv"))


def test_only_a_mail_that_may_carry_a_scan_gets_ocr_time_on_top():
    scan = raw_mail(maintype="image", subtype="jpeg", filename="IMG_0001.jpg")
    with_ocr = ParseLimits(timeout_seconds=8.0, ocr=OcrOptions(timeout_seconds=60.0))
    assert with_ocr.timeout_for(scan) == 68.0
    assert with_ocr.timeout_for(raw_mail()) == 8.0
    assert ParseLimits(timeout_seconds=8.0).timeout_for(scan) == 8.0  # OCR off
