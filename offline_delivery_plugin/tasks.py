"""
Celery tasks of the plugin. Each is a thin shell around one ``api`` function, so it can be retried safely.
"""
from celery import shared_task

from offline_delivery_plugin import api


@shared_task(name='offline_delivery_plugin.sync_attempt_record', acks_late=True, ignore_result=True)
def sync_attempt_record_task(attempt_id):
    """
    Sync the plugin's record of an attempt from edx-proctoring (idempotent; see ``api.sync_attempt_record``).
    """
    api.sync_attempt_record(attempt_id)


@shared_task(name='offline_delivery_plugin.process_bulk_upload', acks_late=True, ignore_result=True)
def process_bulk_upload_task(upload_id):
    """Deliver a batch of files (see ``api.process_bulk_upload``); safe to run again."""
    api.process_bulk_upload(upload_id)
