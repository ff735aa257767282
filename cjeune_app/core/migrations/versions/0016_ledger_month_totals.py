"""ledger_month_totals: the statistics' monthly totals of the ledger (folded by id watermark), and
the indexes of the statistics' other queries and of the reimbursement batch

Revision ID: ledger_month_totals
Revises: my_account
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_month_totals"
down_revision = "my_account"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_month_total",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("season_id", sa.Integer(), sa.ForeignKey("season.id", name="fk_ledger_month_total_season_id_season"),
                  nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("envelope", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("season_id", "month", "envelope", "kind", "partner_id", name="ledger_month_total_key"),
    )
    op.create_table(
        "ledger_fold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_entry_id", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO ledger_fold (id, last_entry_id) VALUES (1, 0)")
    op.create_table(
        "ledger_fold_gap",
        sa.Column("entry_id", sa.Integer(), primary_key=True, autoincrement=False),
    )
    # The statistics' counts per day of the season (enrollments completed, cards associated).
    op.create_index("ix_enrollment_statistics", "enrollment", ["season_id", "status", "completed_at", "pupil_id"])
    op.create_index("ix_card_association_attempt_statistics", "card_association_attempt",
                    ["season_id", "outcome", "created_at"])
    # A reimbursement item is copied from its payment by the INSERT ... SELECT that follows the
    # creation of its batch: the foreign keys to the batch, the payment and the partner only made
    # PostgreSQL check and lock those rows once per item (most of the time of a batch). Batches and
    # payments are never deleted (the append-only ledger references the payments).
    with op.batch_alter_table("reimbursement_item") as batch_op:
        batch_op.drop_constraint("fk_reimbursement_item_batch_id_reimbursement_batch", type_="foreignkey")
        batch_op.drop_constraint("fk_reimbursement_item_partner_id_partner", type_="foreignkey")
        batch_op.drop_constraint("fk_reimbursement_item_payment_id_payment", type_="foreignkey")
    # The reimbursement batch reads every payment taken before the end of its month from this index alone.
    op.create_index("ix_payment_reimbursement", "payment", ["created_at", "partner_id", "amount_cents", "id"])


def downgrade() -> None:
    op.drop_index("ix_payment_reimbursement", table_name="payment")
    with op.batch_alter_table("reimbursement_item") as batch_op:
        batch_op.create_foreign_key("fk_reimbursement_item_batch_id_reimbursement_batch", "reimbursement_batch",
                                    ["batch_id"], ["id"])
        batch_op.create_foreign_key("fk_reimbursement_item_partner_id_partner", "partner", ["partner_id"], ["id"])
        batch_op.create_foreign_key("fk_reimbursement_item_payment_id_payment", "payment", ["payment_id"], ["id"])
    op.drop_index("ix_card_association_attempt_statistics", table_name="card_association_attempt")
    op.drop_index("ix_enrollment_statistics", table_name="enrollment")
    op.drop_table("ledger_fold_gap")
    op.drop_table("ledger_fold")
    op.drop_table("ledger_month_total")
