"""
Settings of the sandbox host, the embedded default: SQLite and eager Celery unless the environment says otherwise.

Like the LMS, the sandbox does not list its plugins by hand: ``get_plugin_apps`` finds every installed
``lms.djangoapp`` entry point (edx-proctoring, edx-when, offline_delivery_plugin) and ``add_plugins`` applies their
settings modules at the end of this file.

Environment:
    DATABASE_URL: ``sqlite:///path`` (default ``var/sandbox.sqlite3``) or ``mysql://user:password@host:port/name``.
    CELERY_BROKER_URL: a Redis or RabbitMQ URL; without it tasks run eagerly in the web process.
    SANDBOX_SECRET_KEY: the Django secret key (a fixed development key otherwise: the sandbox is not a server).
"""
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from corsheaders.defaults import default_headers as corsheaders_default_headers
from edx_django_utils.plugins import add_plugins, get_plugin_apps

PROJECT_TYPE = 'lms.djangoapp'

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_ROOT = Path(os.environ.get('SANDBOX_VAR_ROOT', REPO_ROOT / 'var'))
ENV_ROOT = str(VAR_ROOT)  # edx-proctoring writes its worker config next to the LMS's ENV_ROOT

SECRET_KEY = os.environ.get('SANDBOX_SECRET_KEY', 'sandbox-development-key-not-for-production')
DEBUG = os.environ.get('SANDBOX_DEBUG', '1') == '1'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '[::1]', 'testserver']

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'rest_framework',
    'waffle',
    'simple_history',
    'eventtracking.django.apps.EventTrackingConfig',
    'corsheaders',
    'csrf',
    'sandbox.host',
] + get_plugin_apps(PROJECT_TYPE)

MIDDLEWARE = [
    'corsheaders.middleware.CorsMiddleware',
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.locale.LocaleMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'sandbox.host.middleware.LanguagePreferenceMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
    'crum.CurrentRequestUserMiddleware',
    'waffle.middleware.WaffleMiddleware',
]

ROOT_URLCONF = 'sandbox.urls'
WSGI_APPLICATION = 'sandbox.wsgi.application'

TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': [],
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.debug',
                'django.template.context_processors.request',
                'django.template.context_processors.i18n',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    'rules.permissions.ObjectPermissionBackend',
    'django.contrib.auth.backends.ModelBackend',
]


def database_from_url(url):
    """Turn ``DATABASE_URL`` into a Django ``DATABASES['default']``."""
    parsed = urlparse(url)
    if parsed.scheme == 'sqlite':
        return {'ENGINE': 'django.db.backends.sqlite3', 'NAME': unquote(parsed.path[1:]) or ':memory:'}
    if parsed.scheme in ('mysql', 'mariadb'):
        return {
            'ENGINE': 'django.db.backends.mysql',
            'NAME': parsed.path.lstrip('/'),
            'USER': unquote(parsed.username or 'root'),
            'PASSWORD': unquote(parsed.password or ''),
            'HOST': parsed.hostname or '127.0.0.1',
            'PORT': str(parsed.port or 3306),
            'OPTIONS': {'charset': 'utf8mb4'},
            'ATOMIC_REQUESTS': False,
        }
    raise ValueError(f'Unsupported DATABASE_URL scheme: {parsed.scheme!r} (use sqlite:// or mysql://)')


if 'DATABASE_URL' not in os.environ:
    VAR_ROOT.mkdir(parents=True, exist_ok=True)  # the embedded default keeps its SQLite file here
DATABASES = {'default': database_from_url(os.environ.get('DATABASE_URL', f'sqlite:///{VAR_ROOT}/sandbox.sqlite3'))}
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}

LANGUAGE_CODE = 'en'
LANGUAGES = [('en', 'English'), ('sv', 'Svenska')]
TIME_ZONE = 'UTC'
USE_I18N = True
USE_TZ = True

STATIC_URL = '/static/'
STATIC_ROOT = str(VAR_ROOT / 'static')
MEDIA_ROOT = os.environ.get('SANDBOX_MEDIA_ROOT', str(VAR_ROOT / 'media'))

LOGIN_URL = '/login/'
LOGIN_REDIRECT_URL = '/'
LOGOUT_REDIRECT_URL = '/'

EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'
DEFAULT_FROM_EMAIL = 'sandbox@example.invalid'

PLATFORM_NAME = 'Offline delivery sandbox'
SITE_NAME = '127.0.0.1:8000'
CONTACT_EMAIL = 'exam-office@example.invalid'
TECH_SUPPORT_EMAIL = CONTACT_EMAIL
# The LMS's course id pattern, used in edx-proctoring's URLs.
COURSE_ID_PATTERN = r'(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)'
# The learning MFE shell's origin (sandbox/mfe_shell): another port of the same host, as Tutor serves the MFEs from
# their own origin (apps.<LMS host>). The LMS lets it call its APIs with the session (CORS with credentials, the
# CSRF trusted origins, as edx-platform does for its MFEs) and frame render_xblock.
SANDBOX_MFE_URL = os.environ.get('SANDBOX_MFE_URL', 'http://127.0.0.1:2000')
# Learners take courses in the learning MFE only (the legacy courseware is gone): edx-proctoring's links, jump_to and
# the outline lead there.
LEARNING_MICROFRONTEND_URL = SANDBOX_MFE_URL
CORS_ALLOWED_ORIGINS = [SANDBOX_MFE_URL]
CORS_ALLOW_CREDENTIALS = True
# frontend-platform's CSRF token request sends USE-JWT-COOKIE; the LMS allows it (its CORS_ALLOW_HEADERS).
CORS_ALLOW_HEADERS = (*corsheaders_default_headers, 'use-jwt-cookie', 'content-range', 'content-disposition')
CSRF_TRUSTED_ORIGINS = [SANDBOX_MFE_URL]
# The shell frames the plugin's exam-file page in its course_breadcrumbs slot (deployed: LEARNING_MICROFRONTEND_URL).
OFFLINE_DELIVERY_FRAME_ANCESTORS = [SANDBOX_MFE_URL]
PROCTORING_USER_OBFUSCATION_KEY = SECRET_KEY
LMS_ROOT_URL = os.environ.get('LMS_ROOT_URL', 'http://127.0.0.1:8000')
FEATURES = {'ENABLE_SPECIAL_EXAMS': True}
# edx-proctoring adds its JavaScript bundle to the LMS's django-pipeline settings. Without the pipeline (as in the
# LMS's development settings, REQUIRE_DEBUG on), XBlocks such as capa name their files as the block's own resources,
# which the sandbox serves at /xblock/resource/ as the LMS's xblock_resource view does.
PIPELINE = {'JAVASCRIPT': {}, 'PIPELINE_ENABLED': False}
REQUIRE_DEBUG = True

REST_FRAMEWORK = {
    'DEFAULT_RENDERER_CLASSES': ('rest_framework.renderers.JSONRenderer',),
}
JWT_AUTH = {
    'JWT_ISSUERS': [],
    'JWT_AUTH_COOKIE': 'edx-jwt-cookie',
}

# Celery: eager unless a broker is given (then a real worker must run: ``make test-services`` starts one).
CELERY_BROKER_URL = os.environ.get('CELERY_BROKER_URL', '')
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = 'sandbox.default'
# Celery beat (``celery -A sandbox beat``) runs the plugin's sweep of expired attempts, as an LMS would.
CELERY_BEAT_SCHEDULE = {
    'offline-delivery-finalise-expired-attempts': {
        'task': 'offline_delivery_plugin.finalise_expired_attempts',
        'schedule': 300.0,
    },
}

# The key-encryption key of the sandbox's exam keys. A fixed development key unless SANDBOX_KEK gives one: the
# sandbox is for trying things; an operator sets their own (docs/keys.rst).
OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS = {
    'sandbox-1': os.environ.get('SANDBOX_KEK', 'c2FuZGJveC1kZXZlbG9wbWVudC1rZWstMzItYnl0ZXM='),
}
OFFLINE_DELIVERY_ACTIVE_KEK_ID = 'sandbox-1'

# The plugin's filter step, configured exactly as docs/install.rst tells an LMS operator.
OPEN_EDX_FILTERS_CONFIG = {
    'org.openedx.learning.vertical_block.render.completed.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddCandidatePageToExamUnits'],
    },
    'org.openedx.learning.instructor.dashboard.render.started.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorDashboard'],
    },
    'org.openedx.learning.instructor.dashboard.tabs.requested.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorTabs'],
    },
}

# The plugin reaches the host through this module rather than edx-platform.
OFFLINE_DELIVERY_EDXAPP_BACKEND = 'sandbox.host.edxapp_backend'

# Tracking events (edx-proctoring emits one per attempt change) go to the 'tracking' logger, as in the LMS.
EVENT_TRACKING_ENABLED = True
EVENT_TRACKING_BACKENDS = {
    'logger': {'ENGINE': 'eventtracking.backends.logger.LoggerBackend', 'OPTIONS': {'name': 'tracking'}},
}
EVENT_TRACKING_PROCESSORS = []

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'console': {'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['console'], 'level': os.environ.get('SANDBOX_LOG_LEVEL', 'INFO')},
    'loggers': {
        'tracking': {'level': 'WARNING'},
        # edx-proctoring 6.1.4's create_exam logs with a format key it does not pass (is_active); at INFO that
        # prints a logging traceback on every exam created. Its warnings and errors still show.
        'edx_proctoring.api': {'level': 'WARNING'},
    },
}

add_plugins(__name__, PROJECT_TYPE, 'common')

# The proctoring backends course teams may choose (Studio's Proctoring Provider), as an operator configures them:
# edx-proctoring's default (its plugin settings, just applied) and the plugin's on-site invigilation
# (offline_delivery_plugin/onsite_backend.py, registered through the openedx.proctoring entry point).
PROCTORING_BACKENDS = {**globals()['PROCTORING_BACKENDS'], 'onsite_invigilation': {}}
