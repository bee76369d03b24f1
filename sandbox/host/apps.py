"""
The sandbox host app: the LMS's part of the wiring.
"""
from django.apps import AppConfig


class HostConfig(AppConfig):
    """
    Registers edx-proctoring's runtime services and connects the plugins' signal receivers, as the LMS and Studio
    do at start-up (their apps' ``ready()`` and ``connect_plugin_receivers(ProjectType.LMS)``, ``(ProjectType.CMS)``).
    """

    name = 'sandbox.host'
    label = 'host'
    verbose_name = 'Sandbox host'

    def ready(self):
        # pylint: disable=import-outside-toplevel
        from edx_django_utils.plugins import connect_plugin_receivers

        from sandbox.host.services import register_runtime_services
        from sandbox.settings.common import PROJECT_TYPE

        register_runtime_services()
        connect_plugin_receivers(PROJECT_TYPE)
        # The sandbox plays Studio too (its Studio pages, studio.py): Studio's receivers, as the CMS connects them.
        connect_plugin_receivers('cms.djangoapp')
