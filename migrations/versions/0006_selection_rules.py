"""selection rules: tie-breaks, balance rules and confirmation days on the call;
the confirmation deadline of each selected decision

Revision ID: 0006_selection_rules
Revises: 0005_selection
Create Date: 2026-11-29 07:28:08.939504

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_selection_rules'
down_revision = '0005_selection'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tie_breaks', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(
            sa.Column('balance_rules', sa.JSON(), nullable=False, server_default='[]')
        )
        batch_op.add_column(
            sa.Column('confirmation_days', sa.Integer(), nullable=False, server_default='14')
        )
        batch_op.create_check_constraint(
            op.f('ck_calls_confirmation_days_positive'), 'confirmation_days >= 1'
        )

    with op.batch_alter_table('selection_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_by', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stability', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('adjustment', sa.JSON(), nullable=True))

    with op.batch_alter_table('selection_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsatisfied', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('selection_rounds', schema=None) as batch_op:
        batch_op.drop_column('unsatisfied')

    with op.batch_alter_table('selection_decisions', schema=None) as batch_op:
        batch_op.drop_column('adjustment')
        batch_op.drop_column('stability')
        batch_op.drop_column('confirm_by')

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_calls_confirmation_days_positive'), type_='check')
        batch_op.drop_column('confirmation_days')
        batch_op.drop_column('balance_rules')
        batch_op.drop_column('tie_breaks')
