"""QR payment codes printed on an invoice: the EPC069-12 SEPA credit-transfer code ("GiroCode")
for euro invoices and the Swiss QR-bill code for CHF and EUR invoices paid to a Swiss or
Liechtenstein account. Pure: data in, payload and module matrix out.

Libraries: the symbols are encoded by zxing-cpp (``zxingcpp.create_barcode``: the C++ port
of ZXing's encoder, byte mode, error correction M, the mask chosen by ISO 18004's penalty
rules; 0.8 ms a code where segno, pure Python, took 14 ms, most of it choosing the mask: a
third of an invoice's PDF). The text is encoded as UTF-8 bytes without an ECI header, as
both standards want (their payload names its character set). The EPC payload is written
here: eleven lines of EPC069-12 version 002 (UTF-8, at most version 13). The Swiss
payload comes from ``qrbill`` (``QRBill.qr_data``: the Swiss Payment Standards' SPC 0200
layout, with its IBAN, QR-IBAN and reference checks; qrbill's own drawing is SVG, so only
its payload is used), and the Swiss cross is drawn over the code's centre (7 mm on a 46 mm
code, as the standard asks). Codes are drawn in our PDF as vector rectangles
(:func:`module_rects`).

Which code applies (:func:`payment_code`): none for a credit note or nothing due; Swiss when
the seller's account is Swiss or Liechtenstein and the currency CHF or EUR; EPC for other
euro invoices; none otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import zxingcpp
from qrbill import QRBill

from core.creditor_ref import is_creditor_reference
from core.invoicing import IssuedInvoice, PostalAddress
from outbound.pdf_writer import Rect

PaymentCodeKind = Literal["epc", "swiss"]
#: The Swiss cross's side relative to the code's (7 mm of 46 mm).
SWISS_CROSS_SHARE = 7 / 46
_EPC_MAX = Decimal("999999999.99")
#: EPC069-12: the code is at most version 13 (69 × 69 modules).
_EPC_MAX_VERSION = 13


@dataclass(frozen=True, slots=True)
class PaymentCode:
    """A QR payment code: its kind, the text it carries and its modules (True is dark)."""

    kind: PaymentCodeKind
    payload: str
    matrix: tuple[tuple[bool, ...], ...]


def payment_code(invoice: IssuedInvoice) -> PaymentCode | None:
    """The QR payment code ``invoice`` carries, or None (see the module's rules).

    Raises:
        ValueError: the seller's data cannot go into the code (an IBAN qrbill refuses, a
            name longer than the code allows).
    """
    draft = invoice.draft
    if invoice.is_credit_note or invoice.amount_due <= 0:
        return None
    if draft.seller.iban[:2] in ("CH", "LI") and draft.currency in ("CHF", "EUR"):
        return _swiss(invoice)
    if draft.currency == "EUR" and invoice.amount_due <= _EPC_MAX:
        return _epc(invoice)
    return None


def _epc(invoice: IssuedInvoice) -> PaymentCode:
    draft = invoice.draft
    reference = draft.payment_reference or draft.number
    structured = reference.upper().startswith("RF")
    payload = "\n".join(
        (
            "BCD",  # service tag
            "002",  # version
            "1",  # character set: UTF-8
            "SCT",  # SEPA credit transfer
            draft.seller.bic or "",
            draft.seller.name[:70],
            draft.seller.iban.replace(" ", ""),
            f"EUR{invoice.amount_due:.2f}",
            "",  # purpose
            reference if structured else "",  # structured remittance: the RF reference
            "" if structured else f"{draft.number} {reference}"[:140],
        )
    ).rstrip("\n")
    matrix = qr_matrix(payload)
    version = (len(matrix) - 17) // 4
    if version > _EPC_MAX_VERSION:
        raise ValueError(f"the EPC payload needs QR version {version}; 13 at most")
    return PaymentCode("epc", payload, matrix)


def _swiss(invoice: IssuedInvoice) -> PaymentCode:
    """The QR-bill code: a QR reference on the QR-IBAN, an RF reference (SCOR) on the IBAN,
    or no structured reference (NON) with the reference in the message. The debtor is left
    out when qrbill refuses its address (it is optional; "payable by" stays blank)."""
    draft = invoice.draft
    reference = draft.payment_reference
    is_qr_reference = reference is not None and reference.isdigit() and len(reference) == 27
    structured = is_qr_reference or (reference is not None and is_creditor_reference(reference))
    account = draft.seller.qr_iban if is_qr_reference else draft.seller.iban
    message = draft.number if structured or not reference else f"{draft.number} {reference}"
    values: dict[str, Any] = {
        "account": account,
        "creditor": _address(draft.seller.name, draft.seller.address),
        "amount": str(invoice.amount_due),
        "currency": draft.currency,
        "reference_number": reference if structured else None,
        "additional_information": message[:140],
    }
    try:
        bill = QRBill(**values, debtor=_address(draft.buyer.name, draft.buyer.address))
    except ValueError as debtor_refused:
        if "debtor" not in str(debtor_refused):
            raise ValueError(f"no Swiss QR-bill: {debtor_refused}") from debtor_refused
        try:
            bill = QRBill(**values)
        except ValueError as e:
            raise ValueError(f"no Swiss QR-bill: {e}") from e
    payload = bill.qr_data()
    return PaymentCode("swiss", payload, qr_matrix(payload))


def _address(name: str, address: PostalAddress) -> dict[str, str]:
    """A structured QR-bill address (name and street at most 70 characters)."""
    return {
        "name": name[:70],
        "street": (address.lines or ("",))[0][:70],
        "pcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of a QR code (error correction M) carrying ``payload`` as UTF-8 bytes,
    without quiet zone: True is dark."""
    barcode = zxingcpp.create_barcode(
        payload.encode("utf-8"), zxingcpp.BarcodeFormat.QRCode, ec_level="M"
    )
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    # one byte a module, 0 black; Image has the buffer protocol, its stub does not say so
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]
    return tuple(
        tuple(pixel == 0 for pixel in pixels[row : row + size])
        for row in range(0, len(pixels), size)
    )


def module_rects(
    matrix: tuple[tuple[bool, ...], ...], *, x: float, y: float, size: float
) -> list[Rect]:
    """The dark modules of ``matrix`` as rectangles filling a ``size``-point square whose
    bottom left is (``x``, ``y``): one rectangle per horizontal run of dark modules, so a
    code of 2,000 dark modules is a few hundred rectangles."""
    count = len(matrix)
    module = size / count
    rects: list[Rect] = []
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start: int | None = None
        for col, dark in enumerate((*row, False)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                rects.append((x + start * module, top, (col - start) * module, module))
                start = None
    return rects


def swiss_cross_rects(
    *, x: float, y: float, size: float
) -> tuple[list[Rect], list[Rect], list[Rect]]:
    """The Swiss cross over the centre of a ``size``-point code at (``x``, ``y``): white
    rectangles (the frame and the cross) and black ones (the square), to be drawn white
    frame, black square, white cross in that order."""
    side = size * SWISS_CROSS_SHARE
    left, bottom = x + (size - side) / 2, y + (size - side) / 2
    frame = side * 0.7 / 19.8  # the white frame: 0.7 of the standard's 19.8-unit drawing
    square: Rect = (left + frame, bottom + frame, side - 2 * frame, side - 2 * frame)
    bar_long, bar_short = side * 11 / 19.8, side * 3.3 / 19.8
    centre_x, centre_y = left + side / 2, bottom + side / 2
    cross: list[Rect] = [
        (centre_x - bar_short / 2, centre_y - bar_long / 2, bar_short, bar_long),
        (centre_x - bar_long / 2, centre_y - bar_short / 2, bar_long, bar_short),
    ]
    return [(left, bottom, side, side)], [square], cross
