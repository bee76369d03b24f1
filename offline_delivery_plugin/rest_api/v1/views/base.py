"""
REST API v1: what every view shares. The plugin's errors, an unreachable database and an oversized body are
answered by one handler (``errors``); authentication, the permission and the URL's course or attempt by the mixins.
"""
from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.http import client_address, course_key_from_url, safe_exam_browser_keys
from offline_delivery_plugin.rest_api.v1.errors import plugin_exception_handler
from offline_delivery_plugin.rest_api.v1.parsers import PluginJSONParser
from offline_delivery_plugin.rest_api.v1.permissions import HasAttemptPermission, HasCoursePermission


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


class AttemptViewMixin(PluginErrorsMixin):
    """Authentication and the attempt permission, shared by the candidate page's views."""

    authentication_classes = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)
    permission_classes = (HasAttemptPermission,)
    permission_required = rules.WRITE_OWN_ATTEMPT
    #: Where the view's requests come from, in the audit log (a refusal for want of Safe Exam Browser).
    audit_channel = None

    def initial(self, request, *args, **kwargs):
        """After the permission: at an exam that requires Safe Exam Browser, SEB's keys (a 403 without them)."""
        super().initial(request, *args, **kwargs)
        api.check_attempt_request(request.user, self.kwargs.get('attempt_id'), safe_exam_browser_keys(request),
                                  self.audit_channel, ip_address=client_address(request))

    def database_unavailable_message(self):
        """The candidate page keeps every answer and sends it again: the candidate is told so."""
        return _('The server cannot reach its database right now. Your answers stay on this device and will be '
                 'sent again automatically.')
