"""The models and the Alembic migrations describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.extensions import db

# The full-text index differs per database and is no mapped model (see migration 0003_search); on
# SQLite its FTS5 shadow tables (version_search_data, ...) share the prefix.
UNMAPPED_PREFIX = "version_search"


def include_name(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMAPPED_PREFIX))


def test_models_and_migrations_agree(app_context) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []
