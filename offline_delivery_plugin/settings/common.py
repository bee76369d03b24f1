"""
Default settings of the plugin, applied by the host through ``plugin_settings``.

Every setting is namespaced ``OFFLINE_DELIVERY_*``. A default is applied only where the host has not set the
name already, so an operator's value (from the LMS YAML, a Tutor patch or a test) always wins.
"""
from pathlib import Path

#: The plugin's templates, added to the LMS's Mako lookup for the Instructor Dashboard section.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / 'templates'

GATE_MIDDLEWARE = 'offline_delivery_plugin.middleware.PendingRequestGate'

DEFAULTS = {
    # .. setting_name: OFFLINE_DELIVERY_EDXAPP_BACKEND
    # .. setting_default: 'offline_delivery_plugin.compat.edx_platform'
    # .. setting_description: Dotted path of the module that provides the host functions the plugin uses (course
    #   lookup, roles, enrollment, anonymous ids, course settings, exam content). In edx-platform this is the
    #   module shipped with the plugin; the sandbox host points it at its own module with the same functions.
    'OFFLINE_DELIVERY_EDXAPP_BACKEND': 'offline_delivery_plugin.compat.edx_platform',
    # .. setting_name: OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS
    # .. setting_default: 15
    # .. setting_description: Site-wide default for how often the candidate page sends its snapshot to the server.
    #   A course can choose its own value in Advanced Settings (``offline_delivery.autosave_interval_seconds``).
    'OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS': 15,
    # .. setting_name: OFFLINE_DELIVERY_CONNECTION_LOST_AFTER_SECONDS
    # .. setting_default: 60
    # .. setting_description: Seconds without a successful server contact after which the candidate is told to
    #   contact an invigilator and the Monitor shows the candidate as "connection lost".
    'OFFLINE_DELIVERY_CONNECTION_LOST_AFTER_SECONDS': 60,
    # .. setting_name: OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS
    # .. setting_default: 30
    # .. setting_description: How long an app server keeps a course's offline-delivery settings for the autosave
    #   (each candidate's page saves every few seconds; a fresh read loads the course from the modulestore). A
    #   change in Studio (e.g. turning offline delivery off) reaches saves within this many seconds; every other
    #   path reads the settings fresh. 0 reads them on every save.
    'OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS': 30,
    # .. setting_name: OFFLINE_DELIVERY_MAX_FILE_BYTES
    # .. setting_default: 10485760
    # .. setting_description: Largest delivery file the server accepts, in bytes. Larger uploads are refused
    #   before they are read.
    'OFFLINE_DELIVERY_MAX_FILE_BYTES': 10 * 1024 * 1024,
    # .. setting_name: OFFLINE_DELIVERY_CELERY_QUEUE
    # .. setting_default: None
    # .. setting_description: Celery queue for the plugin's background tasks (reports, bulk uploads, the expired
    #   attempt sweep). None uses the host's default routing; set it to e.g. 'edx.lms.core.default'.
    'OFFLINE_DELIVERY_CELERY_QUEUE': None,
    # .. setting_name: OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS
    # .. setting_default: {}
    # .. setting_description: Key-encryption keys that protect the exams' private keys at rest, as
    #   ``{kek_id: base64 of 32 random bytes}`` (e.g. ``openssl rand -base64 32``). Keep old entries after adding
    #   a new one until ``offline_delivery_keys rewrap`` has run. Never derived from SECRET_KEY. Required for
    #   offline delivery.
    'OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS': {},
    # .. setting_name: OFFLINE_DELIVERY_ACTIVE_KEK_ID
    # .. setting_default: None
    # .. setting_description: The id (in OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS) of the key-encryption key that
    #   wraps new exam keys.
    'OFFLINE_DELIVERY_ACTIVE_KEK_ID': None,
    # .. setting_name: OFFLINE_DELIVERY_BULK_MAX_FILES
    # .. setting_default: 1000
    # .. setting_description: Most files one bulk upload (many files or one zip) may hold; checked before
    #   anything is unpacked.
    'OFFLINE_DELIVERY_BULK_MAX_FILES': 1000,
    # .. setting_name: OFFLINE_DELIVERY_BULK_MAX_BYTES
    # .. setting_default: 209715200
    # .. setting_description: Largest bulk upload (all its files, or zips, together) the server accepts, in bytes.
    #   A request that declares more is refused (413) before its body is read; what is accepted is streamed to
    #   temporary files, never held in memory whole. 200 MiB holds a stick of OFFLINE_DELIVERY_BULK_MAX_FILES
    #   (1000) delivery files of 200 kB each (a file is its answers' text encrypted and base64-encoded: an essay
    #   exam's is tens of kB), while one request can no longer fill an app server's disk. Keep a proxy's body
    #   limit for the plugin's URLs at least this large (Tutor's default there is 500MB).
    'OFFLINE_DELIVERY_BULK_MAX_BYTES': 200 * 1024 * 1024,
    # .. setting_name: OFFLINE_DELIVERY_BULK_PART_FILES
    # .. setting_default: 20
    # .. setting_description: A bulk upload is delivered in parts of this many files, one Celery task each, so
    #   that every worker serving the plugin's queue takes parts of the same stick side by side. Smaller parts
    #   spread a stick over more workers; each part reads the stored batch once.
    'OFFLINE_DELIVERY_BULK_PART_FILES': 20,
    # .. setting_name: OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES
    # .. setting_default: 30
    # .. setting_description: Minutes after an attempt's time ran out before the periodic sweep
    #   (``offline_delivery_plugin.finalise_expired_attempts``, run by Celery beat) times it out in edx-proctoring.
    #   Reports show such an attempt as timed out at once; the grace only delays the write, for candidates whose
    #   delivery file is still on its way.
    'OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES': 30,
    # .. setting_name: OFFLINE_DELIVERY_DECISION_EMAILS
    # .. setting_default: True
    # .. setting_description: E-mail learners when course staff approve or decline their exam requests (additional
    #   time, a special allowance, a retake), in the learner's language, through the LMS's ``EMAIL_BACKEND`` and
    #   from ``DEFAULT_FROM_EMAIL``; the link in it uses ``LMS_ROOT_URL``. The answer is on the exam's page either way.
    'OFFLINE_DELIVERY_DECISION_EMAILS': True,
    # .. setting_name: OFFLINE_DELIVERY_MIN_PASSWORD_GUESSES_LOG10
    # .. setting_default: 12
    # .. setting_description: How hard an invigilator password must be to guess: at least 10 to this power
    #   guesses, as zxcvbn estimates them. Candidate pages receive a slow (PBKDF2, 600,000 iterations) verifier of
    #   the password, so a candidate can guess it offline, and the invigilator's co-signature on delivery files is
    #   only as strong as the password; docs/threat-model.rst gives the cost of 10**12 guesses.
    'OFFLINE_DELIVERY_MIN_PASSWORD_GUESSES_LOG10': 12,
    # .. setting_name: OFFLINE_DELIVERY_SEAL_TOLERANCE_SECONDS
    # .. setting_default: 60
    # .. setting_description: How much later than the attempt's deadline a delivery file's answers may have been
    #   sealed (by the candidate's clock, corrected by the offset the page measured against the server when the
    #   attempt started) and still be accepted. Covers the page's own clock error and the moment between the
    #   deadline and the page sealing the answers; a file sealed later is refused as ``sealed_late``.
    'OFFLINE_DELIVERY_SEAL_TOLERANCE_SECONDS': 60,
    # .. setting_name: OFFLINE_DELIVERY_BASE_TEMPLATE
    # .. setting_default: 'main_django.html'
    # .. setting_description: The site's Django page template that the plugin's own pages (the Monitor, the course
    #   page, the learner's request page, the audit log) extend, so that they carry the site's header, footer and
    #   theme. The LMS's is lms/templates/main_django.html (blocks title, headextra, bodyclass, body); a theme or an
    #   operator may name another with the same blocks.
    'OFFLINE_DELIVERY_BASE_TEMPLATE': 'main_django.html',
    # .. setting_name: OFFLINE_DELIVERY_FRAME_ANCESTORS
    # .. setting_default: []
    # .. setting_description: The origins that may frame the plugin's exam-file page (the learning MFE's slot shows
    #   it in an iframe: ``docs/decisions/0017-the-file-after-the-time.rst``). Empty: the origin of the LMS's
    #   ``LEARNING_MICROFRONTEND_URL``, where the learning MFE is served (``apps.<LMS host>`` under Tutor).
    'OFFLINE_DELIVERY_FRAME_ANCESTORS': [],
}


def plugin_settings(settings):
    """
    Apply the plugin's defaults to the host's settings without overwriting a value already set.
    """
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    # A learner with a pending allowance request cannot start that exam (middleware.PendingRequestGate).
    _append(settings, 'MIDDLEWARE', GATE_MIDDLEWARE)
    # The legacy Instructor Dashboard renders a plugin's section with a Mako template found through
    # MAKO_TEMPLATE_DIRS_BASE (see extensions/filters.py); hosts without Mako have no such setting.
    _append(settings, 'MAKO_TEMPLATE_DIRS_BASE', TEMPLATES_DIR, also_as=str(TEMPLATES_DIR))


def _append(settings, name, value, also_as=None):
    """
    Add ``value`` at the end of the host's list or tuple setting ``name`` unless it is there (as ``value`` or as
    ``also_as``); a host without the setting is left without it. A tuple (edx-proctoring's test settings, older
    LMS settings files) cannot grow in place, so it is replaced by a longer tuple.
    """
    current = getattr(settings, name, None)
    if not isinstance(current, (list, tuple)) or value in current or (also_as is not None and also_as in current):
        return
    if isinstance(current, list):
        current.append(value)
    else:
        setattr(settings, name, (*current, value))
