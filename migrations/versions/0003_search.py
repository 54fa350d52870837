"""full-text search over published versions

SQLite: an FTS5 virtual table (rowid = version id; no stemming, umlauts folded), kept in step with
deleted versions by a trigger. PostgreSQL: a table with a generated tsvector (German stemming) and a
GIN index. The table is not a mapped model (its shape differs per database); tests/test_migrations.py
leaves it out of the model comparison.

Revision ID: 0003_search
Revises: 0002_documents
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_search"
down_revision = "0002_documents"
branch_labels = None
depends_on = None

# Title weighs more than the body when ranking.
SEARCH_VECTOR = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(content, '')), 'B')"
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE version_search USING fts5("
            "title, content, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # Versions are append-only; rows only disappear when whole databases are cleaned (tests).
        op.execute(
            "CREATE TRIGGER version_search_forget AFTER DELETE ON document_versions "
            "BEGIN DELETE FROM version_search WHERE rowid = old.id; END"
        )
    else:
        op.create_table(
            "version_search",
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("content", sa.Text(), nullable=False),
            sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(SEARCH_VECTOR, persisted=True)),
            sa.ForeignKeyConstraint(
                ["version_id"],
                ["document_versions.id"],
                name="fk_version_search_version_id_document_versions",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("version_id", name="pk_version_search"),
        )
        op.create_index(
            "ix_version_search_search_vector", "version_search", ["search_vector"], postgresql_using="gin"
        )
    _index_existing_versions(bind)


def _index_existing_versions(bind) -> None:
    """Versions published before this migration become searchable too."""
    from agreements.services.search import insert_statement, version_text

    versions = bind.execute(sa.text("SELECT id, title, preamble FROM document_versions")).all()
    for version_id, title, preamble in versions:
        sections = bind.execute(
            sa.text(
                "SELECT title, body, plain_language, indicators, budget_lines FROM version_sections "
                "WHERE version_id = :id ORDER BY position"
            ),
            {"id": version_id},
        ).all()
        search_title, content = version_text(title, preamble, [_section_row(row) for row in sections])
        bind.execute(insert_statement(bind.dialect.name), {"id": version_id, "title": search_title,
                                                           "content": content})


def _section_row(row) -> dict:
    import json

    def as_list(value):
        return json.loads(value) if isinstance(value, str) else (value or [])

    return {"title": row[0], "body": row[1], "plain_language": row[2],
            "indicators": as_list(row[3]), "budget_lines": as_list(row[4])}


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS version_search_forget")
        op.execute("DROP TABLE version_search")
    else:
        op.drop_index("ix_version_search_search_vector", table_name="version_search")
        op.drop_table("version_search")
