"""
Production settings of the plugin.

In a modern edx-platform the operator's YAML is loaded straight into the settings namespace before plugins run,
so the operator's values are already in place; hosts that still pass ``ENV_TOKENS`` get those read here.
"""
from offline_delivery_plugin.settings.common import DEFAULTS


def plugin_settings(settings):
    """
    Take ``OFFLINE_DELIVERY_*`` values from ``ENV_TOKENS`` where the host provides it.
    """
    env_tokens = getattr(settings, 'ENV_TOKENS', None) or {}
    for name in DEFAULTS:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
