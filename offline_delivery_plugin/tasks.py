"""
Celery tasks of the plugin, and the one place that queues them.

Each task is a thin shell around one function of the layer below (safe to run again); ``schedule_*`` queues one.
Only ``api`` (and the signal handler, through it) schedules: the modules below the tasks never import them
(docs/decisions/0013-layers-and-the-door-to-edx-proctoring.rst).
"""
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction

from offline_delivery_plugin import attempts, bulk, notifications, reports, sweeper

__all__ = [
    'schedule_attempt_record_sync',
    'schedule_bulk_upload',
    'schedule_request_decided_email',
    'schedule_results_report',
]

log = logging.getLogger(__name__)


def queue(task, *args):
    """Send ``task(*args)`` to the plugin's queue (``OFFLINE_DELIVERY_CELERY_QUEUE``), or the LMS's default routing."""
    name = settings.OFFLINE_DELIVERY_CELERY_QUEUE
    task.apply_async(args=list(args), **({'queue': name} if name else {}))


def queue_after_commit(task, *args):
    """``queue`` once the current transaction commits: a worker must not read what is not committed yet."""
    transaction.on_commit(lambda: queue(task, *args))


@shared_task(name='offline_delivery_plugin.sync_attempt_record', acks_late=True, ignore_result=True)
def sync_attempt_record_task(attempt_id):
    """
    Sync the plugin's record of an attempt from edx-proctoring (idempotent; see ``attempts.sync_attempt_record``).
    """
    attempts.sync_attempt_record(attempt_id)


@shared_task(name='offline_delivery_plugin.process_bulk_upload', acks_late=True, ignore_result=True)
def process_bulk_upload_task(upload_id):
    """
    Note a batch's files and queue its parts, which workers then deliver side by side (see
    ``bulk.plan_bulk_upload``); safe to run again.
    """
    for start, stop in bulk.plan_bulk_upload(upload_id):
        queue(deliver_bulk_upload_part_task, upload_id, start, stop)


@shared_task(name='offline_delivery_plugin.deliver_bulk_upload_part', acks_late=True, ignore_result=True)
def deliver_bulk_upload_part_task(upload_id, start, stop):
    """Deliver one part of a batch (see ``bulk.deliver_bulk_upload_part``); safe to run again."""
    bulk.deliver_bulk_upload_part(upload_id, start, stop)


@shared_task(name='offline_delivery_plugin.generate_results_report', acks_late=True, ignore_result=True)
def generate_results_report_task(report_id):
    """Write a course's proctored results report (see ``reports.generate_results_report``)."""
    reports.generate_results_report(report_id)


@shared_task(name='offline_delivery_plugin.finalise_expired_attempts', ignore_result=True)
def finalise_expired_attempts_task():
    """Periodic (Celery beat): time out attempts whose time ran out, after the grace for late files."""
    sweeper.finalise_expired_attempts()


@shared_task(bind=True, name='offline_delivery_plugin.send_request_decided_email', ignore_result=True,
             max_retries=5, default_retry_delay=120)
def send_request_decided_email_task(self, request_id):
    """
    E-mail the learner how their exam request was decided (see ``notifications.send_request_decided_email``). A
    mail server that does not take it is tried again, five times two minutes apart; the decision itself is already
    committed.
    """
    try:
        notifications.send_request_decided_email(request_id)
    except (smtplib.SMTPException, OSError) as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            log.error('The decision e-mail of exam request %s was not sent: %s', request_id, error)
            return
        raise self.retry(exc=error) from error


def schedule_attempt_record_sync(attempt_id):
    """
    Queue ``sync_attempt_record`` for after the current transaction commits (edx-proctoring sends its status
    signal inside the transaction that changed the attempt; a worker must not read it before it is committed).
    """
    queue_after_commit(sync_attempt_record_task, attempt_id)


def schedule_bulk_upload(upload_id):
    """Queue the delivery of a stored batch (at once where Celery is eager: the batch is already committed)."""
    queue(process_bulk_upload_task, upload_id)


def schedule_results_report(report_id):
    """Queue the writing of a requested report for after the commit that made it."""
    queue_after_commit(generate_results_report_task, report_id)


def schedule_request_decided_email(request_id):
    """Queue the decision's e-mail for after the current transaction commits (``OFFLINE_DELIVERY_DECISION_EMAILS``)."""
    if settings.OFFLINE_DELIVERY_DECISION_EMAILS:
        queue_after_commit(send_request_decided_email_task, request_id)
