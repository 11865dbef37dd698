# arbox image for docker-compose.yml: one image, one command per service.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc make libc6-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY parsers ./parsers
COPY matching ./matching
COPY ledger ./ledger
COPY outbound ./outbound
COPY worker ./worker
COPY review ./review
COPY fixtures ./fixtures
RUN pip install --no-cache-dir . && useradd --system --create-home arbox
USER arbox
WORKDIR /home/arbox
ENTRYPOINT ["arbox"]
CMD ["--help"]
