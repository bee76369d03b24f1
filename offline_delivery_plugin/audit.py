"""
The audit trail: one append-only event for every staff action, every delivery and every refusal, from every channel
(the Monitor, a bulk upload, the candidate's own device, the autosave, the password gate).
"""
from offline_delivery_plugin.models import AuditEvent

__all__ = [
    'AUDIT_COLUMNS',
    'CHANNEL_AUTOSAVE',
    'CHANNEL_BULK',
    'CHANNEL_MONITOR',
    'CHANNEL_PASSWORD_GATE',
    'CHANNEL_SELF',
    'list_audit_events',
    'record_audit_event',
]

#: Where an event came from, in the audit log's ``channel`` column.
CHANNEL_MONITOR = 'monitor'
CHANNEL_BULK = 'bulk'
CHANNEL_SELF = 'self'
CHANNEL_AUTOSAVE = 'autosave'
CHANNEL_PASSWORD_GATE = 'password_gate'

AUDIT_COLUMNS = ('created', 'kind', 'channel', 'outcome', 'actor', 'subject', 'exam', 'attempt_id', 'ip_address',
                 'detail')


def record_audit_event(course_key, kind, outcome, actor=None, subject_id=None, content_id='', attempt_id=None,
                       ip_address=None, **detail):
    """
    Append one audit event. Never carries passwords or answers; ``detail`` is for ids, reasons, receipts and the
    ``channel`` the event came through.
    """
    AuditEvent.objects.create(
        course_id=course_key, content_id=content_id, attempt_id=attempt_id,
        actor=actor if getattr(actor, 'is_authenticated', False) else None, subject_id=subject_id,
        kind=kind, outcome=outcome, detail=detail, ip_address=ip_address,
    )


def list_audit_events(course_key, limit=None):
    """
    The course's audit trail, newest first, as plain rows (usernames, not ids). ``limit`` None means all (the CSV);
    rows are read in one query with the users joined.
    """
    events = AuditEvent.objects.filter(course_id=course_key).select_related('actor', 'subject').order_by('-id')
    if limit:
        events = events[:limit]
    for event in events.iterator(chunk_size=2000):
        yield {
            'created': event.created.isoformat(), 'kind': event.kind, 'channel': event.detail.get('channel', ''),
            'outcome': event.outcome, 'actor': event.actor.username if event.actor else '',
            'subject': event.subject.username if event.subject else '', 'exam': event.content_id,
            'attempt_id': event.attempt_id or '', 'ip_address': event.ip_address or '', 'detail': event.detail,
        }
