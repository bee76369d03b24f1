"""
The Django app of the plugin and how it wires itself into the LMS and Studio.

``plugin_app`` is read by ``edx_django_utils.plugins`` in the host: the LMS and Studio mount the URL
configurations, apply the settings modules and connect the signal receivers declared here. Nothing in this
module reads settings at import time.
"""
from django.apps import AppConfig

LMS = 'lms.djangoapp'
CMS = 'cms.djangoapp'


class OfflineDeliveryConfig(AppConfig):
    """
    Offline encrypted delivery for edx-proctoring exams.
    """

    name = 'offline_delivery_plugin'
    label = 'offline_delivery_plugin'
    verbose_name = 'Offline delivery'
    default_auto_field = 'django.db.models.BigAutoField'

    plugin_app = {
        'url_config': {
            LMS: {
                'namespace': 'offline_delivery_plugin',
                'regex': r'^offline-delivery/',
                'relative_path': 'urls',
            },
            CMS: {
                'namespace': 'offline_delivery_plugin',
                'regex': r'^offline-delivery/',
                'relative_path': 'urls_cms',
            },
        },
        'settings_config': {
            project_type: {
                'common': {'relative_path': 'settings.common'},
                'production': {'relative_path': 'settings.production'},
                'test': {'relative_path': 'settings.test'},
            }
            for project_type in (LMS, CMS)
        },
        'signals_config': {
            LMS: {
                'relative_path': 'signals.handlers',
                'receivers': [
                    {
                        'receiver_func_name': 'record_attempt_status',
                        'signal_path': 'edx_proctoring.signals.exam_attempt_status_signal',
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
