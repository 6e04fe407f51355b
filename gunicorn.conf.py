"""gunicorn settings for `make run`: start the in-process periodic jobs in each worker (embedded default)."""

# No request-line limit here: the app answers a JSON 414 (uri_too_long) past 8 KiB on /api paths,
# where gunicorn's own limit (at most 8190) would answer an HTML page. Headers keep gunicorn's limits.
limit_request_line = 0


def post_worker_init(worker):
    """Start the periodic jobs when the app's config asks for them (JOBS_IN_PROCESS)."""
    from backend import jobs

    app = worker.wsgi
    if app.config.get("JOBS_IN_PROCESS"):
        jobs.start(app)
