"""gunicorn settings for `make run`: start the in-process periodic jobs in each worker (embedded default)."""


def post_worker_init(worker):
    """Start the periodic jobs when the app's config asks for them (JOBS_IN_PROCESS)."""
    from backend import jobs

    app = worker.wsgi
    if app.config.get("JOBS_IN_PROCESS"):
        jobs.start(app)
