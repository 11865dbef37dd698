"""What kind of mail this is: bounce, auto-reply, bulk, remittance or other. Pure: no IO.

The automatic kinds are read from headers, following RFC 3834 (Auto-Submitted), RFC 3464
(multipart/report delivery status), RFC 2369/2919 (List-* headers) and the de-facto
``Precedence`` and ``X-Autoreply`` headers. Each :class:`~core.types.Classification` names
its evidence, e.g. ``"Auto-Submitted: auto-replied"``. :func:`is_no_reply_sender` says
when arbox must never send mail to an address at all.
"""

from __future__ import annotations

import re

from core.types import Classification, MailKind, ParsedEmail, Remittance

#: Subjects of delivery-failure notices (MTA wording varies; these cover Postfix, Exim,
#: Sendmail, Exchange and Gmail).
_FAILURE_SUBJECT_RE = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|failure|has failed|incomplete)"
    r"|failure notice|returned mail|mail delivery failed|could not be delivered"
    r"|non-?delivery|delivery failed|unzustellbar|nicht zustellbar",
    re.IGNORECASE,
)
_REPORT_TYPE_RE = re.compile(r"report-type\s*=\s*\"?([\w-]+)", re.IGNORECASE)
#: Subject prefixes of out-of-office and other automatic replies.
AUTO_REPLY_SUBJECT_PREFIXES: tuple[str, ...] = (
    "automatic reply:",
    "out of office",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
)
#: Headers of mailing lists (RFC 2369, RFC 2919).
LIST_HEADERS: tuple[str, ...] = (
    "List-Id",
    "List-Unsubscribe",
    "List-Post",
    "List-Help",
    "List-Subscribe",
    "List-Owner",
    "List-Archive",
)
#: Local parts that never read replies (RFC 3834 section 2 and common practice).
_NO_REPLY_RE = re.compile(r"no-?_?reply|do-?_?not-?_?reply|donotreply", re.IGNORECASE)
_DAEMON_LOCAL_PARTS = {
    "mailer-daemon": "mailer daemon",
    "postmaster": "postmaster",
    "listserv": "list server",
    "majordomo": "list server",
}


def classify_email(
    parsed: ParsedEmail, *, remittance: Remittance | None, own_address: str | None
) -> Classification:
    """The kind of ``parsed`` and the evidence, checked in the order bounce, auto-reply, bulk,
    remittance (``remittance`` has lines), other.

    Mail from ``own_address`` itself is an auto-reply: it is our own mail come back (a loop),
    never a customer's.
    """
    for kind, reason in (
        (MailKind.BOUNCE, _bounce_evidence(parsed)),
        (MailKind.AUTO_REPLY, _auto_reply_evidence(parsed, own_address=own_address)),
        (MailKind.BULK, _bulk_evidence(parsed)),
    ):
        if reason is not None:
            return Classification(kind=kind, reason=reason)
    if remittance is not None and remittance.lines:
        return Classification(
            kind=MailKind.REMITTANCE,
            reason=f"remittance advice with {len(remittance.lines)} line(s) ({remittance.source})",
        )
    return Classification(kind=MailKind.OTHER, reason="no remittance lines found")


def is_no_reply_sender(address: str | None, *, own_address: str | None) -> str | None:
    """Why arbox must never send an automatic reply to ``address``, or None when it may.

    Refused: no address, our own address, no-reply addresses, mailer daemons and postmasters,
    and list addresses (``owner-*``, ``*-request``) per RFC 3834 section 2.
    """
    if not address or not address.strip():
        return "no sender address"
    address = address.strip().lower()
    if own_address and address == own_address.strip().lower():
        return "our own address"
    local = address.rpartition("@")[0] or address
    base = local.split("+", 1)[0]
    if _NO_REPLY_RE.search(local):
        return f"no-reply address ({address})"
    if base in _DAEMON_LOCAL_PARTS:
        return f"{_DAEMON_LOCAL_PARTS[base]} address ({address})"
    if base.startswith("owner-") or base.endswith("-owner"):
        return f"list owner address ({address})"
    if base.endswith("-request"):
        return f"list request address ({address})"
    if base.startswith("bounce") or base.endswith("-bounces"):
        return f"bounce address ({address})"
    return None


def _bounce_evidence(parsed: ParsedEmail) -> str | None:
    if parsed.content_type == "multipart/report":
        report = _REPORT_TYPE_RE.search(parsed.header("Content-Type") or "")
        kind = f"; report-type={report.group(1).lower()}" if report else ""
        return f"Content-Type: multipart/report{kind}"
    if parsed.has_header("X-Failed-Recipients"):
        return f"X-Failed-Recipients: {parsed.header('X-Failed-Recipients')}"
    failure_subject = bool(_FAILURE_SUBJECT_RE.search(parsed.subject))
    local = (parsed.from_address or "").rpartition("@")[0] or (parsed.from_address or "")
    if failure_subject and local in ("mailer-daemon", "postmaster"):
        return f"From: {parsed.from_address} with subject {parsed.subject!r}"
    if failure_subject and (parsed.return_path or "").replace(" ", "") == "<>":
        return f"Return-Path: <> with subject {parsed.subject!r}"
    return None


def _auto_reply_evidence(parsed: ParsedEmail, *, own_address: str | None) -> str | None:
    auto_submitted = parsed.header("Auto-Submitted")
    if auto_submitted is not None and auto_submitted.strip().lower() not in ("", "no"):
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if parsed.has_header(name):
            return f"{name}: {parsed.header(name)}"
    precedence = (parsed.header("Precedence") or "").strip().lower()
    if precedence == "auto_reply":
        return f"Precedence: {precedence}"
    subject = parsed.subject.strip().lower()
    for prefix in AUTO_REPLY_SUBJECT_PREFIXES:
        if subject.startswith(prefix):
            return f"Subject: {parsed.subject}"
    if own_address and parsed.from_address == own_address.strip().lower():
        return f"From: our own address {parsed.from_address} (mail loop)"
    return None


def _bulk_evidence(parsed: ParsedEmail) -> str | None:
    precedence = (parsed.header("Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"Precedence: {precedence}"
    for name in LIST_HEADERS:
        if parsed.has_header(name):
            return f"{name}: {parsed.header(name)}"
    return None
