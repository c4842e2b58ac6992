"""a caseload: notes on the client, the handling of safety flags, labels, assignment, revoked invites

Notes written on a handoff become notes on the client: they keep their client, author, text and
date, and the handoff they were written beside (now optional, as context). None is lost.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-12 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('practitioner_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('handoff_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_practitioner_notes_handoff_id_handoffs'), type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_practitioner_notes_handoff_id_handoffs'), 'handoffs', ['handoff_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('safety_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_safety_flags_handled_by_practitioners'), 'practitioners', ['handled_by'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))

    op.create_table('client_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_labels_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_client_labels_practitioner_id_practitioners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_labels')),
    sa.UniqueConstraint('client_id', 'practitioner_id', name='uq_client_labels_client_id_practitioner_id')
    )
    with op.batch_alter_table('client_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_labels_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_labels_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('practitioner_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('from_practitioner_id', sa.Integer(), nullable=True),
    sa.Column('to_practitioner_id', sa.Integer(), nullable=True),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('told_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_practitioner_changes_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_practitioner_id'], ['practitioners.id'], name=op.f('fk_practitioner_changes_from_practitioner_id_practitioners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_practitioner_id'], ['practitioners.id'], name=op.f('fk_practitioner_changes_to_practitioner_id_practitioners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['changed_by'], ['practitioners.id'], name=op.f('fk_practitioner_changes_changed_by_practitioners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioner_changes'))
    )
    with op.batch_alter_table('practitioner_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practitioner_changes_client_id'), ['client_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('practitioner_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practitioner_changes_client_id'))
    op.drop_table('practitioner_changes')

    with op.batch_alter_table('client_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_labels_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_client_labels_client_id'))
    op.drop_table('client_labels')

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('safety_flags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_safety_flags_handled_by_practitioners'), type_='foreignkey')
        batch_op.drop_column('outcome')
        batch_op.drop_column('handled_by')

    # A note written on the client, not beside a handoff, has nowhere to go in the older schema:
    # it is kept beside the client's newest handoff if they have one (so no note is lost going
    # down either), and only a note of a client without any handoff goes.
    op.execute(
        "UPDATE practitioner_notes SET handoff_id = (SELECT MAX(handoffs.id) FROM handoffs "
        "WHERE handoffs.client_id = practitioner_notes.client_id) WHERE handoff_id IS NULL"
    )
    op.execute("DELETE FROM practitioner_notes WHERE handoff_id IS NULL")
    with op.batch_alter_table('practitioner_notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practitioner_notes_handoff_id_handoffs'), type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_practitioner_notes_handoff_id_handoffs'), 'handoffs', ['handoff_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.alter_column('handoff_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('updated_at')
