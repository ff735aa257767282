"""wallet: association attempts, refunds linked to their debit, and the ledger's guards in the database

Revision ID: wallet_ledger_guards
Revises: enrollment_photo_minimal

The database itself keeps wallet.balance_cents equal to the sum of the wallet's ledger entries:
- inserting a ledger entry adds its amount to the wallet (so code cannot forget, and the
  CHECK balance_cents >= 0 refuses the entry that would overdraw);
- ledger entries can be neither updated nor deleted;
- any other change of a balance that differs from the sum of the entries is refused.
Caution: on SQLite, a later batch migration that recreates `ledger_entry` or `wallet` drops these
triggers; such a migration must create them again (see create_ledger_triggers). The tests in
tests/core/test_wallet.py fail if they are missing.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "wallet_ledger_guards"
down_revision = "enrollment_stepper"
branch_labels = None
depends_on = None


SQLITE_TRIGGERS = [
    """CREATE TRIGGER ledger_entry_apply_to_wallet AFTER INSERT ON ledger_entry
    BEGIN
        UPDATE wallet SET balance_cents = balance_cents + NEW.amount_cents WHERE id = NEW.wallet_id;
    END""",
    """CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only'); END""",
    """CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only'); END""",
    """CREATE TRIGGER wallet_balance_matches_ledger BEFORE UPDATE OF balance_cents ON wallet
    WHEN NEW.balance_cents IS NOT
        (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entry WHERE wallet_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'wallet balance differs from the sum of its ledger entries'); END""",
    """CREATE TRIGGER wallet_starts_empty BEFORE INSERT ON wallet
    WHEN NEW.balance_cents <> 0
    BEGIN SELECT RAISE(ABORT, 'a wallet starts at 0: money enters through the ledger'); END""",
]
SQLITE_TRIGGER_NAMES = [
    "ledger_entry_apply_to_wallet", "ledger_entry_no_update", "ledger_entry_no_delete",
    "wallet_balance_matches_ledger", "wallet_starts_empty",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION ledger_entry_apply_to_wallet() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE wallet SET balance_cents = balance_cents + NEW.amount_cents WHERE id = NEW.wallet_id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ledger_entry_apply_to_wallet AFTER INSERT ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_apply_to_wallet()""",
    """CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_entry is append-only' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()""",
    """CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_append_only()""",
    # Row triggers of one INSERT statement run at its end: a single statement inserting two
    # entries of the same wallet is refused by this check (never done: one entry per statement).
    """CREATE FUNCTION wallet_balance_matches_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.balance_cents IS DISTINCT FROM
            (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entry WHERE wallet_id = NEW.id) THEN
            RAISE EXCEPTION 'wallet % balance % differs from the sum of its ledger entries',
                NEW.id, NEW.balance_cents USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER wallet_balance_matches_ledger BEFORE INSERT OR UPDATE OF balance_cents ON wallet
        FOR EACH ROW EXECUTE FUNCTION wallet_balance_matches_ledger()""",
]


def create_ledger_triggers() -> None:
    statements = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in statements:
        op.execute(statement)


def drop_ledger_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS wallet_balance_matches_ledger ON wallet")
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_entry")
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry")
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_apply_to_wallet ON ledger_entry")
    for function in ("wallet_balance_matches_ledger", "ledger_entry_append_only", "ledger_entry_apply_to_wallet"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")


def upgrade() -> None:
    op.create_table('card_association_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('season_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('credited_cents', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_card_association_attempt_account_id_account')),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_card_association_attempt_card_id_card')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_card_association_attempt_pupil_id_pupil')),
    sa.ForeignKeyConstraint(['season_id'], ['season.id'], name=op.f('fk_card_association_attempt_season_id_season')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_association_attempt')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_card_association_attempt_idempotency_key'))
    )
    with op.batch_alter_table('card_association_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_card_association_attempt_account_time', ['account_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_association_attempt_pupil_id'), ['pupil_id'], unique=False)

    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.create_index('uq_card_one_active_per_pupil', ['pupil_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ledger_entry_refund_of_id'), ['refund_of_id'], unique=False)
        batch_op.create_index('uq_ledger_entry_one_credit_per_wallet', ['wallet_id'], unique=True, sqlite_where=sa.text("kind = 'credit'"), postgresql_where=sa.text("kind = 'credit'"))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_refund_of_id_ledger_entry'), 'ledger_entry', ['refund_of_id'], ['id'])
        batch_op.create_check_constraint(
            op.f("ck_ledger_entry_sign_matches_kind"),
            "(kind IN ('credit', 'refund', 'transfer_in') AND amount_cents > 0)"
            " OR (kind IN ('debit', 'expiry', 'transfer_out') AND amount_cents < 0)",
        )

    # After the batch operations above: on SQLite they rebuild the tables, dropping any trigger.
    create_ledger_triggers()


def downgrade() -> None:
    drop_ledger_triggers()
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_sign_matches_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_refund_of_id_ledger_entry'), type_='foreignkey')
        batch_op.drop_index('uq_ledger_entry_one_credit_per_wallet', sqlite_where=sa.text("kind = 'credit'"), postgresql_where=sa.text("kind = 'credit'"))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_refund_of_id'))
        batch_op.drop_column('refund_of_id')

    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_index('uq_card_one_active_per_pupil', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    with op.batch_alter_table('card_association_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_association_attempt_pupil_id'))
        batch_op.drop_index('ix_card_association_attempt_account_time')
    op.drop_table('card_association_attempt')
