"""the project total is checked to within half a cent (SQLite compares NUMERIC as floating point)

Revision ID: b7d2e4f1a903
Revises: 5c1e0d7a9b42
Create Date: 2026-12-01 20:30:00

"""
from alembic import op


revision = 'b7d2e4f1a903'
down_revision = '5c1e0d7a9b42'
branch_labels = None
depends_on = None

EXACT = 'total_amount = fiscal_amount + special_amount + unit_amount + other_amount'
WITHIN = 'abs(total_amount - (fiscal_amount + special_amount + unit_amount + other_amount)) < 0.005'


def _replace(condition):
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_projects_amounts_add_up'), type_='check')
        batch_op.create_check_constraint('amounts_add_up', condition)


def upgrade():
    _replace(WITHIN)


def downgrade():
    _replace(EXACT)
