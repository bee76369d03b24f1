"""
``make bench``: the sandbox as an operator runs it (production-type plugin settings, DEBUG off) on the database in
``DATABASE_URL`` (MariaDB), plus the floor view of the ingest benchmark.
"""
from sandbox.settings.common import *
from sandbox.settings.common import PROJECT_TYPE, add_plugins

DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
ROOT_URLCONF = 'benchmarks.urls'
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']  # the users are made in bulk
LOGGING = {'version': 1, 'disable_existing_loggers': False, 'root': {'level': 'ERROR'}}

add_plugins(__name__, PROJECT_TYPE, 'production')
