"""
What Studio does on publish for timed and proctored subsections: keep edx-proctoring's exam rows in step with the
course (edx-platform's ``cms.djangoapps.contentstore.proctoring.register_special_exams``).

Studio owns the ``ProctoredExam`` rows; the plugin only reads them.
"""
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from edx_proctoring import api as proctoring_api
from edx_proctoring.exceptions import ProctoredExamNotFoundException, ProctoredExamReviewPolicyNotFoundException
from openedx_events.content_authoring.data import CourseCatalogData, CourseScheduleData
from openedx_events.content_authoring.signals import COURSE_CATALOG_INFO_CHANGED

from sandbox.host.models import Block

log = logging.getLogger(__name__)


def available_providers():
    """The backends a course team may choose: every name in ``PROCTORING_BACKENDS`` but ``DEFAULT`` (the
    platform's ``xmodule/course_block.py``, ``get_available_providers``)."""
    return sorted(name for name in settings.PROCTORING_BACKENDS if name != 'DEFAULT')


def proctoring_provider(course):
    """The course's Proctoring Provider, the site's default where the course names none."""
    return course.proctoring_provider or settings.PROCTORING_BACKENDS['DEFAULT']


def _existing_exam(course_id, content_id):
    try:
        return proctoring_api.get_exam_by_content_id(course_id, content_id)
    except ProctoredExamNotFoundException:
        return None


def publish_course(course, publisher):
    """
    Register, update or deactivate the course's special exams from its subsections' settings.

    A subsection is an exam when ``is_time_limited`` is set; ``is_proctored_enabled`` and ``is_practice_exam``
    choose the kind (proctoring only where the course has ``enable_proctored_exams``). Review rules go to the
    exam's review policy. Exams whose subsection is no longer timed, or gone, are deactivated, never deleted:
    their attempts stay.

    Returns the number of active exams.
    """
    course_id = str(course.course_key)
    active = set()
    for subsection in Block.objects.filter(course=course, block_type='sequential'):
        fields = subsection.fields
        content_id = str(subsection.usage_key)
        if not fields.get('is_time_limited'):
            continue
        is_practice = bool(fields.get('is_practice_exam')) and course.enable_proctored_exams
        is_proctored = (bool(fields.get('is_proctored_enabled')) or is_practice) and course.enable_proctored_exams
        exam_fields = {
            'exam_name': subsection.display_name,
            'time_limit_mins': int(fields.get('default_time_limit_minutes') or 0),
            'is_proctored': is_proctored,
            'is_practice_exam': is_practice,
            'is_active': True,
            'hide_after_due': bool(fields.get('hide_after_due')),
            # The course's Proctoring Provider (openedx-platform cms/djangoapps/contentstore/proctoring.py,
            # register_special_exams @ cd437136: 'backend': course.proctoring_provider).
            'backend': proctoring_provider(course),
        }
        exam = _existing_exam(course_id, content_id)
        if exam is None:
            exam_id = proctoring_api.create_exam(course_id=course_id, content_id=content_id, **exam_fields)
        else:
            exam_id = exam['id']
            proctoring_api.update_exam(exam_id, **exam_fields)
        _publish_review_rules(exam_id, fields.get('exam_review_rules', ''), is_proctored, publisher)
        active.add(content_id)

    for exam in proctoring_api.get_all_exams_for_course(course_id, active_only=True):
        if exam['content_id'] not in active:
            proctoring_api.update_exam(exam['id'], is_active=False)
            log.info('Deactivated exam %s of %s', exam['content_id'], course_id)
    transaction.on_commit(lambda: _emit_catalog_info_changed(course))
    return len(active)


def _emit_catalog_info_changed(course):
    """
    openedx-events' ``COURSE_CATALOG_INFO_CHANGED``, as Studio sends it after a publish (openedx-platform d090e2bf,
    cms/djangoapps/contentstore/signals/handlers.py: ``listen_for_course_publish`` ends with
    ``transaction.on_commit(lambda: emit_catalog_info_changed_signal(course_key))``). The sandbox's courses have
    no schedule; the start is a fixed date.
    """
    COURSE_CATALOG_INFO_CHANGED.send_event(time=datetime.now(UTC), catalog_info=CourseCatalogData(
        course_key=course.course_key, name=course.display_name,
        schedule_data=CourseScheduleData(start=datetime(2026, 1, 1, tzinfo=UTC), pacing='instructor')))


def _publish_review_rules(exam_id, rules, is_proctored, publisher):
    existing = _review_policy(exam_id)
    if is_proctored and rules:
        if existing is None:
            proctoring_api.create_exam_review_policy(exam_id, publisher.id, rules)
        elif existing['review_policy'] != rules:
            proctoring_api.update_review_policy(exam_id, publisher.id, rules)
    elif existing is not None:
        proctoring_api.remove_review_policy(exam_id)


def _review_policy(exam_id):
    try:
        return proctoring_api.get_review_policy_by_exam_id(exam_id)
    except ProctoredExamReviewPolicyNotFoundException:
        return None
