"""
The load run's settings: ``make bench``'s (production-type plugin settings, DEBUG off, sessions and the request's
user in Redis as in the LMS) with its own Redis database, and, in the app server only, the database reached through
the run's TCP proxy so that the run can cut the connection.

Environment:
    STRESS_DB_PROXY_PORT: set by the runner for the gunicorn it starts; the runner itself (migrations, users,
        attempts, the final check) leaves it unset and talks to MariaDB directly.
    STRESS_CACHE_URL: the Redis database of sessions and cached users (default ``redis://127.0.0.1:6379/9``,
        flushed at the start of a run).
"""
import os

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import DATABASES

# Errors go to stderr (the run's log): a 500 during the run is a failure to read, with its traceback. The 503s
# of a database cut are the expected answer and would drown it (Django logs every 5xx as an error).
LOGGING = {'version': 1, 'disable_existing_loggers': False,
           'filters': {'not_503': {'()': 'django.utils.log.CallbackFilter',
                                   'callback': lambda record: getattr(record, 'status_code', None) != 503}},
           'handlers': {'stderr': {'class': 'logging.StreamHandler', 'filters': ['not_503']}},
           'root': {'handlers': ['stderr'], 'level': 'ERROR'}}
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                      'LOCATION': os.environ.get('STRESS_CACHE_URL', 'redis://127.0.0.1:6379/9')}}

if os.environ.get('STRESS_DB_PROXY_PORT'):
    DATABASES = {'default': {**DATABASES['default'], 'HOST': '127.0.0.1',
                             'PORT': os.environ['STRESS_DB_PROXY_PORT']}}
