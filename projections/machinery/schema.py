"""Bringing the read-model database to the current schema with Alembic."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from projections.machinery.engines import prepare_schema
from registry.settings import Settings

# Alembic reads the migration scripts as files (they import the read side, not the reverse):
# found as the `migrations` package's resources, not imported.
SCRIPTS = files("migrations")
MIGRATION_LOCK = 0x6C72_6D69  # "lrmi"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def upgrade(engine: Engine, settings: Settings, revision: str = "head") -> None:
    """Migrate the read models to `revision`; safe to run again."""
    prepare_schema(engine, settings)
    config = alembic_config()
    with engine.begin() as conn:
        if settings.is_postgres:
            # API replicas and workers may all migrate at start: one at a time.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
