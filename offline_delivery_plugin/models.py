"""
The plugin's tables. Private to the app: other code goes through ``offline_delivery_plugin.api``.
"""
from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class AttemptRecord(models.Model):
    """
    The plugin's record of one edx-proctoring exam attempt, kept in step with edx-proctoring's status.

    edx-proctoring stays the owner of the attempt; this row carries what the plugin adds around it (later: last
    autosave, connection state, deliveries) and lets the Monitor read a course's attempts in one query.

    .. no_pii: holds the user's id only; names and emails stay in the user tables.
    """

    attempt_id = models.BigIntegerField(unique=True, help_text='ProctoredExamStudentAttempt.id')
    attempt_code = models.CharField(max_length=255, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    course_id = CourseKeyField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255)
    proctoring_status = models.CharField(max_length=64)
    status_changed_at = models.DateTimeField(null=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=['course_id', 'content_id'])]

    def __str__(self):
        return f'AttemptRecord({self.attempt_id}, {self.proctoring_status})'
