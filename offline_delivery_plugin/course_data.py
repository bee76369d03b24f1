"""
Forgetting a course's exam days: every candidate's record, answer and file the plugin holds for a course, for a host
that clears the course (the sandbox's demo reset).
"""
from django.db import transaction

from offline_delivery_plugin.course_settings import as_course_key
from offline_delivery_plugin.models import (
    AttemptRecord,
    AuditEvent,
    BulkUpload,
    DeliveryFile,
    ExamRequest,
    Reopening,
    ResultsReport,
)
from offline_delivery_plugin.storage import plugin_storage

__all__ = [
    'delete_course_offline_delivery_data',
]


def delete_course_offline_delivery_data(course_key):
    """
    Forget everything the plugin holds about a course's candidates and its exam days: attempt records with their
    answers and accepted delivery files, reopenings, learner requests, bulk uploads, results reports and the audit
    log, and the files kept for them in storage. For a host that clears a course (the sandbox's demo reset); the
    course's exam keys and invigilator passwords stay, as files co-signed and encrypted under them must still open.

    It does not touch edx-proctoring: clear the course's attempts and allowances there as well, or the next sync
    writes their records again. The stored files are deleted once the transaction commits (storage cannot roll
    back).

    Arguments:
        course_key: the course, a ``CourseKey`` or its string.

    Returns:
        The number of rows deleted.
    """
    course_key = as_course_key(course_key)
    deleted = 0
    with transaction.atomic():
        files = [
            *DeliveryFile.objects.filter(record__course_id=course_key).values_list('storage_name', flat=True),
            *BulkUpload.objects.filter(course_id=course_key).values_list('storage_name', flat=True),
            *ResultsReport.objects.filter(course_id=course_key).values_list('storage_name', flat=True),
        ]
        # Answers and delivery files go with their records (on_delete=CASCADE). The audit log is append-only for
        # single rows (AuditEvent.save); forgetting a whole course is the one way out of it.
        for model in (AttemptRecord, Reopening, ExamRequest, BulkUpload, ResultsReport, AuditEvent):
            deleted += model.objects.filter(course_id=course_key).delete()[0]

        def delete_files():
            storage = plugin_storage()
            for name in filter(None, files):
                storage.delete(name)

        transaction.on_commit(delete_files)
    return deleted
