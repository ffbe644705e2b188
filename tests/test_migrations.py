"""Migrations upgrade an empty database on SQLite and PostgreSQL, and match the models exactly."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, make_app
from zyperf.extensions import db
from zyperf.models import FiscalYear


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"zyperf_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_empty_database_matches_models(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "units", "projects", "fiscal_years", "stage_documents", "audit_entries"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        # Running it again is a no-op.
        upgrade(directory=app.extensions["migrate"].directory)
        db.session.remove()
        db.engine.dispose()


def test_year_settings_columns_move_into_the_json(empty_database_url):
    """A year stored before the settings column keeps its month, family and framework."""
    app = make_app(empty_database_url)
    directory = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=directory, revision="398b26a3f744")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO fiscal_years (year, major_project_threshold, monitoring_month, template_family,"
                    " indicator_framework, is_current) VALUES (2024, 500, 7, 'central-2020', '2015', false)"
                )
            )
        upgrade(directory=directory)
        fy = db.session.scalar(select(FiscalYear))
        settings = fy.year_settings
        assert (settings.monitoring_month, settings.family_self_evaluation, settings.indicator_framework) == (
            7,
            "central-2020",
            "2015",
        )
        assert settings.lag_ratio == 1  # the keys not stored read as their defaults
        db.session.remove()
        db.engine.dispose()
