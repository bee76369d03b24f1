"""
The test suite's settings: the common settings plus the plugins' test-type settings.
"""
from sandbox.settings.common import *
from sandbox.settings.common import DATABASES, PROJECT_TYPE, add_plugins

PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']  # fast logins in tests only
SANDBOX_DEMO_PASSWORD = 'edx'

if DATABASES['default']['ENGINE'] == 'django.db.backends.mysql':
    # The Celery worker of the service-backed run must see the database the tests write.
    DATABASES['default']['TEST'] = {'NAME': DATABASES['default']['NAME'], 'CHARSET': 'utf8mb4',
                                    'COLLATION': 'utf8mb4_unicode_ci'}

add_plugins(__name__, PROJECT_TYPE, 'test')
