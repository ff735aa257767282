"""audit trail (append-only in the database) and the back office's assistance

Revision ID: audit_assistance
Revises: search_french_analysis

`audit_entry` is append-only as `ledger_entry` is (0005): triggers refuse any UPDATE or DELETE
(and TRUNCATE on PostgreSQL). Caution: on SQLite a later batch migration that recreates
`audit_entry` drops the triggers; it must create them again (create_audit_triggers).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "audit_assistance"
down_revision = "search_french_analysis"
branch_labels = None
depends_on = None


SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""",
]
SQLITE_TRIGGER_NAMES = ["audit_entry_no_update", "audit_entry_no_delete"]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]


def create_audit_triggers() -> None:
    statements = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in statements:
        op.execute(statement)


def drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
    op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor_account_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_kind", sa.String(length=24), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_account_id"], ["account.id"], name=op.f("fk_audit_entry_actor_account_id_account")),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], name=op.f("fk_audit_entry_pupil_id_pupil")),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_audit_entry_partner_id_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_created_at"), "audit_entry", ["created_at"])
    op.create_index(op.f("ix_audit_entry_action"), "audit_entry", ["action"])
    op.create_index(op.f("ix_audit_entry_pupil_id"), "audit_entry", ["pupil_id"])
    op.create_index(op.f("ix_audit_entry_partner_id"), "audit_entry", ["partner_id"])
    op.create_index("ix_audit_entry_target", "audit_entry", ["target_kind", "target_id"])
    op.create_index("ix_audit_entry_actor_time", "audit_entry", ["actor_account_id", "created_at"])
    create_audit_triggers()


def downgrade() -> None:
    drop_audit_triggers()
    op.drop_table("audit_entry")
