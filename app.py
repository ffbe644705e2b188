"""Entry point: `flask --app app run`, `gunicorn app:app`."""

from zyperf import create_app

app = create_app()
