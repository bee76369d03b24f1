"""
REST API v1 views. Thin: check the permission, validate with a serializer, call one ``api`` function, answer.
"""
from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import CourseNotFound, InvalidCourseSettings
from offline_delivery_plugin.rest_api.v1.permissions import HasCoursePermission
from offline_delivery_plugin.rest_api.v1.serializers import (
    CourseDeliverySettingsSerializer,
    CourseSettingsDraftSerializer,
    ExamSummarySerializer,
)


class CourseViewMixin:
    """
    Authentication, permission and the course key from the URL, shared by every course-scoped view.
    """

    authentication_classes = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)
    permission_classes = (HasCoursePermission,)
    permission_required = None

    @property
    def course_key(self):
        """The course named in the URL; a malformed id is a 404, like an unknown course."""
        try:
            return CourseKey.from_string(self.kwargs['course_id'])
        except InvalidKeyError as error:
            raise NotFound(_('{course_id} is not a valid course id.').format(
                course_id=self.kwargs['course_id'])) from error

    def handle_exception(self, exc):
        if isinstance(exc, CourseNotFound):
            return Response({'detail': exc.user_message}, status=status.HTTP_404_NOT_FOUND)
        return super().handle_exception(exc)


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
