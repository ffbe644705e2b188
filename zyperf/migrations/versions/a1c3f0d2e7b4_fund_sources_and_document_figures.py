"""fund sources of projects; a document's table family, settings snapshot and reviewers' flags

Revision ID: a1c3f0d2e7b4
Revises: 518e3c2e525b
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c3f0d2e7b4'
down_revision = '518e3c2e525b'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2, asdecimal=True)


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('special_amount', MONEY, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('unit_amount', MONEY, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('carryover_amount', MONEY, nullable=False, server_default='0'))
        batch_op.drop_constraint(op.f('ck_projects_amounts_add_up'), type_='check')
        batch_op.drop_constraint(op.f('ck_projects_amounts_not_negative'), type_='check')
        batch_op.create_check_constraint(
            'amounts_add_up', 'total_amount = fiscal_amount + special_amount + unit_amount + other_amount'
        )
        batch_op.create_check_constraint(
            'amounts_not_negative',
            'fiscal_amount >= 0 AND special_amount >= 0 AND unit_amount >= 0 AND other_amount >= 0'
            ' AND carryover_amount >= 0 AND carryover_amount <= fiscal_amount',
        )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.alter_column('special_amount', server_default=None)
        batch_op.alter_column('unit_amount', server_default=None)
        batch_op.alter_column('carryover_amount', server_default=None)
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_family', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('settings_snapshot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('review', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.drop_column('review')
        batch_op.drop_column('settings_snapshot')
        batch_op.drop_column('template_family')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_projects_amounts_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_projects_amounts_add_up'), type_='check')
        batch_op.create_check_constraint('amounts_add_up', 'total_amount = fiscal_amount + other_amount')
        batch_op.create_check_constraint('amounts_not_negative', 'fiscal_amount >= 0 AND other_amount >= 0')
        batch_op.drop_column('carryover_amount')
        batch_op.drop_column('unit_amount')
        batch_op.drop_column('special_amount')
