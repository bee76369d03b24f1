"""
The sandbox's URLs: its own pages, then every plugin's URLs exactly where the LMS mounts them
(``get_plugin_url_patterns(ProjectType.LMS)`` at the root). Studio's plugin URLs are mounted under ``studio/``,
in their own namespace, because the sandbox plays both the LMS and Studio.
"""
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from edx_django_utils.plugins import get_plugin_url_patterns

from sandbox.host import views as host_views

urlpatterns = [
    path('', include('sandbox.host.urls')),
    # The LMS's name for "take me to this block"; edx-proctoring links to exams through it.
    re_path(r'^courses/(?P<course_id>[^/]+)/jump_to/(?P<location>[^/]+)$', host_views.jump_to, name='jump_to'),
    path('admin/', admin.site.urls),
    path('i18n/', include('django.conf.urls.i18n')),
    path('jsi18n/', JavaScriptCatalog.as_view(), name='javascript-catalog'),
    # edx-drf-extensions' CSRF token endpoint, which frontend-platform asks before a POST (csrf/api/v1/token).
    path('', include('csrf.urls')),
    path('studio/', include((get_plugin_url_patterns('cms.djangoapp'), 'studio'), namespace='studio')),
] + get_plugin_url_patterns('lms.djangoapp')
