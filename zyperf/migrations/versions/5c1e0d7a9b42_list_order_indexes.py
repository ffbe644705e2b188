"""indexes for the default order and filters of every list

Revision ID: 5c1e0d7a9b42
Revises: 6a456ada186a
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0d7a9b42'
down_revision = '6a456ada186a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.create_index('ix_stage_documents_updated_at_id', ['updated_at', 'id'], unique=False)
        batch_op.create_index(
            'ix_stage_documents_unit_updated_at_id', ['unit_id', 'updated_at', 'id'], unique=False
        )
        batch_op.create_index('ix_stage_documents_state_changed_at_id', ['state_changed_at', 'id'], unique=False)
        # Composite indexes replace the single-column ones on kind, state and unit_id (their prefixes).
        batch_op.drop_index('ix_stage_documents_kind')
        batch_op.drop_index('ix_stage_documents_state')
        batch_op.drop_index('ix_stage_documents_unit_id')
        batch_op.create_index('ix_stage_documents_unit_kind_state', ['unit_id', 'kind', 'state'], unique=False)
        batch_op.create_index('ix_stage_documents_kind_state_unit', ['kind', 'state', 'unit_id'], unique=False)
        batch_op.create_index(
            'ix_stage_documents_state_unit_kind_year', ['state', 'unit_id', 'kind', 'fiscal_year_id'], unique=False
        )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(
            'ix_projects_year_unit_id', [sa.text('fiscal_year_id DESC'), 'unit_id', 'id'], unique=False
        )
        batch_op.drop_index('ix_projects_unit_id')  # the prefix of the next one
        batch_op.create_index(
            'ix_projects_unit_year_id', ['unit_id', sa.text('fiscal_year_id DESC'), 'id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_unit_year_id')
        batch_op.create_index('ix_projects_unit_id', ['unit_id'], unique=False)
        batch_op.drop_index('ix_projects_year_unit_id')
    with op.batch_alter_table('stage_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_documents_state_unit_kind_year')
        batch_op.drop_index('ix_stage_documents_kind_state_unit')
        batch_op.drop_index('ix_stage_documents_unit_kind_state')
        batch_op.create_index('ix_stage_documents_unit_id', ['unit_id'], unique=False)
        batch_op.create_index('ix_stage_documents_state', ['state'], unique=False)
        batch_op.create_index('ix_stage_documents_kind', ['kind'], unique=False)
        batch_op.drop_index('ix_stage_documents_state_changed_at_id')
        batch_op.drop_index('ix_stage_documents_unit_updated_at_id')
        batch_op.drop_index('ix_stage_documents_updated_at_id')
