"""
REST API v1: the course's endpoints (its exams, a draft of its settings, the invigilator passwords, the audit
log, the results reports). Thin: check the permission, validate with a serializer, call one ``api`` function, answer.
"""
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import InvalidCourseSettings
from offline_delivery_plugin.http import client_address
from offline_delivery_plugin.rest_api.v1.renderers import AuditLogCsvRenderer
from offline_delivery_plugin.rest_api.v1.serializers import (
    CourseDeliverySettingsSerializer,
    CourseSettingsDraftSerializer,
    ExamSummarySerializer,
    ReportSerializer,
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
