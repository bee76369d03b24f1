"""
The guide's rules, enforced where edx-proctoring starts attempts: a learner whose request for additional time or a
special allowance is pending cannot start that exam, nobody starts a proctored exam without proctoring in a
course that does not allow opting out (``allow_proctoring_opt_out`` false), and nobody starts an exam proctored by
on-site invigilation before an invigilator has checked them in (``onsite``; frontend-lib-special-exams waits for
``ready_to_start`` on the learner's screen, this makes the server say so too).

edx-proctoring starts an attempt through two REST endpoints (create with ``start_clock``, or ``action: start`` on
an existing attempt), used by the legacy exam page and the learning MFE alike. This middleware answers those two
requests with a 403 and a clear message while a request is pending, before edx-proctoring sees them; every other
request passes untouched. ``plugin_settings`` adds it to the LMS's ``MIDDLEWARE``.
"""
import json

from django.db.models import Q
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

CREATE_VIEW = 'proctored_exam.attempt.collection'
ATTEMPT_VIEW = 'proctored_exam.attempt'
#: Part of both start URLs, whatever prefix the host mounts edx-proctoring under.
ATTEMPT_PATH = 'edx_proctoring/v1/proctored_exam/attempt'


class PendingRequestGate:
    """Refuse to start an exam while the learner's allowance request for it is pending, or without proctoring
    where the course does not allow opting out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The start request is recognised before the user is loaded: loading it may need the database, and every
        # other request (the candidate page's saves above all) must reach its view untouched, where a database
        # that cannot be reached is answered with a 503 rather than a 500 from here.
        if request.method in ('POST', 'PUT'):
            exam_id, attempt = self._exam_being_started(request)
            if exam_id is not None and request.user.is_authenticated:
                refusal = _refusal(request, exam_id, attempt)
                if refusal:
                    return JsonResponse({'detail': refusal}, status=403)
        return self.get_response(request)

    @staticmethod
    def _exam_being_started(request):
        """The exam id a start request is for, and the attempt it starts (None for a new one): (None, None) when
        the request starts nothing."""
        match = _start_view(request.path_info)
        if match is None:
            return None, None
        body = _body(request)
        if match.url_name == CREATE_VIEW and request.method == 'POST':
            if str(body.get('start_clock', '')).lower() != 'true':
                return None, None
            return _as_int(body.get('exam_id')), None
        if match.url_name == ATTEMPT_VIEW and request.method == 'PUT' and body.get('action') == 'start':
            # pylint: disable=import-outside-toplevel
            from offline_delivery_plugin import proctoring

            attempt = proctoring.get_exam_attempt(match.kwargs.get('attempt_id'))
            return (attempt['proctored_exam']['id'], attempt) if attempt else (None, None)
        return None, None


def _start_view(path):
    """edx-proctoring's view that may start an attempt at ``path``, or None."""
    if ATTEMPT_PATH not in path:  # the cheap test first: resolving every POST would cost milliseconds
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name not in (CREATE_VIEW, ATTEMPT_VIEW) or 'edx_proctoring' not in match.namespaces:
        return None
    return match


def _refusal(request, exam_id, attempt):
    """Why this learner may not start this exam (``attempt`` of it, or a new one) now, or ''."""
    # pylint: disable=import-outside-toplevel
    from opaque_keys.edx.keys import CourseKey

    from offline_delivery_plugin import compat, proctoring
    from offline_delivery_plugin.api import has_pending_allowance_request, is_onsite_exam

    if has_pending_allowance_request(request.user.id, exam_id):
        return _('Your request for additional time or a special allowance for this exam is still pending. '
                 'You can start the exam once the course team has answered it.')
    body = _body(request)
    taking_as_proctored = request.method == 'PUT' or str(body.get('attempt_proctored', 'false')).lower() == 'true'
    exam = proctoring.get_exam_by_id(exam_id)
    if not taking_as_proctored:
        if exam['is_proctored'] and not exam['is_practice_exam']:
            course = compat.get_course(CourseKey.from_string(exam['course_id']))
            if course is not None and not course.allow_proctoring_opt_out:
                return _('This course does not allow taking proctored exams without proctoring.')
    elif is_onsite_exam(exam) and not _checked_in(proctoring, attempt, exam_id, request.user.id):
        return _('An invigilator has not checked you in yet. Stay in your seat and raise your hand: the '
                 'invigilator confirms you in the Monitor, or types the invigilator password after you select '
                 'Start System Check.')
    return ''


def _checked_in(proctoring, attempt, exam_id, user_id):
    """Whether the attempt being started is past the hall's check-in. A resumption (the learner's earlier attempt
    was opened for resubmission) is: the invigilator's password on the candidate's screen lets it continue."""
    if attempt is not None and attempt['status'] not in proctoring.AWAITING_SETUP:
        return True
    earlier = proctoring.Attempt.objects.filter(proctored_exam_id=exam_id, user_id=user_id)
    if attempt is not None:
        earlier = earlier.exclude(id=attempt['id'])
    return earlier.filter(Q(ready_to_resume=True) | Q(resumed=True)).exists()


def _body(request):
    """The request's fields, JSON or form-encoded, without consuming what the view will read."""
    if (request.content_type or '').startswith('application/json'):
        try:
            body = json.loads(request.body or b'{}')
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return request.POST if request.method == 'POST' else {}


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
