"""
Tutor plugin ``offline_delivery``: installs offline_delivery_plugin into the ``openedx`` image and configures it.

Written against Tutor's v1 hooks API. What it adds to the rendered environment:

* ``build/openedx/Dockerfile``: ``pip install`` of ``OFFLINE_DELIVERY_PIP_REQUIREMENT``, unless a checkout is
  mounted (``tutor mounts add``), which Tutor installs itself;
* the LMS and Studio YAML: the ``ENABLE_SPECIAL_EXAMS``, ``ENABLE_PROCTORED_EXAMS`` and
  ``ENABLE_OTHER_COURSE_SETTINGS`` features;
* the LMS and Studio Python settings: the Celery queue and any other ``OFFLINE_DELIVERY_*`` value the operator sets
  in ``OFFLINE_DELIVERY_SETTINGS``; the LMS alone gets the key-encryption keys, the ``OPEN_EDX_FILTERS_CONFIG`` steps
  and the beat entry of the expired-attempt sweep;
* ``docker-compose.prod.yml`` / ``k8s/deployments.yml``: one Celery beat process and, when asked, workers of
  their own for the plugin's queue;
* the Caddyfile: a body limit for the plugin's uploads above the LMS's 4 MB, and no public ``/media/`` URL for
  the plugin's files.

``tutor local launch`` builds the ``openedx`` image (rather than pull Tutor's, which lacks the plugin). The LMS's
``init`` job (``./manage.py lms migrate``) already runs the plugin's migrations: no init task of its own.
"""
import base64
import binascii
import re
import secrets
from pathlib import Path

from tutor import hooks
from tutor.exceptions import TutorError

from tutor_offline_delivery import __version__, mfe

PATCHES_DIR = Path(__file__).resolve().parent / 'patches'
QUEUE_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]*')
CADDY_SIZE = re.compile(r'[0-9]+(?:[KMGT]i?B)?')

# Django settings this plugin writes from its own configuration; OFFLINE_DELIVERY_SETTINGS may not set them too.
MANAGED_SETTINGS = (
    'OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS',
    'OFFLINE_DELIVERY_ACTIVE_KEK_ID',
    'OFFLINE_DELIVERY_CELERY_QUEUE',
)

hooks.Filters.CONFIG_DEFAULTS.add_items([
    # What the openedx image pip-installs: a version on your package index, or e.g.
    # "git+https://git.example.org/exams/offline_delivery_plugin.git@v0.1.0".
    ('OFFLINE_DELIVERY_PIP_REQUIREMENT', f'offline-delivery-plugin=={__version__}'),
    # The id under which OFFLINE_DELIVERY_KEK wraps new exam keys (change it when you change the KEK).
    ('OFFLINE_DELIVERY_KEK_ID', 'tutor-1'),
    # Earlier KEKs, {id: base64}, kept until `offline_delivery_keys rewrap` has re-wrapped every exam key.
    ('OFFLINE_DELIVERY_RETIRED_KEKS', {}),
    # The Celery queue of the plugin's tasks. Tutor's lms-worker serves edx.lms.core.default.
    ('OFFLINE_DELIVERY_CELERY_QUEUE', 'edx.lms.core.default'),
    # Workers of the plugin's own (serving OFFLINE_DELIVERY_CELERY_QUEUE only), and how many.
    ('OFFLINE_DELIVERY_RUN_WORKER', False),
    ('OFFLINE_DELIVERY_WORKER_REPLICAS', 1),
    # One Celery beat process for the LMS (Tutor runs none). False when you already run a beat of the LMS.
    ('OFFLINE_DELIVERY_RUN_BEAT', True),
    # How often beat runs the expired-attempt sweep, in seconds.
    ('OFFLINE_DELIVERY_SWEEP_SECONDS', 300),
    # Largest request Caddy passes to the plugin's URLs (single delivery files and whole USB sticks).
    ('OFFLINE_DELIVERY_UPLOAD_MAX_SIZE', '500MB'),
    # Any other Django setting of the plugin, e.g. {"OFFLINE_DELIVERY_MAX_FILE_BYTES": 20971520}.
    ('OFFLINE_DELIVERY_SETTINGS', {}),
])

hooks.Filters.CONFIG_UNIQUE.add_items([
    # The key-encryption key of the exams' private keys: 32 random bytes, base64. Generated once into config.yml;
    # back it up apart from the database (losing it makes every delivery file unreadable).
    ('OFFLINE_DELIVERY_KEK', '{{ 32|offline_delivery_random_base64 }}'),
])


def random_base64(length):
    """``length`` random bytes as standard base64 (the form ``openssl rand -base64 32`` prints)."""
    return base64.b64encode(secrets.token_bytes(int(length))).decode('ascii')


def python_literal(value):
    """A configuration value (YAML: text, number, boolean, null, list, mapping) as a Python literal for settings."""
    return repr(value)


hooks.Filters.ENV_TEMPLATE_FILTERS.add_items([
    ('offline_delivery_random_base64', random_base64),
    ('offline_delivery_python', python_literal),
])


def check_kek(name, value):
    """
    Refuse a key-encryption key that the plugin would refuse at the first exam: it must be base64 (standard or
    URL-safe, padded or not) of exactly 32 bytes, written canonically.

    Raises:
        TutorError: naming the configuration value and what is wrong with it.
    """
    if not isinstance(value, str) or not value:
        raise TutorError(f'{name} must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`).')
    text = value.rstrip('=').replace('+', '-').replace('/', '_')
    try:
        raw = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise TutorError(f'{name} is not base64: {error}.') from error
    if len(raw) != 32 or base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=') != text:
        raise TutorError(f'{name} must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`).')


def check_keks(config):
    """
    The active KEK, its id and the retired KEKs: each key as the plugin takes it, and no id twice.

    Raises:
        TutorError: naming the value and what is wrong with it.
    """
    check_kek('OFFLINE_DELIVERY_KEK', config['OFFLINE_DELIVERY_KEK'])
    kek_id = config['OFFLINE_DELIVERY_KEK_ID']
    if not isinstance(kek_id, str) or not kek_id:
        raise TutorError('OFFLINE_DELIVERY_KEK_ID must be a non-empty name, e.g. "tutor-2".')
    retired = config['OFFLINE_DELIVERY_RETIRED_KEKS']
    if not isinstance(retired, dict):
        raise TutorError('OFFLINE_DELIVERY_RETIRED_KEKS must be a mapping {kek id: base64 key}.')
    if kek_id in retired:
        raise TutorError(f'OFFLINE_DELIVERY_RETIRED_KEKS has the active KEK id {kek_id!r}: give the new KEK a new '
                         'id (OFFLINE_DELIVERY_KEK_ID).')
    for retired_id, retired_kek in retired.items():
        check_kek(f'OFFLINE_DELIVERY_RETIRED_KEKS[{retired_id!r}]', retired_kek)


def check_deployment(config):
    """
    What goes into the image, docker-compose, Kubernetes and Caddy files: values that must not break their syntax.

    Raises:
        TutorError: naming the value and what is wrong with it.
    """
    requirement = config['OFFLINE_DELIVERY_PIP_REQUIREMENT']
    if not isinstance(requirement, str) or not requirement or re.search(r'[\'"\\\s]', requirement):
        raise TutorError('OFFLINE_DELIVERY_PIP_REQUIREMENT must be one pip requirement without spaces or quotes, '
                         'e.g. "offline-delivery-plugin==0.1.0".')
    queue = config['OFFLINE_DELIVERY_CELERY_QUEUE']
    if not isinstance(queue, str) or not QUEUE_NAME.fullmatch(queue):
        raise TutorError('OFFLINE_DELIVERY_CELERY_QUEUE must name a Celery queue (letters, digits, ".", "_", "-"), '
                         'e.g. "edx.lms.core.default".')
    upload_max = config['OFFLINE_DELIVERY_UPLOAD_MAX_SIZE']
    if not isinstance(upload_max, str) or not CADDY_SIZE.fullmatch(upload_max):
        raise TutorError('OFFLINE_DELIVERY_UPLOAD_MAX_SIZE must be a size Caddy reads, e.g. "500MB" or "1GB".')
    replicas = config['OFFLINE_DELIVERY_WORKER_REPLICAS']
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
        raise TutorError('OFFLINE_DELIVERY_WORKER_REPLICAS must be a whole number of workers, 1 or more.')
    sweep = config['OFFLINE_DELIVERY_SWEEP_SECONDS']
    if isinstance(sweep, bool) or not isinstance(sweep, (int, float)) or sweep <= 0:
        raise TutorError('OFFLINE_DELIVERY_SWEEP_SECONDS must be a number of seconds above 0.')


def check_settings(config):
    """
    ``OFFLINE_DELIVERY_SETTINGS`` sets the plugin's own Django settings only, and none this plugin writes itself.

    Raises:
        TutorError: naming the setting and what is wrong with it.
    """
    extra = config['OFFLINE_DELIVERY_SETTINGS']
    if not isinstance(extra, dict):
        raise TutorError('OFFLINE_DELIVERY_SETTINGS must be a mapping {setting name: value}.')
    for setting in extra:
        if not str(setting).startswith('OFFLINE_DELIVERY_') or not str(setting).isidentifier():
            raise TutorError(f'OFFLINE_DELIVERY_SETTINGS may only set OFFLINE_DELIVERY_* settings, not {setting!r}.')
        if setting in MANAGED_SETTINGS:
            raise TutorError(f'{setting} is written from this plugin\'s own configuration; set it there '
                             '(docs/install.rst, "With Tutor"), not in OFFLINE_DELIVERY_SETTINGS.')


@hooks.Actions.CONFIG_LOADED.add()
def check_configuration(config):
    """
    Stop ``tutor config save`` (and every command that loads the configuration) on a value the LMS would only
    refuse later, in an exam, or that would break a rendered file.

    Raises:
        TutorError: what is wrong and how to fix it.
    """
    check_keks(config)
    check_deployment(config)
    check_settings(config)


# `tutor mounts add /path/to/offline-delivery-plugin` (a checkout of this repository): Tutor copies it into the
# openedx image and pip-installs it editable, and bind-mounts it into every openedx container (its default list,
# tutor/plugins/openedx.py, matches only xblocks, openedx-* and platform-plugin-* folders).
hooks.Filters.MOUNTED_DIRECTORIES.add_item(('openedx', r'offline[-_]delivery[-_]plugin$'))


@hooks.Filters.IMAGES_BUILD_REQUIRED.add()
def build_openedx_on_launch(image_names, context_name):
    """``tutor local launch`` builds the ``openedx`` image (with the plugin in it) rather than pull Tutor's."""
    if context_name == 'local' and 'openedx' not in image_names:
        image_names.append('openedx')
    return image_names


# The learning MFE's slot for the exam-file page (mfe.py), where tutor-mfe is installed: its PLUGIN_SLOTS filter.
try:
    from tutormfe.hooks import PLUGIN_SLOTS
except ImportError:  # Tutor without tutor-mfe: no learning MFE to add to
    PLUGIN_SLOTS = None
if PLUGIN_SLOTS is not None:
    PLUGIN_SLOTS.add_items(mfe.PLUGIN_SLOTS)

# Each file in patches/ is a Jinja template added at the Tutor patch of the same name.
hooks.Filters.ENV_PATCHES.add_items([
    (path.name, path.read_text(encoding='utf-8')) for path in sorted(PATCHES_DIR.iterdir()) if path.is_file()
])
