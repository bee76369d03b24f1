"""
The baseline host plus the plugin, installed as an LMS installs it:

* the app from its ``lms.djangoapp`` entry point (``get_plugin_apps``);
* its ``common`` then ``test`` settings applied to this module, as ``add_plugins`` does in the LMS's
  ``envs/common.py`` and ``envs/test.py`` (only the plugin's: edx-proctoring's own ``plugin_settings`` would reset
  the backends its tests configure, and the baseline does not apply it either), which puts the start gate into the
  tuple ``MIDDLEWARE``;
* its receivers connected from ``signals_config`` and its URLs mounted (``apps.PluginHostConfig``, ``urls``);
* Celery eager and propagating, as in the LMS's test settings, so a task's error reaches the code that queued it.
"""
import sys
from importlib import import_module

from django.utils.module_loading import import_string
from edx_django_utils.plugins import get_plugin_apps

from tests.edx_proctoring_suite.settings import *  # noqa: F403  (the same host)
from tests.edx_proctoring_suite.settings import INSTALLED_APPS

LMS = 'lms.djangoapp'
PLUGIN_APP = next((app for app in get_plugin_apps(LMS) if app.startswith('offline_delivery_plugin.')), None)
if PLUGIN_APP is None:
    raise ImportError('offline_delivery_plugin has no lms.djangoapp entry point: install it (pip install -e .).')

INSTALLED_APPS = (*INSTALLED_APPS, PLUGIN_APP, 'tests.edx_proctoring_suite.apps.PluginHostConfig')

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = 'memory://'

# See edxapp_backend: an LMS without course content, set before the plugin's defaults as an operator's value is.
OFFLINE_DELIVERY_EDXAPP_BACKEND = 'tests.edx_proctoring_suite.edxapp_backend'


def _apply_plugin_settings(settings_type):
    plugin = import_string(PLUGIN_APP)
    relative_path = plugin.plugin_app['settings_config'][LMS][settings_type]['relative_path']
    import_module(f'{plugin.name}.{relative_path}').plugin_settings(sys.modules[__name__])


_apply_plugin_settings('common')
_apply_plugin_settings('test')
