# arbox image for deploy/compose.yaml: one image, one command per service (ENTRYPOINT arbox).
# Two stages: the first builds arbox and its dependencies into a virtualenv (with a compiler,
# for any dependency without a wheel for this platform); the second is a clean slim image that
# gets only that virtualenv: no gcc, make or headers.

FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc make libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/arbox
ENV PATH=/opt/arbox/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY core ./core
COPY parsers ./parsers
COPY matching ./matching
COPY ledger ./ledger
COPY outbound ./outbound
COPY worker ./worker
COPY review ./review
RUN pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/arbox/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ARBOX_DATA_DIR=/var/lib/arbox
COPY --from=build /opt/arbox /opt/arbox
# The fonts every PDF is drawn in (outbound/font_files.py finds them at run time): DejaVu Sans
# for Latin, Greek, Cyrillic, Hebrew and Arabic, Droid Sans Fallback for Chinese and Japanese.
# Tesseract's language data for OCR of scans (ARBOX_OCR_TESSDATA finds it in
# /usr/share/tesseract-ocr/5/tessdata; the recogniser itself comes with the tesserocr wheel).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-droid-fallback \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa \
        tesseract-ocr-nld tesseract-ocr-ita tesseract-ocr-osd \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid, so the operator can chown volumes and secret files to it; the data directory
# exists (owned by arbox) before a volume is mounted there, so the volume inherits it.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/arbox --create-home arbox
USER arbox
WORKDIR /var/lib/arbox
ENTRYPOINT ["arbox"]
CMD ["--help"]
