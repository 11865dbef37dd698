"""Formulas without a value in an XLSX workbook. Pure: no IO.

A workbook keeps, next to each formula, the value it last computed (``<c r="B2"><f>SUM(A2)
</f><v>100.5</v></c>``); arbox reads that cached value (openpyxl ``data_only=True``). A file
written by a program that does not compute (openpyxl, many exporters) has formulas and no
values: openpyxl then reads an empty cell, and an import would say "amount is empty" about a
cell the user sees filled. :func:`formulas_without_value` finds those cells so the file is
refused with the reason and the cell instead.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

#: What a refusal says (the cells follow).
FORMULA_WITHOUT_VALUE = "formula without a value: open and save the file in Excel"
#: Cells named in a refusal at most.
MAX_CELLS_NAMED = 3

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A formula element, with or without a namespace prefix (``<f>``, ``<x:f>``).
_FORMULA_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CHUNK = 1 << 20


class WorkbookShapeError(ValueError):
    """The workbook's parts do not say where its sheets are."""


def formulas_without_value(data: bytes, *, max_sheets: int) -> list[str]:
    """The cells (``'Sheet name'!B2``) of the first ``max_sheets`` sheets that hold a formula
    and no cached value. A formula whose cached value is an empty string (``t="str"``,
    ``<v></v>``) has one.

    Raises:
        WorkbookShapeError, zipfile.BadZipFile, KeyError: the archive's parts are damaged.
    """
    cells: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for title, path in _sheet_paths(archive)[:max_sheets]:
            if not _has_formula_tag(archive, path):
                continue
            with archive.open(path) as part:
                cells.extend(f"{_quoted(title)}!{ref}" for ref in _empty_formula_cells(part))
    return cells


def describe_cells(cells: list[str]) -> str:
    """``"formula without a value: … (cell 'Sheet'!B2, 'Sheet'!B3 and 4 more)"``."""
    shown = ", ".join(cells[:MAX_CELLS_NAMED])
    more = f" and {len(cells) - MAX_CELLS_NAMED} more" if len(cells) > MAX_CELLS_NAMED else ""
    word = "cell" if len(cells) == 1 else "cells"
    return f"{FORMULA_WITHOUT_VALUE} ({word} {shown}{more})"


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, member path) of each worksheet, in the workbook's order."""
    try:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (ParseError, DefusedXmlException) as e:
        raise WorkbookShapeError(f"damaged workbook part ({e})") from e
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    paths: list[tuple[str, str]] = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"))
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        paths.append((sheet.get("name", ""), posixpath.normpath(path)))
    return paths


def _has_formula_tag(archive: zipfile.ZipFile, path: str) -> bool:
    """Whether the part has a formula at all: a quick byte scan, so a sheet without
    formulas (most ledger exports) costs no XML parse."""
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(_CHUNK):
            if _FORMULA_TAG_RE.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _empty_formula_cells(part: IO[bytes]) -> Iterator[str]:
    try:
        for _event, element in iterparse(part, events=("end",)):
            if element.tag == f"{_MAIN}c":
                if _is_empty_formula(element):
                    yield element.get("r", "?")
                element.clear()
    except (ParseError, DefusedXmlException) as e:
        raise WorkbookShapeError(f"damaged sheet ({e})") from e


def _is_empty_formula(cell: Element) -> bool:
    if cell.find(f"{_MAIN}f") is None:
        return False
    value = cell.find(f"{_MAIN}v")
    if value is None:
        return True
    return not value.text and cell.get("t") != "str"


def _quoted(title: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it has spaces or
    punctuation (``'Open items'!B2``)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"
