"""
The Django app of the plugin and how it wires itself into the LMS and Studio.

``plugin_app`` is read by ``edx_django_utils.plugins`` in the host: the LMS and Studio mount the URL
configurations, apply the settings modules and connect the signal receivers declared here. Nothing in this
module reads settings at import time.
"""
from django.apps import AppConfig
from edx_django_utils.plugins import PluginSettings, PluginSignals, PluginURLs

#: The project types of ``plugin_app`` (edx-platform's ``ProjectType``), and its settings types (``SettingsType``).
LMS = 'lms.djangoapp'
CMS = 'cms.djangoapp'
COMMON, PRODUCTION, TEST = 'common', 'production', 'test'


class OfflineDeliveryConfig(AppConfig):
    """
    Offline encrypted delivery for edx-proctoring exams.
    """

    name = 'offline_delivery_plugin'
    label = 'offline_delivery_plugin'
    verbose_name = 'Offline delivery'
    default_auto_field = 'django.db.models.BigAutoField'

    plugin_app = {
        PluginURLs.CONFIG: {
            LMS: {
                PluginURLs.NAMESPACE: 'offline_delivery_plugin',
                PluginURLs.REGEX: r'^offline-delivery/',
                PluginURLs.RELATIVE_PATH: 'urls',
            },
            CMS: {
                PluginURLs.NAMESPACE: 'offline_delivery_plugin',
                PluginURLs.REGEX: r'^offline-delivery/',
                PluginURLs.RELATIVE_PATH: 'urls_cms',
            },
        },
        PluginSettings.CONFIG: {
            project_type: {
                settings_type: {PluginSettings.RELATIVE_PATH: f'settings.{settings_type}'}
                for settings_type in (COMMON, PRODUCTION, TEST)
            }
            for project_type in (LMS, CMS)
        },
        PluginSignals.CONFIG: {
            LMS: {
                PluginSignals.RELATIVE_PATH: 'signals.handlers',
                PluginSignals.RECEIVERS: [
                    {
                        PluginSignals.RECEIVER_FUNC_NAME: 'record_attempt_status',
                        PluginSignals.SIGNAL_PATH: 'edx_proctoring.signals.exam_attempt_status_signal',
                    },
                ],
            },
            CMS: {
                PluginSignals.RELATIVE_PATH: 'signals.handlers',
                PluginSignals.RECEIVERS: [
                    {
                        PluginSignals.RECEIVER_FUNC_NAME: 'check_course_settings_on_publish',
                        PluginSignals.SIGNAL_PATH:
                            'openedx_events.content_authoring.signals.COURSE_CATALOG_INFO_CHANGED',
                    },
                ],
            },
        },
    }

    def ready(self):
        """
        Register the permission rules.

        Signal receivers are connected by the host from ``signals_config`` (``connect_plugin_receivers`` in the LMS
        and in the sandbox), so they are not imported here: importing them with ``@receiver`` as well would connect
        them twice under different dispatch uids.
        """
        # pylint: disable=import-outside-toplevel,unused-import
        from offline_delivery_plugin import rules  # noqa: F401
