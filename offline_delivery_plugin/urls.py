"""
The plugin's URLs in the LMS, mounted by the host under ``offline-delivery/`` (see ``apps.py``).
"""
from django.urls import include, path, re_path

from offline_delivery_plugin.rest_api import converters  # noqa: F401  (registers <database_id:...>)
from offline_delivery_plugin.rest_api.urls_common import CONTENT_ID_PATTERN, COURSE_ID_PATTERN
from offline_delivery_plugin.views import (
    AuditPageView,
    CheckInPageView,
    CourseDashboardView,
    ExamFilePageView,
    ExamRequestsPageView,
    MonitorPageView,
    OnThisDevicePageView,
    PluginJavaScriptCatalog,
    ReportDownloadView,
    SafeExamBrowserConfigView,
    SafeExamBrowserQuitView,
    ServiceWorkerView,
)

app_name = 'offline_delivery_plugin'

urlpatterns = [
    path('api/v1/', include('offline_delivery_plugin.rest_api.v1.urls')),
    path('service-worker.js', ServiceWorkerView.as_view(), name='service-worker'),
    path('jsi18n/', PluginJavaScriptCatalog.as_view(), name='jsi18n'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/monitor/$', MonitorPageView.as_view(),
            name='monitor'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/audit/$', AuditPageView.as_view(), name='audit-page'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/requests/$', ExamRequestsPageView.as_view(),
            name='exam-requests'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/$', CourseDashboardView.as_view(), name='course-dashboard'),
    path('check-in/<database_id:attempt_id>/', CheckInPageView.as_view(), name='check-in'),
    path('exam-file/', ExamFilePageView.as_view(), name='exam-file'),
    path('on-this-device/', OnThisDevicePageView.as_view(), name='on-this-device'),
    re_path(r'^safe-exam-browser/(?P<token>[\w:.-]{1,500})/exam\.seb$', SafeExamBrowserConfigView.as_view(),
            name='seb-config'),
    path('safe-exam-browser/quit/', SafeExamBrowserQuitView.as_view(), name='seb-quit'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/reports/(?P<token>[\w:-]+)/$', ReportDownloadView.as_view(),
            name='report-download'),
]
