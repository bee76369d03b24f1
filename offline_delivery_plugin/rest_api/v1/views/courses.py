"""
REST API v1: the course's endpoints (its exams, a draft of its settings, the invigilator passwords, Safe Exam
Browser, the hall roles, the audit log, the results reports). Thin: check the permission, validate with a
serializer, call one ``api`` function, answer.
"""
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import InvalidCourseSettings, InvalidSafeExamBrowserSettings
from offline_delivery_plugin.http import client_address
from offline_delivery_plugin.rest_api.v1.renderers import AuditLogCsvRenderer
from offline_delivery_plugin.rest_api.v1.serializers import (
    CourseDeliverySettingsSerializer,
    CourseSettingsDraftSerializer,
    ExamSummarySerializer,
    HallRoleChangeSerializer,
    HallRoleHolderSerializer,
    ReportSerializer,
    SafeExamBrowserExamSerializer,
    UnlockSerializer,
)
from offline_delivery_plugin.rest_api.v1.views.base import CourseViewMixin


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


class SafeExamBrowserView(CourseViewMixin, APIView):
    """
    **Use case**: course staff make an exam require Safe Exam Browser and set the SEB settings a hall needs.

    **Example requests**: ``GET .../courses/{course_id}/exams/{content_id}/safe-exam-browser/``; ``PUT`` the same
    with any of ``{"required": true, "quit_password": "...", "download_directory_win": "...",
    "download_directory_mac": "...", "allowed_sites": ["login.example.org"], "browser_exam_keys": ["<64 hex>"]}``
    (``quit_password`` "" removes it; a field left out keeps its value).

    **Response**: the settings (never the password; whether one is set), the Config Key of the ``.seb`` file the
    plugin serves, that file's URL and the ``sebs://`` link that starts SEB with it. 400 ``{"detail", "errors"}``
    for a wrong field; nothing is stored then. Audited.
    """

    permission_required = rules.CONFIGURE_SAFE_EXAM_BROWSER
    FIELDS = ('required', 'quit_password', 'download_directory_win', 'download_directory_mac', 'allowed_sites',
              'browser_exam_keys')

    def get(self, request, course_id, content_id):
        """The settings."""
        return Response(SafeExamBrowserExamSerializer(api.get_safe_exam_browser_exam(self.course_key,
                                                                                      content_id)).data)

    def put(self, request, course_id, content_id):
        """Change the settings."""
        if not isinstance(request.data, dict) or set(request.data) - set(self.FIELDS):
            return Response({'detail': _('Send a JSON object with any of: {names}.').format(
                names=', '.join(self.FIELDS))}, status=status.HTTP_400_BAD_REQUEST)
        try:
            exam = api.change_safe_exam_browser_settings(self.course_key, content_id, dict(request.data),
                                                         request.user, ip_address=client_address(request))
        except InvalidSafeExamBrowserSettings as error:
            return Response({'detail': _('Nothing was saved: correct the fields below.'), 'errors': error.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(SafeExamBrowserExamSerializer(exam).data)


class HallRolesView(CourseViewMixin, APIView):
    """
    **Use case**: course staff see who the course's invigilators and chief invigilators are, and give or take
    those roles (the platform's own role lists do not offer them).

    **Example requests**: ``GET .../courses/{course_id}/hall-roles/``; ``POST`` the same with
    ``{"user": "<username or email>", "role": "invigilator" | "chief_invigilator"}`` to give the role,
    ``{..., "action": "revoke"}`` to take it.

    **Response**: ``{"holders": [{role, role_label, username, email}]}`` (after the change, for a POST). 400 with
    the reason for an unknown account or role, or an account not activated; nothing changes then. Audited.
    """

    permission_required = rules.MANAGE_HALL_ROLES

    def _holders(self):
        return Response({'holders': HallRoleHolderSerializer(api.list_hall_roles(self.course_key), many=True).data})

    def get(self, request, course_id):
        """The holders."""
        return self._holders()

    def post(self, request, course_id):
        """Give or take a role."""
        form = HallRoleChangeSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Give the account (username or email) and the role.')},
                            status=status.HTTP_400_BAD_REQUEST)
        change = api.revoke_hall_role if form.validated_data['action'] == 'revoke' else api.grant_hall_role
        change(self.course_key, form.validated_data['user'], form.validated_data['role'], request.user,
               ip_address=client_address(request))
        return self._holders()


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
