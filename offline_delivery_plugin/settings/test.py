"""
Test settings of the plugin: the common defaults; tests override single values with ``override_settings``.
"""
from offline_delivery_plugin.settings.common import plugin_settings as common_plugin_settings


def plugin_settings(settings):
    """
    Apply the common defaults (a test host may run only the ``test`` settings type).
    """
    common_plugin_settings(settings)
