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


def check_course_settings_on_publish(sender, catalog_info=None, **kwargs):  # pylint: disable=unused-argument
    """
    Follow openedx-events' ``COURSE_CATALOG_INFO_CHANGED``, which Studio sends after each publish of a course
    (cms/djangoapps/contentstore/signals/handlers.py ``listen_for_course_publish``, on commit): check the course's
    offline-delivery settings as published.
    """
    if catalog_info is not None:
        api.check_published_course_settings(catalog_info.course_key)
