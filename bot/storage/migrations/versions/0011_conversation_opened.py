"""conversation opened

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))
    # Until now every client was greeted as their session was made.
    op.execute("UPDATE clients SET opened_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('opened_at')
