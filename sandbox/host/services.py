"""
The runtime services edx-proctoring calls back into, as the LMS registers them
(``edx_proctoring.runtime.set_runtime_service``), answered from the sandbox's tables.

Each class names the edx-platform service it stands in for and keeps its method signatures.
"""
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from opaque_keys.edx.keys import CourseKey, UsageKey

from sandbox.host import edxapp_backend
from sandbox.host.models import (
    BlockCompletion,
    Course,
    CourseEnrollment,
    CreditRequirementStatus,
    GeneratedCertificate,
    StudentModule,
    SubsectionGradeOverride,
)

log = logging.getLogger(__name__)
User = get_user_model()

#: Tracks that may take proctored exams (edx-platform's ``CourseMode`` verified-like modes).
PROCTORED_EXAM_MODES = ('verified', 'professional', 'no-id-professional', 'masters', 'executive-education')


def _course(course_key_or_id):
    return Course.objects.get(course_key=CourseKey.from_string(str(course_key_or_id)))


def _item_keys(course, content_id):
    user = None  # the sandbox does not randomise: the same items for everybody
    return [UsageKey.from_string(key) for key in edxapp_backend.get_exam_item_ids(user, course.course_key, content_id)]


class CreditService:
    """``openedx.core.djangoapps.credit.services.CreditService``."""

    def get_credit_state(self, user_id, course_key, return_course_info=False):
        """The learner's enrollment, profile and credit requirement statuses; None when not enrolled."""
        course_key = CourseKey.from_string(str(course_key))
        enrollment = CourseEnrollment.objects.select_related('user', 'course').filter(
            user_id=user_id, course__course_key=course_key, is_active=True,
        ).first()
        if enrollment is None:
            return None
        user = enrollment.user
        state = {
            'enrollment_mode': enrollment.mode,
            'profile_fullname': user.get_full_name() or user.username,
            'student_email': user.email,
            'is_credit_course': False,
            'credit_requirement_status': [
                {
                    'namespace': row.namespace,
                    'name': row.name,
                    'display_name': row.name,
                    'criteria': {},
                    'reason': row.reason,
                    'status': row.status,
                    'status_date': row.modified,
                    'order': position,
                }
                for position, row in enumerate(CreditRequirementStatus.objects.filter(
                    user_id=user_id, course=enrollment.course,
                ).order_by('id'))
            ],
        }
        if return_course_info:
            state.update({'course_name': enrollment.course.display_name, 'course_end_date': None})
        return state

    def set_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name,
                                      status='satisfied', reason=None):  # pylint: disable=too-many-positional-arguments
        """Record the outcome of a requirement (edx-proctoring's exam result)."""
        CreditRequirementStatus.objects.update_or_create(
            user_id=user_id, course=_course(course_key_or_id), namespace=req_namespace, name=req_name,
            defaults={'status': status, 'reason': reason or {}},
        )

    def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name):
        """Forget the outcome of a requirement (the attempt was cleared)."""
        CreditRequirementStatus.objects.filter(
            user_id=user_id, course=_course(course_key_or_id), namespace=req_namespace, name=req_name,
        ).delete()


class InstructorService:
    """``lms.djangoapps.instructor.services.InstructorService``."""

    def delete_student_attempt(self, student_identifier, course_id, content_id, requesting_user):
        """
        Reset a learner's state in an exam subsection, as the LMS does when an attempt is cleared for a retake:
        every item's state, its completion and any grade override go.
        """
        user = User.objects.get(Q(username=student_identifier) | Q(email=student_identifier))
        course = _course(course_id)
        item_keys = _item_keys(course, content_id)
        StudentModule.objects.filter(student=user, module_state_key__in=item_keys).delete()
        BlockCompletion.objects.filter(user=user, block_key__in=item_keys).delete()
        SubsectionGradeOverride.objects.filter(user=user, usage_key=UsageKey.from_string(content_id)).delete()
        log.info('%s reset %s in %s', requesting_user.username, user.username, content_id)

    def complete_student_attempt(self, user_identifier, content_id):
        """Mark every item of the exam complete for the learner (the LMS's completion service)."""
        user = User.objects.get(Q(username=user_identifier) | Q(email=user_identifier))
        usage_key = UsageKey.from_string(content_id)
        course = Course.objects.get(course_key=usage_key.course_key)
        # In a batch, as the LMS's ``submit_batch_completion``: three queries whatever the number of items.
        item_keys = _item_keys(course, content_id)
        done = BlockCompletion.objects.filter(user=user, block_key__in=item_keys)
        done.update(completion=1.0)
        have = {str(key) for key in done.values_list('block_key', flat=True)}
        BlockCompletion.objects.bulk_create(BlockCompletion(user=user, block_key=key, completion=1.0)
                                            for key in item_keys if str(key) not in have)

    def is_course_staff(self, user, course_id):
        """Course staff or global staff."""
        return edxapp_backend.is_course_staff(user, CourseKey.from_string(str(course_id)))

    def send_support_notification(self, course_id, exam_name, student_username, review_status, review_url=None):
        """Tell the course's escalation address about a suspicious review (the LMS opens a support ticket)."""
        course = _course(course_id)
        recipient = course.proctoring_escalation_email
        if not recipient:
            log.info('No proctoring escalation email for %s; review of %s not sent.', course_id, student_username)
            return
        send_mail(
            subject=f'Proctored exam review: {review_status}',
            message=f'{exam_name}: the review of {student_username} is {review_status}. {review_url or ""}',
            from_email=None,
            recipient_list=[recipient],
        )

    def get_proctoring_escalation_email(self, course_id):
        """The course team's escalation address (Advanced Settings ``proctoring_escalation_email``)."""
        return _course(course_id).proctoring_escalation_email or None


class GradesService:
    """``lms.djangoapps.grades.services.GradesService``."""

    def override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id, earned_all=None,
                                  earned_graded=None, feature='proctoring', overrider=None,
                                  comment=None):  # pylint: disable=too-many-positional-arguments,unused-argument
        """Override the learner's subsection score (edx-proctoring sets 0 after a rejected review)."""
        SubsectionGradeOverride.objects.update_or_create(
            user_id=user_id, usage_key=UsageKey.from_string(str(usage_key_or_id)),
            defaults={
                'course': _course(course_key_or_id),
                'earned_all_override': earned_all,
                'earned_graded_override': earned_graded,
                'feature': feature or '',
                'comment': comment or '',
            },
        )

    def undo_override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id,
                                       feature='proctoring'):  # pylint: disable=unused-argument
        """Remove the override."""
        SubsectionGradeOverride.objects.filter(
            user_id=user_id, usage_key=UsageKey.from_string(str(usage_key_or_id)),
        ).delete()

    def should_override_grade_on_rejected_exam(self, course_key_or_id):  # pylint: disable=unused-argument
        """The LMS overrides the grade of a rejected exam unless the course is a special exam course; so do we."""
        return True


class CertificateService:
    """``lms.djangoapps.certificates.services.CertificateService``."""

    def invalidate_certificate(self, user_id, course_key_or_id):
        """Make a generated certificate unavailable; True when there was one."""
        return bool(GeneratedCertificate.objects.filter(
            user_id=user_id, course=_course(course_key_or_id),
        ).exclude(status='unavailable').update(status='unavailable'))


class EnrollmentsService:
    """``openedx.core.djangoapps.enrollments.services.EnrollmentsService``."""

    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        """Active enrollments in tracks that may take proctored exams, optionally filtered by username/email."""
        enrollments = CourseEnrollment.objects.select_related('user').filter(
            course__course_key=CourseKey.from_string(str(course_id)), is_active=True, mode__in=PROCTORED_EXAM_MODES,
        )
        if text_search:
            enrollments = enrollments.filter(
                Q(user__username__icontains=text_search) | Q(user__email__icontains=text_search)
            )
        return enrollments


def register_runtime_services():
    """Register the services with edx-proctoring, as the LMS's apps do in their ``ready()``."""
    # pylint: disable=import-outside-toplevel
    from edx_proctoring.runtime import set_runtime_service

    set_runtime_service('credit', CreditService())
    set_runtime_service('instructor', InstructorService())
    set_runtime_service('grades', GradesService())
    set_runtime_service('certificates', CertificateService())
    set_runtime_service('enrollments', EnrollmentsService())

