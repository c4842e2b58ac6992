"""safety flags say what kind of risk and why they were raised

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 16:00:00.000000

Flags raised before this revision keep empty columns: the portal shows them as distress of an
unrecorded kind.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('safety_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('safety_flags', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('level')
        batch_op.drop_column('category')
