"""search index on PostgreSQL: fewer rows read per query

PostgreSQL reads one heap row per document its GIN index finds (for its partner and its
visibility window), which made common words slow. So:
- an offer's document also holds the words of the offer alone (`offer_terms`), indexed with
  its document in one GIN index: the offers whose own words hold none of the query's words
  (only the partner's name, categories or place, which its own document has too) are no
  longer read;
- browsing without words reads an index holding what the filters need (index-only scan),
  and "bons plans seulement" reads the day of the last expiry packed in the document id
  (see `rowids`), as SQLite does;
- the vocabulary is read in one statement, typo candidates in another (a function);
- the tsvectors are computed when a row is inserted (a trigger, from the same analysed words
  as before), and the text columns, which only SQLite's FTS5 reads, are stored empty: rows
  are narrower.

Rows are replaced, never updated (see models), so the trigger only fires on insert.

Revision ID: search_narrow_postgres
Revises: ledger_month_totals
"""

from alembic import op

revision = "search_narrow_postgres"
down_revision = "ledger_month_totals"
branch_labels = None
depends_on = None

_DOCUMENT = (
    # Weights: A name, B categories and place, C offer title, D descriptions (as before).
    "setweight(to_tsvector('cjeune_search'::regconfig, {row}name), 'A') || "
    "setweight(to_tsvector('cjeune_search'::regconfig, {row}tags || ' ' || {row}place), 'B') || "
    "setweight(to_tsvector('cjeune_search'::regconfig, {row}offer), 'C') || "
    "setweight(to_tsvector('cjeune_search'::regconfig, {row}body), 'D')"
)


def _document_indexes(offer_columns: str = "document") -> None:
    op.execute(
        "CREATE INDEX ix_search_entry_document_partner ON search_entry USING gin (document) "
        "WHERE offer_id IS NULL"
    )
    op.execute(
        f"CREATE INDEX ix_search_entry_document_offer ON search_entry USING gin ({offer_columns}) "
        "WHERE offer_id IS NOT NULL"
    )


def _rebuild() -> None:
    from sqlmodel import Session

    from cjeune_app.core.search import reindex_all

    session = Session(bind=op.get_bind())
    reindex_all(session)
    session.flush()


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_entry DROP COLUMN document")  # and its two indexes
    op.execute("ALTER TABLE search_entry ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector")
    op.execute("ALTER TABLE search_entry ADD COLUMN offer_terms tsvector NOT NULL DEFAULT ''::tsvector")
    op.execute(
        "CREATE FUNCTION search_entry_document() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.document := {_DOCUMENT.format(row='NEW.')}; "
        "NEW.offer_terms := to_tsvector('cjeune_search'::regconfig, NEW.offer); "
        "NEW.name := ''; NEW.tags := ''; NEW.place := ''; NEW.offer := ''; NEW.body := ''; NEW.facets := ''; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER search_entry_document BEFORE INSERT ON search_entry "
        "FOR EACH ROW EXECUTE FUNCTION search_entry_document()"
    )
    _document_indexes(offer_columns="document, offer_terms")
    op.execute(
        "CREATE INDEX ix_search_entry_offer_window ON search_entry (partner_id, expires_ts, starts_ts) "
        "WHERE offer_id IS NOT NULL"
    )
    # Partners' documents without their text, place first: browsing a commune reads a range of
    # it. Not in partner order on purpose: it would tempt the planner to read every partner
    # row in that order for a word query instead of asking the GIN index.
    op.execute(
        "CREATE INDEX ix_search_entry_browse ON search_entry "
        "(commune_group, commune_insee, category_mask, partner_id, id, latitude, longitude) WHERE offer_id IS NULL"
    )
    # Typo candidates in one statement: the threshold is set for the scan that uses it.
    op.execute(
        "CREATE FUNCTION search_typo_candidates(typed text, threshold text) "
        "RETURNS TABLE (term varchar, in_offer boolean) LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM set_config('pg_trgm.similarity_threshold', threshold, true); "
        "RETURN QUERY SELECT t.term, t.in_offer FROM search_term t WHERE t.term % typed "
        "AND length(t.term) BETWEEN length(typed) - 1 AND length(typed) + 1; END $$"
    )
    _rebuild()


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS search_typo_candidates(text, text)")
    op.execute("DROP INDEX IF EXISTS ix_search_entry_offer_window")
    op.execute("DROP INDEX IF EXISTS ix_search_entry_browse")
    op.execute("ALTER TABLE search_entry DROP COLUMN offer_terms")
    op.execute("DROP TRIGGER IF EXISTS search_entry_document ON search_entry")
    op.execute("DROP FUNCTION IF EXISTS search_entry_document()")
    op.execute("ALTER TABLE search_entry DROP COLUMN document")
    op.execute(
        f"ALTER TABLE search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS ({_DOCUMENT.format(row='')}) STORED"
    )
    _document_indexes()
    # The rows written meanwhile have no text: rebuild them with it.
    _rebuild()
