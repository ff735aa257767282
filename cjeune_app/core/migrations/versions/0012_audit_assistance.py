"""audit trail (append-only in the database) and the back office's assistance

Revision ID: audit_assistance
Revises: franceconnect

- `audit_entry` is append-only as `ledger_entry` is (0005): triggers refuse any UPDATE or DELETE
  (and TRUNCATE on PostgreSQL). Caution: on SQLite a later batch migration that recreates
  `audit_entry` drops the triggers; it must create them again (create_audit_triggers).
- `ledger_correction`: manual corrections approved by a second agent; the ledger accepts two new
  kinds, `correction_in` (> 0) and `correction_out` (< 0). On SQLite changing the CHECK rebuilds
  `ledger_entry`, which drops its triggers: they are created again from 0005.
- `sent_message`: what was e-mailed to whom (the assistance shows it).
- partners may be suspended (status `suspended`; the reason and date are in the audit trail).
- indexes for the assistance's search (names in lower case, the guardian's e-mail and mobile).
"""

import importlib

from alembic import op
import sqlalchemy as sa
import sqlmodel

LEDGER_GUARDS = importlib.import_module("cjeune_app.core.migrations.versions.0005_wallet_ledger_guards")
OLD_SIGN_RULE = (
    "(kind IN ('credit', 'refund', 'transfer_in') AND amount_cents > 0)"
    " OR (kind IN ('debit', 'expiry', 'transfer_out') AND amount_cents < 0)"
)
NEW_SIGN_RULE = (
    "(kind IN ('credit', 'refund', 'transfer_in', 'correction_in') AND amount_cents > 0)"
    " OR (kind IN ('debit', 'expiry', 'transfer_out', 'correction_out') AND amount_cents < 0)"
)


revision = "audit_assistance"
down_revision = "franceconnect"
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

    _replace_sign_rule(NEW_SIGN_RULE)

    op.create_table(
        "ledger_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.String(length=20), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by_account_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by_account_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_ledger_correction_amount_not_zero")),
        sa.CheckConstraint("decided_by_account_id IS NULL OR decided_by_account_id <> proposed_by_account_id",
                           name=op.f("ck_ledger_correction_four_eyes")),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], name=op.f("fk_ledger_correction_pupil_id_pupil")),
        sa.ForeignKeyConstraint(["season_id"], ["season.id"], name=op.f("fk_ledger_correction_season_id_season")),
        sa.ForeignKeyConstraint(["proposed_by_account_id"], ["account.id"],
                                name=op.f("fk_ledger_correction_proposed_by_account_id_account")),
        sa.ForeignKeyConstraint(["decided_by_account_id"], ["account.id"],
                                name=op.f("fk_ledger_correction_decided_by_account_id_account")),
        sa.ForeignKeyConstraint(["ledger_entry_id"], ["ledger_entry.id"],
                                name=op.f("fk_ledger_correction_ledger_entry_id_ledger_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_correction")),
    )
    op.create_index(op.f("ix_ledger_correction_pupil_id"), "ledger_correction", ["pupil_id"])
    op.create_index(op.f("ix_ledger_correction_status"), "ledger_correction", ["status"])

    op.create_table(
        "sent_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=250), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_message")),
    )
    op.create_index(op.f("ix_sent_message_recipient"), "sent_message", ["recipient"])
    op.create_index(op.f("ix_sent_message_created_at"), "sent_message", ["created_at"])

    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, expression in SEARCH_INDEXES:
        if postgres and expression.startswith("lower("):  # prefix LIKE needs the pattern operators
            op.execute(f"CREATE INDEX {name} ON {table} ({expression} text_pattern_ops)")
        else:
            op.create_index(name, table, [sa.text(expression)])


# The assistance's search (core/assistance/search.py): prefixes of names in lower case, the
# guardian's e-mail and mobile as typed by the family (the enrollment's coordonnées).
SEARCH_INDEXES = [
    ("ix_pupil_last_name_lower", "pupil", "lower(last_name)"),
    ("ix_pupil_first_name_lower", "pupil", "lower(first_name)"),
    ("ix_enrollment_email", "enrollment", "email"),
    ("ix_enrollment_mobile", "enrollment", "mobile"),
]


def _replace_sign_rule(rule: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        LEDGER_GUARDS.drop_ledger_triggers()
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_sign_matches_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ledger_entry_sign_matches_kind"), rule)
    if sqlite:  # the batch rebuilt the table without its triggers
        LEDGER_GUARDS.create_ledger_triggers()


def downgrade() -> None:
    for name, table, _ in SEARCH_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("sent_message")
    op.drop_table("ledger_correction")
    _replace_sign_rule(OLD_SIGN_RULE)
    drop_audit_triggers()
    op.drop_table("audit_entry")
