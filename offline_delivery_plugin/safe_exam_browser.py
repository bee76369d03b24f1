"""
Safe Exam Browser (SEB) for an exam that requires it: the few settings a hall needs (course staff set them on the
course page), the ``.seb`` file the plugin makes from them, its Config Key, and the check of SEB's keys on every
request of the candidate page (docs/decisions/0019).

The anchors, read for this: SEB's developer documentation (SafeExamBrowser/SafeExamBrowser-Website
``developer/seb-config-key.html`` and ``seb-integration.html`` at 246318533d4a), Moodle's core ``quizaccess_seb``
(``mod/quiz/accessrule/seb/classes/config_key.php``, ``property_list.php``, ``seb_quiz_settings.php`` at moodle/moodle
3536435e, 8d532487, adab3853) and eduNEXT's ``seb-openedx`` (``seb_openedx/permissions.py`` at 5d22a0cf).

SEB's keys are not secrets: whoever has the ``.seb`` file can compute its Config Key, and a browser extension can
send any header. The check keeps an honest candidate out of the wrong browser or the wrong SEB settings, as
Moodle's does; it does not stop a determined cheat (docs/threat-model.rst).
"""
import base64
import hashlib
import plistlib
import re
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import compat
from offline_delivery_plugin.attempts import attempt_row
from offline_delivery_plugin.audit import CHANNEL_AUTOSAVE, record_audit_event
from offline_delivery_plugin.course_settings import as_course_key, read_recently
from offline_delivery_plugin.data import SafeExamBrowserExam
from offline_delivery_plugin.exams import get_active_exam
from offline_delivery_plugin.exceptions import (
    ExamNotFound,
    InvalidSafeExamBrowserSettings,
    SafeExamBrowserRequired,
)
from offline_delivery_plugin.models import AttemptRecord, AuditEvent, SafeExamBrowserSettings

__all__ = [
    'VERDICT_BROWSER_EXAM_KEY',
    'VERDICT_CONFIG_KEY',
    'VERDICT_NO_KEY',
    'VERDICT_WRONG_KEY',
    'change_safe_exam_browser_settings',
    'check_attempt_request',
    'check_safe_exam_browser',
    'config_key',
    'forget_recent_safe_exam_browser_settings',
    'get_safe_exam_browser_exam',
    'hashed_quit_password',
    'key_hash',
    'read_config_link_token',
    'required_safe_exam_browser_exams',
    'requires_safe_exam_browser',
    'safe_exam_browser_for_page',
    'seb_config_file',
    'seb_json',
    'seb_settings',
]

#: What a candidate request showed of SEB (``AttemptRecord.seb_verdict``, the Monitor's SEB column).
VERDICT_CONFIG_KEY = 'config_key'
VERDICT_BROWSER_EXAM_KEY = 'browser_exam_key'
VERDICT_NO_KEY = 'no_key'
VERDICT_WRONG_KEY = 'wrong_key'

QUIT_PASSWORD_MIN_LENGTH = 8
MAX_ALLOWED_SITES = 50
MAX_BROWSER_EXAM_KEYS = 50
HEX_KEY = re.compile(r'^[0-9a-f]{64}$')
SITE = re.compile(r'^[A-Za-z0-9*][A-Za-z0-9.*:/_~%?=&+-]{0,252}$')
TOKEN_SALT = 'offline_delivery_plugin.safe_exam_browser.config'


# -- SEB's Config Key ------------------------------------------------------------------------------------------------

def _seb_key_order(key):
    """SEB's order of a dictionary's keys: case-insensitive (seb-config-key.html, "Summary Config Key Generation");
    keys differing only in case, which SEB asks not to use, lower case first, as SEB for macOS orders them."""
    return key.lower(), key.swapcase()


def _seb_json_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'  # SEB-JSON escapes nothing, not even a backslash
    if isinstance(value, bytes):
        return f'"{base64.b64encode(value).decode()}"'
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(_seb_json_value(item) for item in value if not _empty_dict(item)) + ']'
    if isinstance(value, dict):
        members = [
            f'"{key}":{_seb_json_value(value[key])}' for key in sorted(value, key=_seb_key_order)
            if key != 'originatorVersion' and not _empty_dict(value[key])
        ]
        return '{' + ','.join(members) + '}'
    raise TypeError(f'SEB settings hold no {type(value).__name__}')  # dates and reals: never generated here


def _empty_dict(value):
    return isinstance(value, dict) and not any(key != 'originatorVersion' for key in value)


def seb_json(settings_dict):
    """
    The "SEB-JSON" string of SEB settings (a dict as the ``.seb`` file's plist holds it), as SEB's Config Key
    specification writes it: keys sorted case-insensitively at every level, ``originatorVersion`` and empty
    dictionaries removed, no whitespace, nothing escaped, data as Base64.
    """
    return _seb_json_value(settings_dict)


def config_key(settings_dict):
    """SEB's Config Key of these settings: SHA-256 of their SEB-JSON, lower-case hex."""
    return hashlib.sha256(seb_json(settings_dict).encode('utf-8')).hexdigest()


def key_hash(url, key):
    """What SEB sends for a request to ``url`` (or its JS API gives a page at ``url``): SHA-256 of the absolute URL
    without its fragment, followed by the key (Config Key or Browser Exam Key) in hex."""
    return hashlib.sha256((urldefrag(url)[0] + key).encode('utf-8')).hexdigest()


def hashed_quit_password(password):
    """The quit password as SEB's ``hashedQuitPassword`` holds it: SHA-256 of its UTF-8, lower-case hex."""
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


# -- The exam's settings and its .seb file ----------------------------------------------------------------------------

def _stored(course_key, content_id):
    return SafeExamBrowserSettings.objects.filter(course_id=course_key, content_id=content_id).first()


def _exam_check(course_key, content_id):
    """What the check needs of an exam: its settings (or None) and, where it requires SEB, their Config Key."""
    stored = _stored(course_key, content_id)
    required = stored is not None and stored.required
    return stored, config_key(seb_settings(course_key, content_id, stored)) if required else None


#: The autosave's recently read exams (``course_settings.read_recently``), by ``(course key, content id)``.
_recent = {}


def forget_recent_safe_exam_browser_settings():
    """Drop this process's recently read exams, so the next autosave reads them fresh (tests; a change)."""
    _recent.clear()


def _lms_url(path):
    return settings.LMS_ROOT_URL.rstrip('/') + path


def _site_rule(url_or_host):
    """An allowing rule of SEB's URL filter for a site and everything under it (the filter's simple syntax)."""
    host = urlsplit(url_or_host).netloc if '://' in url_or_host else url_or_host
    return {'action': 1, 'active': True, 'expression': f'{host}/*' if '/' not in host else host, 'regex': False}


def seb_settings(course_key, content_id, stored=None):
    """
    The SEB settings of the exam's ``.seb`` file, as a dict: SEB starts at the exam in the learning MFE, sends
    its keys, lets the page save the delivery file (into the configured folder), lets only the LMS, the MFE and
    the allowed sites open, quits at the plugin's quit URL (asking first), and asks for the quit password when the
    invigilator quits from SEB's menu. Only booleans, integers, strings and lists of them: every SEB computes the
    same Config Key for these (dates and reals it does not).
    """
    course_key = as_course_key(course_key)
    stored = stored if stored is not None else _stored(course_key, content_id)
    sites = [settings.LMS_ROOT_URL, getattr(settings, 'LEARNING_MICROFRONTEND_URL', '') or '']
    sites += list(stored.allowed_sites if stored else [])
    rules = []
    for site in sites:
        rule = _site_rule(site) if site else None
        if rule and rule not in rules:
            rules.append(rule)
    values = {
        'startURL': compat.get_exam_courseware_url(course_key, content_id),
        'sebConfigPurpose': 0,
        'sendBrowserExamKey': True,
        # The modern web view and SEB's JavaScript API, as Moodle's generated settings (seb_quiz_settings.php).
        'browserWindowWebView': 3,
        # Downloads on: SEB for macOS and iOS need both keys, SEB for Windows 3.9 reads allowDownloads only.
        'allowDownUploads': True,
        'allowDownloads': True,
        'allowUploads': False,
        'allowCustomDownUploadLocation': False,
        'openDownloads': False,
        'downloadPDFFiles': False,
        'allowQuit': True,
        'quitURL': _lms_url(reverse('offline_delivery_plugin:seb-quit')),
        'quitURLConfirm': True,
        'examSessionClearCookiesOnStart': True,
        'URLFilterEnable': True,
        # A content filter would force SEB for macOS back to its classic web view, without the JavaScript API.
        'URLFilterEnableContentFilter': False,
        'URLFilterRules': rules,
        'browserWindowAllowReload': True,
        'showReloadButton': True,
        'allowPreferencesWindow': False,
    }
    if stored and stored.hashed_quit_password:
        values['hashedQuitPassword'] = stored.hashed_quit_password
    if stored and stored.download_directory_win:
        values['downloadDirectoryWin'] = stored.download_directory_win
    if stored and stored.download_directory_mac:
        values['downloadDirectoryOSX'] = stored.download_directory_mac
    return values


def seb_config_file(course_key, content_id):
    """
    The exam's ``.seb`` file: SEB settings as an unencrypted XML property list, which every SEB opens.

    Raises:
        ExamNotFound: no such active exam, or it does not require SEB (no file is served for it).
    """
    course_key = as_course_key(course_key)
    get_active_exam(course_key, content_id)
    stored = _stored(course_key, content_id)
    if stored is None or not stored.required:
        raise ExamNotFound(_('This exam does not use Safe Exam Browser.'))
    return plistlib.dumps(seb_settings(course_key, content_id, stored), fmt=plistlib.FMT_XML, sort_keys=True)


def _config_link_token(course_key, content_id):
    # No timestamp: the link of an exam stays the same (it may be printed, or installed in a hall's computers).
    return signing.Signer(salt=TOKEN_SALT).sign_object([str(course_key), content_id], compress=True)


def read_config_link_token(token):
    """
    ``(course key, content id)`` of a link to a ``.seb`` file. SEB loads the file with its own client, without the
    learner's session, so the link carries the exam, signed by the site.

    Raises:
        ExamNotFound: a link the site did not make.
    """
    try:
        course_id, content_id = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
        return as_course_key(course_id), content_id
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ExamNotFound(_('This Safe Exam Browser link is not valid.')) from error


def _config_url(course_key, content_id):
    path = reverse('offline_delivery_plugin:seb-config', args=[_config_link_token(course_key, content_id)])
    return _lms_url(path)


def _seb_link(config_url):
    """The link that starts SEB with the file: ``sebs://`` for https, ``seb://`` for http (seb-integration.html)."""
    return re.sub(r'^http(s?)://', lambda match: f'seb{match.group(1)}://', config_url)


def _exam_data(course_key, content_id, stored):
    url = _config_url(course_key, content_id)
    return SafeExamBrowserExam(
        course_id=str(course_key),
        content_id=content_id,
        required=bool(stored and stored.required),
        quit_password_set=bool(stored and stored.hashed_quit_password),
        download_directory_win=stored.download_directory_win if stored else '',
        download_directory_mac=stored.download_directory_mac if stored else '',
        allowed_sites=tuple(stored.allowed_sites) if stored else (),
        browser_exam_keys=tuple(stored.browser_exam_keys) if stored else (),
        config_key=config_key(seb_settings(course_key, content_id, stored)),
        seb_link=_seb_link(url),
        config_url=url,
        changed_by=stored.changed_by.username if stored and stored.changed_by else '',
        changed_at=stored.changed_at if stored else None,
    )


def get_safe_exam_browser_exam(course_key, content_id):
    """
    The exam's SEB settings (``SafeExamBrowserExam``; off until course staff turn it on).

    Raises:
        ExamNotFound
    """
    course_key = as_course_key(course_key)
    get_active_exam(course_key, content_id)
    return _exam_data(course_key, content_id, _stored(course_key, content_id))


def safe_exam_browser_for_page(course_key, content_id):
    """What the candidate page shows at an exam that requires SEB (its quit step), or None: the folders the
    delivery file goes into and the quit URL. No key: the page never needs one."""
    stored = _stored(as_course_key(course_key), content_id)
    if stored is None or not stored.required:
        return None
    return {'download_directory_win': stored.download_directory_win,
            'download_directory_mac': stored.download_directory_mac,
            'quit_url': _lms_url(reverse('offline_delivery_plugin:seb-quit'))}


def requires_safe_exam_browser(course_key, content_id):
    """Whether the exam requires SEB (one indexed read)."""
    return SafeExamBrowserSettings.objects.filter(course_id=as_course_key(course_key), content_id=content_id,
                                                  required=True).exists()


def required_safe_exam_browser_exams(course_key):
    """The content ids of the course's exams that require SEB (one query, for the course page and the Monitor)."""
    return set(SafeExamBrowserSettings.objects.filter(course_id=as_course_key(course_key), required=True)
               .values_list('content_id', flat=True))


def _clean_lines(values, limit, pattern, message, errors, field):
    if isinstance(values, str):
        values = values.split()
    if not isinstance(values, (list, tuple)) or not all(isinstance(value, str) for value in values):
        errors[field] = message
        return []
    cleaned = []
    for value in (value.strip() for value in values):
        if value and value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > limit or not all(pattern.match(value) for value in cleaned):
        errors[field] = message
    return cleaned


def _clean_directory(value, field, errors):
    if not isinstance(value, str) or len(value) > 255 or any(ord(char) < 32 or char == '"' for char in value):
        errors[field] = _('A folder path of at most 255 characters, without quotes.')
        return ''
    return value.strip()


def change_safe_exam_browser_settings(course_key, content_id, changes, changed_by, ip_address=None):
    """
    Set the exam's SEB settings (course staff, from the course page). ``changes`` holds any of ``required``
    (bool), ``quit_password`` (a new one; '' removes it; absent keeps it), ``download_directory_win``,
    ``download_directory_mac``, ``allowed_sites`` and ``browser_exam_keys`` (lists, or text with one per line).
    Audited (never the password); a new Config Key reaches candidates with the next ``.seb`` file they open.

    Raises:
        ExamNotFound, InvalidSafeExamBrowserSettings: nothing is stored then.
    """
    course_key = as_course_key(course_key)
    get_active_exam(course_key, content_id)
    errors = {}
    required = changes.get('required')
    if required is not None and not isinstance(required, bool):
        errors['required'] = _('Must be true or false.')
    password = changes.get('quit_password')
    if password is not None and (not isinstance(password, str) or (password and not
                                 QUIT_PASSWORD_MIN_LENGTH <= len(password) <= 128)):
        errors['quit_password'] = _('The quit password must have {low} to 128 characters.').format(
            low=QUIT_PASSWORD_MIN_LENGTH)
    fields = {}
    for field in ('download_directory_win', 'download_directory_mac'):
        if field in changes:
            fields[field] = _clean_directory(changes[field], field, errors)
    if 'allowed_sites' in changes:
        fields['allowed_sites'] = _clean_lines(
            changes['allowed_sites'], MAX_ALLOWED_SITES, SITE,
            _('One site per line, such as login.example.org or https://login.example.org (at most {limit}).').format(
                limit=MAX_ALLOWED_SITES), errors, 'allowed_sites')
    if 'browser_exam_keys' in changes:
        keys = changes['browser_exam_keys']
        if isinstance(keys, str):
            keys = keys.lower()
        elif isinstance(keys, (list, tuple)):
            keys = [key.lower() if isinstance(key, str) else key for key in keys]
        fields['browser_exam_keys'] = _clean_lines(
            keys, MAX_BROWSER_EXAM_KEYS, HEX_KEY,
            _('Browser Exam Keys are 64 hexadecimal characters each, one per line (at most {limit}).').format(
                limit=MAX_BROWSER_EXAM_KEYS), errors, 'browser_exam_keys')
    if errors:
        raise InvalidSafeExamBrowserSettings(errors)
    if required is not None:
        fields['required'] = required
    if password is not None:
        fields['hashed_quit_password'] = hashed_quit_password(password) if password else ''
    with transaction.atomic():
        stored, _created = SafeExamBrowserSettings.objects.select_for_update().get_or_create(
            course_id=course_key, content_id=content_id)
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.changed_by = changed_by if getattr(changed_by, 'is_authenticated', False) else None
        stored.save()
        forget_recent_safe_exam_browser_settings()  # this process's autosaves see the change at once
        transaction.on_commit(forget_recent_safe_exam_browser_settings)
        record_audit_event(course_key, 'seb_settings', AuditEvent.OK, actor=changed_by, content_id=content_id,
                           ip_address=ip_address, required=stored.required,
                           changed=sorted(set(fields) - {'hashed_quit_password'}
                                          | ({'quit_password'} if password is not None else set())))
    return _exam_data(course_key, content_id, stored)


# -- The check on the candidate page's requests ----------------------------------------------------------------------

def _valid(expected_keys, url, sent):
    return bool(sent) and any(key_hash(url, key) == sent for key in expected_keys)


def _page_url_is_ours(page_url):
    """A page URL the candidate page may report: on the LMS's own origin (the unit frame, the plugin's pages)."""
    lms = urlsplit(settings.LMS_ROOT_URL)
    page = urlsplit(page_url)
    return bool(page.scheme and page.netloc) and (page.scheme, page.netloc) == (lms.scheme, lms.netloc)


def _verdict(keys, config, browser_exam_keys):
    if _valid([config], keys.url, keys.config_key_hash):
        return VERDICT_CONFIG_KEY
    if _valid(browser_exam_keys, keys.url, keys.request_hash):
        return VERDICT_BROWSER_EXAM_KEY
    if keys.page_url and _page_url_is_ours(keys.page_url):
        if _valid([config], keys.page_url, keys.page_config_key_hash):
            return VERDICT_CONFIG_KEY
        if _valid(browser_exam_keys, keys.page_url, keys.page_browser_exam_key_hash):
            return VERDICT_BROWSER_EXAM_KEY
    return VERDICT_WRONG_KEY if keys.present else VERDICT_NO_KEY


def check_safe_exam_browser(user, attempt, keys, channel, ip_address=None, recent=False):
    """
    For an attempt (a dict with ``id``, ``course_id`` and ``content_id``) at an exam that requires SEB: whether
    ``keys`` (``SafeExamBrowserKeys`` of the request) show SEB with the exam's settings — the Config Key of the
    ``.seb`` file the plugin serves, or one of the exam's Browser Exam Keys, sent by SEB in its headers or relayed by
    the page from SEB's JavaScript API. The attempt's record keeps the verdict for the Monitor. An exam that does
    not require SEB is not checked (None). ``recent``: the exam's settings as this process read them at most
    ``OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS`` ago, as the autosave reads the course's own (a change made here
    reaches it at once, one made in another process within that time).

    Raises:
        SafeExamBrowserRequired: no valid key; audited (``seb``, refused, with the ``channel``), nothing else changes.
    """
    course_key = as_course_key(attempt['course_id'])
    exam = (course_key, attempt['content_id'])
    stored, key = read_recently(_recent, exam, lambda: _exam_check(*exam)) if recent else _exam_check(*exam)
    if stored is None or not stored.required:
        return None
    verdict = _verdict(keys, key, stored.browser_exam_keys)
    AttemptRecord.objects.filter(attempt_id=attempt['id']).exclude(seb_verdict=verdict).update(
        seb_verdict=verdict, seb_verdict_at=timezone.now())
    if verdict in (VERDICT_CONFIG_KEY, VERDICT_BROWSER_EXAM_KEY):
        return verdict
    record_audit_event(course_key, 'seb', AuditEvent.REFUSED, actor=user, subject_id=user.id,
                       content_id=attempt['content_id'], attempt_id=attempt['id'], ip_address=ip_address,
                       channel=channel, reason=verdict)
    link = _seb_link(_config_url(course_key, attempt['content_id']))
    if verdict == VERDICT_NO_KEY:
        message = _('This exam must be taken in Safe Exam Browser. Nothing was saved from this browser: select '
                    '"Start in Safe Exam Browser" or ask an invigilator.')
    else:
        message = _('Safe Exam Browser is not running with this exam\'s settings. Nothing was saved: ask an '
                    'invigilator to start it again with the exam\'s settings ("Start in Safe Exam Browser").')
    raise SafeExamBrowserRequired(message, reason=verdict, seb_link=link)


def check_attempt_request(user, attempt_id, keys, channel, ip_address=None):
    """
    ``check_safe_exam_browser`` for a request of the candidate page about the user's own attempt (the permission
    rule has checked it is theirs; the row is the one it read). An attempt that is not there is left to the view,
    which answers it as it always does.
    """
    row = attempt_row(attempt_id)
    if row is None or row['user_id'] != user.id:
        return None
    return check_safe_exam_browser(user, {'id': row['id'], 'course_id': row['proctored_exam__course_id'],
                                          'content_id': row['proctored_exam__content_id']},
                                   keys, channel, ip_address=ip_address, recent=channel == CHANNEL_AUTOSAVE)
