# reportbot: two stages. The builder resolves the locked dependencies with uv; the runtime
# stage gets only the virtual environment (no uv, no compilers, no dev dependencies).
FROM python:3.11-slim AS builder

# UV_SYSTEM_CERTS: trust the image's CA store (as pip does), which also works behind a TLS proxy.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_SYSTEM_CERTS=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /src

# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
# huggingface-hub (and what only it needs) comes with `tokenizers` but is never imported: the
# model is package data. Left out, the image is 17 MB smaller and holds no model-hub client.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-editable --no-install-project \
        --no-install-package huggingface-hub --no-install-package hf-xet \
        --no-install-package fsspec --no-install-package httpx2 \
        --no-install-package click --no-install-package filelock

# Then the project itself, installed as a wheel (the bundled corpus is package data).
COPY README.md ./
COPY corpus ./corpus
COPY retrieval ./retrieval
COPY bot ./bot
RUN uv sync --locked --no-dev --no-editable \
        --no-install-package huggingface-hub --no-install-package hf-xet \
        --no-install-package fsspec --no-install-package httpx2 \
        --no-install-package click --no-install-package filelock


FROM python:3.11-slim

# A numeric, unprivileged user; /data is created and chowned here so that Docker copies the
# ownership into a fresh named volume (a root-owned volume would be unwritable for 10001).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin reportbot \
    && mkdir /data \
    && chown 10001:10001 /data

COPY --from=builder /app/.venv /app/.venv

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REPORTBOT_DB=/data/reportbot.sqlite3 \
    REPORTBOT_HEARTBEAT_FILE=/tmp/reportbot-heartbeat.json \
    ORT_DISABLE_TELEMETRY=1

VOLUME ["/data"]
WORKDIR /data
USER 10001

# The bot has no port to probe: `health` opens the database read-only, asks it a question and,
# while `run` is up, requires its heartbeat file to be under 60 s old and connected.
HEALTHCHECK --interval=30s --timeout=20s --start-period=90s --retries=3 \
    CMD ["reportbot", "health"]

ENTRYPOINT ["reportbot"]
CMD ["run"]
