"""The clinic stack: PostgreSQL, Redis, Celery workers and several web processes, chosen by the
settings (``KINESENSE_DATABASE_URL``, ``KINESENSE_BROKER_URL``); the embedded default (SQLite,
jobs in the web process) needs none of it.

* :mod:`kinesense.clinic.queue` - the Celery app and its one task, which runs the embedded
  runner's job functions with late acknowledgement, retries and exactly-once writes;
* :mod:`kinesense.clinic.once` - the ``job_writes`` ledger that keeps a job's writes once;
* :mod:`kinesense.clinic.runner` - the web side: :func:`make_runner` picks the queue or the
  in-process runner;
* :mod:`kinesense.clinic.worker` - ``celery -A kinesense.clinic.worker worker``;
* :mod:`kinesense.clinic.asgi` - the app factory several uvicorn processes serve;
* :mod:`kinesense.clinic.readiness`, :mod:`kinesense.clinic.unavailable` - ``/api/v1/ready``
  and the 503 + ``Retry-After`` of a database or queue that is away;
* :mod:`kinesense.clinic.operations` - request ids and the audit log around every request.

Start the stack on one machine with ``scripts/clinic.sh start`` (README, "Clinic stack").
"""
