"""Alembic environment, run by :func:`kinesense.store.engine.migrate` on an open connection
(online), or with ``sqlalchemy.url`` set and ``sql=True`` to print the SQL for a database one
cannot reach (offline, e.g. for a PostgreSQL administrator)."""

from alembic import context

from kinesense.store.models import Base

if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
else:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
with context.begin_transaction():
    context.run_migrations()
