"""
The plugin's wiring into the LMS and Studio: entry points, plugin_app, URLs, settings, signals, migrations.
"""
import types
from importlib.metadata import entry_points
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve, reverse
from edx_django_utils.plugins import get_plugin_apps, get_plugin_url_patterns
from edx_proctoring.signals import exam_attempt_status_signal

from offline_delivery_plugin.apps import OfflineDeliveryConfig
from offline_delivery_plugin.settings import common, production
from offline_delivery_plugin.settings import test as test_settings
from offline_delivery_plugin.signals.handlers import record_attempt_status


@pytest.mark.parametrize('group', ['lms.djangoapp', 'cms.djangoapp'])
def test_entry_point_loads_the_app_config(group):
    found = [ep for ep in entry_points(group=group) if ep.name == 'offline_delivery_plugin']
    assert len(found) == 1
    config = found[0].load()
    assert config is OfflineDeliveryConfig
    assert group in config.plugin_app['url_config']
    assert group in config.plugin_app['settings_config']
    assert 'offline_delivery_plugin.apps.OfflineDeliveryConfig' in get_plugin_apps(group)


def test_lms_urls_mount_where_the_lms_mounts_plugin_urls():
    # The LMS appends get_plugin_url_patterns(ProjectType.LMS) to its root urlpatterns; the sandbox does the same.
    patterns = [str(p.pattern) for p in get_plugin_url_patterns('lms.djangoapp')]
    assert '^offline-delivery/' in patterns
    url = reverse('offline_delivery_plugin:v1:course-exams', kwargs={'course_id': 'course-v1:Org+Num+Run'})
    assert url == '/offline-delivery/api/v1/courses/course-v1:Org+Num+Run/exams/'
    assert resolve(url).func.view_class.__name__ == 'CourseExamsView'


def test_cms_urls_carry_the_settings_validation():
    patterns = [str(p.pattern) for p in get_plugin_url_patterns('cms.djangoapp')]
    assert '^offline-delivery/' in patterns
    url = reverse('studio:offline_delivery_plugin:v1:course-settings-validate',
                  kwargs={'course_id': 'course-v1:Org+Num+Run'})
    assert url == '/studio/offline-delivery/api/v1/courses/course-v1:Org+Num+Run/settings/validate/'


def test_common_settings_set_defaults_and_keep_operator_values():
    host = types.SimpleNamespace(OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS=30)
    common.plugin_settings(host)
    assert host.OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS == 30  # the operator's value
    assert host.OFFLINE_DELIVERY_CONNECTION_LOST_AFTER_SECONDS == 60
    assert host.OFFLINE_DELIVERY_EDXAPP_BACKEND == 'offline_delivery_plugin.compat.edx_platform'
    assert set(common.DEFAULTS) <= set(vars(host))


@pytest.mark.parametrize('kind', [list, tuple])
def test_common_settings_add_the_start_gate_to_the_host_middleware(kind):
    # edx-proctoring's own test settings (and older LMS settings files) keep MIDDLEWARE as a tuple.
    host = types.SimpleNamespace(MIDDLEWARE=kind(['django.contrib.sessions.middleware.SessionMiddleware']),
                                 MAKO_TEMPLATE_DIRS_BASE=kind(['/lms/templates']))
    common.plugin_settings(host)
    test_settings.plugin_settings(host)  # the LMS applies the common settings, then the test ones
    middleware, mako_dirs = host.MIDDLEWARE, host.MAKO_TEMPLATE_DIRS_BASE
    assert middleware == kind(['django.contrib.sessions.middleware.SessionMiddleware', common.GATE_MIDDLEWARE])
    assert mako_dirs == kind(['/lms/templates', common.TEMPLATES_DIR])


def test_common_settings_leave_a_host_without_middleware_without():
    host = types.SimpleNamespace()
    common.plugin_settings(host)
    assert not hasattr(host, 'MIDDLEWARE')
    assert not hasattr(host, 'MAKO_TEMPLATE_DIRS_BASE')


def test_test_settings_apply_the_defaults():
    host = types.SimpleNamespace()
    test_settings.plugin_settings(host)
    assert common.DEFAULTS['OFFLINE_DELIVERY_MAX_FILE_BYTES'] == host.OFFLINE_DELIVERY_MAX_FILE_BYTES


def test_production_settings_take_env_tokens():
    host = types.SimpleNamespace(ENV_TOKENS={'OFFLINE_DELIVERY_CELERY_QUEUE': 'edx.lms.core.default',
                                             'UNRELATED': 1})
    common.plugin_settings(host)
    production.plugin_settings(host)
    assert host.OFFLINE_DELIVERY_CELERY_QUEUE == 'edx.lms.core.default'
    assert not hasattr(host, 'UNRELATED')


def test_production_settings_without_env_tokens_change_nothing():
    host = types.SimpleNamespace(OFFLINE_DELIVERY_CELERY_QUEUE='mine')
    production.plugin_settings(host)
    assert vars(host) == {'OFFLINE_DELIVERY_CELERY_QUEUE': 'mine'}


def test_sandbox_applied_the_plugin_settings(settings):
    # add_plugins() in sandbox.settings ran the plugin's settings modules; the sandbox's own backend wins.
    assert settings.OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS == 15
    assert settings.OFFLINE_DELIVERY_EDXAPP_BACKEND == 'sandbox.host.edxapp_backend'


def test_attempt_status_receiver_is_connected():
    receivers = exam_attempt_status_signal._live_receivers(sender='edx_proctoring')  # pylint: disable=protected-access
    flat = receivers[0] if isinstance(receivers, tuple) else receivers
    assert record_attempt_status in flat


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command('makemigrations', 'offline_delivery_plugin', '--check', '--dry-run', stdout=out)
    assert 'No changes detected' in out.getvalue()


@override_settings(OFFLINE_DELIVERY_EDXAPP_BACKEND='offline_delivery_plugin.compat.edx_platform')
def test_settings_are_read_at_call_time_not_import_time():
    # The compat door reads the backend setting on every call: with the edx-platform backend selected and no
    # edx-platform installed, the call fails on the platform import, proving the setting was honoured.
    from offline_delivery_plugin import compat  # pylint: disable=import-outside-toplevel

    with pytest.raises(ModuleNotFoundError):
        compat.get_course(None)


def test_the_service_worker_is_served_to_cover_the_site(client):
    response = client.get('/offline-delivery/service-worker.js')
    assert response.status_code == 200
    assert response['Content-Type'].startswith('application/javascript')
    assert response['Service-Worker-Allowed'] == '/'
    assert b"addEventListener('fetch'" in response.content
    assert client.post('/offline-delivery/service-worker.js').status_code == 405
