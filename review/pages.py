"""A PDF attachment's pages as PNG images for the item page, rendered with pypdfium2; an
image attachment (a scan or a photo: PNG, JPEG, TIFF with its frames, HEIC) the same way, with
Pillow (and pillow-heif), its pixel count checked before it is decoded.

Rendering an untrusted PDF happens in a child process (``python -m review.pages``) with an
address-space and CPU limit and a wall-time timeout: PDFium is not thread-safe, and a hostile
file must not take the web app down with it. At most ``max_pages`` pages are rendered, each
scaled so that it has at most ``max_pixels`` pixels. The result is cached by the PDF's SHA-256
under ``<ARBOX_DATA_DIR>/pages/``: page ``n`` is ``<sha>/<n>.png`` and ``<sha>/meta.json`` says
how many pages there are or why none could be rendered (an encrypted or broken file gives
``Rendered.reason``, shown as "cannot render: <reason>", never an error page). A timeout is not
cached: on a busy machine the next view may succeed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

#: One render at a time per process: the web app's threads queue here, not in PDFium.
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageLimits:
    """How much rendering one PDF may take."""

    max_pages: int = 10
    max_pixels: int = 2_000_000
    timeout_seconds: float = 20.0
    memory_mb: int = 768
    #: Largest scale (72 dpi = 1): 2 is about 144 dpi, sharp enough to read amounts.
    max_scale: float = 2.0


@dataclass(frozen=True, slots=True)
class Rendered:
    """The pages of one PDF: ``pages`` PNG files (page 1 first), ``total`` pages in the file,
    or a ``reason`` why nothing could be rendered."""

    sha256: str
    pages: tuple[Path, ...]
    total: int
    reason: str | None = None


def render_pdf(
    data: bytes, *, cache_dir: Path, limits: PageLimits | None = None, image: bool = False
) -> Rendered:
    """The pages of the PDF ``data`` (with ``image``: of the image file ``data``, one page
    a frame) as PNG files under ``cache_dir`` (rendered once)."""
    limits = limits or PageLimits()
    digest = hashlib.sha256(data).hexdigest()
    target = cache_dir / digest
    cached = _read_meta(target, digest)
    if cached is not None:
        return cached
    with _LOCK:
        cached = _read_meta(target, digest)
        if cached is not None:
            return cached
        return _render(data, digest, target, limits, image=image)


def _read_meta(target: Path, digest: str) -> Rendered | None:
    try:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("reason"):
        return Rendered(digest, (), 0, str(meta["reason"]))
    pages = tuple(target / f"{n}.png" for n in range(1, int(meta["rendered"]) + 1))
    if not all(p.is_file() for p in pages):
        return None
    return Rendered(digest, pages, int(meta["total"]))


def _render(data: bytes, digest: str, target: Path, limits: PageLimits, *, image: bool) -> Rendered:
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=target.parent))
    (work / "in.pdf").write_bytes(data)
    args = [str(work), str(limits.max_pages), str(limits.max_pixels), str(limits.max_scale)]
    args += ["image"] if image else []
    try:
        done = subprocess.run(  # our own interpreter and module, no shell
            [sys.executable, "-m", "review.pages", *args],
            capture_output=True,
            timeout=limits.timeout_seconds,
            preexec_fn=_limit(limits.memory_mb, int(limits.timeout_seconds) + 1),
            check=False,
            env={**os.environ, "PYTHONPATH": _own_path()},
        )
    except subprocess.TimeoutExpired:
        _remove(work)
        return Rendered(digest, (), 0, f"took longer than {limits.timeout_seconds:g} s")
    (work / "in.pdf").unlink(missing_ok=True)
    if done.returncode != 0 or not (work / "meta.json").is_file():
        why = "the renderer ran out of memory or crashed"
        (work / "meta.json").write_text(json.dumps({"reason": why}), encoding="utf-8")
    try:
        work.rename(target)
    except OSError:  # another process rendered it meanwhile
        _remove(work)
    found = _read_meta(target, digest)
    return found or Rendered(digest, (), 0, "the rendered pages could not be read")


def _own_path() -> str:
    """The interpreter path of this process, so the child imports the same ``review``."""
    root = str(Path(__file__).resolve().parents[1])
    rest = os.environ.get("PYTHONPATH", "")
    return f"{root}{os.pathsep}{rest}" if rest else root


def _limit(memory_mb: int, cpu_seconds: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    return apply


def _remove(work: Path) -> None:
    for child in work.iterdir():
        child.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        work.rmdir()


#: An image with more pixels than this is refused before it is decoded (a decompression bomb:
#: a few KB of PNG can claim 100,000 × 100,000 pixels).
MAX_IMAGE_PIXELS = 60_000_000


def _image_child(work: Path, max_pages: int, max_pixels: int) -> dict[str, object]:
    """Render the frames of the image ``work/in.pdf`` (the name is the same for both kinds)."""
    from PIL import Image, ImageSequence
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS // 2  # Pillow refuses at twice this
    rendered = 0
    try:
        with Image.open(work / "in.pdf") as img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                return {"reason": _too_many(f"{width} × {height}")}
            for frame in ImageSequence.Iterator(img):
                if rendered >= max_pages:
                    break
                page = frame.convert("RGB")
                scale = min(1.0, (max_pixels / max(page.width * page.height, 1)) ** 0.5)
                if scale < 1.0:
                    size = (max(1, int(page.width * scale)), max(1, int(page.height * scale)))
                    page = page.resize(size)
                page.save(work / f"{rendered + 1}.png", format="PNG")
                rendered += 1
            total = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError:
        return {"reason": _too_many(f"more than {MAX_IMAGE_PIXELS:,}")}
    except Exception as e:  # the child's boundary: any failure is the reason
        if rendered == 0:
            return {"reason": f"not a readable image: {e}"[:300]}
        total = rendered
    return {"total": max(total, rendered), "rendered": rendered}


def _too_many(claim: str) -> str:
    return f"the image claims {claim} pixels (too many: a decompression bomb?)"


def _child(work: Path, max_pages: int, max_pixels: int, max_scale: float) -> None:
    """Render ``work/in.pdf`` to ``work/<n>.png`` and write ``work/meta.json``."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # only the child loads PDFium

    meta: dict[str, object]
    try:
        pdf = pdfium.PdfDocument(str(work / "in.pdf"))
    except Exception as e:  # the child's boundary: any failure is the reason
        text = str(e).lower()
        reason = "it is encrypted (a password is needed)" if "password" in text else str(e)
        meta = {"reason": reason[:300] or "not a readable PDF"}
    else:
        total = len(pdf)
        rendered = 0
        broken: str | None = None
        try:
            for index in range(min(total, max_pages)):
                page = pdf[index]
                width, height = page.get_size()
                scale = min(max_scale, (max_pixels / max(width * height, 1.0)) ** 0.5)
                while math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:
                    scale *= 0.99  # PDFium rounds the bitmap's sides up
                bitmap = page.render(scale=scale)
                bitmap.to_pil().save(work / f"{index + 1}.png", format="PNG")
                bitmap.close()
                page.close()
                rendered += 1
        except Exception as e:  # the child's boundary: the pages so far count
            broken = f"page {rendered + 1} is broken: {e}"[:300]
        pdf.close()
        if total == 0:
            meta = {"reason": "the file has no pages"}
        elif rendered == 0:
            meta = {"reason": broken or "no page could be rendered"}
        else:
            meta = {"total": total if broken is None else rendered, "rendered": rendered}
    (work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[5:] == ["image"]:
        found = _image_child(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
        (Path(sys.argv[1]) / "meta.json").write_text(json.dumps(found), encoding="utf-8")
    else:
        _child(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
