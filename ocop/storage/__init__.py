"""The application database: engine and sessions (``db``), tables (``models``),
Alembic migrations (``migrations/``), run automatically at start-up."""
