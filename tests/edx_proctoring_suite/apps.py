"""
The with-plugin host's start-up: what the LMS does once its apps are loaded.
"""
from django.apps import AppConfig


class PluginHostConfig(AppConfig):
    """
    Connects the plugins' signal receivers from their ``signals_config``, as the LMS does at start-up
    (``connect_plugin_receivers(ProjectType.LMS)``), and makes the host's Celery app, as the LMS's ``lms/celery.py``.
    """

    name = 'tests.edx_proctoring_suite'
    label = 'edx_proctoring_suite_host'
    verbose_name = 'edx-proctoring suite host'

    def ready(self):
        from celery import Celery
        from edx_django_utils.plugins import connect_plugin_receivers

        app = Celery('edx_proctoring_suite_host')
        app.config_from_object('django.conf:settings', namespace='CELERY')
        app.autodiscover_tasks()
        app.set_current()
        app.set_default()
        connect_plugin_receivers('lms.djangoapp')
