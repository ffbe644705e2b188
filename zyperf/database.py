"""Engine-level settings that differ between SQLite and PostgreSQL."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

from zyperf.extensions import db


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # several processes share one file: wait, don't fail
    cursor.close()


def init_database(app):
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
