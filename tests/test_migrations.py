"""Migrations upgrade an empty database on SQLite and PostgreSQL, and match the models exactly."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, make_app
from zyperf.extensions import db


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
