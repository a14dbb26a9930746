"""The application database: ``Database`` (``db``), tables (``models``), Alembic
migrations (``migrations/``, run at start-up and by ``ocop db upgrade``), and
one module per aggregate that persists it and returns plain data."""
