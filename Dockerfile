# Leader Registry: one image for the API, the projection worker and the webhook dispatcher.
# Build stage: install the project and its dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md alembic.ini ./
COPY domain domain
COPY registry registry
COPY projections projections
COPY service service
COPY cli cli
COPY migrations migrations
# The same install command as `python3 dev.py` uses, without the dev extra.
RUN /opt/venv/bin/pip install .

# Runtime stage: the virtualenv only, run as an unprivileged user.
FROM python:3.11-slim AS runtime
RUN useradd --system --uid 10001 --home-dir /app registry && mkdir -p /app/data \
    && chown registry /app/data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 REGISTRY_HOST=0.0.0.0 REGISTRY_PORT=8000
WORKDIR /app
USER registry
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# Migrations run first (safe to repeat, serialised across replicas), then the API.
CMD ["sh", "-c", "leader-registry migrate && exec leader-registry serve"]
