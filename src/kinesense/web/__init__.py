"""The web app: FastAPI on uvicorn, pages rendered on the server with Jinja2 and small ES-module
scripts (no build step, no CDN: every asset is served by kinesense, so it works offline), and a
JSON API under ``/api/v1``.

* :mod:`~kinesense.web.app` - ``create_app(config)``; :mod:`~kinesense.web.config` - settings;
* :mod:`~kinesense.web.deps` - the ``Annotated`` dependencies routes declare;
* :mod:`~kinesense.web.access` - who may see what; :mod:`~kinesense.web.auth` - account flows;
* :mod:`~kinesense.web.security` - tokens, CSRF, cookies, headers; ``passwords``, ``ratelimit``;
* :mod:`~kinesense.web.uploads`, :mod:`~kinesense.web.recordings` - uploads become jobs;
* ``api/`` and ``pages/`` - thin routers; ``templates/`` and ``static/`` - what the browser gets.

Routes hold no domain decision: they call :mod:`kinesense.services` (and the account flows).
"""
