"""reminders (催办提醒): finance's message to a unit, shown to its staff and head

Revision ID: c4e8a1f2b3d5
Revises: b7d2e4f1a903
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'c4e8a1f2b3d5'
down_revision = 'b7d2e4f1a903'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year_id', sa.Integer(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['fiscal_year_id'], ['fiscal_years.id'], name=op.f('fk_reminders_fiscal_year_id_fiscal_years')),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_reminders_sent_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reminders_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    )
    op.create_index('ix_reminders_unit_sent_at', 'reminders', ['unit_id', 'sent_at'], unique=False)


def downgrade():
    op.drop_index('ix_reminders_unit_sent_at', table_name='reminders')
    op.drop_table('reminders')
