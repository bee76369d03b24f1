"""
A course's exams as edx-proctoring holds them (``exams``): the active timed, proctored and practice exams.
"""
from edx_proctoring import api as proctoring_api

from offline_delivery_plugin import api


def test_exams_of_the_demo_course(demo):
    exams = {exam.content_id: exam for exam in api.list_course_exams(demo.course_key)}
    assert set(exams) == {demo.final_exam_id, demo.practice_exam_id, demo.timed_exam_id}
    assert exams[demo.final_exam_id].exam_type == 'proctored'
    assert exams[demo.final_exam_id].time_limit_mins == 60
    assert exams[demo.practice_exam_id].exam_type == 'practice'
    assert exams[demo.timed_exam_id].exam_type == 'timed'


def test_inactive_exams_are_left_out(demo):
    exam = proctoring_api.get_exam_by_content_id(str(demo.course_key), demo.timed_exam_id)
    proctoring_api.update_exam(exam['id'], is_active=False)
    assert demo.timed_exam_id not in {exam.content_id for exam in api.list_course_exams(demo.course_key)}
