"""franceconnect: logins under way, identities linked to Parent accounts, sessions' ID tokens

Four new tables (see core/franceconnect/models.py): `franceconnect_login` (state, nonce and PKCE
verifier of a login under way), `franceconnect_arrival` (an identity confirmed by FranceConnect
while the guardian proves which Parent they are), `franceconnect_identity` (sub -> Parent account)
and `franceconnect_session` (the ID token of an app session, for the sign-out at the provider).

Revision ID: franceconnect
Revises: guardians
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "franceconnect"
down_revision = "guardians"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('franceconnect_arrival',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_franceconnect_arrival'))
    )
    with op.batch_alter_table('franceconnect_arrival', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_franceconnect_arrival_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_franceconnect_arrival_ticket_hash'), ['ticket_hash'], unique=True)

    op.create_table('franceconnect_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('browser_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_franceconnect_login'))
    )
    with op.batch_alter_table('franceconnect_login', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_franceconnect_login_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_franceconnect_login_state_hash'), ['state_hash'], unique=True)

    op.create_table('franceconnect_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_sign_in_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_franceconnect_identity_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_franceconnect_identity')),
    sa.UniqueConstraint('account_id', name=op.f('uq_franceconnect_identity_account_id'))
    )
    with op.batch_alter_table('franceconnect_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_franceconnect_identity_sub'), ['sub'], unique=True)

    op.create_table('franceconnect_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('auth_session_id', sa.Integer(), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['auth_session_id'], ['auth_session.id'], name=op.f('fk_franceconnect_session_auth_session_id_auth_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_franceconnect_session'))
    )
    with op.batch_alter_table('franceconnect_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_franceconnect_session_auth_session_id'), ['auth_session_id'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('franceconnect_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_franceconnect_session_auth_session_id'))

    op.drop_table('franceconnect_session')
    with op.batch_alter_table('franceconnect_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_franceconnect_identity_sub'))

    op.drop_table('franceconnect_identity')
    with op.batch_alter_table('franceconnect_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_franceconnect_login_state_hash'))
        batch_op.drop_index(batch_op.f('ix_franceconnect_login_expires_at'))

    op.drop_table('franceconnect_login')
    with op.batch_alter_table('franceconnect_arrival', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_franceconnect_arrival_ticket_hash'))
        batch_op.drop_index(batch_op.f('ix_franceconnect_arrival_expires_at'))

    op.drop_table('franceconnect_arrival')
