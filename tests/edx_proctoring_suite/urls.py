"""
The host's URLs: edx-proctoring's under its namespace, the LMS's ``jump_to`` its code reverses, and, when the plugin
is installed, the plugin's URLs where the LMS mounts them (``get_plugin_url_patterns``).
"""
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from edx_django_utils.plugins import get_plugin_url_patterns


def jump_to(request, course_id, location):
    """The LMS's ``jump_to``: edx-proctoring only reverses it."""
    return HttpResponse()


urlpatterns = [
    path('', include('edx_proctoring.urls', namespace='edx_proctoring')),
    re_path(rf'^courses/{settings.COURSE_ID_PATTERN}/jump_to/(?P<location>.*)$', jump_to, name='jump_to'),
]

if apps.is_installed('offline_delivery_plugin'):
    # Only the plugin's: the LMS would mount edx-proctoring's again under ^api/, which this host does not.
    urlpatterns += [
        pattern for pattern in get_plugin_url_patterns('lms.djangoapp')
        if getattr(pattern, 'namespace', None) == 'offline_delivery_plugin'
    ]
