"""
REST API v1: learners' exam requests, course staff's decisions on them, and allowances from a CSV file. Thin:
check the permission, validate with a serializer, call one ``api`` function, answer.
"""
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.http import client_address
from offline_delivery_plugin.rest_api.v1.serializers import (
    AllowanceLineResultSerializer,
    DecisionSerializer,
    ExamRequestSerializer,
    NewExamRequestSerializer,
)
from offline_delivery_plugin.rest_api.v1.views.base import CourseViewMixin


def _first_error(serializer):
    """The first problem of a form, as ``field: message`` (a request form has one field a learner gets wrong)."""
    field, messages = next(iter(serializer.errors.items()))
    return f'{field}: {messages[0]}'



class MyExamRequestsView(CourseViewMixin, APIView):
    """
    **Use case**: a learner asks for additional time, a special allowance or a retake of an exam, and follows the
    answers.

    **Example requests**: ``GET .../courses/{course_id}/my-requests/?exam={content_id}``; ``POST`` the same URL
    with ``{"exam": content_id, "kind": "additional_time"|"special_allowance"|"retake", "reason": "..."}``.

    **Response**: ``{"requests": [...]}`` (newest first), or 201 with the new request. 400 says why a request
    cannot be made (already pending, exam already started, no finished attempt for a retake, ...).
    """

    permission_required = rules.MAKE_EXAM_REQUESTS

    def get(self, request, course_id):
        """The learner's own requests."""
        rows = api.list_learner_requests(request.user, self.course_key, request.query_params.get('exam') or None)
        return Response({'requests': ExamRequestSerializer(rows, many=True).data})

    def post(self, request, course_id):
        """Make a request."""
        form = NewExamRequestSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _first_error(form)}, status=status.HTTP_400_BAD_REQUEST)
        row = api.create_exam_request(request.user, self.course_key, form.validated_data['exam'],
                                      form.validated_data['kind'], form.validated_data['reason'],
                                      minutes=form.validated_data['minutes'])
        return Response(ExamRequestSerializer(row).data, status=status.HTTP_201_CREATED)


class MyExamRequestView(CourseViewMixin, APIView):
    """
    **Use case**: a learner withdraws a pending request of theirs.

    **Example request**: ``DELETE .../courses/{course_id}/my-requests/{request_id}/``

    **Response**: 204; 400 when there is no pending request of theirs with that number.
    """

    permission_required = rules.MAKE_EXAM_REQUESTS

    def delete(self, request, course_id, request_id):
        """Withdraw it."""
        api.withdraw_exam_request(request.user, self.course_key, int(request_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourseExamRequestsView(CourseViewMixin, APIView):
    """
    **Use case**: course staff see the learners' requests, pending first.

    **Example request**: ``GET .../courses/{course_id}/requests/?pending=1``

    **Response**: ``{"requests": [...]}``.
    """

    permission_required = rules.DECIDE_EXAM_REQUESTS

    def get(self, request, course_id):
        """The course's requests."""
        rows = api.list_course_requests(self.course_key, pending_only=request.query_params.get('pending') == '1')
        return Response({'requests': ExamRequestSerializer(rows, many=True).data})


class ExamRequestDecisionView(CourseViewMixin, APIView):
    """
    **Use case**: course staff approve or deny a request.

    **Example request**: ``POST .../courses/{course_id}/requests/{request_id}/decision/`` with
    ``{"approve": true, "minutes": 15}`` (or ``"multiplier": 1.5``; ``"allowance_text"`` for a special allowance;
    ``"confirm_clearing": true`` for a retake, which deletes the attempt's answers), and an optional ``"note"``.

    **Response**: the decided request, with the learner's adjusted time for additional time. 400 says what is
    missing; nothing changes then. Audited.
    """

    permission_required = rules.DECIDE_EXAM_REQUESTS

    def post(self, request, course_id, request_id):
        """Decide."""
        form = DecisionSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _first_error(form)}, status=status.HTTP_400_BAD_REQUEST)
        row = api.decide_exam_request(self.course_key, int(request_id), request.user,
                                      ip_address=client_address(request), **form.validated_data)
        return Response(ExamRequestSerializer(row).data)


class AllowancesCsvView(CourseViewMixin, APIView):
    """
    **Use case**: course staff add many allowances at once from a CSV (``user,exam,type,value``).

    **Example request**: ``POST .../courses/{course_id}/allowances/csv/``, multipart with ``file``.

    **Response**: ``{"results": [{"line", "ok", "message"}]}``, one per line; a bad line changes nothing. 400 when
    the file itself cannot be read.
    """

    permission_required = rules.DECIDE_EXAM_REQUESTS

    def post(self, request, course_id):
        """Apply the file."""
        handle = request.FILES.get('file')
        if handle is None:
            return Response({'detail': _('Choose a CSV file.')}, status=status.HTTP_400_BAD_REQUEST)
        if handle.size > api.ALLOWANCE_CSV_MAX_BYTES:
            return Response({'detail': _('The CSV file is larger than {size} bytes.').format(
                size=api.ALLOWANCE_CSV_MAX_BYTES)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        results = api.add_allowances_from_csv(self.course_key, handle.read(), request.user,
                                              ip_address=client_address(request))
        return Response({'results': AllowanceLineResultSerializer(results, many=True).data})
