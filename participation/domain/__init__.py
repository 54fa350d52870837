"""Pure domain code of participation (no Flask, no SQLAlchemy)."""
