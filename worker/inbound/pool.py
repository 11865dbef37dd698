"""Reading a mail (MIME, attachments, PDFs) in a child process with CPU, wall-time and memory
limits, so a hostile attachment cannot take the worker down.

pdfminer inflates streams with no cap (a 195 KB PDF reached 416 MB) and a long call into zlib
holds the GIL, starving Dramatiq's heartbeats. Here each read runs in a child process forked
from a forkserver that already imported the parsers; the child has an address-space limit
(``RLIMIT_AS``), a CPU limit per read (``RLIMIT_CPU``), and the parent kills it after a wall
time. One child serves one caller at a time and is reused, so the cost per mail is a pickle
round trip, not an interpreter start. A child that hits a limit or dies is replaced.

:func:`read_mail` is the same work in-process, for callers that need no isolation.

As with any multiprocessing start method but fork, a script that reads mail through this module
must guard its entry point with ``if __name__ == "__main__":`` (console scripts, pytest and
``python -c`` are fine).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.errors import ARError, PermanentError
from core.types import Classification, ParsedEmail, PdfReader
from parsers.classify import classify_email
from parsers.mime import MAX_ATTACHMENT_BYTES, MAX_DEPTH, MAX_PARTS, parse_email
from parsers.remittance import Extraction, OcrRun, extract_remittance
from parsers.remittance_ocr import OcrOptions


class MailRejectedByLimitError(PermanentError):
    """The mail broke a parsing limit; the message says which. Quarantine, do not retry."""


class ParserCrashedError(ARError):
    """The child process died while reading the mail (retried; counted as an attempt)."""


class ParseTimeoutError(ARError):
    """Reading the mail took longer than the wall-time limit (retried; counted as an
    attempt). Not permanent: on a busy machine wall time runs out while the child waits for
    a core; a mail that really spins is stopped by the CPU limit, and one that times out on
    every attempt is quarantined after them with this reason."""


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """How much reading one mail may take, and how its PDFs are read."""

    timeout_seconds: float = 8.0
    memory_mb: int = 1024
    max_parts: int = MAX_PARTS
    max_depth: int = MAX_DEPTH
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES
    pdf_reader: PdfReader = PdfReader.FAST
    #: Scans are read by OCR (in a parse child only), with these options; None: off.
    ocr: OcrOptions | None = None

    def timeout_for(self, raw: bytes) -> float:
        """The wall time reading ``raw`` may take: with OCR's own time on top when OCR is
        on and the mail may carry a scan (:func:`may_need_ocr`)."""
        if self.ocr is None or not may_need_ocr(raw):
            return self.timeout_seconds
        return self.timeout_seconds + self.ocr.timeout_seconds


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR options of ``settings`` (``ARBOX_OCR_*``)."""
    return OcrOptions(
        languages=settings.ocr_languages,
        tessdata=str(settings.ocr_tessdata),
        timeout_seconds=settings.ocr_timeout_seconds,
        max_pages=settings.ocr_max_pages,
        max_pixels=settings.ocr_max_pixels,
        dpi=settings.ocr_dpi,
    )


#: A MIME header or file name that may announce a scan: an image, a PDF (it may have no text
#: layer), or bytes of unknown type (read by their first bytes).
_SCAN_HINT_RE = re.compile(
    rb"content-type:\s*(?:image/|application/(?:pdf|x-pdf|acrobat|octet-stream))"
    rb"|\.(?:pdf|png|jpe?g|tiff?|hei[cf]|hif)\b",
    re.IGNORECASE,
)


def may_need_ocr(raw: bytes) -> bool:
    """Whether the raw mail may carry a scan for OCR (a cheap look at its bytes: the
    parent decides the wall time before the child parses anything)."""
    return _SCAN_HINT_RE.search(raw) is not None


@dataclass(frozen=True, slots=True)
class ReadMail:
    """What arbox reads from one raw mail."""

    parsed: ParsedEmail
    extraction: Extraction
    classification: Classification


def read_mail(
    raw: bytes,
    *,
    own_address: str | None,
    limits: ParseLimits,
    on_ocr: Callable[[], None] | None = None,
) -> ReadMail:
    """Parse, extract the remittance and classify, in this process (OCR only when
    ``limits.ocr`` is set: the parse child's ``on_ocr`` raises its CPU limit first).

    Raises:
        MailRejectedByLimitError: the mail breaks a MIME limit (parts, nesting, attachment).
    """
    parsed = parse_email(
        raw,
        max_parts=limits.max_parts,
        max_depth=limits.max_depth,
        max_attachment_bytes=limits.max_attachment_bytes,
    )
    if parsed.limit_exceeded is not None:
        raise MailRejectedByLimitError(parsed.limit_exceeded)
    ocr = OcrRun(limits.ocr, on_start=on_ocr) if limits.ocr is not None else None
    extraction = extract_remittance(parsed, pdf_reader=limits.pdf_reader, ocr=ocr)
    classification = classify_email(
        parsed,
        remittance=extraction.remittance,
        own_address=own_address,
        problems=extraction.problems,
    )
    return ReadMail(parsed=parsed, extraction=extraction, classification=classification)


# --- the child side -----------------------------------------------------------------------------

#: What a child sends back: ("ok", ReadMail) or (kind, message) with kind "limit",
#: "permanent", "memory" or "error". Exceptions are flattened: custom ones may not unpickle.
_Result = tuple[str, object]


#: How long a new parser process may take to start (not counted in a read's time limit).
CHILD_START_TIMEOUT_SECONDS = 60.0


def _ready() -> bool:
    """A child's first task: proves it started (see :meth:`_Child.start`)."""
    return True


def _init_child(memory_mb: int, owner_pid: int) -> None:
    """Initializer of a child: cap its address space, and exit when the process that uses it
    is gone (a SIGKILLed worker leaves no parser behind: the child's parent is the
    forkserver, so neither getppid() nor PR_SET_PDEATHSIG would tell)."""
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_exit_with, args=(owner_pid,), daemon=True).start()


def _exit_with(owner_pid: int) -> None:
    while True:
        time.sleep(1.0)
        if not _alive(owner_pid):
            os._exit(0)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie (killed, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return stat.rpartition(")")[2].split()[0] not in {"Z", "X"}


def _read_in_child(raw: bytes, own_address: str | None, limits: ParseLimits) -> _Result:
    # The CPU limit counts the child's whole life: allow this read its own share on top.
    # With OCR on, the hard limit leaves room for OCR's time, and the soft limit is raised
    # to it only when a scan is recognised (_grant_ocr_cpu): a mail without one keeps the
    # limit of any mail.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime)
    budget = used + int(limits.timeout_seconds) + 2
    extra = int(limits.ocr.timeout_seconds) if limits.ocr is not None else 0
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (budget, budget + extra + 5))
    try:
        return ("ok", read_mail(raw, own_address=own_address, limits=limits, on_ocr=_grant_ocr_cpu))
    except MailRejectedByLimitError as e:
        return ("limit", str(e))
    except PermanentError as e:
        return ("permanent", f"{type(e).__name__}: {e}")
    except MemoryError:
        return ("memory", "")
    except Exception as e:  # reported to the parent, which decides
        return ("error", f"{type(e).__name__}: {e}")


def _grant_ocr_cpu() -> None:
    """Raise this child's soft CPU limit to its hard one: OCR's share of the read."""
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


# --- the parent side ----------------------------------------------------------------------------


class _Child:
    """One single-process executor: one read at a time, killed on timeout."""

    def __init__(self, limits: ParseLimits) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["worker.inbound.pool"])
        self.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_init_child,
            initargs=(limits.memory_mb, os.getpid()),
        )

    def start(self, timeout: float) -> None:
        """Start the child process and wait until it answers, so that a read's time limit
        counts the read alone, not the process start (seconds on a loaded machine with many
        children starting at once: counted, they turned a cold start into a timeout, and each
        timeout's replacement child into the next one).

        Raises:
            ParserCrashedError: the child did not start within ``timeout`` seconds.
        """
        try:
            self.executor.submit(_ready).result(timeout=timeout)
        except (FutureTimeout, BrokenProcessPool):
            self.kill()
            raise ParserCrashedError(
                f"the parser process did not start within {timeout:g} s"
            ) from None

    def submit(self, raw: bytes, own_address: str | None, limits: ParseLimits) -> Future[_Result]:
        return self.executor.submit(_read_in_child, raw, own_address, limits)

    def kill(self) -> None:
        processes = list(getattr(self.executor, "_processes", {}).values())
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)


class IsolatedReader:
    """Reads mail in child processes with :class:`ParseLimits`; thread-safe.

    Up to ``size`` reads run at once (one per child); further callers wait for a free child.
    """

    def __init__(self, limits: ParseLimits, *, size: int = 4) -> None:
        self.limits = limits
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._all: set[_Child] = set()

    def read(self, raw: bytes, *, own_address: str | None) -> ReadMail:
        """Read ``raw`` in a child process.

        Raises:
            MailRejectedByLimitError: a MIME limit or the memory limit was hit.
            ParseTimeoutError: the wall-time limit was hit (try again).
            PermanentError: the mail cannot be read (the reason says why).
            ParserCrashedError: the child died for another reason (try again).
        """
        with self._slots:
            child = self._checkout()
            future = child.submit(raw, own_address, self.limits)
            timeout = self.limits.timeout_for(raw)
            try:
                kind, value = future.result(timeout=timeout)
            except FutureTimeout:
                self._discard(child)
                raise ParseTimeoutError(
                    f"reading the mail took longer than {timeout:g} s"
                ) from None
            except BrokenProcessPool:
                self._discard(child)
                raise ParserCrashedError(
                    "the parser process died (memory limit of "
                    f"{self.limits.memory_mb} MiB or CPU limit hit, or a crash)"
                ) from None
            if kind == "memory":  # the child may be in a bad way after a failed allocation
                self._discard(child)
            else:
                self._idle.put(child)
        if kind == "ok":
            assert isinstance(value, ReadMail)
            return value
        if kind == "limit":
            raise MailRejectedByLimitError(str(value))
        if kind == "memory":
            raise MailRejectedByLimitError(
                f"reading the mail needed more than the {self.limits.memory_mb} MiB memory limit"
            )
        if kind == "permanent":
            raise PermanentError(str(value))
        raise RuntimeError(f"parser failed: {value}")

    def _checkout(self) -> _Child:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            child = _Child(self.limits)
            child.start(CHILD_START_TIMEOUT_SECONDS)
            with self._lock:
                self._all.add(child)
            return child

    def _discard(self, child: _Child) -> None:
        with self._lock:
            self._all.discard(child)
        child.kill()

    def close(self) -> None:
        """Stop every child."""
        with self._lock:
            children, self._all = list(self._all), set()
        for child in children:
            child.kill()
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break


_readers: dict[tuple[ParseLimits, int], IsolatedReader] = {}
_readers_lock = threading.Lock()


def shared_reader(limits: ParseLimits, *, size: int = 4) -> IsolatedReader:
    """The process-wide reader for ``limits`` (children are kept between mails)."""
    with _readers_lock:
        reader = _readers.get((limits, size))
        if reader is None:
            reader = _readers[(limits, size)] = IsolatedReader(limits, size=size)
        return reader
