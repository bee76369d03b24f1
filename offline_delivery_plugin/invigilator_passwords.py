"""
Setting or rotating an exam's invigilator password (course staff, from the course's page): the password the
invigilator types on a candidate's screen, and the co-signature every delivery file carries (docs/decisions/0012).
"""
from offline_delivery_plugin.audit import record_audit_event
from offline_delivery_plugin.exams import get_active_exam
from offline_delivery_plugin.keyring import set_invigilator_password
from offline_delivery_plugin.models import AuditEvent

__all__ = [
    'change_invigilator_password',
]


def change_invigilator_password(course_key, content_id, password, changed_by, ip_address=None):
    """
    Set or rotate the exam's invigilator password (course staff). Audited; the password is never stored or
    logged in clear. Pages that start afterwards get the new offline verifier; pages already running keep checking
    the old one until they start again.
    """
    get_active_exam(course_key, content_id)
    set_invigilator_password(course_key, content_id, password, set_by=changed_by)
    record_audit_event(course_key, 'password_changed', AuditEvent.OK, actor=changed_by, content_id=content_id,
                       ip_address=ip_address)
