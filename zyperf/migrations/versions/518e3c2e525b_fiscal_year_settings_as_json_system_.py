"""fiscal year settings as JSON (excel-formats §2), system settings

The three settings columns of fiscal_years move into the JSON column `settings` under their
dotted keys (template_family is the self-evaluation family); keys not stored take their defaults
when read. system_settings holds the bureau's name, code and 财务负责人 (no row: defaults).

Revision ID: 518e3c2e525b
Revises: 398b26a3f744
Create Date: 2026-12-01 18:10:58.604154

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '518e3c2e525b'
down_revision = '398b26a3f744'
branch_labels = None
depends_on = None

fiscal_years = sa.table(
    'fiscal_years',
    sa.column('id', sa.Integer),
    sa.column('monitoring_month', sa.Integer),
    sa.column('template_family', sa.String),
    sa.column('indicator_framework', sa.String),
    sa.column('settings', sa.JSON),
)
MOVED = {
    'monitoring_month': 'monitoring.month',
    'template_family': 'family.self_evaluation',
    'indicator_framework': 'indicator_framework',
}


def upgrade():
    op.create_table('system_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_name', sa.String(length=100), nullable=False),
    sa.Column('bureau_code', sa.String(length=32), nullable=False),
    sa.Column('finance_head', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_system_settings'))
    )
    with op.batch_alter_table('fiscal_years', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings', sa.JSON(), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(sa.select(fiscal_years.c.id, *(fiscal_years.c[c] for c in MOVED))).all()
    for row in rows:
        settings = {key: getattr(row, column) for column, key in MOVED.items()}
        conn.execute(fiscal_years.update().where(fiscal_years.c.id == row.id).values(settings=settings))

    with op.batch_alter_table('fiscal_years', schema=None) as batch_op:
        batch_op.alter_column('settings', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(op.f('ck_fiscal_years_monitoring_month'), type_='check')
        batch_op.drop_column('monitoring_month')
        batch_op.drop_column('template_family')
        batch_op.drop_column('indicator_framework')


def downgrade():
    with op.batch_alter_table('fiscal_years', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator_framework', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('template_family', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('monitoring_month', sa.Integer(), nullable=True))

    conn = op.get_bind()
    defaults = {'monitoring_month': 8, 'template_family': 'sichuan-510000', 'indicator_framework': '2021'}
    for row in conn.execute(sa.select(fiscal_years.c.id, fiscal_years.c.settings)).all():
        settings = row.settings or {}
        values = {column: settings.get(key, defaults[column]) for column, key in MOVED.items()}
        conn.execute(fiscal_years.update().where(fiscal_years.c.id == row.id).values(**values))

    with op.batch_alter_table('fiscal_years', schema=None) as batch_op:
        for column, type_ in (('indicator_framework', sa.String(16)), ('template_family', sa.String(32)),
                              ('monitoring_month', sa.Integer())):
            batch_op.alter_column(column, existing_type=type_, nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_fiscal_years_monitoring_month'), 'monitoring_month BETWEEN 1 AND 12'
        )
        batch_op.drop_column('settings')

    op.drop_table('system_settings')
