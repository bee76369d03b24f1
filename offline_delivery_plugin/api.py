"""
The Python API of the plugin: the only entry point for views, tasks, signal handlers and the host.

Models stay behind this module; what crosses it is plain data from ``offline_delivery_plugin.data`` and typed
errors from ``offline_delivery_plugin.exceptions``.
"""
import logging
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from edx_proctoring import api as proctoring_api
from edx_proctoring.exceptions import StudentExamAttemptDoesNotExistsException
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import compat
from offline_delivery_plugin.audit import AUDIT_COLUMNS, list_audit_events, record_audit_event
from offline_delivery_plugin.bulk import (
    get_bulk_upload,
    process_bulk_upload,
    start_bulk_upload,
)
from offline_delivery_plugin.dashboard import get_course_dashboard
from offline_delivery_plugin.data import AttemptRecordData, CourseDeliverySettings, ExamSummary
from offline_delivery_plugin.deliveries import deliver_file, open_delivery_file
from offline_delivery_plugin.exceptions import (
    BulkUploadRefused,
    CannotReopen,
    CourseNotFound,
    ExamNotFound,
    InvalidCourseSettings,
    InvalidInvigilatorPassword,
    ReportNotAvailable,
    RequestRefused,
    UnlockRefused,
)
from offline_delivery_plugin.keyring import (
    check_invigilator_password,
    get_active_exam_key,
    get_password_verifier,
    list_exam_keys,
    rewrap_all_keys,
    rotate_exam_key,
    set_invigilator_password,
)
from offline_delivery_plugin.learner_requests import (
    CSV_MAX_BYTES as ALLOWANCE_CSV_MAX_BYTES,
)
from offline_delivery_plugin.learner_requests import (
    add_allowances_from_csv,
    create_exam_request,
    decide_exam_request,
    get_learner_exam_view,
    has_pending_allowance_request,
    list_course_requests,
    list_learner_requests,
    withdraw_exam_request,
)
from offline_delivery_plugin.models import (
    AttemptRecord,
    AuditEvent,
    BulkUpload,
    DeliveryFile,
    ExamRequest,
    Reopening,
    ResultsReport,
)
from offline_delivery_plugin.monitor import (
    change_invigilator_password,
    get_attempt_answers,
    get_monitor,
    upload_delivery_file,
)
from offline_delivery_plugin.notifications import send_request_decided_email
from offline_delivery_plugin.reopening import (
    link_successor,
    reopen_attempt,
    suggest_extra_minutes,
    unlock_attempt,
)
from offline_delivery_plugin.reports import COLUMNS as REPORT_COLUMNS
from offline_delivery_plugin.reports import LINK_SECONDS as REPORT_LINK_SECONDS
from offline_delivery_plugin.reports import (
    finalise_expired_attempts,
    generate_results_report,
    list_results_reports,
    make_download_token,
    open_report_download,
    request_results_report,
)
from offline_delivery_plugin.snapshots import render_candidate_page, save_snapshot, start_candidate_session
from offline_delivery_plugin.spreadsheets import safe_row
from offline_delivery_plugin.storage import plugin_storage

log = logging.getLogger(__name__)

__all__ = [
    'ALLOWANCE_CSV_MAX_BYTES',
    'AUDIT_COLUMNS',
    'COURSE_SETTINGS_KEY',
    'REMOVED_STATUS',
    'REPORT_COLUMNS',
    'REPORT_LINK_SECONDS',
    'BulkUploadRefused',
    'CannotReopen',
    'ExamNotFound',
    'InvalidInvigilatorPassword',
    'ReportNotAvailable',
    'RequestRefused',
    'UnlockRefused',
    'add_allowances_from_csv',
    'change_invigilator_password',
    'check_invigilator_password',
    'create_exam_request',
    'decide_exam_request',
    'delete_course_offline_delivery_data',
    'deliver_file',
    'finalise_expired_attempts',
    'forget_recent_course_delivery_settings',
    'generate_results_report',
    'get_active_exam_key',
    'get_attempt_answers',
    'get_attempt_record',
    'get_bulk_upload',
    'get_course_dashboard',
    'get_course_delivery_settings',
    'get_course_home_url',
    'get_learner_exam_view',
    'get_monitor',
    'get_password_verifier',
    'get_recent_course_delivery_settings',
    'has_pending_allowance_request',
    'list_audit_events',
    'list_course_exams',
    'list_course_requests',
    'list_exam_keys',
    'list_learner_requests',
    'list_results_reports',
    'make_download_token',
    'open_delivery_file',
    'open_report_download',
    'process_bulk_upload',
    'record_audit_event',
    'render_candidate_page',
    'reopen_attempt',
    'request_results_report',
    'rewrap_all_keys',
    'rotate_exam_key',
    'safe_row',
    'save_snapshot',
    'schedule_attempt_record_sync',
    'send_request_decided_email',
    'set_invigilator_password',
    'start_bulk_upload',
    'start_candidate_session',
    'suggest_extra_minutes',
    'sync_attempt_record',
    'unlock_attempt',
    'upload_delivery_file',
    'validate_course_settings',
    'withdraw_exam_request',
]

#: The key of ``other_course_settings`` (Studio Advanced Settings) that holds the course's offline-delivery settings.
COURSE_SETTINGS_KEY = 'offline_delivery'

#: Status recorded when edx-proctoring no longer has the attempt (it was cleared for a retake).
REMOVED_STATUS = 'removed'

AUTOSAVE_INTERVAL_RANGE = (5, 300)
#: The exam-hall roles a course may let upload delivery files and open attempts for resubmission, by the names
#: course teams write in Advanced Settings.
HALL_ROLES = ('invigilator', 'chief_invigilator')
CONNECTION_LOST_MESSAGE_MAX_LENGTH = 1000


def get_course_home_url(course_key):
    """Where the plugin's pages link back to: the course's home (the learning MFE's, in the LMS)."""
    return compat.get_course_home_url(course_key)


def _default_connection_lost_message():
    return _(
        'The connection to the exam server is lost. Keep writing: your answers are saved on this computer. '
        'Raise your hand and contact an invigilator.'
    )


def _as_course_key(course_key):
    return course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))


def validate_course_settings(raw):
    """
    Validate the course team's offline-delivery settings and fill in the site defaults.

    Arguments:
        raw: the value of ``other_course_settings["offline_delivery"]`` as Studio would store it (a JSON object).

    Returns:
        CourseDeliverySettings

    Raises:
        InvalidCourseSettings: with one message per offending key; nothing is stored by this function.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidCourseSettings({'offline_delivery': _('Must be a JSON object, e.g. {"enabled": true}.')})

    errors = {}
    known = {'enabled', 'autosave_interval_seconds', 'connection_lost_message', 'allow_deliver_blank',
             'upload_roles', 'reopen_roles'}
    for key in sorted(set(raw) - known):
        errors[key] = _('Unknown setting. Known settings: {names}.').format(names=', '.join(sorted(known)))

    def boolean(key, default):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            errors[key] = _('Must be true or false.')
            return default
        return value

    enabled = boolean('enabled', False)
    allow_deliver_blank = boolean('allow_deliver_blank', True)

    low, high = AUTOSAVE_INTERVAL_RANGE
    interval = raw.get('autosave_interval_seconds', settings.OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS)
    if isinstance(interval, bool) or not isinstance(interval, int) or not low <= interval <= high:
        errors['autosave_interval_seconds'] = _('Must be a whole number of seconds from {low} to {high}.').format(
            low=low, high=high,
        )

    message = raw.get('connection_lost_message')
    if message is None:
        message = _default_connection_lost_message()
    elif not isinstance(message, str) or not message.strip():
        errors['connection_lost_message'] = _('Must be a non-empty text.')
    elif len(message) > CONNECTION_LOST_MESSAGE_MAX_LENGTH:
        errors['connection_lost_message'] = _('Must be at most {max} characters.').format(
            max=CONNECTION_LOST_MESSAGE_MAX_LENGTH,
        )

    def roles(key, default):
        value = raw.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v in HALL_ROLES for v in value):
            errors[key] = _('Must be a list of hall roles, from: {names}. Course staff always may.').format(
                names=', '.join(HALL_ROLES))
            return tuple(default)
        return tuple(role for role in HALL_ROLES if role in value)

    upload_roles = roles('upload_roles', HALL_ROLES)
    reopen_roles = roles('reopen_roles', ('chief_invigilator',))

    if errors:
        raise InvalidCourseSettings(errors)
    return CourseDeliverySettings(
        enabled=enabled,
        autosave_interval_seconds=interval,
        connection_lost_message=message.strip(),
        allow_deliver_blank=allow_deliver_blank,
        upload_roles=upload_roles,
        reopen_roles=reopen_roles,
    )


def get_course_delivery_settings(course_key):
    """
    Return the course's offline-delivery settings.

    Settings that were stored invalid (written around Studio's validation) are logged and read as the defaults,
    with offline delivery off: an exam never runs on half-understood settings.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = _as_course_key(course_key)
    course = compat.get_course(course_key)
    if course is None:
        raise CourseNotFound(_('There is no course {course_id}.').format(course_id=course_key))
    try:
        return validate_course_settings(course.other_course_settings.get(COURSE_SETTINGS_KEY))
    except InvalidCourseSettings as error:
        log.warning('Invalid offline delivery settings stored for %s: %s', course_key, error.errors)
        return validate_course_settings({})


#: The save path's settings, per course key: ``(read at, settings)`` on the monotonic clock of this process.
_recent_settings = {}


def get_recent_course_delivery_settings(course_key):
    """
    The course's offline-delivery settings as read at most ``OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS`` ago by this
    process. For the autosave only: every candidate's page saves every few seconds, and in the LMS each fresh read
    loads the course from the modulestore. A change made in Studio reaches saves within that many seconds; the
    session start, the Monitor, uploads and the permission rules read the settings fresh.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = _as_course_key(course_key)
    max_age = settings.OFFLINE_DELIVERY_SETTINGS_CACHE_SECONDS
    now = time.monotonic()
    read_at, delivery = _recent_settings.get(course_key, (None, None))
    if read_at is None or now - read_at >= max_age:
        delivery = get_course_delivery_settings(course_key)
        if max_age > 0:
            _recent_settings[course_key] = (now, delivery)
    return delivery


def forget_recent_course_delivery_settings():
    """Drop this process's recent settings, so the next save reads them fresh (tests; a changed course)."""
    _recent_settings.clear()


def list_course_exams(course_key):
    """
    Return the course's active timed, proctored and practice exams, in the order edx-proctoring lists them.

    Raises:
        CourseNotFound: when there is no such course.
    """
    course_key = _as_course_key(course_key)
    if compat.get_course(course_key) is None:
        raise CourseNotFound(_('There is no course {course_id}.').format(course_id=course_key))
    return [
        ExamSummary(
            exam_id=exam['id'],
            course_id=exam['course_id'],
            content_id=exam['content_id'],
            exam_name=exam['exam_name'],
            time_limit_mins=exam['time_limit_mins'],
            is_proctored=exam['is_proctored'],
            is_practice_exam=exam['is_practice_exam'],
            is_active=exam['is_active'],
        )
        for exam in proctoring_api.get_all_exams_for_course(str(course_key), active_only=True)
    ]


def _record_data(record):
    return AttemptRecordData(
        attempt_id=record.attempt_id,
        attempt_code=record.attempt_code,
        user_id=record.user_id,
        course_id=str(record.course_id),
        content_id=record.content_id,
        proctoring_status=record.proctoring_status,
        status_changed_at=record.status_changed_at,
        last_save_seq=record.last_save_seq,
        last_save_at=record.last_save_at,
        last_contact_at=record.last_contact_at,
    )


def sync_attempt_record(attempt_id):
    """
    Bring the plugin's record of an attempt in step with edx-proctoring, the source of truth.

    It reads the attempt as it is now rather than trusting the status a signal carried, so running it twice, late
    or out of order gives the same result.

    Returns:
        AttemptRecordData, or None when neither edx-proctoring nor the plugin knows the attempt.
    """
    try:
        attempt = proctoring_api.get_exam_attempt_by_id(attempt_id)
    except StudentExamAttemptDoesNotExistsException:
        attempt = None
    if attempt is None:
        with transaction.atomic():
            record = AttemptRecord.objects.select_for_update().filter(attempt_id=attempt_id).first()
            if record is None:
                return None
            record.proctoring_status = REMOVED_STATUS
            record.save(update_fields=['proctoring_status', 'modified'])
            return _record_data(record)
    exam = attempt['proctored_exam']
    fields = {
        'attempt_code': attempt['attempt_code'],
        'user_id': attempt['user']['id'],
        'course_id': CourseKey.from_string(exam['course_id']),
        'content_id': exam['content_id'],
        'proctoring_status': attempt['status'],
        'status_changed_at': parse_datetime(attempt['modified']) if attempt['modified'] else None,
    }
    # The usual sync follows a status change of a known attempt: one UPDATE. The first one makes the record in a
    # transaction of its own, so that first syncs running at once (the worker, the page's session start, its first
    # save) meet on the unique attempt id and the losers update what the winner made. (A locking read of the
    # missing row followed by an insert, as update_or_create does, deadlocks three such syncs on MariaDB.)
    def bring_in_step():
        return AttemptRecord.objects.filter(attempt_id=attempt_id).update(modified=timezone.now(), **fields)

    if not bring_in_step():
        try:
            with transaction.atomic():
                record = AttemptRecord.objects.create(attempt_id=attempt_id, **fields)
                link_successor(record)
            return _record_data(record)
        except IntegrityError:
            if not bring_in_step():  # no other sync made it: the insert failed for a reason of its own
                raise
    return _record_data(AttemptRecord.objects.get(attempt_id=attempt_id))


def schedule_attempt_record_sync(attempt_id):
    """
    Queue ``sync_attempt_record`` for after the current transaction commits (edx-proctoring sends its status
    signal inside the transaction that changed the attempt; a worker must not read it before it is committed).
    """
    # pylint: disable=import-outside-toplevel
    from offline_delivery_plugin.tasks import queue_after_commit, sync_attempt_record_task

    queue_after_commit(sync_attempt_record_task, attempt_id)


def get_attempt_record(attempt_id):
    """
    Return the plugin's record of an attempt as ``AttemptRecordData``, or None.
    """
    record = AttemptRecord.objects.filter(attempt_id=attempt_id).first()
    return _record_data(record) if record else None


def delete_course_offline_delivery_data(course_key):
    """
    Forget everything the plugin holds about a course's candidates and its exam days: attempt records with their
    answers and accepted delivery files, reopenings, learner requests, bulk uploads, results reports and the audit
    log, and the files kept for them in storage. For a host that clears a course (the sandbox's demo reset); the
    course's exam keys and invigilator passwords stay, as files co-signed and encrypted under them must still open.

    It does not touch edx-proctoring: clear the course's attempts and allowances there as well, or the next sync
    writes their records again. The stored files are deleted once the transaction commits (storage cannot roll
    back).

    Arguments:
        course_key: the course, a ``CourseKey`` or its string.

    Returns:
        The number of rows deleted.
    """
    course_key = _as_course_key(course_key)
    deleted = 0
    with transaction.atomic():
        files = [
            *DeliveryFile.objects.filter(record__course_id=course_key).values_list('storage_name', flat=True),
            *BulkUpload.objects.filter(course_id=course_key).values_list('storage_name', flat=True),
            *ResultsReport.objects.filter(course_id=course_key).values_list('storage_name', flat=True),
        ]
        # Answers and delivery files go with their records (on_delete=CASCADE). The audit log is append-only for
        # single rows (AuditEvent.save); forgetting a whole course is the one way out of it.
        for model in (AttemptRecord, Reopening, ExamRequest, BulkUpload, ResultsReport, AuditEvent):
            deleted += model.objects.filter(course_id=course_key).delete()[0]

        def delete_files():
            storage = plugin_storage()
            for name in filter(None, files):
                storage.delete(name)

        transaction.on_commit(delete_files)
    return deleted
