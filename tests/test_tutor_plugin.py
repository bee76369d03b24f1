"""
The Tutor plugin in ``tutor-plugin/``, run by the real Tutor (pinned in requirements/test.txt).

The plugin is built and installed (as a wheel, into a folder of its own) the way an operator's ``pip install``
would, so Tutor finds it through its ``tutor.plugin.v1`` entry point. Each Tutor project lives in a temporary
TUTOR_ROOT: ``tutor plugins enable offline_delivery`` and ``tutor config save`` render the environment, and the
tests read what Tutor wrote there: the LMS and Studio settings, the image's Dockerfile, docker-compose, Kubernetes
and Caddy files.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import override_settings

from offline_delivery_plugin import __version__ as PLUGIN_VERSION
from offline_delivery_plugin.crypto import keys

ROOT = Path(__file__).resolve().parents[1]
TUTOR = [sys.executable, '-c', 'import sys; from tutor.commands.cli import main; sys.exit(main())']

FILTER_STEPS = {
    'org.openedx.learning.vertical_block.render.completed.v1':
        'offline_delivery_plugin.extensions.filters.AddCandidatePageToExamUnits',
    'org.openedx.learning.instructor.dashboard.render.started.v1':
        'offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorDashboard',
    'org.openedx.learning.instructor.dashboard.tabs.requested.v1':
        'offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorTabs',
}
# Where Tutor's own templates end the two settings sections the plugin patches.
END_OF_COMMON = '######## End of settings common to LMS and CMS'
END_OF_LMS_COMMON = '######## End of common LMS settings'


@pytest.fixture(scope='module')
def plugin_site(tmp_path_factory):
    """A folder holding the Tutor plugin installed from its own packaging (wheel, metadata, entry point)."""
    work = tmp_path_factory.mktemp('tutor-plugin')
    source = work / 'source'  # a copy: the build writes its egg-info next to the sources
    shutil.copytree(ROOT / 'tutor-plugin', source, ignore=shutil.ignore_patterns('*.egg-info', 'build'))
    site = work / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--no-index',
                    '--target', str(site), str(source)], check=True, capture_output=True, text=True)
    return site


class TutorProject:
    """One Tutor project (TUTOR_ROOT) with the plugin installed; ``run`` runs the ``tutor`` command in it."""

    def __init__(self, root, site, plugins_root):
        self.root = root
        self.environ = {**os.environ, 'TUTOR_ROOT': str(root), 'TUTOR_PLUGINS_ROOT': str(plugins_root),
                        'PYTHONPATH': os.pathsep.join(filter(None, [str(site), os.environ.get('PYTHONPATH')]))}

    def run(self, *args, check=True):
        result = subprocess.run([*TUTOR, *args], env=self.environ, capture_output=True, text=True, timeout=120,
                                check=False)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def read(self, path):
        return (self.root / 'env' / path).read_text(encoding='utf-8')

    def config(self):
        return yaml.safe_load((self.root / 'config.yml').read_text(encoding='utf-8'))

    def compose_services(self):
        return yaml.safe_load(self.read('local/docker-compose.prod.yml'))['services']

    def k8s_deployments(self):
        return {doc['metadata']['name']: doc for doc in yaml.safe_load_all(self.read('k8s/deployments.yml')) if doc}


def _project(tmp_path_factory, plugin_site, *settings):
    root = tmp_path_factory.mktemp('tutor-root')
    project = TutorProject(root, plugin_site, tmp_path_factory.mktemp('tutor-plugins'))
    project.run('plugins', 'enable', 'offline_delivery')
    project.run('config', 'save', *[arg for setting in settings for arg in ('--set', setting)])
    return project


@pytest.fixture(scope='module')
def default_project(tmp_path_factory, plugin_site):
    """The plugin enabled with its defaults, as docs/install.rst tells an operator."""
    return _project(tmp_path_factory, plugin_site)


@pytest.fixture(scope='module')
def tuned_project(tmp_path_factory, plugin_site):
    """The plugin with its own queue and workers, a rotated KEK and another plugin setting."""
    return _project(
        tmp_path_factory, plugin_site,
        'OFFLINE_DELIVERY_CELERY_QUEUE=offline_delivery',
        'OFFLINE_DELIVERY_RUN_WORKER=true',
        'OFFLINE_DELIVERY_WORKER_REPLICAS=3',
        'OFFLINE_DELIVERY_SWEEP_SECONDS=120',
        'OFFLINE_DELIVERY_KEK_ID=tutor-2',
        f'OFFLINE_DELIVERY_RETIRED_KEKS={{"tutor-1": "{base64.b64encode(bytes(range(32))).decode()}"}}',
        'OFFLINE_DELIVERY_SETTINGS={"OFFLINE_DELIVERY_MAX_FILE_BYTES": 20971520, '
        '"OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES": 45}',
    )


def _section(text, start, end):
    """The lines of a rendered settings file from the line beginning with ``start`` up to the line ``end``."""
    lines = text.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith(start))
    last = lines.index(end, first)
    return '\n'.join(lines[first:last])


def _run_settings(project, service, **existing):
    """
    Execute the plugin's part of a rendered production settings file on top of ``existing`` settings (what
    edx-platform and other plugins defined before it) and return the resulting settings.
    """
    text = project.read(f'apps/openedx/settings/{service}/production.py')
    namespace = dict(existing)
    exec(_section(text, '# offline_delivery_plugin (Tutor plugin', END_OF_COMMON), namespace)
    if service == 'lms':
        exec(_section(text, '# offline_delivery_plugin: the key-encryption keys', END_OF_LMS_COMMON), namespace)
    return {name: value for name, value in namespace.items() if name.isupper()}


@pytest.mark.parametrize('path', [
    'apps/openedx/settings/lms/production.py',
    'apps/openedx/settings/lms/development.py',
    'apps/openedx/settings/cms/production.py',
    'apps/openedx/settings/cms/development.py',
])
def test_rendered_settings_compile_and_carry_the_plugin(default_project, path):
    text = default_project.read(path)
    compile(text, path, 'exec')
    assert "OFFLINE_DELIVERY_CELERY_QUEUE = 'edx.lms.core.default'" in text


def test_the_lms_gets_the_generated_kek_and_studio_does_not(default_project):
    kek = default_project.config()['OFFLINE_DELIVERY_KEK']
    assert len(base64.b64decode(kek, validate=True)) == 32
    lms = _run_settings(default_project, 'lms')
    assert lms['OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS'] == {'tutor-1': kek}
    assert lms['OFFLINE_DELIVERY_ACTIVE_KEK_ID'] == 'tutor-1'
    # The plugin's own key code takes it.
    with override_settings(OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS=lms['OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS'],
                           OFFLINE_DELIVERY_ACTIVE_KEK_ID=lms['OFFLINE_DELIVERY_ACTIVE_KEK_ID']):
        assert keys.active_kek_id() == 'tutor-1'
    assert kek in default_project.read('apps/openedx/settings/lms/development.py')
    for path in ('apps/openedx/settings/cms/production.py', 'apps/openedx/settings/cms/development.py'):
        assert kek not in default_project.read(path)
        assert 'OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS' not in default_project.read(path)


def test_the_kek_is_generated_once(default_project):
    kek = default_project.config()['OFFLINE_DELIVERY_KEK']
    default_project.run('config', 'save')
    assert default_project.config()['OFFLINE_DELIVERY_KEK'] == kek


def test_filters_are_added_to_the_steps_already_configured(default_project):
    other = 'someone_else.filters.Step'
    lms = _run_settings(default_project, 'lms', OPEN_EDX_FILTERS_CONFIG={
        'org.openedx.learning.vertical_block.render.completed.v1': {'fail_silently': True, 'pipeline': [other]},
        'org.openedx.learning.course.enrollment.started.v1': {'fail_silently': False, 'pipeline': [other]},
    })
    filters = lms['OPEN_EDX_FILTERS_CONFIG']
    unit_filter = 'org.openedx.learning.vertical_block.render.completed.v1'
    assert filters[unit_filter] == {'fail_silently': True, 'pipeline': [other, FILTER_STEPS[unit_filter]]}
    assert filters['org.openedx.learning.course.enrollment.started.v1']['pipeline'] == [other]
    for filter_type, step in FILTER_STEPS.items():
        assert filters[filter_type]['pipeline'].count(step) == 1
    # Without any configuration before it, exactly the README's configuration.
    assert _run_settings(default_project, 'lms')['OPEN_EDX_FILTERS_CONFIG'] == {
        filter_type: {'fail_silently': True, 'pipeline': [step]} for filter_type, step in FILTER_STEPS.items()
    }


def test_beat_schedules_the_sweep_on_the_plugins_queue(default_project, tuned_project):
    lms = _run_settings(default_project, 'lms', CELERYBEAT_SCHEDULE={'other': {'task': 'x', 'schedule': 60}})
    assert lms['CELERYBEAT_SCHEDULE'] == {
        'other': {'task': 'x', 'schedule': 60},
        'offline-delivery-finalise-expired-attempts': {
            'task': 'offline_delivery_plugin.finalise_expired_attempts',
            'schedule': 300,
            'options': {'queue': 'edx.lms.core.default'},
        },
    }
    assert 'CELERYBEAT_SCHEDULE' not in _run_settings(default_project, 'cms')
    tuned = _run_settings(tuned_project, 'lms')['CELERYBEAT_SCHEDULE']['offline-delivery-finalise-expired-attempts']
    assert (tuned['schedule'], tuned['options']) == (120, {'queue': 'offline_delivery'})


def test_one_beat_process_runs_and_no_extra_worker_by_default(default_project):
    compose = default_project.compose_services()
    beat = compose['offline-delivery-beat']
    assert beat['command'][:3] == ['celery', '--app=lms.celery', 'beat']
    assert beat['environment']['DJANGO_SETTINGS_MODULE'] == 'lms.envs.tutor.production'
    assert 'offline-delivery-worker' not in compose
    deployments = default_project.k8s_deployments()
    assert deployments['offline-delivery-beat']['spec']['replicas'] == 1
    assert deployments['offline-delivery-beat']['spec']['strategy'] == {'type': 'Recreate'}
    assert 'offline-delivery-worker' not in deployments


def test_workers_of_its_own_serve_the_plugins_queue(tuned_project):
    compose = tuned_project.compose_services()
    worker = compose['offline-delivery-worker']
    assert '--queues=offline_delivery' in worker['command']
    assert worker['deploy'] == {'replicas': 3}
    assert '../../data/openedx-media:/openedx/media:z' in worker['volumes']
    deployments = tuned_project.k8s_deployments()
    assert deployments['offline-delivery-worker']['spec']['replicas'] == 3
    for service in ('lms', 'cms'):
        assert _run_settings(tuned_project, service)['OFFLINE_DELIVERY_CELERY_QUEUE'] == 'offline_delivery'


def test_retired_keks_and_other_settings_reach_the_settings(tuned_project):
    lms = _run_settings(tuned_project, 'lms')
    assert set(lms['OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS']) == {'tutor-1', 'tutor-2'}
    assert lms['OFFLINE_DELIVERY_ACTIVE_KEK_ID'] == 'tutor-2'
    assert lms['OFFLINE_DELIVERY_KEY_ENCRYPTION_KEYS']['tutor-2'] == tuned_project.config()['OFFLINE_DELIVERY_KEK']
    cms = _run_settings(tuned_project, 'cms')
    for settings in (lms, cms):
        assert settings['OFFLINE_DELIVERY_MAX_FILE_BYTES'] == 20971520
        assert settings['OFFLINE_DELIVERY_EXPIRY_GRACE_MINUTES'] == 45


def test_the_image_installs_the_plugin(default_project):
    dockerfile = default_project.read('build/openedx/Dockerfile')
    assert f"$PIP_COMMAND install 'offline-delivery-plugin=={PLUGIN_VERSION}'" in dockerfile


def test_launch_builds_the_openedx_image(default_project):
    code = ('import json; from tutor import hooks, plugins; from tutor.commands import cli; '
            'hooks.Actions.CORE_READY.do(); plugins.load("offline_delivery"); '
            'print(json.dumps([hooks.Filters.IMAGES_BUILD_REQUIRED.apply([], name) for name in ("local", "dev")]))')
    result = subprocess.run([sys.executable, '-c', code], env=default_project.environ, capture_output=True, text=True,
                            timeout=120, check=True)
    local, dev = json.loads(result.stdout.strip().splitlines()[-1])
    assert local == ['openedx']
    assert 'openedx' not in dev  # tutor dev builds openedx-dev from the same Dockerfile


@pytest.mark.parametrize('path', ['apps/openedx/config/lms.env.yml', 'apps/openedx/config/cms.env.yml'])
def test_proctored_exams_and_the_course_settings_field_are_on(default_project, path):
    features = yaml.safe_load(default_project.read(path))['FEATURES']
    assert features['ENABLE_SPECIAL_EXAMS'] is True
    assert features['ENABLE_PROCTORED_EXAMS'] is True
    # Studio shows and saves other_course_settings only with it (cms/envs/common.py: default False).
    assert features['ENABLE_OTHER_COURSE_SETTINGS'] is True


def test_a_mounted_checkout_is_installed_instead_of_the_package(tmp_path_factory, plugin_site):
    checkout = tmp_path_factory.mktemp('src') / 'offline-delivery-plugin'
    checkout.mkdir()
    project = TutorProject(tmp_path_factory.mktemp('tutor-root'), plugin_site, tmp_path_factory.mktemp('plugins'))
    project.run('plugins', 'enable', 'offline_delivery')
    project.run('mounts', 'add', str(checkout))
    project.run('config', 'save')
    listed = project.run('mounts', 'list').stdout
    assert 'mnt-offline-delivery-plugin' in listed
    dockerfile = project.read('build/openedx/Dockerfile')
    assert '$PIP_COMMAND install -e "/mnt/offline-delivery-plugin"' in dockerfile
    assert 'offline-delivery-plugin==' not in dockerfile
    assert f'{checkout}:/mnt/offline-delivery-plugin' in project.read('local/docker-compose.yml')


def test_caddy_lets_uploads_through_and_keeps_the_files_private(default_project):
    caddyfile = default_project.read('apps/caddy/Caddyfile')
    cms_host = default_project.run('config', 'printvalue', 'CMS_HOST').stdout.strip()
    lms_site = caddyfile.split(f'\n{cms_host}')[0]
    assert 'handle /offline-delivery/* {' in lms_site
    assert 'max_size 500MB' in lms_site
    assert '@offline_delivery_files path /media/offline_delivery/*' in lms_site
    assert 'respond @offline_delivery_files 404' in lms_site


@pytest.mark.parametrize(('setting', 'message'), [
    ('OFFLINE_DELIVERY_KEK=c2hvcnQ=', 'OFFLINE_DELIVERY_KEK must be base64 of exactly 32 bytes'),
    ('OFFLINE_DELIVERY_SETTINGS={"SECRET_KEY": "x"}', 'may only set OFFLINE_DELIVERY_* settings'),
    ('OFFLINE_DELIVERY_SETTINGS={"OFFLINE_DELIVERY_ACTIVE_KEK_ID": "x"}', "written from this plugin's own"),
    ('OFFLINE_DELIVERY_CELERY_QUEUE=two queues', 'must name a Celery queue'),
])
def test_a_value_the_lms_would_refuse_stops_tutor(tmp_path_factory, plugin_site, setting, message):
    project = TutorProject(tmp_path_factory.mktemp('tutor-root'), plugin_site, tmp_path_factory.mktemp('plugins'))
    project.run('plugins', 'enable', 'offline_delivery')
    result = project.run('config', 'save', '--set', setting, check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_on_site_invigilation_is_offered_beside_the_configured_backends(default_project):
    configured = {'DEFAULT': 'software_secure', 'software_secure': {'secret_key': 's'}}
    for service in ('lms', 'cms'):
        backends = _run_settings(default_project, service, PROCTORING_BACKENDS=configured)['PROCTORING_BACKENDS']
        assert backends == {**configured, 'onsite_invigilation': {}}
        assert _run_settings(default_project, service)['PROCTORING_BACKENDS'] == {
            'DEFAULT': 'null', 'null': {}, 'onsite_invigilation': {}}


def test_the_learning_mfe_gets_the_exam_file_widget_in_the_breadcrumbs_slot(default_project):
    # tutor-mfe (pinned in requirements/test.txt) renders the learning MFE's env.config.jsx from the plugin's
    # mfe-env-config-* patches and its PLUGIN_SLOTS item.
    config = default_project.read('plugins/mfe/build/mfe/env.config.jsx')
    assert 'function OfflineDeliveryExamFile({ courseId, sequenceId })' in config
    learning = config[config.index("process.env.APP_ID == 'learning'"):]
    assert "addPlugins(config, 'org.openedx.frontend.learning.course_breadcrumbs.v1', [{" in learning
    assert 'RenderWidget: OfflineDeliveryExamFile' in learning
    # The LMS knows the learning MFE's origin, which may frame the plugin's exam-file page.
    lms = default_project.read('apps/openedx/settings/lms/production.py')
    assert 'LEARNING_MICROFRONTEND_URL = ' in lms
