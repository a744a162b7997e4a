"""Configuration: one pydantic-settings class, read from REGISTRY_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

from domain.limits import MAX_DESK_DAYS
from registry.signed_notes import NoteError, Signer
from registry.webhook_signing import WebhookKey


@lru_cache(maxsize=64)
def backend_name(url: str) -> str:
    """The database backend a URL names (parsed once: some requests ask on every call)."""
    return make_url(url).get_backend_name()


class Settings(BaseSettings):
    """Everything the service can be configured with."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///data/registry.sqlite3",
        description="Event store. sqlite:///PATH (embedded) or postgresql://USER@HOST:PORT/DB.",
    )
    read_schema: str = Field(
        default="registry_read",
        description="PostgreSQL schema holding the read models (ignored on SQLite).",
    )
    create_event_tables: bool = Field(
        default=True,
        description="Create the event store's tables at start-up (false: `migrate` made them).",
    )
    public_url: str = Field(
        default="",
        pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$",
        description="The website's public base URL (e.g. https://leaders.example.org), which "
        "links printed on paper (a leader page's QR code) use; empty: the request's own.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    run_projections: bool = Field(
        default=True, description="Run the projection follower inside the API process."
    )
    worker_metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="`leader-registry project` serves its counters at http://HOST:PORT/metrics "
        "(0: not served).",
    )
    poll_interval: float = Field(default=0.5, gt=0, description="Projection poll, seconds.")
    sweep_interval: float = Field(default=60.0, gt=0, description="Expiry sweep, seconds.")
    ready_max_lag_events: int = Field(
        default=10_000, ge=0, description="/readyz fails when a projection is further behind."
    )
    ready_max_lag_seconds: float = Field(
        default=60.0, ge=0, description="/readyz fails when the oldest unprojected event is older."
    )
    commit_batch: int = Field(
        default=100,
        ge=1,
        description="Most commands whose events share one append transaction (1: no batching).",
    )
    aggregate_cache: int = Field(
        default=4096,
        ge=0,
        description="Aggregates each process keeps in memory, brought up to date from the "
        "store on every load (0: no cache).",
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's native OpenTelemetry traces, metrics and logs (global providers).",
    )
    consistency_timeout: float = Field(
        default=10.0, ge=0, description="How long a write waits for the read models."
    )
    read_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="Memory for cached public read answers, per API process (0: no cache).",
    )
    read_cache_entry_bytes: int = Field(
        default=1024 * 1024, ge=0, description="Largest read answer the cache keeps."
    )
    hsts: bool = Field(
        default=False,
        description="Send Strict-Transport-Security (only when clients reach us over HTTPS).",
    )
    cors_write_origins: str = Field(
        default="",
        description="Comma-separated browser origins allowed to write cross-origin.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=0, description="Largest request body accepted (413 beyond)."
    )
    write_rate: float = Field(
        default=20.0, gt=0, description="Writes a second each credential may sustain (429 beyond)."
    )
    write_burst: int = Field(
        default=40,
        ge=1,
        description="Writes a credential may make at once before the rate applies.",
    )
    report_limit_per_address: int = Field(
        default=10,
        ge=1,
        description="Public reports one client address may file an hour (429 beyond).",
    )
    report_limit_per_target: int = Field(
        default=30,
        ge=1,
        description="Public reports about one leader or enterprise an hour, from anyone.",
    )
    report_duplicate_window_hours: float = Field(
        default=24.0,
        ge=0,
        le=MAX_DESK_DAYS * 24,  # beyond it the window's start is no date
        description="A report saying the same about the same target within this many hours "
        "of the first is folded into it.",
    )
    report_retention_days: float = Field(
        default=365.0,
        gt=0,
        le=MAX_DESK_DAYS,  # beyond it the retention's cut-off is no date
        description="Days a report's personal data is kept before its key is destroyed.",
    )

    desk_overdue_days: int = Field(
        default=30,
        ge=1,
        le=MAX_DESK_DAYS,
        description="Days after which an open complaint is flagged overdue on the desk.",
    )
    feed_page_size: int = Field(
        default=50,
        ge=1,
        le=1000,
        description="Notices in an Atom feed's document and in each of its archive pages; "
        "changing it renames the archive pages (readers walk them again).",
    )

    audit_signing_key: SecretStr = Field(
        default=SecretStr(""),
        description="Ed25519 key that signs checkpoints: PRIVATE+KEY+NAME+HASH+KEY (keys create).",
    )
    audit_signing_key_file: str = Field(
        default="", description="A file holding the signing key (instead of the variable)."
    )
    audit_checkpoint_interval: float = Field(
        default=300.0, ge=0, description="Seconds between signed checkpoints (0: on demand only)."
    )

    webhook_signing_key: SecretStr = Field(
        default=SecretStr(""),
        description="Ed25519 key (whsk_ + base64 seed: `leader-registry webhooks key`) that "
        "signs webhook deliveries (v1a) beside each subscription's HMAC (v1); empty: v1 only.",
    )
    webhook_allow_http: bool = Field(
        default=False, description="Accept http:// webhook endpoints (tests, closed networks)."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Accept webhook endpoints on private, loopback, link-local or other "
        "internal addresses (tests, closed networks).",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=60, description="Seconds a webhook endpoint has to answer."
    )
    webhook_concurrency: int = Field(
        default=64, ge=1, le=10_000, description="Deliveries the dispatcher makes at once."
    )
    run_webhooks: bool = Field(
        default=True,
        description="Run the webhook dispatcher inside the API process on SQLite (on "
        "PostgreSQL it is its own process: `leader-registry webhooks`).",
    )
    stream_keepalive: float = Field(
        default=15.0, gt=0, description="Seconds between keep-alive comments on an event stream."
    )
    stream_poll_interval: float = Field(
        default=0.5,
        gt=0,
        description="Longest wait, in seconds, before the event stream looks for new events "
        "unwoken (it is woken when this process learns the read models moved).",
    )
    stream_linger: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Shortest time, in seconds, between two reads of new events by an API "
        "process's event stream: what is recorded meanwhile goes to each subscriber as one "
        "write (at most this much later, for far fewer writes when events come fast).",
    )
    shutdown_grace: int = Field(
        default=5,
        ge=0,
        description="Seconds open requests (event streams among them) get to finish when "
        "`serve` stops; then they are ended (a stream's client resumes with Last-Event-ID).",
    )
    stream_max_seconds: float = Field(
        default=0,
        ge=0,
        description="Seconds after which a live event stream ends, so that long-lived "
        "connections move between replicas (clients resume with Last-Event-ID; 0: never).",
    )
    stream_queue: int = Field(
        default=1000,
        ge=1,
        description="Events a stream subscriber may fall behind by before it is cut off.",
    )

    def audit_signer(self) -> Signer | None:
        """The configured checkpoint signing key, if any (NoteError if it is malformed)."""
        key: SecretStr | str = self.audit_signing_key  # a str if set by model_copy
        skey = key.get_secret_value() if isinstance(key, SecretStr) else key
        if not skey and self.audit_signing_key_file:
            try:
                skey = Path(self.audit_signing_key_file).read_text(encoding="utf-8")
            except OSError as error:
                raise NoteError(f"cannot read the signing key file: {error.strerror}") from None
        return Signer.from_skey(skey) if skey.strip() else None

    def webhook_key(self) -> WebhookKey | None:
        """The configured webhook signing key, if any (WebhookKeyError if malformed)."""
        key: SecretStr | str = self.webhook_signing_key  # a str if set by model_copy
        text = key.get_secret_value() if isinstance(key, SecretStr) else key
        return WebhookKey.parse(text.strip()) if text.strip() else None

    @property
    def write_origins(self) -> list[str]:
        """`cors_write_origins` as a list (blanks and trailing slashes dropped)."""
        return [o.strip().rstrip("/") for o in self.cors_write_origins.split(",") if o.strip()]

    @property
    def is_postgres(self) -> bool:
        return backend_name(self.database_url) == "postgresql"

    def event_store_env(self) -> dict[str, str]:
        """The `eventsourcing` persistence environment for the event store."""
        return {**self._persistence_env(), **self._cache_env()}

    def _cache_env(self) -> dict[str, str]:
        # A cached aggregate is fast-forwarded with the events stored after its version on
        # every load, so processes sharing the store never act on stale state; commands get
        # a copy, so a command that fails leaves the cached aggregate as it was.
        if not self.aggregate_cache:
            return {}
        return {
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache),
            "AGGREGATE_CACHE_FASTFORWARD": "y",
        }

    def _persistence_env(self) -> dict[str, str]:
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "data/registry.sqlite3")
            path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30",
                "CREATE_TABLE": "y" if self.create_event_tables else "n",
            }
        if url.get_backend_name() == "postgresql":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                # Sends a large append in full before waiting for it (registry/pg_recorder.py).
                "APPLICATION_RECORDER_TOPIC": "registry.pg_recorder:PostgresRecorder",
                "POSTGRES_DBNAME": url.database or "postgres",
                "POSTGRES_HOST": url.host or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": url.username or "postgres",
                "POSTGRES_PASSWORD": url.password or "",
                "POSTGRES_POOL_SIZE": "10",
                "POSTGRES_LOCK_TIMEOUT": "5",
                "CREATE_TABLE": "y" if self.create_event_tables else "n",
            }
        msg = f"unsupported database URL scheme: {url.drivername}"
        raise ValueError(msg)

    def read_url(self, *, asynchronous: bool) -> URL:
        """SQLAlchemy URL of the read-model database (sync for writers, async for queries)."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            # Read models live beside the event store, in their own file, so the
            # projection writer never waits on the event store's write lock.
            path = Path(url.database or "data/registry.sqlite3")
            read_path = path.with_name(path.stem + ".read" + path.suffix)
            driver = "sqlite+aiosqlite" if asynchronous else "sqlite+pysqlite"
            return URL.create(driver, database=str(read_path))
        driver = "postgresql+asyncpg" if asynchronous else "postgresql+psycopg"
        return url.set(drivername=driver)
