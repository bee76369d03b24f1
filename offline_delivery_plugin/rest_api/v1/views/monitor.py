"""
REST API v1: the Monitor's endpoints (the hall, a candidate's file, a whole USB stick, the answers behind them,
opening an attempt for resubmission, and at on-site exams the check-in and the hall's review). Thin: check the
permission, validate with a serializer, call one ``api`` function, answer.
"""
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.http import client_address
from offline_delivery_plugin.rest_api.v1.serializers import (
    AnswerRowSerializer,
    DeliveryReceiptSerializer,
    HallReviewSerializer,
    MonitorRowSerializer,
    ReopenSerializer,
    UploadSerializer,
)
from offline_delivery_plugin.rest_api.v1.views.base import CourseViewMixin


class ExamMonitorView(CourseViewMixin, APIView):
    """
    **Use case**: the Monitor's data for one exam; the page asks again every few seconds.

    **Example request**: ``GET /offline-delivery/api/v1/courses/{course_id}/exams/{content_id}/monitor/``

    **Response**: ``{"exam": {exam_id, exam_name, content_id, time_limit_mins, onsite, safe_exam_browser},
    "server_time", "rows": [{user_id, username, full_name, mode, state, attempt_id, proctoring_status,
    last_save_at, last_save_seq, last_contact_at, seconds_left, receipt, seb_verdict}]}``; ``seb_verdict`` (at an
    exam that requires Safe Exam Browser) is config_key, browser_exam_key, no_key, wrong_key or ''; ``state`` is
    one of not_started, awaiting_check_in and checked_in (on-site exams), writing, connection_lost,
    submitted_online, delivered_offline, reopened.
    """

    permission_required = rules.VIEW_MONITOR

    def get(self, request, course_id, content_id):
        """The Monitor's rows."""
        exam, rows = api.get_monitor(self.course_key, content_id)
        return Response({
            'exam': {'exam_id': exam['id'], 'exam_name': exam['exam_name'], 'content_id': exam['content_id'],
                     'time_limit_mins': exam['time_limit_mins'], 'onsite': api.is_onsite_exam(exam),
                     'safe_exam_browser': api.requires_safe_exam_browser(self.course_key, content_id)},
            'server_time': timezone.now(),
            'rows': MonitorRowSerializer(rows, many=True).data,
        })


class UploadView(CourseViewMixin, APIView):
    """
    **Use case**: an invigilator or planner uploads a candidate's delivery file from the Monitor.

    **Example request**: ``POST .../courses/{course_id}/exams/{content_id}/attempts/{attempt_id}/uploads/``,
    multipart with the field ``file``.

    **Response**: 200 ``{"receipt", "seq", "blank", "already_delivered"}``: the attempt is submitted and the file
    kept. 400 ``{"reason", "detail"}`` when the file is refused (which candidate it belongs to, altered, older
    than the server's, unknown key...): nothing changes. Both are audited.
    """

    permission_required = rules.UPLOAD_DELIVERY

    def post(self, request, course_id, content_id, attempt_id):
        """Upload the file."""
        upload = UploadSerializer(data=request.data)
        if not upload.is_valid():
            return Response({'reason': 'malformed', 'detail': _('Choose a delivery file to upload.')},
                            status=status.HTTP_400_BAD_REQUEST)
        handle = upload.validated_data['file']
        # At most one byte past the limit is read: the domain refuses (and audits) a file that is over it.
        receipt = api.upload_delivery_file(handle.read(settings.OFFLINE_DELIVERY_MAX_FILE_BYTES + 1), self.course_key,
                                           content_id, int(attempt_id), request.user,
                                           ip_address=client_address(request), file_name=handle.name)
        return Response(DeliveryReceiptSerializer(receipt).data)


class AttemptAnswersView(CourseViewMixin, APIView):
    """
    **Use case**: staff check a candidate's answers, e.g. the control word, after an upload.

    **Example request**: ``GET .../courses/{course_id}/exams/{content_id}/attempts/{attempt_id}/answers/``

    **Response**: ``{"items": [{item_id, display_name, value, online_value, source, changed_offline}]}`` in the
    order of the exam.
    """

    permission_required = rules.VIEW_ANSWERS

    def get(self, request, course_id, content_id, attempt_id):
        """The answers."""
        return Response({'items': AnswerRowSerializer(
            api.get_attempt_answers(self.course_key, content_id, int(attempt_id)), many=True).data})


class ReopenView(CourseViewMixin, APIView):
    """
    **Use case**: open a submitted attempt for resubmission, optionally with extra minutes (flow D).

    **Example requests**: ``GET .../courses/{course_id}/exams/{content_id}/attempts/{attempt_id}/reopen/`` for the
    suggested extra minutes (the time the candidate was offline); ``POST`` the same URL with
    ``{"extra_minutes": 10, "reason": "Wi-Fi down in hall B"}``.

    **Response**: ``{"suggested_extra_minutes"}``; ``{"seconds_granted"}`` after a reopen; 409 with a reason when the
    attempt cannot be reopened. Audited.
    """

    permission_required = rules.REOPEN_ATTEMPT

    def get(self, request, course_id, content_id, attempt_id):
        """The suggestion."""
        return Response({'suggested_extra_minutes': api.suggest_extra_minutes(
            self.course_key, content_id, int(attempt_id))})

    def post(self, request, course_id, content_id, attempt_id):
        """Reopen."""
        form = ReopenSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Extra time must be a whole number of minutes from 0 to 600.'),
                             'errors': form.errors}, status=status.HTTP_400_BAD_REQUEST)
        seconds = api.reopen_attempt(self.course_key, content_id, int(attempt_id),
                                     form.validated_data['extra_minutes'], form.validated_data['reason'],
                                     request.user, ip_address=client_address(request))
        return Response({'seconds_granted': seconds})


class MonitorCheckInView(CourseViewMixin, APIView):
    """
    **Use case**: at an exam proctored by on-site invigilation, an invigilator confirms a candidate from the
    Monitor (identity and seat checked): the candidate's attempt is ready to start.

    **Example request**: ``POST .../courses/{course_id}/exams/{content_id}/attempts/{attempt_id}/check-in/``

    **Response**: 200 ``{"status": "ready_to_start"}`` (also when the candidate was checked in already); 409 when
    the exam is not on-site or the attempt is past setup. Audited.
    """

    permission_required = rules.CHECK_IN_CANDIDATE

    def post(self, request, course_id, content_id, attempt_id):
        """Check the candidate in."""
        return Response({'status': api.check_in_from_monitor(self.course_key, content_id, int(attempt_id),
                                                             request.user, ip_address=client_address(request))})


class HallReviewView(CourseViewMixin, APIView):
    """
    **Use case**: the chief invigilator records how a candidate's exam went in the hall; it becomes edx-proctoring's
    review of the attempt (the proctored results report's *review status*, the learner's result).

    **Example request**: ``POST .../courses/{course_id}/exams/{content_id}/attempts/{attempt_id}/hall-review/``
    with ``{"outcome": "satisfactory" | "unsatisfactory" | "second_review", "note": "..."}``

    **Response**: 200 ``{"status"}``: the attempt's status afterwards (verified, rejected, second_review_required);
    400 for a malformed record; 409 when the exam is not on-site, the attempt is not over, or an incident has no
    note. Audited.
    """

    permission_required = rules.REVIEW_HALL_ATTEMPT

    def post(self, request, course_id, content_id, attempt_id):
        """Record the review."""
        form = HallReviewSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Choose satisfactory, unsatisfactory or second review, with a note of at '
                                         'most {max} characters.').format(max=api.HALL_REVIEW_NOTE_MAX),
                             'errors': form.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({'status': api.record_hall_review(
            self.course_key, content_id, int(attempt_id), form.validated_data['outcome'],
            form.validated_data['note'], request.user, ip_address=client_address(request))})


class BulkUploadView(CourseViewMixin, APIView):
    """
    **Use case**: upload every delivery file of a USB stick at once: many files (or a folder), or one zip.

    **Example request**: ``POST .../courses/{course_id}/exams/{content_id}/bulk-uploads/``, multipart with one or
    more ``files``.

    **Response**: 202 ``{"upload_id", "status_url"}``: a Celery task delivers each file to the candidate named in
    it. 413 when the request is larger than ``OFFLINE_DELIVERY_BULK_MAX_BYTES`` (refused before its body is read)
    or one of its files is too large. 400 when the batch is refused before anything is unpacked (too many files, a
    zip bomb, a name outside the zip's folder). Then ``GET`` the ``status_url`` for progress and one result line
    per file.
    """

    class RequestTooLarge(APIException):
        """A bulk request that declares more than ``OFFLINE_DELIVERY_BULK_MAX_BYTES``."""

        status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        default_code = 'too_large'

    permission_required = rules.UPLOAD_DELIVERY

    def initial(self, request, *args, **kwargs):
        """
        Refuse a request over the total on the size it declares, before anything reads its body: authentication
        already would (the CSRF check reads the form), and Django's multipart parser first spools every file to
        disk. Django reads no more than the declared size, so the files can never add up to more.
        """
        limit = settings.OFFLINE_DELIVERY_BULK_MAX_BYTES
        try:
            declared = int(request.META.get('CONTENT_LENGTH') or 0)
        except ValueError:
            declared = 0  # Django's parser refuses a malformed length itself
        if declared > limit:
            raise self.RequestTooLarge(_('The upload holds {size} bytes; at most {max} bytes are accepted at once. '
                                         'Upload the files in smaller groups.').format(size=declared, max=limit))
        super().initial(request, *args, **kwargs)

    def post(self, request, course_id, content_id):
        """Queue the batch: the files are handed over as Django keeps them (on disk when large), never read whole."""
        handles = request.FILES.getlist('files')
        limit = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES
        zip_limit = limit * settings.OFFLINE_DELIVERY_BULK_MAX_FILES
        for handle in handles:
            if handle.size > (zip_limit if handle.name.lower().endswith('.zip') else limit):
                return Response({'detail': _('{name} is too large.').format(name=handle.name[:100])},
                                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        upload_id = api.start_bulk_upload([(handle.name, handle) for handle in handles], self.course_key,
                                          content_id, request.user, ip_address=client_address(request))
        return Response({'upload_id': upload_id, 'status_url': request.build_absolute_uri(
            f'{upload_id}/')}, status=status.HTTP_202_ACCEPTED)


class BulkUploadStatusView(CourseViewMixin, APIView):
    """
    **Use case**: the progress and the result lines of a bulk upload.

    **Example request**: ``GET .../courses/{course_id}/exams/{content_id}/bulk-uploads/{upload_id}/``

    **Response**: ``{"upload_id", "status", "total", "done", "results": [{file, candidate, outcome, receipt |
    reason, detail}]}``.
    """

    permission_required = rules.UPLOAD_DELIVERY

    def get(self, request, course_id, content_id, upload_id):
        """The status."""
        batch = api.get_bulk_upload(int(upload_id), self.course_key)
        if batch is None:
            raise NotFound(_('There is no such upload.'))
        return Response({'upload_id': batch.upload_id, 'status': batch.status, 'total': batch.total,
                         'done': batch.done, 'results': list(batch.results)})
