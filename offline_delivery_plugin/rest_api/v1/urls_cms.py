"""
URLs of REST API v1 in Studio.
"""
from django.urls import re_path

from offline_delivery_plugin.rest_api.urls_common import COURSE_ID_PATTERN
from offline_delivery_plugin.rest_api.v1 import views

app_name = 'v1'

urlpatterns = [
    re_path(
        rf'^courses/{COURSE_ID_PATTERN}/settings/validate/$',
        views.CourseSettingsValidationView.as_view(),
        name='course-settings-validate',
    ),
]
