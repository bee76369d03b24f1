"""
URLs of REST API v1 in the LMS.
"""
from django.urls import path, re_path

from offline_delivery_plugin.rest_api.converters import database_id
from offline_delivery_plugin.rest_api.urls_common import CONTENT_ID_PATTERN, COURSE_ID_PATTERN
from offline_delivery_plugin.rest_api.v1 import views

app_name = 'v1'

#: The ids in the patterns below, bounded as ``<database_id:...>`` is (``re_path`` takes no converters).
ATTEMPT_ID, UPLOAD_ID, REQUEST_ID = database_id('attempt_id'), database_id('upload_id'), database_id('request_id')

urlpatterns = [
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/$', views.CourseExamsView.as_view(), name='course-exams'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/monitor/$', views.ExamMonitorView.as_view(),
            name='exam-monitor'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/attempts/{ATTEMPT_ID}/uploads/$',
            views.UploadView.as_view(), name='attempt-uploads'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/attempts/{ATTEMPT_ID}/answers/$',
            views.AttemptAnswersView.as_view(), name='attempt-answers'),
    path('attempts/<database_id:attempt_id>/session/', views.CandidateSessionView.as_view(), name='attempt-session'),
    path('attempts/<database_id:attempt_id>/snapshots/', views.SnapshotView.as_view(), name='attempt-snapshots'),
    path('attempts/<database_id:attempt_id>/deliveries/', views.SelfDeliveryView.as_view(), name='attempt-deliveries'),
    path('attempts/<database_id:attempt_id>/unlock/', views.UnlockView.as_view(), name='attempt-unlock'),
    path('attempts/<database_id:attempt_id>/check-in/', views.CheckInView.as_view(), name='attempt-check-in'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/audit/$', views.AuditLogView.as_view(), name='audit'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/hall-roles/$', views.HallRolesView.as_view(), name='hall-roles'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/invigilator-password/$',
            views.InvigilatorPasswordView.as_view(), name='invigilator-password'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/safe-exam-browser/$',
            views.SafeExamBrowserView.as_view(), name='safe-exam-browser'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/bulk-uploads/$',
            views.BulkUploadView.as_view(), name='bulk-uploads'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/bulk-uploads/{UPLOAD_ID}/$',
            views.BulkUploadStatusView.as_view(), name='bulk-upload-status'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/attempts/{ATTEMPT_ID}/reopen/$',
            views.ReopenView.as_view(), name='attempt-reopen'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/attempts/{ATTEMPT_ID}/check-in/$',
            views.MonitorCheckInView.as_view(), name='monitor-check-in'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/exams/{CONTENT_ID_PATTERN}/attempts/{ATTEMPT_ID}/hall-review/$',
            views.HallReviewView.as_view(), name='hall-review'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/my-requests/$', views.MyExamRequestsView.as_view(), name='my-requests'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/my-requests/{REQUEST_ID}/$', views.MyExamRequestView.as_view(),
            name='my-request'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/requests/$', views.CourseExamRequestsView.as_view(), name='requests'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/requests/{REQUEST_ID}/decision/$',
            views.ExamRequestDecisionView.as_view(), name='request-decision'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/allowances/csv/$', views.AllowancesCsvView.as_view(),
            name='allowances-csv'),
    re_path(rf'^courses/{COURSE_ID_PATTERN}/reports/$', views.ResultsReportsView.as_view(), name='reports'),
]
