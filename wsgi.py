"""The one place the app is built: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from backend import create_app

app = create_app()
