"""Persistence with SQLAlchemy Core: SQLite embedded, PostgreSQL for several nodes."""
