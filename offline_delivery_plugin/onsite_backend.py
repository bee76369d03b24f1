"""
On-site invigilation as an edx-proctoring backend (``ProctoringBackendProvider``), for exams taken in a hall
under invigilators.

edx-proctoring moves a proctored attempt from ``created`` to ``ready_to_start`` only when its backend says the
proctoring setup is done (the proctoring software's callback); frontend-lib-special-exams will not start the exam
before that. In an exam hall the setup is people: an invigilator checks the candidate's identity and seat and
confirms them (``onsite.check_in_*``). The review is the hall's too: the chief invigilator's incident record
(``onsite.record_hall_review``) goes into edx-proctoring as a provider's review goes, so the proctored results
report, the learner's result and credit read it as they read any backend's.

Registered through edx-proctoring's ``openedx.proctoring`` entry point (``setup.py``) under ``BACKEND_NAME``; a course
team chooses it in Studio as any backend (Advanced Settings, *Proctoring Provider*). docs/decisions/0015 says why.
"""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring

__all__ = [
    'BACKEND_NAME',
    'HALL_REVIEW_OUTCOMES',
    'SATISFACTORY',
    'SECOND_REVIEW',
    'UNSATISFACTORY',
    'OnSiteInvigilationBackend',
    'is_onsite_exam',
]

#: The backend's name in ``PROCTORING_BACKENDS`` and in a course's *Proctoring Provider* setting.
BACKEND_NAME = 'onsite_invigilation'

#: The chief invigilator's outcomes, and edx-proctoring's standard review status for each
#: (``edx_proctoring/statuses.py``, ``ReviewStatus``).
SATISFACTORY, UNSATISFACTORY, SECOND_REVIEW = 'satisfactory', 'unsatisfactory', 'second_review'
HALL_REVIEW_OUTCOMES = {
    SATISFACTORY: proctoring.ReviewStatus.passed,
    UNSATISFACTORY: proctoring.ReviewStatus.suspicious,
    SECOND_REVIEW: proctoring.ReviewStatus.suspicious,
}
class OnSiteInvigilationBackend(proctoring.ProctoringBackendProvider):
    """
    edx-proctoring's backend for exams taken in a hall under invigilators (``ProctoringBackendProvider``). No
    software to install and nothing sent anywhere: the setup is the invigilator's check-in, the review is the chief
    invigilator's record.
    """

    verbose_name = 'On-site invigilation'
    # Only "no incident" passes: an incident either voids the exam or goes to a second review
    # (edx-proctoring's models.ProctoredExamSoftwareSecureReview.is_passing reads this).
    passing_statuses = (proctoring.SoftwareSecureReviewStatus.clean,)

    def register_exam_attempt(self, exam, context):
        """The attempt's code is its reference here: there is no remote system to register it with."""
        return context['attempt_code']

    def start_exam_attempt(self, exam, attempt):
        """Nothing to tell anyone: the hall sees the candidate start."""
        return None

    def stop_exam_attempt(self, exam, attempt):
        """Nothing to tell anyone."""
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        """Nothing to tell anyone."""
        return None

    def remove_exam_attempt(self, exam, attempt):
        """Nothing is kept outside edx-proctoring: removing the attempt there removes it everywhere."""
        return True

    def get_software_download_url(self):
        """No software: the per-attempt check-in page stands in for it (``get_attempt``)."""
        return None

    def get_attempt(self, attempt):
        """
        The attempt as edx-proctoring serialises it, with ``download_url`` set to the plugin's check-in page for it:
        frontend-lib-special-exams' *Start System Check* opens that URL (``software_download_url``), where the
        invigilator types the password on the candidate's screen.
        """
        check_in = reverse('offline_delivery_plugin:check-in', kwargs={'attempt_id': attempt['id']})
        return {**attempt, 'download_url': settings.LMS_ROOT_URL.rstrip('/') + check_in}

    def on_review_callback(self, attempt, payload):
        """
        Turn the chief invigilator's record (``{"outcome", "note"}``, from ``record_hall_review``) into
        edx-proctoring's normalised review: ``{"status", "comments"}``.
        """
        status = HALL_REVIEW_OUTCOMES[payload['outcome']]
        comments = []
        if payload.get('note'):
            comments.append({'comment': payload['note'],
                             'status': proctoring.SoftwareSecureReviewStatus.from_standard_status[status]})
        return {'status': status, 'comments': comments, 'payload': {}}

    def on_exam_saved(self, exam):
        """Nothing to sync: the exam lives in edx-proctoring only."""
        return None

    def get_proctoring_config(self):
        """
        What frontend-lib-special-exams shows on its *Set up and start your proctored exam* screen
        (``exam_proctoring_backend.instructions``, one paragraph each), in the learner's language.
        """
        return {
            'name': self.verbose_name,
            'instructions': [
                _('This exam is taken in an exam hall. Stay in your seat and raise your hand: an invigilator '
                  'checks your identity and confirms you.'),
                _('The invigilator confirms you in the Monitor, or types the invigilator password on your screen '
                  'after you select Start System Check.'),
                _('Once you are confirmed, select Start Exam.'),
            ],
        }


def is_onsite_exam(exam):
    """Whether ``exam`` (edx-proctoring's dict) is proctored by on-site invigilation."""
    if not exam.get('is_proctored'):
        return False
    try:
        backend = proctoring.get_backend_provider(exam)
    except NotImplementedError:  # an exam naming a backend this site no longer configures
        return False
    return isinstance(backend, OnSiteInvigilationBackend)
