"""Alembic migrations of the kinesense history, shipped inside the package."""
