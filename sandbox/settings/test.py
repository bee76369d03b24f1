"""
The test suite's settings: the common settings plus the plugins' test-type settings.
"""
import socket

from sandbox.settings.common import *
from sandbox.settings.common import DATABASES, PROJECT_TYPE, add_plugins

PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']  # fast logins in tests only
SANDBOX_DEMO_PASSWORD = 'edx'

if DATABASES['default']['ENGINE'] == 'django.db.backends.mysql':
    # The Celery worker of the service-backed run must see the database the tests write.
    DATABASES['default']['TEST'] = {'NAME': DATABASES['default']['NAME'], 'CHARSET': 'utf8mb4',
                                    'COLLATION': 'utf8mb4_unicode_ci'}

# The MFE shell's origin in the browser tests (tests/browser/conftest.py serves it): localhost, as the live server,
# on a port free when the settings load, so CORS and CSRF know it from the first request on.
with socket.socket() as _probe:
    _probe.bind(('127.0.0.1', 0))
    SANDBOX_MFE_URL = f'http://localhost:{_probe.getsockname()[1]}'
CORS_ALLOWED_ORIGINS = [SANDBOX_MFE_URL]
CSRF_TRUSTED_ORIGINS = [SANDBOX_MFE_URL]
OFFLINE_DELIVERY_FRAME_ANCESTORS = [SANDBOX_MFE_URL]

add_plugins(__name__, PROJECT_TYPE, 'test')
