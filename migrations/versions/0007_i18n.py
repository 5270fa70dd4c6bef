"""i18n: texts of calls and criteria in the other languages (French stays in the columns)

Revision ID: 0007_i18n
Revises: 0006_selection_rules
Create Date: 2026-11-29 07:39:07.534179

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_i18n'
down_revision = '0006_selection_rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('translations', sa.JSON(), nullable=False, server_default='{}')
        )

    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('translations', sa.JSON(), nullable=False, server_default='{}')
        )


def downgrade():
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('translations')
