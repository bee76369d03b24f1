"""
REST API v1 views. Thin: check the permission, validate with a serializer, call one ``api`` function, answer.
"""
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import InvalidCourseSettings
from offline_delivery_plugin.http import client_address, course_key_from_url
from offline_delivery_plugin.rest_api.v1.errors import plugin_exception_handler
from offline_delivery_plugin.rest_api.v1.parsers import PluginJSONParser
from offline_delivery_plugin.rest_api.v1.permissions import HasAttemptPermission, HasCoursePermission
from offline_delivery_plugin.rest_api.v1.renderers import AuditLogCsvRenderer
from offline_delivery_plugin.rest_api.v1.serializers import (
    AllowanceLineResultSerializer,
    AnswerRowSerializer,
    CandidateSessionSerializer,
    CourseDeliverySettingsSerializer,
    CourseSettingsDraftSerializer,
    DecisionSerializer,
    DeliveryReceiptSerializer,
    ExamRequestSerializer,
    ExamSummarySerializer,
    MonitorRowSerializer,
    NewExamRequestSerializer,
    ReopenSerializer,
    ReportSerializer,
    SaveAckSerializer,
    SnapshotSerializer,
    UnlockSerializer,
    UploadSerializer,
)


class PluginErrorsMixin:
    """
    What every view of the API shares: the plugin's errors, an unreachable database and an oversized body answered
    by ``errors.plugin_exception_handler`` (never a 500), and JSON bodies read by ``PluginJSONParser``.
    """

    parser_classes = (PluginJSONParser, FormParser, MultiPartParser)

    def get_exception_handler(self):
        """The plugin's handler, whatever the site's ``REST_FRAMEWORK`` names (it hands that one the rest)."""
        return plugin_exception_handler

    def database_unavailable_message(self):
        """
        The 503's text when the database cannot be reached, in words for whoever reads this view's answers: here
        staff and learners at their own pages, who only need to try again; the candidate page's views say more.
        """
        return _("The server's database is busy or cannot be reached right now. Nothing was changed; try again in "
                 "a moment.")


class CourseViewMixin(PluginErrorsMixin):
    """
    Authentication, permission and the course key from the URL, shared by every course-scoped view.
    """

    authentication_classes = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)
    permission_classes = (HasCoursePermission,)
    permission_required = None

    @property
    def course_key(self):
        """The course named in the URL; a malformed id is a 404, like an unknown course."""
        return course_key_from_url(self.kwargs['course_id'], not_found=NotFound)


class CourseExamsView(CourseViewMixin, APIView):
    """
    **Use case**: the course's exams and its offline-delivery settings, for the Monitor and the course team.

    **Example request**: ``GET /offline-delivery/api/v1/courses/{course_id}/exams/``

    **Response**: ``{"course_id", "offline_delivery": {settings}, "exams": [{exam_id, content_id, exam_name,
    exam_type, time_limit_mins}]}``. 404 when there is no such course.
    """

    permission_required = rules.VIEW_EXAMS

    def get(self, request, course_id):
        """List the exams."""
        delivery_settings = api.get_course_delivery_settings(self.course_key)
        exams = api.list_course_exams(self.course_key)
        return Response({
            'course_id': str(self.course_key),
            'offline_delivery': CourseDeliverySettingsSerializer(delivery_settings).data,
            'exams': ExamSummarySerializer(exams, many=True).data,
        })


class CourseSettingsValidationView(CourseViewMixin, APIView):
    """
    **Use case**: Studio checks a draft of the course's offline-delivery settings before saving Advanced Settings.

    **Example request**: ``POST /offline-delivery/api/v1/courses/{course_id}/settings/validate/`` with
    ``{"offline_delivery": {"enabled": true, "autosave_interval_seconds": 15}}``

    **Response**: 200 ``{"valid": true, "offline_delivery": {the settings with defaults}}``, or 400
    ``{"valid": false, "errors": {key: message}}``. Nothing is stored either way.
    """

    permission_required = rules.VALIDATE_COURSE_SETTINGS

    def post(self, request, course_id):
        """Validate the draft."""
        draft = CourseSettingsDraftSerializer(data=request.data)
        if not draft.is_valid():
            return Response({'valid': False, 'errors': draft.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            validated = api.validate_course_settings(draft.validated_data['offline_delivery'])
        except InvalidCourseSettings as error:
            return Response({'valid': False, 'errors': error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({'valid': True, 'offline_delivery': CourseDeliverySettingsSerializer(validated).data})


class AttemptViewMixin(PluginErrorsMixin):
    """Authentication and the attempt permission, shared by the candidate page's views."""

    authentication_classes = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)
    permission_classes = (HasAttemptPermission,)
    permission_required = rules.WRITE_OWN_ATTEMPT

    def database_unavailable_message(self):
        """The candidate page keeps every answer and sends it again: the candidate is told so."""
        return _('The server cannot reach its database right now. Your answers stay on this device and will be '
                 'sent again automatically.')


class CandidateSessionView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate page starts (or restarts after a reload) its offline-capable session.

    **Example request**: ``GET /offline-delivery/api/v1/attempts/{attempt_id}/session/``

    **Response**: the exam's public key and key id, the invigilator password verifier (or null), the deadline,
    the save interval and messages, and the newest snapshot and answers the server holds. 404 for an attempt
    that is not the user's, 409 when it is not in progress or the course has offline delivery off.
    """

    def get(self, request, attempt_id):
        """Start the session."""
        return Response(CandidateSessionSerializer(api.start_candidate_session(request.user, attempt_id)).data)


class SnapshotView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate page saves a snapshot (every few seconds after a change, and as a heartbeat).

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/snapshots/`` with
    ``{"link": "[7,\"<prev hash>\",1700000000000,\"<answers hash>\",[\"item\"]]", "answers_json": "{...}"}``

    **Response**: 200 ``{"acked_seq", "acked_hash", "stored"}``: the newest snapshot the server holds
    (``stored`` is false when the one sent was not newer). 400 for a malformed or inconsistent snapshot, 409 when
    the attempt is not in progress; nothing is stored then.
    """

    def post(self, request, attempt_id):
        """Save the snapshot."""
        snapshot = SnapshotSerializer(data=request.data)
        if not snapshot.is_valid():
            return Response({'detail': _('The snapshot is malformed.'), 'errors': snapshot.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        ack = api.save_snapshot(request.user, attempt_id, snapshot.validated_data['link'],
                                snapshot.validated_data['answers_json'], ip_address=client_address(request))
        return Response(SaveAckSerializer(ack).data)


class SelfDeliveryView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate's device is back online and holds a saved delivery file: the page delivers it
    (the iPad case, where no USB stick is at hand). The same checks as a staff upload apply.

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/deliveries/`` with the file's
    bytes as the body (``Content-Type: application/octet-stream``).

    **Response**: 200 ``{"receipt", "seq", "blank", "already_delivered"}``; 400 ``{"reason", "detail"}`` when the
    file is refused (nothing changes; 413 when it is larger than ``OFFLINE_DELIVERY_MAX_FILE_BYTES``). Audited
    either way.
    """

    def post(self, request, attempt_id):
        """Deliver the file."""
        # Read at most one byte past the limit, whatever Content-Length claims (Django's own body limit is
        # smaller than a delivery file may be, so the stream is read directly); the domain refuses what is over.
        data = request.read(settings.OFFLINE_DELIVERY_MAX_FILE_BYTES + 1)
        receipt = api.deliver_file(data, attempt_id, request.user, 'self', ip_address=client_address(request))
        return Response(DeliveryReceiptSerializer(receipt).data)


class ExamMonitorView(CourseViewMixin, APIView):
    """
    **Use case**: the Monitor's data for one exam; the page asks again every few seconds.

    **Example request**: ``GET /offline-delivery/api/v1/courses/{course_id}/exams/{content_id}/monitor/``

    **Response**: ``{"exam": {exam_id, exam_name, content_id, time_limit_mins}, "server_time", "rows": [{user_id,
    username, full_name, mode, state, attempt_id, proctoring_status, last_save_at, last_save_seq, last_contact_at,
    seconds_left, receipt}]}``; ``state`` is one of not_started, writing, connection_lost, submitted_online,
    delivered_offline.
    """

    permission_required = rules.VIEW_MONITOR

    def get(self, request, course_id, content_id):
        """The Monitor's rows."""
        exam, rows = api.get_monitor(self.course_key, content_id)
        return Response({
            'exam': {'exam_id': exam['id'], 'exam_name': exam['exam_name'], 'content_id': exam['content_id'],
                     'time_limit_mins': exam['time_limit_mins']},
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


class UnlockView(AttemptViewMixin, APIView):
    """
    **Use case**: on the candidate's screen, the invigilator types the password so a reopened attempt continues.

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/unlock/`` with ``{"password": ...}``

    **Response**: 200 ``{"unlocked": true}``; 400 for a wrong password; 429 after too many (per attempt and per
    client address, 15 minutes). Every try is audited, never the password.
    """

    def post(self, request, attempt_id):
        """Check the password."""
        form = UnlockSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Type the invigilator password.')}, status=status.HTTP_400_BAD_REQUEST)
        api.unlock_attempt(request.user, attempt_id, form.validated_data['password'],
                           ip_address=client_address(request))
        return Response({'unlocked': True})


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


class InvigilatorPasswordView(CourseViewMixin, APIView):
    """
    **Use case**: course staff set or rotate an exam's invigilator password.

    **Example request**: ``POST .../courses/{course_id}/exams/{content_id}/invigilator-password/`` with
    ``{"password": "..."}`` (at least 8 characters).

    **Response**: 204, never the password. 400 with the reason for a password that is too short. Audited.
    """

    permission_required = rules.SET_INVIGILATOR_PASSWORD

    def post(self, request, course_id, content_id):
        """Set the password."""
        form = UnlockSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Type the new invigilator password.')}, status=status.HTTP_400_BAD_REQUEST)
        api.change_invigilator_password(self.course_key, content_id, form.validated_data['password'], request.user,
                                        ip_address=client_address(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditLogView(CourseViewMixin, APIView):
    """
    **Use case**: course staff read the course's audit trail (uploads accepted and refused, reopenings, password
    uses, failures and changes), or export it.

    **Example requests**: ``GET .../courses/{course_id}/audit/`` (the newest 500, JSON);
    ``GET .../courses/{course_id}/audit/?export=csv`` (everything, streamed).
    """

    permission_required = rules.VIEW_AUDIT

    def get(self, request, course_id):
        """The events."""
        if request.query_params.get('export') == 'csv':
            return AuditLogCsvRenderer().streaming_response(api.list_audit_events(self.course_key),
                                                            f'{self.course_key}_offline_delivery_audit.csv')
        return Response({'events': list(api.list_audit_events(self.course_key, limit=500))})


def _first_error(serializer):
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


class ResultsReportsView(CourseViewMixin, APIView):
    """
    **Use case**: course staff with the data-download permission generate the proctored results report and follow
    it (the Pending Tasks), then download it.

    **Example requests**: ``GET .../courses/{course_id}/reports/``; ``POST`` the same URL to generate one.

    **Response**: ``{"reports": [...], "links_expire_in": 300}`` newest first, each finished one with a
    ``download_url`` that works for this user for 5 minutes; 202 with the queued report for a POST.
    """

    permission_required = rules.DOWNLOAD_REPORTS

    def _serialize(self, reports, many):
        def link(report_id):
            token = api.make_download_token(report_id, self.request.user.id)
            return self.request.build_absolute_uri(reverse('offline_delivery_plugin:report-download', kwargs={
                'course_id': str(self.course_key), 'token': token}))
        return ReportSerializer(reports, many=many, context={'link': link}).data

    def get(self, request, course_id):
        """The course's reports."""
        return Response({'reports': self._serialize(api.list_results_reports(self.course_key), True),
                         'links_expire_in': api.REPORT_LINK_SECONDS})

    def post(self, request, course_id):
        """Generate one in the background."""
        report = api.request_results_report(self.course_key, request.user)
        return Response(self._serialize(report, False), status=status.HTTP_202_ACCEPTED)
