"""enrollment stepper: the answers of the four steps and the consent ledger

Creates the `enrollment` table (its core columns first, then the stepper's answers) and the
append-only consent ledger.

Revision ID: enrollment_stepper
Revises: accounts_login_attempts
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "enrollment_stepper"
down_revision = "accounts_login_attempts"
branch_labels = None
depends_on = None

CHECK_STEP = "ck_enrollment_current_step_range"


def _stepper_columns() -> list[sa.Column]:
    def text(name, length):
        return sa.Column(name, sa.String(length=length), server_default="", nullable=False)

    return [
        sa.Column("current_step", sa.Integer(), server_default="1", nullable=False),
        text("guardian_last_name", 60),
        text("guardian_first_name", 60),
        text("address_line", 120),
        text("address_complement", 120),
        text("postal_code", 5),
        text("commune_insee", 5),
        text("email", 254),
        sa.Column("mobile", sa.String(length=12), nullable=True),
        sa.Column("optin_email", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("optin_email_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("optin_sms", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("optin_sms_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def _create_minimal_enrollment() -> None:
    # Same definition as the cards' minimal table.
    op.create_table(
        "enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("is_renewal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], name=op.f("fk_enrollment_pupil_id_pupil")),
        sa.ForeignKeyConstraint(["season_id"], ["season.id"], name=op.f("fk_enrollment_season_id_season")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
        sa.UniqueConstraint("pupil_id", "season_id", name="enrollment_one_per_season"),
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollment_pupil_id"), ["pupil_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrollment_season_id"), ["season_id"], unique=False)


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("enrollment"):
        _create_minimal_enrollment()
    inspector = sa.inspect(op.get_bind())
    present = {column["name"] for column in inspector.get_columns("enrollment")}
    checks = {check["name"] for check in inspector.get_check_constraints("enrollment")}
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        for column in _stepper_columns():
            if column.name not in present:
                batch_op.add_column(column)
        if CHECK_STEP not in checks:
            batch_op.create_check_constraint(op.f(CHECK_STEP), "current_step BETWEEN 1 AND 4")

    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollment.id"],
                                name=op.f("fk_consent_record_enrollment_id_enrollment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_record")),
    )
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_record_enrollment_id"), ["enrollment_id"], unique=False)


def downgrade() -> None:
    # Leaves the minimal enrollment table: it belongs to whichever revision created it.
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_record_enrollment_id"))
    op.drop_table("consent_record")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK_STEP), type_="check")
        for column in reversed(_stepper_columns()):
            batch_op.drop_column(column.name)
