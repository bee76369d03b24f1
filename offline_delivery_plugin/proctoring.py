"""
The one door to edx-proctoring: every call into its API, every read of its tables and every attempt status the
plugin names. No other module of the plugin imports ``edx_proctoring`` (an import-linter contract, ``make quality``).

The rule at this door (docs/decisions/0013-layers-and-the-door-to-edx-proctoring.rst): the plugin *writes* an
attempt, an exam or an allowance only through edx-proctoring's API (``update_attempt_status``,
``add_allowance_for_user`` ...), so its signals, credit and grade updates run as they do for the LMS's own calls.
It *reads* edx-proctoring's tables directly where the API would cost one query per row (the Monitor's hall, the
results report, the autosave's hot path), through the model classes named here, and it locks an attempt's row
(``lock_attempt``) before it decides on that attempt.

The API calls are wrappers that look the function up when called, so a test that replaces one on
``edx_proctoring.api`` (as edx-proctoring's own tests do) reaches every caller.
"""
from django.db import transaction
from edx_proctoring import api as _api
from edx_proctoring import exceptions as _exceptions
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.exceptions import (
    ProctoredExamNotFoundException,
    ProctoredExamReviewAlreadyExists,
    ProctoredExamReviewPolicyNotFoundException,
    StudentExamAttemptDoesNotExistsException,
)
from edx_proctoring.models import ProctoredExamReviewPolicy as ReviewPolicy
from edx_proctoring.models import ProctoredExamSoftwareSecureComment as ReviewComment
from edx_proctoring.models import ProctoredExamSoftwareSecureReview as Review
from edx_proctoring.models import ProctoredExamStudentAllowance as Allowance
from edx_proctoring.models import ProctoredExamStudentAttempt as Attempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.statuses import ReviewStatus, SoftwareSecureReviewStatus

__all__ = [
    'ADDITIONAL_TIME_GRANTED',
    'AWAITING_SETUP',
    'FINISHED',
    'IN_PROGRESS',
    'LOCKED_FIELDS',
    'REOPENABLE',
    'REVIEW_POLICY_EXCEPTION',
    'Allowance',
    'Attempt',
    'ProctoredExamNotFoundException',
    'ProctoredExamReviewAlreadyExists',
    'ProctoredExamReviewPolicyNotFoundException',
    'ProctoringBackendProvider',
    'Review',
    'ReviewComment',
    'ReviewPolicy',
    'ReviewStatus',
    'SoftwareSecureReviewStatus',
    'Status',
    'StudentExamAttemptDoesNotExistsException',
    'add_allowance_for_user',
    'additional_time_granted',
    'get_all_exams_for_course',
    'get_backend_provider',
    'get_current_exam_attempt',
    'get_exam_attempt',
    'get_exam_attempt_data',
    'get_exam_by_content_id',
    'get_exam_by_id',
    'get_exam_url',
    'get_review_policy_by_exam_id',
    'get_total_allowed_time_for_exam',
    'is_in_progress',
    'is_pre_started',
    'lock_attempt',
    'make_review',
    'mark_exam_attempt_as_ready',
    'mark_exam_attempt_as_ready_to_resume',
    'may_still_get_allowance',
    'remove_exam_attempt',
    'update_attempt_status',
    'update_exam_attempt',
]

# Attempt statuses, by edx-proctoring's names (``edx_proctoring/statuses.py``). Its own predicates are used where
# it has one (``is_in_progress``, ``is_pre_started``); the tuples below are the plugin's rules over its statuses.

#: A candidate is writing: answers may still change (``Status.is_in_progress_status``, as a tuple for queries).
IN_PROGRESS = (Status.started, Status.ready_to_submit)
#: An attempt that is over: what a retake clears.
FINISHED = (Status.submitted, Status.second_review_required, Status.verified, Status.rejected, Status.error,
            Status.timed_out, Status.expired)
#: What an invigilator may open for resubmission.
REOPENABLE = (Status.submitted, Status.timed_out)
#: A proctored attempt whose proctoring setup is not done yet: edx-proctoring's backend moves it to
#: ``ready_to_start`` when it is (``mark_exam_attempt_as_ready``); frontend-lib-special-exams waits for that.
AWAITING_SETUP = (Status.created, Status.download_software_clicked)

#: The allowance types the plugin grants, by edx-proctoring's keys.
ADDITIONAL_TIME_GRANTED = Allowance.ADDITIONAL_TIME_GRANTED[0]
REVIEW_POLICY_EXCEPTION = Allowance.REVIEW_POLICY_EXCEPTION[0]

#: What the locked read of an attempt returns.
LOCKED_FIELDS = ('id', 'user_id', 'status', 'attempt_code', 'started_at', 'completed_at', 'allowed_time_limit_mins',
                 'proctored_exam_id')


def is_in_progress(status):
    """The candidate is writing (edx-proctoring's ``is_in_progress_status``)."""
    return Status.is_in_progress_status(status)


def is_pre_started(status):
    """The attempt exists but its clock has not started (edx-proctoring's ``is_pre_started_status``)."""
    return Status.is_pre_started_status(status)


def may_still_get_allowance(status):
    """Before the clock runs (pre-started, or held up by onboarding): an allowance still changes the time."""
    return Status.is_pre_started_status(status) or status in Status.onboarding_errors


def lock_attempt(attempt_id):
    """
    Lock edx-proctoring's row of the attempt until the transaction ends and return ``LOCKED_FIELDS`` of it, or None
    when there is no such attempt. Must be called inside ``transaction.atomic``.

    The row is read without joins: ``FOR UPDATE`` on a join would lock the exam's row too, and with it every
    candidate of the hall.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError('lock_attempt needs a transaction: the lock would end with the statement.')
    return Attempt.objects.select_for_update().filter(id=attempt_id).values(*LOCKED_FIELDS).first()


def get_exam_attempt(attempt_id):
    """edx-proctoring's serialised attempt (with its exam and user), or None when there is no such attempt."""
    try:
        return _api.get_exam_attempt_by_id(attempt_id)
    except StudentExamAttemptDoesNotExistsException:
        return None


def additional_time_granted(exam_id, user_id):
    """The learner's additional-time allowance for the exam, in minutes, or None."""
    return Allowance.get_additional_time_granted(exam_id, user_id)


def make_review(attempt, payload, backend):
    """
    Record a proctoring review of ``attempt`` (edx-proctoring's serialised attempt) as edx-proctoring records a
    provider's: ``backend.on_review_callback`` turns ``payload`` into a review status and comments, edx-proctoring
    stores the review, and its ``finish_review_workflow`` moves the attempt to verified, rejected or second review
    (``edx_proctoring/views.py``, ``BaseReviewCallback.make_review``).

    Raises:
        ProctoredExamReviewAlreadyExists: the attempt has a review and the site does not allow updates.
    """
    # pylint: disable=import-outside-toplevel
    from edx_proctoring.views import BaseReviewCallback

    return BaseReviewCallback().make_review(attempt, payload, backend=backend)


def get_exam_url(course_id, content_id):
    """
    Where the learner takes the exam: the learning MFE's page of the subsection when the site names the MFE
    (``LEARNING_MICROFRONTEND_URL``), else the LMS's ``jump_to`` (edx-proctoring's ``utils.get_exam_url``).
    """
    # pylint: disable=import-outside-toplevel
    from django.conf import settings
    from edx_proctoring.utils import get_exam_url as exam_url

    return exam_url(course_id, content_id, bool(getattr(settings, 'LEARNING_MICROFRONTEND_URL', None)))


def _through(name):
    """edx-proctoring's ``api.<name>``, looked up when called (so a test's replacement of it reaches every caller)."""
    def call(*args, **kwargs):
        return getattr(_api, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"edx-proctoring's ``api.{name}`` (same arguments, same answer)."
    return call


# edx-proctoring's API, as the plugin calls it: same names, same arguments (``edx_proctoring/api.py``).
get_exam_by_id = _through('get_exam_by_id')
get_exam_by_content_id = _through('get_exam_by_content_id')
get_all_exams_for_course = _through('get_all_exams_for_course')
get_current_exam_attempt = _through('get_current_exam_attempt')
get_exam_attempt_data = _through('get_exam_attempt_data')
get_review_policy_by_exam_id = _through('get_review_policy_by_exam_id')
get_total_allowed_time_for_exam = _through('get_total_allowed_time_for_exam')
update_attempt_status = _through('update_attempt_status')
update_exam_attempt = _through('update_exam_attempt')
mark_exam_attempt_as_ready = _through('mark_exam_attempt_as_ready')
mark_exam_attempt_as_ready_to_resume = _through('mark_exam_attempt_as_ready_to_resume')
add_allowance_for_user = _through('add_allowance_for_user')


#: edx-proctoring 6.1 removes an attempt at the proctoring provider before deleting it, and takes
#: ``require_backend_removal`` (raising ``BackendProviderCannotRemoveAttempt`` when it must and cannot); 5.x (what
#: the platform pins) tells the provider in a ``pre_delete`` handler, best effort, and has no such argument.
REMOVAL_CAN_REQUIRE_THE_PROVIDER = hasattr(_exceptions, 'BackendProviderCannotRemoveAttempt')


def remove_exam_attempt(attempt_id, requesting_user, require_backend_removal=True):
    """
    edx-proctoring's ``remove_exam_attempt``. ``require_backend_removal`` is passed where edx-proctoring has it
    (6.1 and later); 5.x always removes at the provider best effort, which is what ``False`` asks for.
    """
    if REMOVAL_CAN_REQUIRE_THE_PROVIDER:
        return _api.remove_exam_attempt(attempt_id, requesting_user, require_backend_removal=require_backend_removal)
    return _api.remove_exam_attempt(attempt_id, requesting_user)
