"""
The plugin's errors, all of them, in one place (as edx-proctoring keeps its own in ``edx_proctoring/exceptions.py``).

Each error carries a message fit to show the person who caused it (``user_message``) and the HTTP status it answers
with (``http_status``), so the REST layer needs one handler and no map of its own; an error with a stable code for
programs and tests also carries its ``reason``. Raising one means nothing was changed.
"""

__all__ = [
    'AttemptNotFound',
    'AttemptNotInProgress',
    'AttemptReopened',
    'BulkUploadRefused',
    'CannotCheckIn',
    'CannotReopen',
    'CannotReview',
    'CourseNotFound',
    'DeliveryRefused',
    'ExamNotFound',
    'InvalidCourseSettings',
    'InvalidInvigilatorPassword',
    'InvalidSafeExamBrowserSettings',
    'InvalidSnapshot',
    'OfflineDeliveryDisabled',
    'OfflineDeliveryError',
    'ReportNotAvailable',
    'RequestRefused',
    'RoleRefused',
    'SafeExamBrowserRequired',
    'UnlockRefused',
]


class OfflineDeliveryError(Exception):
    """
    Base of the plugin's errors; ``user_message`` is safe to show in the UI and the API, ``http_status`` is the
    status an API answer carries, ``reason`` (when not '') a stable code for programs.
    """

    http_status = 400
    reason = ''

    def __init__(self, user_message):
        super().__init__(user_message)
        self.user_message = user_message


class CourseNotFound(OfflineDeliveryError):
    """The course id is well formed but no such course exists."""

    http_status = 404


class ExamNotFound(OfflineDeliveryError):
    """No active exam with this id in this course."""

    http_status = 404


class InvalidCourseSettings(OfflineDeliveryError):
    """
    The course team's offline-delivery settings are not valid. ``errors`` maps each key to what is wrong with it.
    """

    def __init__(self, errors):
        super().__init__('The offline delivery settings are not valid.')
        self.errors = dict(errors)


class AttemptNotFound(OfflineDeliveryError):
    """No such attempt for this user (another candidate's attempt is reported the same way)."""

    http_status = 404


class AttemptNotInProgress(OfflineDeliveryError):
    """The attempt is not started, or already submitted: its answers can no longer change this way."""

    http_status = 409


class AttemptReopened(AttemptNotInProgress):
    """
    The attempt was opened for resubmission: the candidate goes on in the attempt that continues it, from the
    exam's page. ``reason`` tells the candidate page so (it offers the way back).
    """

    reason = 'reopened'


class OfflineDeliveryDisabled(OfflineDeliveryError):
    """The course has not turned offline delivery on."""

    http_status = 409


class InvalidSnapshot(OfflineDeliveryError):
    """A snapshot from the page is malformed or inconsistent; nothing was stored."""


class DeliveryRefused(OfflineDeliveryError):
    """
    A delivery file was refused; nothing was changed. ``reason`` is a stable code for programs and tests, the
    message says it in plain words:

    ``too_large``, ``malformed``, ``unsupported_version``, ``unknown_key``, ``tampered``, ``not_cosigned`` (no valid
    co-signature of the exam's invigilator password), ``wrong_attempt``, ``stale``, ``diverged``, ``closed``,
    ``sealed_late`` (its answers were sealed after the deadline), ``locked`` (a reopened attempt still waits for the
    invigilator password), ``reopened`` (the attempt was opened for resubmission; a successor continues it).
    """

    def __init__(self, reason, user_message, detail=''):
        super().__init__(user_message)
        self.reason = reason
        self.detail = detail

    @property
    def http_status(self):
        """413 for a file over the size limit, 400 for every other refusal."""
        return 413 if self.reason == 'too_large' else 400


class BulkUploadRefused(OfflineDeliveryError):
    """The batch as a whole is refused before anything is unpacked (too many files, a zip bomb, a bad name)."""


class CannotReopen(OfflineDeliveryError):
    """The attempt cannot be opened for resubmission (not submitted, no time to give, a bad extra time)."""

    http_status = 409


class CannotCheckIn(OfflineDeliveryError):
    """The candidate cannot be checked in at an on-site exam (not such an exam, or the attempt is past setup)."""

    http_status = 409


class CannotReview(OfflineDeliveryError):
    """The hall's review cannot be recorded (not an on-site exam, not over yet, an incident without a note)."""

    http_status = 409


class UnlockRefused(OfflineDeliveryError):
    """The password was wrong, or too many wrong passwords were tried: ``locked`` says which (and makes it a 429)."""

    def __init__(self, user_message, locked=False):
        super().__init__(user_message)
        self.locked = locked

    @property
    def http_status(self):
        """429 once the tries are used up, 400 for a wrong password."""
        return 429 if self.locked else 400


class InvalidInvigilatorPassword(OfflineDeliveryError):
    """The proposed invigilator password is not acceptable (too short, too long, too easy to guess)."""


class RequestRefused(OfflineDeliveryError):
    """A learner's exam request, its decision or an allowance line is refused; nothing was changed."""


class RoleRefused(OfflineDeliveryError):
    """A hall role cannot be given or taken (no such role or account, an account not activated); nothing changed."""


class ReportNotAvailable(OfflineDeliveryError):
    """The link expired, is not the user's, or the report is not ready; nothing is served."""

    http_status = 410


class SafeExamBrowserRequired(OfflineDeliveryError):
    """
    The exam requires Safe Exam Browser and the request showed none of its valid keys (``reason`` says which:
    ``no_key`` or ``wrong_key``); nothing was read or changed. ``seb_link`` starts SEB with the exam's settings.
    """

    http_status = 403

    def __init__(self, user_message, reason, seb_link=''):
        super().__init__(user_message)
        self.reason = reason
        self.seb_link = seb_link


class InvalidSafeExamBrowserSettings(OfflineDeliveryError):
    """An exam's Safe Exam Browser settings are not valid: ``errors`` maps each field to what is wrong; nothing
    was stored."""

    def __init__(self, errors):
        super().__init__('The Safe Exam Browser settings are not valid.')
        self.errors = dict(errors)
