"""
Bring the demo course back to its first state, so the demo can be walked again: ``python manage.py reset_demo``
(``make demo-reset``, or *Reset the demo course* on the start page for the operator and course staff).

Everything the learners and the exam days left goes: edx-proctoring's attempts, allowances and reviews of the course
(with their history), the plugin's records, answers, delivery files, reopenings, requests, bulk uploads, reports and
audit log, and the sandbox's learner state of the course (XBlock state, completions, grade overrides, credit
statuses, certificates, anonymous ids). Then ``seed_demo`` runs again: the course, its exams, its people and the
demo's invigilator password are as ``make demo`` first made them.

The exam keys stay (the keyring never deletes a key: files encrypted to it must still open, and a new key pair
would only change the key ids ``offline_delivery_keys list`` shows). Invigilator passwords stay too: seed_demo sets
the demo's password again if course staff changed it, and the earlier ones are kept retired, as after any change.
"""
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from edx_proctoring import api as proctoring_api
from edx_proctoring import exceptions as proctoring_exceptions
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAllowanceHistory,
    ProctoredExamStudentAttempt,
)
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api as offline_delivery
from sandbox.host.demo import COURSE_ID, DEMO_USERS
from sandbox.host.models import (
    AnonymousUserId,
    Block,
    BlockCompletion,
    Course,
    CreditRequirementStatus,
    GeneratedCertificate,
    StudentModule,
    SubsectionGradeOverride,
)

#: The demo user the command clears attempts as (edx-proctoring hands the requesting user to the LMS's services).
OPERATOR = next(demo_user.username for demo_user in DEMO_USERS if demo_user.is_staff)


def clear_demo_course(requested_by):
    """
    Remove what learners and staff did in the demo course, leaving the course itself. Returns the number of
    edx-proctoring attempts removed.
    """
    course_key = CourseKey.from_string(COURSE_ID)
    course = Course.objects.filter(course_key=course_key).first()
    if course is None:
        return 0
    # Through edx-proctoring's API, as the LMS clears an attempt: the learner's state in the exam goes with it
    # (the sandbox's instructor, grades and credit services), and so do the allowances.
    attempts = proctoring_api.get_all_exam_attempts(COURSE_ID)
    for attempt in attempts:
        # edx-proctoring 6.1 takes require_backend_removal; 5.x has no such argument and removes best effort.
        if hasattr(proctoring_exceptions, 'BackendProviderCannotRemoveAttempt'):
            proctoring_api.remove_exam_attempt(attempt['id'], requested_by, require_backend_removal=False)
        else:
            proctoring_api.remove_exam_attempt(attempt['id'], requested_by)
    for allowance in proctoring_api.get_allowances_for_course(COURSE_ID):
        proctoring_api.remove_allowance_for_user(allowance['proctored_exam']['id'], allowance['user']['id'],
                                                 allowance['key'])
    # What edx-proctoring archives of them, and reviews, which its API never removes.
    ProctoredExamSoftwareSecureReview.objects.filter(exam__course_id=COURSE_ID).delete()
    ProctoredExamSoftwareSecureReviewHistory.objects.filter(exam__course_id=COURSE_ID).delete()
    ProctoredExamStudentAttempt.history.filter(proctored_exam__course_id=COURSE_ID).delete()
    ProctoredExamStudentAllowanceHistory.objects.filter(proctored_exam__course_id=COURSE_ID).delete()

    offline_delivery.delete_course_offline_delivery_data(course_key)

    # The rest of the learners' state in the course, outside the exams too (the warm-up question).
    block_keys = list(Block.objects.filter(course=course).values_list('usage_key', flat=True))
    BlockCompletion.objects.filter(block_key__in=block_keys).delete()
    for model in (StudentModule, SubsectionGradeOverride, CreditRequirementStatus, GeneratedCertificate,
                  AnonymousUserId):
        model.objects.filter(course=course).delete()
    return len(attempts)


class Command(BaseCommand):
    """``python manage.py reset_demo``"""

    help = 'Bring the demo course back to its first state (every attempt, answer, request and report gone), then seed.'

    def add_arguments(self, parser):
        parser.add_argument('--as', dest='username', default=OPERATOR,
                            help=f'the user who clears the attempts (default: {OPERATOR})')

    @transaction.atomic
    def handle(self, *args, **options):
        requested_by = get_user_model().objects.filter(username=options['username']).first()
        if requested_by is None and Course.objects.filter(course_key=CourseKey.from_string(COURSE_ID)).exists():
            raise CommandError(f'There is no user {options["username"]}: run seed_demo, or name one with --as.')
        removed = clear_demo_course(requested_by)
        self.stdout.write(f'Cleared {COURSE_ID}: {removed} exam attempts and everything done in the course.')
        call_command('seed_demo', stdout=self.stdout, stderr=self.stderr)
