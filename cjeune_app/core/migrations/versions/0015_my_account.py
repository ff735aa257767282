""""Mon compte": e-mail changes waiting for their confirmation link, deletion requests; the
season-end reminders already sent

Revision ID: my_account
Revises: reimbursements
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "my_account"
down_revision = "reimbursements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("new_email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.create_index("ix_email_change_account_id", "email_change", ["account_id"])
    op.create_index("ix_email_change_token_hash", "email_change", ["token_hash"], unique=True)
    op.create_table(
        "deletion_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("handled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.create_index("ix_deletion_request_account_id", "deletion_request", ["account_id"])
    op.create_table(
        "season_end_reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
        sa.Column("season_id", sa.Integer(), sa.ForeignKey("season.id"), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("pupil_id", "season_id", "days_before", name="season_end_reminder_once"),
    )
    op.create_index("ix_season_end_reminder_pupil_id", "season_end_reminder", ["pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_season_end_reminder_pupil_id", table_name="season_end_reminder")
    op.drop_table("season_end_reminder")
    op.drop_index("ix_deletion_request_account_id", table_name="deletion_request")
    op.drop_table("deletion_request")
    op.drop_index("ix_email_change_token_hash", table_name="email_change")
    op.drop_index("ix_email_change_account_id", table_name="email_change")
    op.drop_table("email_change")
