"""
Typed errors of the plugin. Each carries a message fit to show the person who caused it.
"""


class OfflineDeliveryError(Exception):
    """
    Base of the plugin's errors; ``user_message`` is safe to show in the UI and the API.
    """

    def __init__(self, user_message):
        super().__init__(user_message)
        self.user_message = user_message


class CourseNotFound(OfflineDeliveryError):
    """
    The course id is well formed but no such course exists.
    """


class InvalidCourseSettings(OfflineDeliveryError):
    """
    The course team's offline-delivery settings are not valid. ``errors`` maps each key to what is wrong with it.
    """

    def __init__(self, errors):
        super().__init__('The offline delivery settings are not valid.')
        self.errors = dict(errors)


class AttemptNotFound(OfflineDeliveryError):
    """No such attempt for this user (another candidate's attempt is reported the same way)."""


class AttemptNotInProgress(OfflineDeliveryError):
    """The attempt is not started, or already submitted: its answers can no longer change this way."""


class AttemptReopened(AttemptNotInProgress):
    """
    The attempt was opened for resubmission: the candidate goes on in the attempt that continues it, from the
    exam's page. ``reason`` tells the candidate page so (it offers the way back).
    """

    reason = 'reopened'


class OfflineDeliveryDisabled(OfflineDeliveryError):
    """The course has not turned offline delivery on."""


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
