"""Alembic owns the read models: upgrade, downgrade, upgrade again, and no drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.tables import metadata
from registry.settings import Settings


def table_names(settings: Settings) -> set[str]:
    engine = sync_engine(settings)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_no_drift(empty_store: Settings) -> None:
    engine = sync_engine(empty_store)
    schema.upgrade(engine, empty_store)
    schema.upgrade(engine, empty_store)  # safe to run twice
    assert schema.current_revision(engine) == schema.head_revision()
    assert table_names(empty_store) == set(metadata.tables)

    schema.downgrade(engine, "base")
    assert schema.current_revision(engine) is None
    assert table_names(empty_store) == set()

    schema.upgrade(engine, empty_store)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()
