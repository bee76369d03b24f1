"""
Receivers for signals of the host and of edx-proctoring. Plumbing only: each one calls the API.

They are connected by the host from ``OfflineDeliveryConfig.plugin_app['signals_config']``.
"""
from offline_delivery_plugin import api


def record_attempt_status(sender, attempt_id, **kwargs):  # pylint: disable=unused-argument
    """
    Follow edx-proctoring's ``exam_attempt_status_signal``: an attempt was created or changed status.
    """
    api.schedule_attempt_record_sync(attempt_id)
