"""indexes for the default order of every list

Revision ID: 5c1e0d7a9b42
Revises: 398b26a3f744
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0d7a9b42'
down_revision = '398b26a3f744'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.create_index('ix_stage_documents_updated_at_id', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_stage_documents_state_changed_at_id', ['state_changed_at', 'id'], unique=False)
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(
            'ix_projects_year_unit_id', [sa.text('fiscal_year_id DESC'), 'unit_id', 'id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_year_unit_id')
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_documents_state_changed_at_id')
        batch_op.drop_index('ix_stage_documents_updated_at_id')
