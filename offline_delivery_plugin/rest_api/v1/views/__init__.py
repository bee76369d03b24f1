"""
REST API v1 views, by what they serve: the candidate page (``candidates``), the Monitor (``monitor``), the course
(``courses``) and learners' requests (``requests``), on the mixins of ``base``. The URL configurations name them
from here.
"""
from offline_delivery_plugin.rest_api.v1.views.candidates import (
    CandidateSessionView,
    CheckInView,
    SelfDeliveryView,
    SnapshotView,
    UnlockView,
)
from offline_delivery_plugin.rest_api.v1.views.courses import (
    AuditLogView,
    CourseExamsView,
    CourseSettingsValidationView,
    HallRolesView,
    InvigilatorPasswordView,
    ResultsReportsView,
    SafeExamBrowserView,
)
from offline_delivery_plugin.rest_api.v1.views.monitor import (
    AttemptAnswersView,
    BulkUploadStatusView,
    BulkUploadView,
    ExamMonitorView,
    HallReviewView,
    MonitorCheckInView,
    ReopenView,
    UploadView,
)
from offline_delivery_plugin.rest_api.v1.views.requests import (
    AllowancesCsvView,
    CourseExamRequestsView,
    ExamRequestDecisionView,
    MyExamRequestsView,
    MyExamRequestView,
)

__all__ = [
    'AllowancesCsvView',
    'AttemptAnswersView',
    'AuditLogView',
    'BulkUploadStatusView',
    'BulkUploadView',
    'CandidateSessionView',
    'CheckInView',
    'CourseExamRequestsView',
    'CourseExamsView',
    'CourseSettingsValidationView',
    'ExamMonitorView',
    'ExamRequestDecisionView',
    'HallReviewView',
    'HallRolesView',
    'InvigilatorPasswordView',
    'MonitorCheckInView',
    'MyExamRequestView',
    'MyExamRequestsView',
    'ReopenView',
    'ResultsReportsView',
    'SafeExamBrowserView',
    'SelfDeliveryView',
    'SnapshotView',
    'UnlockView',
    'UploadView',
]
