"""
The host edx-proctoring's own tests run on, without the plugin: the baseline of ``make test-edx-proctoring``.

Written from what those tests read (the sdist does not ship the repository's ``test_settings.py``): its apps, its
backends' configuration, a course id pattern, an MFE URL, a user profile. Where a test compares a result with a
configured value (an obfuscation hash, a key, a path), the value is the one that test expects. ``MIDDLEWARE`` is a
tuple, as in edx-proctoring's own test settings and in older LMS settings files: ``plugin_settings`` must cope.
"""
import os
import tempfile

DEBUG = True
SECRET_KEY = 'edx-proctoring-suite-not-a-secret'
PROCTORING_USER_OBFUSCATION_KEY = 'SHHHHHH'  # test_utils.test_obscured_user_id expects the hash made with it
USE_TZ = True
TIME_ZONE = 'UTC'
PLATFORM_NAME = 'Open edX'
FEATURES = {}
SITE_ID = 1
SITE_NAME = 'localhost:8000'
HTTPS = 'off'  # test_email expects http:// links
# No LMS_ROOT_URL: test_rest expects backends' JavaScript URLs left relative without it.
LEARNING_MICROFRONTEND_URL = 'https://learning.test.org'
DEFAULT_FROM_EMAIL = 'no-reply@example.com'
CONTACT_EMAIL = 'info@example.com'
TECH_SUPPORT_EMAIL = 'technical@example.com'
EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']

DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

INSTALLED_APPS = (
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.sites',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'rest_framework',
    'edx_proctoring',
    'edx_when',
    'rules.apps.AutodiscoverRulesConfig',
    'waffle',
    'mock_apps',
)

AUTHENTICATION_BACKENDS = [
    'rules.permissions.ObjectPermissionBackend',
    'django.contrib.auth.backends.ModelBackend',
]

MIDDLEWARE = (
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
)

ROOT_URLCONF = 'tests.edx_proctoring_suite.urls'
STATIC_URL = '/static/'
TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'APP_DIRS': True,
    'OPTIONS': {
        'context_processors': [
            'django.contrib.auth.context_processors.auth',
            'django.contrib.messages.context_processors.messages',
        ],
    },
}]

JWT_AUTH = {'JWT_AUTH_COOKIE': 'edx-jwt-cookie'}

# The LMS's course id pattern, in edx-proctoring's URLs and the host's jump_to URL.
COURSE_ID_PATTERN = r'(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/]+)'

# The backends edx-proctoring's tests name: 'test' is the default (its tests install the provider classes
# themselves). The backends are made once, at start-up, from these options: the Software Secure tests patch this
# setting afterwards and expect the AES key they patch in, so that one is theirs; the others are ours.
PROCTORING_BACKENDS = {
    'DEFAULT': 'test',
    'test': {},
    'null': {},
    'software_secure': {
        'secret_key_id': 'suite-key-id',
        'secret_key': 'suite-secret-key',
        'crypto_key': 'suite-crypto-key-24-char',
        'exam_register_endpoint': 'http://test',
        'organization': 'edx',
        'exam_sponsor': 'edX LMS',
        'software_download_url': 'http://example.com',
        'send_email': True,
        'video_review_aes_key': 'B886E02F19C77EC734B1B132BEECD91E',
    },
}
PROCTORING_SETTINGS = {
    'MUST_COMPLETE_ICRV': True,
    'LINK_URLS': {'online_proctoring_rules': '', 'faq': '', 'contact_us': '', 'tech_requirements': ''},
    'ALLOW_CALLBACK_SIMULATION': False,
}
PROCTORED_EXAM_VIEWABLE_PAST_DUE = False

# edx-proctoring writes its worker configuration under ENV_ROOT at start-up (outside the checkout); its REST
# backend reads its bundles' webpack stats (none here: the tests expect no JavaScript unless they mock one);
# test_workerconfig writes fake npm modules under NODE_MODULES_ROOT and expects this path.
ENV_ROOT = os.environ.get('EDX_PROCTORING_SUITE_TMP', tempfile.gettempdir())
WEBPACK_LOADER = {'WORKERS': {'BUNDLE_DIR_NAME': 'bundles/', 'STATS_FILE': os.path.join(ENV_ROOT, 'no-stats.json')}}
NODE_MODULES_ROOT = '/tmp/test-proctoring-modules'
