"""
The audit trail (``audit``): one append-only event for every staff action, delivery and refusal.
"""
import pytest

from offline_delivery_plugin import api
from offline_delivery_plugin.models import AuditEvent


def test_audit_events_are_append_only(demo):
    api.record_audit_event(demo.course_key, 'upload', 'ok', actor=demo.invigilator)
    event = AuditEvent.objects.get()
    event.outcome = 'refused'
    with pytest.raises(ValueError):
        event.save()
