"""practitioner contact: messages a practitioner writes to the client, and the next session's date

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-13 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_messages_author_id_practitioners'), 'practitioners', ['author_id'], ['id'], ondelete='SET NULL')

    op.create_table('session_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('session_on', sa.Date(), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_session_dates_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by'], ['practitioners.id'], name=op.f('fk_session_dates_set_by_practitioners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_dates'))
    )
    with op.batch_alter_table('session_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_dates_client_id'), ['client_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('session_dates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_dates_client_id'))

    op.drop_table('session_dates')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_author_id_practitioners'), type_='foreignkey')
        batch_op.drop_column('author_id')
