"""
The sandbox host app: the LMS's part of the wiring.
"""
from django.apps import AppConfig


class HostConfig(AppConfig):
    """
    Registers edx-proctoring's runtime services and connects the plugins' signal receivers, as the LMS does at
    start-up (its apps' ``ready()`` and ``connect_plugin_receivers(ProjectType.LMS)``).
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
