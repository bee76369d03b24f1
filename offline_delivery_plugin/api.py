"""
The Python API of the plugin: the front door for its edges (REST views, pages, filters, signal handlers, management
commands) and for the host.

It holds no logic of its own. Every name is re-exported from the module below that owns it and lists it in its
``__all__``; the only functions written here are the three that also queue a task once the work is stored (the
layers below the tasks never queue one). Nothing below ``api`` imports it: the layers are an import-linter
contract (``setup.cfg``, run by ``make quality``; docs/decisions/0013-layers-and-the-door-to-edx-proctoring.rst).

Models stay behind this door; what crosses it is plain data from ``offline_delivery_plugin.data`` and the typed
errors of ``offline_delivery_plugin.exceptions``.
"""
from functools import wraps

from offline_delivery_plugin import bulk, learner_requests, reports, tasks
from offline_delivery_plugin.attempts import REMOVED_STATUS, get_attempt_record, sync_attempt_record
from offline_delivery_plugin.audit import AUDIT_COLUMNS, list_audit_events, record_audit_event
from offline_delivery_plugin.autosave import save_snapshot
from offline_delivery_plugin.bulk import get_bulk_upload, process_bulk_upload
from offline_delivery_plugin.candidate_page import get_exam_file_page, render_candidate_page
from offline_delivery_plugin.candidate_session import start_candidate_session
from offline_delivery_plugin.chain import MAX_LINK_CHARS as SNAPSHOT_LINK_MAX_CHARS
from offline_delivery_plugin.compat import get_course_home_url
from offline_delivery_plugin.course_data import delete_course_offline_delivery_data
from offline_delivery_plugin.course_settings import (
    COURSE_SETTINGS_KEY,
    check_course_settings,
    forget_recent_course_delivery_settings,
    get_course_delivery_settings,
    get_recent_course_delivery_settings,
    validate_course_settings,
)
from offline_delivery_plugin.dashboard import check_published_course_settings, get_course_dashboard
from offline_delivery_plugin.deliveries import deliver_file, open_delivery_file
from offline_delivery_plugin.exams import list_course_exams
from offline_delivery_plugin.exceptions import (
    AttemptNotFound,
    BulkUploadRefused,
    CannotCheckIn,
    CannotReopen,
    CannotReview,
    ExamNotFound,
    InvalidInvigilatorPassword,
    ReportNotAvailable,
    RequestRefused,
    RoleRefused,
    SafeExamBrowserRequired,
    UnlockRefused,
)
from offline_delivery_plugin.hall_roles import IDENTIFIER_MAX as HALL_ROLE_IDENTIFIER_MAX
from offline_delivery_plugin.hall_roles import ROLE_CODES as HALL_ROLE_CODES
from offline_delivery_plugin.hall_roles import (
    change_hall_roles_from_csv,
    grant_hall_role,
    list_hall_roles,
    revoke_hall_role,
)
from offline_delivery_plugin.invigilator_passwords import change_invigilator_password
from offline_delivery_plugin.keyring import MAX_PASSWORD_LENGTH as INVIGILATOR_PASSWORD_MAX_LENGTH
from offline_delivery_plugin.keyring import (
    check_invigilator_password,
    get_active_exam_key,
    get_password_verifier,
    list_exam_keys,
    rewrap_all_keys,
    rotate_exam_key,
    set_invigilator_password,
)
from offline_delivery_plugin.learner_requests import ALLOWANCE_TEXT_MAX as DECISION_TEXT_MAX
from offline_delivery_plugin.learner_requests import CSV_MAX_BYTES as ALLOWANCE_CSV_MAX_BYTES
from offline_delivery_plugin.learner_requests import REASON_MAX as REQUEST_REASON_MAX
from offline_delivery_plugin.learner_requests import (
    add_allowances_from_csv,
    create_exam_request,
    get_learner_exam,
    has_pending_allowance_request,
    list_course_requests,
    list_learner_requests,
    withdraw_exam_request,
)
from offline_delivery_plugin.monitor import get_attempt_answers, get_monitor, upload_delivery_file
from offline_delivery_plugin.notifications import send_request_decided_email
from offline_delivery_plugin.onsite import NOTE_MAX as HALL_REVIEW_NOTE_MAX
from offline_delivery_plugin.onsite import (
    check_in_from_monitor,
    check_in_with_password,
    get_check_in,
    is_onsite_exam,
    record_hall_review,
)
from offline_delivery_plugin.proctoring import get_exam_url
from offline_delivery_plugin.reopening import MAX_EXTRA_MINUTES as REOPEN_MAX_EXTRA_MINUTES
from offline_delivery_plugin.reopening import REASON_MAX as REOPEN_REASON_MAX
from offline_delivery_plugin.reopening import reopen_attempt, suggest_extra_minutes, unlock_attempt
from offline_delivery_plugin.reports import COLUMNS as REPORT_COLUMNS
from offline_delivery_plugin.reports import LINK_SECONDS as REPORT_LINK_SECONDS
from offline_delivery_plugin.reports import (
    generate_results_report,
    list_results_reports,
    make_download_token,
    open_report_download,
)
from offline_delivery_plugin.safe_exam_browser import (
    change_safe_exam_browser_settings,
    check_attempt_request,
    forget_recent_safe_exam_browser_settings,
    get_safe_exam_browser_exam,
    read_config_link_token,
    required_safe_exam_browser_exams,
    requires_safe_exam_browser,
    seb_config_file,
)
from offline_delivery_plugin.spreadsheets import safe_row
from offline_delivery_plugin.sweeper import finalise_expired_attempts
from offline_delivery_plugin.tasks import schedule_attempt_record_sync

__all__ = [
    'ALLOWANCE_CSV_MAX_BYTES',
    'AUDIT_COLUMNS',
    'COURSE_SETTINGS_KEY',
    'DECISION_TEXT_MAX',
    'HALL_REVIEW_NOTE_MAX',
    'HALL_ROLE_CODES',
    'HALL_ROLE_IDENTIFIER_MAX',
    'INVIGILATOR_PASSWORD_MAX_LENGTH',
    'REMOVED_STATUS',
    'REOPEN_MAX_EXTRA_MINUTES',
    'REOPEN_REASON_MAX',
    'REPORT_COLUMNS',
    'REPORT_LINK_SECONDS',
    'REQUEST_REASON_MAX',
    'SNAPSHOT_LINK_MAX_CHARS',
    'AttemptNotFound',
    'BulkUploadRefused',
    'CannotCheckIn',
    'CannotReopen',
    'CannotReview',
    'ExamNotFound',
    'InvalidInvigilatorPassword',
    'ReportNotAvailable',
    'RequestRefused',
    'RoleRefused',
    'SafeExamBrowserRequired',
    'UnlockRefused',
    'add_allowances_from_csv',
    'change_hall_roles_from_csv',
    'change_invigilator_password',
    'change_safe_exam_browser_settings',
    'check_attempt_request',
    'check_course_settings',
    'check_in_from_monitor',
    'check_in_with_password',
    'check_invigilator_password',
    'check_published_course_settings',
    'create_exam_request',
    'decide_exam_request',
    'delete_course_offline_delivery_data',
    'deliver_file',
    'finalise_expired_attempts',
    'forget_recent_course_delivery_settings',
    'forget_recent_safe_exam_browser_settings',
    'generate_results_report',
    'get_active_exam_key',
    'get_attempt_answers',
    'get_attempt_record',
    'get_bulk_upload',
    'get_check_in',
    'get_course_dashboard',
    'get_course_delivery_settings',
    'get_course_home_url',
    'get_exam_file_page',
    'get_exam_url',
    'get_learner_exam',
    'get_monitor',
    'get_password_verifier',
    'get_recent_course_delivery_settings',
    'get_safe_exam_browser_exam',
    'grant_hall_role',
    'has_pending_allowance_request',
    'is_onsite_exam',
    'list_audit_events',
    'list_course_exams',
    'list_course_requests',
    'list_exam_keys',
    'list_hall_roles',
    'list_learner_requests',
    'list_results_reports',
    'make_download_token',
    'open_delivery_file',
    'open_report_download',
    'process_bulk_upload',
    'read_config_link_token',
    'record_audit_event',
    'record_hall_review',
    'render_candidate_page',
    'reopen_attempt',
    'request_results_report',
    'required_safe_exam_browser_exams',
    'requires_safe_exam_browser',
    'revoke_hall_role',
    'rewrap_all_keys',
    'rotate_exam_key',
    'safe_row',
    'save_snapshot',
    'schedule_attempt_record_sync',
    'seb_config_file',
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


# The three that store, then queue: the only orchestration at the front door.

@wraps(bulk.start_bulk_upload)
def start_bulk_upload(*args, **kwargs):  # pylint: disable=missing-function-docstring
    upload_id = bulk.start_bulk_upload(*args, **kwargs)
    tasks.schedule_bulk_upload(upload_id)
    return upload_id


@wraps(reports.request_results_report)
def request_results_report(*args, **kwargs):  # pylint: disable=missing-function-docstring
    report = reports.request_results_report(*args, **kwargs)
    tasks.schedule_results_report(report.report_id)
    return report


@wraps(learner_requests.decide_exam_request)
def decide_exam_request(*args, **kwargs):  # pylint: disable=missing-function-docstring
    decision = learner_requests.decide_exam_request(*args, **kwargs)
    tasks.schedule_request_decided_email(decision.request_id)
    return decision
