"""Alembic environment for the read models (the event store's tables belong to eventsourcing)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from projections.machinery.engines import prepare_schema, sync_engine
from projections.tables import metadata
from registry.settings import Settings


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
elif context.is_offline_mode():
    context.configure(url=str(Settings().read_url(asynchronous=False)), target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    settings = Settings()
    engine = sync_engine(settings)
    prepare_schema(engine, settings)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
