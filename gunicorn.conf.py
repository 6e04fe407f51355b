"""gunicorn settings: every worker starts the periodic-job loop; the database claim runs each job once."""

from backend import gunicorn_errors

# gunicorn's own refusals (a request line past its limit, headers too large) answer JSON like the app;
# the app answers 414 itself for targets between MAX_TARGET_LENGTH and this limit.
gunicorn_errors.install()
limit_request_line = gunicorn_errors.LIMIT_REQUEST_LINE
# Phones sync every few seconds while in use: keep their connection open between syncs (gunicorn's 2 s
# default closes it just before the next one, and a client reusing it sees "server disconnected").
keepalive = 30


def post_worker_init(worker):
    """Start the periodic jobs when the app's config asks for them (JOBS_IN_PROCESS); freeze the heap."""
    import gc

    from backend import jobs

    app = worker.wsgi
    if app.config.get("JOBS_IN_PROCESS"):
        jobs.start(app)
    # Everything built so far (modules, schemas, the app) lives as long as the worker: moved out of the
    # collector's sight, so its full collections stop rescanning it. 500-command push: ~10 % faster.
    gc.freeze()
