"""enrollment and photo, minimal tables (their own issues extend them)

Revision ID: enrollment_photo_minimal
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "enrollment_photo_minimal"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('is_renewal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_enrollment_pupil_id_pupil')),
    sa.ForeignKeyConstraint(['season_id'], ['season.id'], name=op.f('fk_enrollment_season_id_season')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment')),
    sa.UniqueConstraint('pupil_id', 'season_id', name='enrollment_one_per_season')
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_season_id'), ['season_id'], unique=False)

    op.create_table('photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_photo_pupil_id_pupil')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo'))
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_pupil_id'), ['pupil_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_pupil_id'))
    op.drop_table('photo')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_season_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_pupil_id'))
    op.drop_table('enrollment')
