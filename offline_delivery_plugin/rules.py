"""
Who may do what, as ``rules`` predicates (the way edx-proctoring declares its permissions).

Every permission takes the course key as its object: ``user.has_perm(VIEW_EXAMS, course_key)``. Each REST view
names exactly one of these permissions; ``tests/rest_api/test_views.py`` and ``tests/security/test_role_matrix.py``
check every role against each endpoint.
"""
import rules

from offline_delivery_plugin import compat, roles
from offline_delivery_plugin.attempts import attempt_row
from offline_delivery_plugin.course_settings import get_course_delivery_settings
from offline_delivery_plugin.exceptions import CourseNotFound


@rules.predicate
def is_course_staff(user, course_key):
    """Course staff, instructor or global staff of the course."""
    return bool(user.is_authenticated and course_key is not None and compat.is_course_staff(user, course_key))


@rules.predicate
def is_chief_invigilator(user, course_key):
    """Holds the chief invigilator (site manager) role in the course."""
    return bool(
        user.is_authenticated and course_key is not None
        and compat.has_course_role(user, course_key, roles.CHIEF_INVIGILATOR)
    )


@rules.predicate
def is_invigilator(user, course_key):
    """Holds the invigilator role in the course."""
    return bool(
        user.is_authenticated and course_key is not None
        and compat.has_course_role(user, course_key, roles.INVIGILATOR)
    )


@rules.predicate
def is_enrolled(user, course_key):
    """An active enrollment in the course, in any track."""
    return bool(user.is_authenticated and course_key is not None and compat.get_enrollment_mode(user, course_key))


@rules.predicate
def can_download_reports(user, course_key):
    """The LMS's permission for the proctored exam results report (instructor.view_exam_results: course staff)."""
    return bool(user.is_authenticated and course_key is not None and compat.can_download_reports(user, course_key))


@rules.predicate
def is_attempt_owner(user, attempt_id):
    """The candidate whose edx-proctoring attempt this is (one indexed read, which the save of the same request
    reuses: every autosave checks it)."""
    if not user.is_authenticated or attempt_id is None:
        return False
    row = attempt_row(attempt_id)
    return row is not None and row['user_id'] == user.id


def _course_lets(role_name, setting, description):
    """
    A predicate: the course's offline-delivery settings give the hall role ``role_name`` (a name course teams write
    in Advanced Settings) the right that the list ``setting`` names. A course that does not exist gives nothing.
    """
    def course_lets(user, course_key):  # pylint: disable=unused-argument
        if course_key is None:
            return False
        try:
            return role_name in getattr(get_course_delivery_settings(course_key), setting)
        except CourseNotFound:
            return False

    course_lets.__doc__ = description
    return rules.predicate(course_lets, name=f'course_lets_{role_name}_{setting}')


course_lets_invigilators_upload = _course_lets(
    'invigilator', 'upload_roles', 'The course lets invigilators upload delivery files (on by default).')
course_lets_chiefs_upload = _course_lets(
    'chief_invigilator', 'upload_roles', 'The course lets chief invigilators upload delivery files (on by default).')
course_lets_invigilators_reopen = _course_lets(
    'invigilator', 'reopen_roles', 'The course lets invigilators open attempts for resubmission (off by default).')
course_lets_chiefs_reopen = _course_lets(
    'chief_invigilator', 'reopen_roles',
    'The course lets chief invigilators open attempts for resubmission (on by default).')


#: See the course's exams and their offline-delivery settings (the start of the Monitor).
VIEW_EXAMS = 'offline_delivery_plugin.view_exams'
#: Check a draft of the course's offline-delivery settings (Studio Advanced Settings).
VALIDATE_COURSE_SETTINGS = 'offline_delivery_plugin.validate_course_settings'

#: Start the candidate page's session and save snapshots of one's own attempt.
WRITE_OWN_ATTEMPT = 'offline_delivery_plugin.write_own_attempt'

#: See the Monitor of an exam: every candidate's state, last save, time left.
VIEW_MONITOR = 'offline_delivery_plugin.view_monitor'
#: Upload a candidate's delivery file from the Monitor.
UPLOAD_DELIVERY = 'offline_delivery_plugin.upload_delivery'
#: See a candidate's answers (to check the control word against the file).
VIEW_ANSWERS = 'offline_delivery_plugin.view_answers'

#: Open a submitted attempt for resubmission (the chief invigilator and course staff; not every invigilator).
REOPEN_ATTEMPT = 'offline_delivery_plugin.reopen_attempt'

#: Check a candidate in at an exam proctored by on-site invigilation (the invigilator's confirmation).
CHECK_IN_CANDIDATE = 'offline_delivery_plugin.check_in_candidate'
#: Record the hall's review of a candidate's attempt (the chief invigilator's incident record).
REVIEW_HALL_ATTEMPT = 'offline_delivery_plugin.review_hall_attempt'

#: Set or rotate an exam's invigilator password.
SET_INVIGILATOR_PASSWORD = 'offline_delivery_plugin.set_invigilator_password'
#: Turn Safe Exam Browser on or off for an exam and set its SEB settings (quit password, folders, sites, keys).
CONFIGURE_SAFE_EXAM_BROWSER = 'offline_delivery_plugin.configure_safe_exam_browser'
#: Give and take the invigilator and chief-invigilator roles of the course.
MANAGE_HALL_ROLES = 'offline_delivery_plugin.manage_hall_roles'
#: Read the course's audit log (and export it as CSV).
VIEW_AUDIT = 'offline_delivery_plugin.view_audit'

#: Ask for additional time, a special allowance or a retake, and see one's own requests.
MAKE_EXAM_REQUESTS = 'offline_delivery_plugin.make_exam_requests'
#: See learners' requests, approve or deny them, and add allowances in bulk.
DECIDE_EXAM_REQUESTS = 'offline_delivery_plugin.decide_exam_requests'

#: Generate and download the proctored results report (learners' emails and results: the LMS's exam-results right).
DOWNLOAD_REPORTS = 'offline_delivery_plugin.download_reports'

rules.add_perm(WRITE_OWN_ATTEMPT, is_attempt_owner)
rules.add_perm(DOWNLOAD_REPORTS, can_download_reports)
rules.add_perm(MAKE_EXAM_REQUESTS, is_enrolled)
rules.add_perm(DECIDE_EXAM_REQUESTS, is_course_staff)
rules.add_perm(SET_INVIGILATOR_PASSWORD, is_course_staff)
rules.add_perm(VIEW_AUDIT, is_course_staff)
rules.add_perm(MANAGE_HALL_ROLES, is_course_staff)
rules.add_perm(CONFIGURE_SAFE_EXAM_BROWSER, is_course_staff)
# Course staff always may; the hall roles as far as the course's Advanced Settings let them.
rules.add_perm(REOPEN_ATTEMPT, is_course_staff | (is_chief_invigilator & course_lets_chiefs_reopen)
               | (is_invigilator & course_lets_invigilators_reopen))
rules.add_perm(VIEW_MONITOR, is_course_staff | is_chief_invigilator | is_invigilator)
rules.add_perm(UPLOAD_DELIVERY, is_course_staff | (is_chief_invigilator & course_lets_chiefs_upload)
               | (is_invigilator & course_lets_invigilators_upload))
rules.add_perm(CHECK_IN_CANDIDATE, is_course_staff | is_chief_invigilator | is_invigilator)
rules.add_perm(REVIEW_HALL_ATTEMPT, is_course_staff | is_chief_invigilator)
rules.add_perm(VIEW_ANSWERS, is_course_staff | is_chief_invigilator | is_invigilator)
rules.add_perm(VIEW_EXAMS, is_course_staff | is_chief_invigilator | is_invigilator)
rules.add_perm(VALIDATE_COURSE_SETTINGS, is_course_staff)
