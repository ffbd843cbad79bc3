"""Settings of the benchmark processes (the harness, its gunicorn and its Celery worker): production settings,
plus the baseline views' URLconf, no throttling and no HTTPS redirect.

- ROOT_URLCONF adds `perf/baseline/<resource>/` (perf/urls.py) to the real URLs; production never routes there.
- Throttling is off: the load test sends thousands of requests a second from one address, which the anonymous
  rate (600/minute) would answer with 429s; the figures measure capacity, not the per-client policy.
- Celery tasks go to the queue `fg-perf`, which only the benchmark's own worker consumes.
- Loopback HTTP: DEBUG is off (no query log, as in production), but no redirect to HTTPS, and static files are
  served from the app directories (WhiteNoise finders) so no collectstatic is needed.
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK, STORAGES

ROOT_URLCONF = "perf.urls"
CELERY_TASK_DEFAULT_QUEUE = "fg-perf"  # the benchmark's worker consumes only this queue, whatever shares the Redis
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
SECURE_SSL_REDIRECT = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
