"""The Celery worker's entry point: ``celery -A kinesense.clinic.worker worker``.

Importing this module reads the settings (``KINESENSE_BROKER_URL``, ``KINESENSE_DATABASE_URL``,
``KINESENSE_DATA_DIR``, ``KINESENSE_BROKER_VISIBILITY_S``) and makes :data:`app`; only the
worker command imports it. The database must be migrated first (``kinesense db upgrade``): a
worker never changes the schema.
"""

from kinesense.clinic.queue import make_celery
from kinesense.errors import InvalidValueError
from kinesense.logs import configure_logging
from kinesense.settings import load_settings

_settings = load_settings()
if not _settings.broker_url:
    raise InvalidValueError("KINESENSE_BROKER_URL is not set: a worker needs the Redis broker")
configure_logging(service="worker")
app = make_celery(_settings.broker_url, _settings.broker_visibility_s)
