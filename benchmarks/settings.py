"""
``make bench``: the sandbox as an operator runs it (production-type plugin settings, DEBUG off) on the database in
``DATABASE_URL`` (MariaDB), plus the floor view of the ingest benchmark. Sessions and the request's user come from
the cache (Redis), as in edx-platform's LMS (cache sessions and its cache-backed authentication middleware).
"""
import os

from sandbox.settings.common import *
from sandbox.settings.common import MIDDLEWARE, PROJECT_TYPE, add_plugins

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
ROOT_URLCONF = 'benchmarks.urls'
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']  # the users are made in bulk
LOGGING = {'version': 1, 'disable_existing_loggers': False, 'root': {'level': 'ERROR'}}
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                      'LOCATION': os.environ.get('BENCH_CACHE_URL', 'redis://127.0.0.1:6379/8')}}
SESSION_ENGINE = 'django.contrib.sessions.backends.cache'
MIDDLEWARE = ['sandbox.host.cached_auth.CacheBackedAuthenticationMiddleware'
              if entry == 'django.contrib.auth.middleware.AuthenticationMiddleware' else entry
              for entry in MIDDLEWARE]

add_plugins(__name__, PROJECT_TYPE, 'production')
