"""
The runtime services the sandbox registers with edx-proctoring answer from the sandbox's data, as the LMS's do.
"""

from edx_proctoring import api as proctoring_api
from edx_proctoring.runtime import get_runtime_service

from sandbox.host.models import (
    BlockCompletion,
    CourseEnrollment,
    GeneratedCertificate,
    StudentModule,
    SubsectionGradeOverride,
)
from tests.helpers import save_problem_answer, start_exam


def answer(client, usage_id, value):
    save_problem_answer(client, usage_id, value)


def test_every_service_edx_proctoring_needs_is_registered(db):
    for name in ('credit', 'instructor', 'grades', 'certificates', 'enrollments'):
        assert get_runtime_service(name) is not None, name


def test_credit_state(demo):
    credit = get_runtime_service('credit')
    state = credit.get_credit_state(demo.verified_learner.id, demo.course_key, return_course_info=True)
    assert state['enrollment_mode'] == 'verified'
    assert state['profile_fullname'] == 'Vera Verified'
    assert state['course_name'] == 'EXAM101: Digital exams on site'
    assert credit.get_credit_state(demo.course_staff.id, demo.course_key) is None  # not enrolled

    credit.set_credit_requirement_status(demo.verified_learner.id, demo.course_key, 'proctored_exam',
                                         demo.final_exam_id, status='failed')
    statuses = credit.get_credit_state(demo.verified_learner.id, demo.course_key)['credit_requirement_status']
    assert [(s['name'], s['status']) for s in statuses] == [(demo.final_exam_id, 'failed')]
    credit.remove_credit_requirement_status(demo.verified_learner.id, str(demo.course_key), 'proctored_exam',
                                            demo.final_exam_id)
    assert credit.get_credit_state(demo.verified_learner.id, demo.course_key)['credit_requirement_status'] == []


def test_clearing_an_attempt_deletes_the_learners_answers(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    control_word = str(demo.course_key.make_usage_key('problem', 'final_control_word'))
    answer(client, control_word, 'hej')
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    answer(client, control_word, 'hallå')

    proctoring_api.remove_exam_attempt(attempt['id'], requesting_user=demo.course_staff)

    assert not StudentModule.objects.filter(student=demo.verified_learner).exists()
    assert StudentModule.objects.get(student=demo.verified_learner2, module_state_key=control_word).state[
        'student_answers'] == {'final_control_word_2_1': 'hallå'}
    assert proctoring_api.get_exam_attempt_by_id(other['id'])['status'] == 'started'


def test_completing_an_attempt_completes_its_items(demo):
    get_runtime_service('instructor').complete_student_attempt('verified_learner', demo.final_exam_id)
    assert BlockCompletion.objects.filter(user=demo.verified_learner).count() == 11


def test_staff_check_and_escalation_email(demo):
    instructor = get_runtime_service('instructor')
    assert instructor.is_course_staff(demo.course_staff, str(demo.course_key)) is True
    assert instructor.is_course_staff(demo.verified_learner, str(demo.course_key)) is False
    assert instructor.get_proctoring_escalation_email(str(demo.course_key)) == 'exam-office@example.invalid'


def test_support_notification_is_mailed(demo, mailoutbox):
    get_runtime_service('instructor').send_support_notification(
        str(demo.course_key), 'Final exam', 'verified_learner', 'Suspicious', 'https://review.example/1')
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ['exam-office@example.invalid']
    assert 'verified_learner' in mailoutbox[0].body


def test_grade_override_and_undo(demo):
    grades = get_runtime_service('grades')
    grades.override_subsection_grade(demo.verified_learner.id, str(demo.course_key), demo.final_exam_id,
                                     earned_all=0.0, earned_graded=0.0)
    override = SubsectionGradeOverride.objects.get(user=demo.verified_learner)
    assert (override.earned_all_override, override.earned_graded_override) == (0.0, 0.0)
    grades.undo_override_subsection_grade(demo.verified_learner.id, str(demo.course_key), demo.final_exam_id)
    assert not SubsectionGradeOverride.objects.exists()
    assert grades.should_override_grade_on_rejected_exam(str(demo.course_key)) is True


def test_certificate_invalidation(demo):
    certificates = get_runtime_service('certificates')
    assert certificates.invalidate_certificate(demo.verified_learner.id, str(demo.course_key)) is False
    GeneratedCertificate.objects.create(user=demo.verified_learner, course=demo.course)
    assert certificates.invalidate_certificate(demo.verified_learner.id, str(demo.course_key)) is True
    assert GeneratedCertificate.objects.get(user=demo.verified_learner).status == 'unavailable'


def test_enrollments_that_may_take_proctored_exams(demo):
    enrollments = get_runtime_service('enrollments')
    usernames = {e.user.username for e in enrollments.get_enrollments_can_take_proctored_exams(str(demo.course_key))}
    assert usernames == {'verified_learner', 'verified_learner2'}
    found = enrollments.get_enrollments_can_take_proctored_exams(str(demo.course_key), text_search='learner2')
    assert [e.user.username for e in found] == ['verified_learner2']
    CourseEnrollment.objects.filter(user=demo.verified_learner2).update(is_active=False)
    assert len(enrollments.get_enrollments_can_take_proctored_exams(str(demo.course_key))) == 1
