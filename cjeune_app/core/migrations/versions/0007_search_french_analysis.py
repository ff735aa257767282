"""search index: French analysis (Snowball stems are indexed beside the words)

The index's text is derived data: this rebuilds it with `reindex_all`, which now writes each
word and its stem. Nothing changes in the tables. Whenever the analysis changes again
(`core/search/text.py`), add a migration like this one, or run `cjeune reindex-search`.

Revision ID: search_french_analysis
Revises: search_index
"""

from alembic import op
from sqlmodel import Session


revision = "search_french_analysis"
down_revision = "search_index"
branch_labels = None
depends_on = None


def _rebuild() -> None:
    from cjeune_app.core.search import reindex_all

    session = Session(bind=op.get_bind())
    reindex_all(session)
    session.flush()


def upgrade() -> None:
    _rebuild()


def downgrade() -> None:
    # The previous code reads an index holding extra words (the stems) without harm.
    pass
